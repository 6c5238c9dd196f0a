using System.Net.Mail;
using Vigie.Core.Lookup;

namespace Vigie.Core;

/// <summary>E-mail address checks shared by contacts, users and the lookup.</summary>
public static class EmailAddress
{
    /// <summary>
    /// Accepts a bare addr-spec (no display name) and lower-cases it whole. RFC 5321 §2.4 lets a
    /// local part be case-sensitive but tells hosts not to rely on it, and no mail system a CSIRT
    /// deals with does: matching "Jane.Doe@" and "jane.doe@" as one person is what analysts expect.
    /// </summary>
    public static bool TryNormalize(string? text, out string normalized, out string? error)
    {
        normalized = "";
        var t = text?.Trim() ?? "";
        var at = t.LastIndexOf('@');
        if (t.Length == 0 || t.Length > 254 || at <= 0 || at == t.Length - 1
            || !MailAddress.TryCreate(t, out var parsed) || parsed.Address != t || !string.IsNullOrEmpty(parsed.DisplayName))
        {
            error = $"'{text}' is not a valid e-mail address.";
            return false;
        }

        if (!DomainName.TryNormalize(t[(at + 1)..], out var domain, out var domainError))
        {
            error = $"'{text}' is not a valid e-mail address: {domainError}";
            return false;
        }

        normalized = t[..at].ToLowerInvariant() + "@" + domain;
        error = null;
        return true;
    }
}
