using Microsoft.Extensions.Options;
using Quartz;

namespace Vigie.Features.OnCall;

/// <summary>Wires on-call: options (checked at start-up), the service, the webhook client and the job.</summary>
public static class OnCallSetup
{
    public static WebApplicationBuilder AddOnCall(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OnCallOptions>().BindConfiguration(OnCallOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<OnCallOptions>, OnCallOptionsValidator>();
        builder.Services.AddScoped<OnCallService>();
        builder.Services.AddHttpClient(OnCallService.WebhookClient);
        var every = Math.Clamp(builder.Configuration.GetValue($"{OnCallOptions.Section}:RunSeconds", 30), 5, 3600);
        builder.Services.AddQuartz(q =>
        {
            q.AddJob<OnCallJob>(j => j.WithIdentity(OnCallJob.Key));
            q.AddTrigger(t => t.ForJob(OnCallJob.Key).WithIdentity("oncall", "vigie")
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(every)).RepeatForever()));
        });
        return builder;
    }
}
