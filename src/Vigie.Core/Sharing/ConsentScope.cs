namespace Vigie.Core.Sharing;

/// <summary>What a constituent's consent covers: one address, or every address of a domain.</summary>
public enum ConsentScopeKind
{
    Address,
    Domain,
}

/// <summary>
/// Consent coverage (RFC 2350 §4.2: incident information is not shared without the explicit consent of
/// the parties concerned). A consent names an address (<c>abuse@isp.example</c>) or a domain
/// (<c>isp.example</c>, which also covers its subdomains: <c>noc@mail.isp.example</c>).
/// </summary>
public static class ConsentScope
{
    /// <summary>The canonical value of a scope, or a field error.</summary>
    public static Result<string> Normalize(ConsentScopeKind kind, string? value)
    {
        switch (kind)
        {
            case ConsentScopeKind.Address:
                return EmailAddress.TryNormalize(value, out var address, out var error)
                    ? address
                    : Core.Error.Validation("value", error!);
            case ConsentScopeKind.Domain:
                var text = (value ?? "").Trim();
                if (text.StartsWith('@'))
                {
                    text = text[1..];
                }
                return Lookup.DomainName.TryNormalize(text, out var domain, out var domainError)
                    ? domain
                    : Core.Error.Validation("value", domainError!);
            default:
                return Core.Error.Validation("scope", "The scope of a consent is an address or a domain.");
        }
    }

    /// <summary>Whether a consent of <paramref name="kind"/> for <paramref name="value"/> (canonical) covers <paramref name="recipient"/>.</summary>
    public static bool Covers(ConsentScopeKind kind, string value, string? recipient)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!EmailAddress.TryNormalize(recipient, out var email, out _))
        {
            return false;
        }
        if (kind == ConsentScopeKind.Address)
        {
            return string.Equals(email, value, StringComparison.Ordinal);
        }
        var domain = email[(email.LastIndexOf('@') + 1)..];
        return string.Equals(domain, value, StringComparison.Ordinal)
            || domain.EndsWith("." + value, StringComparison.Ordinal);
    }
}
