using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Vigie.Features.PublicSite;

public static class PublicSiteSetup
{
    /// <summary>Registers the shared <see cref="PublicSiteOptions"/>, checked at start-up.</summary>
    public static IHostApplicationBuilder AddPublicSite(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<PublicSiteOptions>().BindConfiguration(PublicSiteOptions.Section).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PublicSiteOptions>, PublicSiteOptionsValidator>());
        return builder;
    }
}
