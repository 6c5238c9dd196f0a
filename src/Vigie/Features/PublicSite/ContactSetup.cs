using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Vigie.Features.PublicSite;

public static class ContactSetup
{
    /// <summary>The public contact form (<c>/contact</c>): its options, checked at start-up, its limiter and its service.</summary>
    public static IHostApplicationBuilder AddContactForm(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ContactFormOptions>().BindConfiguration(ContactFormOptions.Section).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ContactFormOptions>, ContactFormOptionsValidator>());
        builder.Services.AddSingleton<ContactLimiter>();
        builder.Services.AddScoped<ContactSubmission>();
        return builder;
    }
}
