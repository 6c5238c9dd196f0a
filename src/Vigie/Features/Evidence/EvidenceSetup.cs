namespace Vigie.Features.Evidence;

public static class EvidenceSetup
{
    public static WebApplicationBuilder AddEvidence(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EvidenceOptions>().BindConfiguration(EvidenceOptions.Section)
            .Validate(o => o.MaxBytes is > 0 and <= 64L * 1024 * 1024 * 1024, "Vigie:Evidence:MaxBytes must be between 1 byte and 64 GiB.")
            .ValidateOnStart();
        builder.Services.AddScoped<EvidenceService>();
        return builder;
    }
}
