namespace Vigie.Features.Correspondence;

/// <summary>Wires the correspondence: <see cref="CorrespondenceOptions"/> (<c>Vigie:Correspondence</c>) and its services.</summary>
public static class CorrespondenceSetup
{
    public static WebApplicationBuilder AddCorrespondence(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<CorrespondenceOptions>().BindConfiguration(CorrespondenceOptions.Section)
            .Validate(o => o.ReplyExpectedWithin > TimeSpan.Zero, $"{CorrespondenceOptions.Section}:ReplyExpectedWithin must be positive (e.g. 2.00:00:00).")
            .ValidateOnStart();
        builder.Services.AddScoped<CorrespondenceService>();
        builder.Services.AddScoped<CorrespondenceTemplates>();
        builder.Services.AddScoped<CorrespondenceInbox>();
        return builder;
    }
}
