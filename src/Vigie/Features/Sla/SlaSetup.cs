using Microsoft.Extensions.Options;
using Quartz;
using Vigie.Features.TeamProfile;

namespace Vigie.Features.Sla;

/// <summary>
/// Wires the business calendar, the SLA policy and the scheduler. Quartz.NET runs the periodic work
/// (the SLA sweep here, on-call escalations in their feature) in memory on every node: each job is
/// idempotent and claims its work with a database constraint, so two nodes never record or page twice.
/// </summary>
public static class SlaSetup
{
    public static WebApplicationBuilder AddSla(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SlaOptions>().BindConfiguration(SlaOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SlaOptions>, SlaOptionsValidator>();
        builder.Services.AddSingleton(sp => Build(SlaConfiguration.BuildCalendar(Team(sp), Sla(sp))));
        builder.Services.AddSingleton(sp => Build(SlaConfiguration.BuildPolicy(Team(sp), Sla(sp))));
        builder.Services.AddScoped<SlaService>();
        builder.Services.AddScoped<SlaExplainer>();
        builder.Services.AddHostedService<SlaBackfill>();

        var sweep = Math.Clamp(builder.Configuration.GetValue($"{SlaOptions.Section}:SweepSeconds", 60), 10, 3600);
        builder.Services.AddQuartz(q =>
        {
            q.AddJob<SlaSweepJob>(j => j.WithIdentity(SlaSweepJob.Key));
            q.AddTrigger(t => t.ForJob(SlaSweepJob.Key).WithIdentity("sla-sweep", "vigie")
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(sweep)).RepeatForever()));
        });
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return builder;
    }

    private static TeamProfileOptions Team(IServiceProvider sp) => sp.GetRequiredService<IOptions<TeamProfileOptions>>().Value;

    private static SlaOptions Sla(IServiceProvider sp) => sp.GetRequiredService<IOptions<SlaOptions>>().Value;

    private static T Build<T>(Core.Result<T> result) => result.IsSuccess ? result.Value!
        : throw new OptionsValidationException(SlaOptions.Section, typeof(SlaOptions), [SlaConfiguration.Describe(result.Error!)]);
}

/// <summary>Checks <see cref="SlaOptions"/> with the profile's hours at start-up, naming every faulty key.</summary>
internal sealed class SlaOptionsValidator(IOptions<TeamProfileOptions> team) : IValidateOptions<SlaOptions>
{
    public ValidateOptionsResult Validate(string? name, SlaOptions options)
    {
        var failures = new List<string>();
        var calendar = SlaConfiguration.BuildCalendar(team.Value, options);
        var policy = SlaConfiguration.BuildPolicy(team.Value, options);
        foreach (var error in new[] { calendar.Error, policy.Error })
        {
            foreach (var (field, messages) in error?.Fields ?? new Dictionary<string, string[]>())
            {
                failures.AddRange(messages.Select(m => $"{field}: {m}"));
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
