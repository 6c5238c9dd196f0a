using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Vigie.Features.Pgp;

public static class PgpSetup
{
    /// <summary>
    /// Registers <see cref="PgpOptions"/> (validated at start-up), the <see cref="PgpKeyring"/> and
    /// <see cref="MailCrypto"/> and <see cref="TeamSigner"/> singletons. No process-global <c>CryptographyContext.Register</c>:
    /// every operation builds its own context over the keyring (DESIGN.md).
    /// </summary>
    public static IHostApplicationBuilder AddPgp(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<PgpOptions>().BindConfiguration(PgpOptions.Section).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PgpOptions>, PgpOptionsValidator>());
        builder.Services.TryAddSingleton<PgpKeyring>();
        builder.Services.TryAddSingleton<MailCrypto>();
        builder.Services.TryAddSingleton<TeamSigner>();
        return builder;
    }
}
