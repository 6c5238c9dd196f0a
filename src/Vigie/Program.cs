var app = WebApplication.CreateBuilder(args).Build();
app.MapGet("/health", () => "ok");
await app.RunAsync();

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
