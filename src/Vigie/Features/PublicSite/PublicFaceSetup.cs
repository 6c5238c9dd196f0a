using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Vigie.Features.PublicSite;

/// <summary>The team's public face beyond the RFC 2350 pages: security.txt, the public key, and the dashboard's warnings about them.</summary>
public static class PublicFaceSetup
{
    public static IHostApplicationBuilder AddPublicFace(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SecurityTxtOptions>().BindConfiguration(SecurityTxtOptions.Section).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SecurityTxtOptions>, SecurityTxtOptionsValidator>());
        builder.Services.TryAddSingleton<SecurityTxtService>();
        builder.Services.TryAddSingleton<PublicFaceStatus>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IPublicFaceCheck, TeamKeyFaceCheck>());
        return builder;
    }

    /// <summary>Maps security.txt (both places) and the team's public key.</summary>
    public static IEndpointRouteBuilder MapPublicFace(this IEndpointRouteBuilder app)
    {
        app.MapSecurityTxt();
        app.MapTeamKey();
        return app;
    }
}
