using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Vigie.Data;

/// <summary>
/// Secrets at rest (DESIGN.md: IMAP and relay passwords, the team key's passphrase, the on-call webhook
/// secret) may be written encrypted, as <c>protected:…</c>, in configuration or in their secret file:
/// <c>vigie secret protect</c> makes the value with this installation's DataProtection keys, and only a
/// host holding those keys reads it. A plain value still works (and stays the operator's choice).
/// </summary>
public sealed class SecretValues(IDataProtectionProvider provider)
{
    public const string Prefix = "protected:";

    private readonly IDataProtector _protector = provider.CreateProtector("Vigie.Secrets.v1");

    public static bool IsProtected(string? value) => value?.StartsWith(Prefix, StringComparison.Ordinal) == true;

    /// <summary>The value to put in configuration or a secret file.</summary>
    public string Protect(string secret) => Prefix + _protector.Protect(secret);

    /// <summary>The secret itself: a protected value decrypted, a plain one as it is.</summary>
    /// <param name="value">The configured value (or the secret file's first line).</param>
    /// <param name="where">The configuration key or file, named when the value cannot be read (never the value).</param>
    /// <exception cref="SecretUnreadableException">A protected value these keys do not open.</exception>
    public string Reveal(string? value, string where)
    {
        if (!IsProtected(value))
        {
            return value ?? "";
        }
        try
        {
            return _protector.Unprotect(value![Prefix.Length..]);
        }
        catch (CryptographicException e)
        {
            throw new SecretUnreadableException(
                $"{where}: the protected value cannot be decrypted with this installation's keys (made with another data directory's keys, or altered). Protect it again with 'vigie secret protect'.", e);
        }
    }
}

/// <summary>A protected secret that cannot be decrypted; the message names where it was configured, never the value.</summary>
public sealed class SecretUnreadableException : Exception
{
    public SecretUnreadableException()
    {
    }

    public SecretUnreadableException(string message) : base(message)
    {
    }

    public SecretUnreadableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
