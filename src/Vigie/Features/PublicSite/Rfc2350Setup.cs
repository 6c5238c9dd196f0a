namespace Vigie.Features.PublicSite;

public static class Rfc2350Setup
{
    /// <summary>Registers the RFC 2350 publication service.</summary>
    public static IHostApplicationBuilder AddRfc2350(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddScoped<Rfc2350Service>();
        return builder;
    }
}
