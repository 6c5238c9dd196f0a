namespace Vigie.Features.Intake;

public static class IntakeSetup
{
    /// <summary>The reading side of intake: options, the processor and the background worker.</summary>
    public static WebApplicationBuilder AddIntake(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<IntakeOptions>().BindConfiguration(IntakeOptions.Section)
            .Validate(o => o.Workers is >= 1 and <= 64, "Vigie:Intake:Workers must be between 1 and 64.")
            .Validate(o => o.ClaimLease >= TimeSpan.FromMinutes(1), "Vigie:Intake:ClaimLease must be at least 00:01:00.")
            .Validate(o => o.MaxObservablesPerReport is >= 1 and <= 1_000_000, "Vigie:Intake:MaxObservablesPerReport must be between 1 and 1000000.")
            .ValidateOnStart();
        builder.Services.AddSingleton<IntakeSignal>();
        // Code-page encodings before any MimeKit use: TNEF's static initialiser fails for good without them.
        Parsing.MailParsing.EnsureEncodings();
        builder.Services.AddSingleton<Parsing.MailContentReader>();
        builder.Services.AddScoped<ReportProcessor>();
        builder.Services.AddHostedService<IntakeWorker>();
        return builder;
    }
}
