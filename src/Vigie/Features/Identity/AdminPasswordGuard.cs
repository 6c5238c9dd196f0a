using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Vigie.Data;

namespace Vigie.Features.Identity;

/// <summary>
/// <c>vigie serve</c> refuses to start while an enabled admin account has an empty or default password:
/// empty, equal to its e-mail address or to the part before the @, or one of the documented bootstrap
/// values of <see cref="PasswordRules.DefaultsFor"/> (docs/identity.md).
/// </summary>
public static class AdminPasswordGuard
{
    /// <summary>The addresses of admin accounts with a default password (none: the server may start).</summary>
    public static async Task<IReadOnlyList<string>> FindDefaultAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var admins = await db.Users.AsNoTracking().Where(u => u.Role == UserRole.Admin && !u.Disabled).ToListAsync(ct);
        var hasher = new PasswordHasher<User>();
        return [.. admins.Where(a => string.IsNullOrEmpty(a.PasswordHash)
            || PasswordRules.DefaultsFor(a.Email).Any(p => hasher.VerifyHashedPassword(a, a.PasswordHash, p) != PasswordVerificationResult.Failed))
            .Select(a => a.Email)];
    }

    /// <summary>The refusal, in the operator's language, naming what to do.</summary>
    public static string Message(string email) => string.Format(System.Globalization.CultureInfo.CurrentCulture,
        System.Globalization.CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "fr"
            ? "erreur : le compte administrateur {0} a un mot de passe vide ou par défaut ; Vigie ne démarre pas ainsi. Définissez-en un : vigie user set-password {0} --password-stdin"
            : "error: the admin account {0} has an empty or default password; Vigie will not start like this. Set one: vigie user set-password {0} --password-stdin",
        email);
}
