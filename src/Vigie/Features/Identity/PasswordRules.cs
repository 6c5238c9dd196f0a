using Microsoft.Extensions.Localization;

namespace Vigie.Features.Identity;

/// <summary>
/// What a password must be, in the spirit of ASP.NET Core Identity's <c>PasswordOptions</c> but
/// following NIST SP 800-63B §5.1.1.2 rather than composition rules: long enough, not the person's own
/// address or name, and not one of the passwords every cracking list starts with.
/// </summary>
public static class PasswordRules
{
    public const int MinLength = 12;

    /// <summary>
    /// The most common passwords of at least 12 characters (shorter ones already fail the length rule),
    /// and the documented bootstrap values; compared without case.
    /// </summary>
    private static readonly HashSet<string> Common = new(StringComparer.OrdinalIgnoreCase)
    {
        "123456789012", "1234567890123", "12345678901234", "123456123456", "123123123123", "111111111111", "000000000000",
        "123412341234", "qwertyuiop12", "qwertyuiop123", "qwertyuiopas", "qwerty123456", "1q2w3e4r5t6y", "1qaz2wsx3edc",
        "azertyuiop12", "azertyuiop123", "azerty123456", "password1234", "password12345", "password123!", "password@123",
        "passwordpassword", "password123456", "p@ssword1234", "p@ssw0rd1234", "passw0rd1234", "motdepasse12", "motdepasse123",
        "motdepasse1234", "iloveyou1234", "letmein12345", "welcome12345", "welcome123456", "bienvenue123", "bienvenue1234",
        "administrator", "administrateur", "admin1234567", "admin123456789", "adminadminadmin", "changeme1234", "changemenow!",
        "changemechangeme", "vigie1234567", "vigievigievigie", "secret123456", "sunshine1234", "football1234", "princess1234",
        "abc123456789", "abcdefghijkl", "abcdefghijklm", "aaaaaaaaaaaa", "zaq12wsxcde3", "trustno1trustno1", "monkey123456",
        "dragon123456", "soleil123456", "nicolas12345", "marseille123", "correcthorsebatterystaple", "test-password",
    };

    /// <summary>The first rule <paramref name="password"/> breaks, in the reader's language, or null when it is acceptable.</summary>
    public static string? Check(string? password, string email, string? fullName, IStringLocalizer text)
    {
        password ??= "";
        if (password.Length < MinLength)
        {
            return text["Password.TooShort", MinLength];
        }
        var lower = password.Trim().ToLowerInvariant();
        var local = email.Split('@')[0].ToLowerInvariant();
        if (lower == email.ToLowerInvariant() || lower == local
            || (fullName is { Length: > 0 } && Squash(lower) == Squash(fullName.ToLowerInvariant())))
        {
            return text["Password.Personal"];
        }
        if (Common.Contains(lower) || lower.Distinct().Count() <= 2)
        {
            return text["Password.Common"];
        }
        return null;
    }

    /// <summary>The values <c>vigie serve</c> calls a default admin password (docs/identity.md).</summary>
    public static IEnumerable<string> DefaultsFor(string email) =>
        ["", email, email.Split('@')[0], "admin", "vigie", "changeme", "password", "admin123456789", "changeme1234"];

    private static string Squash(string s) => new(s.Where(char.IsLetterOrDigit).ToArray());

    /// <summary>The texts for a culture (the CLI has no request culture).</summary>
    public static IStringLocalizer Text(IStringLocalizerFactory factory) => factory.Create(typeof(IdentityText));

}
