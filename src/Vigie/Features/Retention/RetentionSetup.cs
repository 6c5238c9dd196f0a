using Microsoft.Extensions.Options;
using Quartz;
using Vigie.Features.Audit;

namespace Vigie.Features.Retention;

/// <summary>Wires the retention policy (validated at start-up, every faulty key named), the purge and its daily job.</summary>
public static class RetentionSetup
{
    public static WebApplicationBuilder AddRetention(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>();
        builder.Services.AddSingleton<PseudonymKey>();
        builder.Services.AddScoped<RetentionService>();

        var section = builder.Configuration.GetSection(RetentionOptions.Section);
        var schedule = section.GetValue<string?>(nameof(RetentionOptions.Schedule)) ?? new RetentionOptions().Schedule;
        if (section.GetValue(nameof(RetentionOptions.Enabled), true) && RetentionOptions.IsCron(schedule))
        {
            builder.Services.AddQuartz(q =>
            {
                q.AddJob<RetentionJob>(j => j.WithIdentity(RetentionJob.Key));
                q.AddTrigger(t => t.ForJob(RetentionJob.Key).WithIdentity("retention", "vigie")
                    .WithCronSchedule(schedule, c => c.InTimeZone(TimeZoneInfo.Utc)));
            });
        }
        return builder;
    }
}

/// <summary>
/// Quartz job: the daily purge, as "system". Every node schedules it; on PostgreSQL the run lock lets one node do it and
/// the others return at once, and a second run the same day finds nothing due (each record stops being due once handled).
/// </summary>
[DisallowConcurrentExecution]
public sealed class RetentionJob(IServiceScopeFactory scopes, ILogger<RetentionJob> log) : IJob
{
    public static readonly JobKey Key = new("retention", "vigie");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var run = await scope.ServiceProvider.GetRequiredService<RetentionService>().RunAsync(false, AuditActor.System, cancellationToken);
        if (!run.Skipped)
        {
            log.LogInformation("Retention purge: {Count} record(s) deleted or pseudonymised.", run.Kinds.Sum(k => k.Count));
        }
    }
}
