using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Vigie.Core.PublicSite;

/// <summary>
/// The fields of a security.txt file (RFC 9116 §2.5), in the order they are written. Pure data: rendering
/// (<see cref="SecurityTxtWriter"/>) and parsing (<see cref="SecurityTxtParser"/>) check it against the RFC.
/// </summary>
public sealed record SecurityTxt
{
    /// <summary>§2.5.3: how to report a vulnerability, most preferred first (one at least).</summary>
    public IReadOnlyList<string> Contacts { get; init; } = [];

    /// <summary>§2.5.5: after this instant the file is stale (exactly one; less than a year ahead is recommended).</summary>
    public DateTimeOffset Expires { get; init; }

    /// <summary>§2.5.4: where the key for encrypted reports is.</summary>
    public IReadOnlyList<string> Encryption { get; init; } = [];

    /// <summary>§2.5.1: the page thanking reporters.</summary>
    public IReadOnlyList<string> Acknowledgments { get; init; } = [];

    /// <summary>§2.5.8: languages the team reads, preferred first (RFC 5646 tags).</summary>
    public IReadOnlyList<string> PreferredLanguages { get; init; } = [];

    /// <summary>§2.5.2: the URIs where this very file is published (for a signed file, what the signature vouches for).</summary>
    public IReadOnlyList<string> Canonical { get; init; } = [];

    /// <summary>§2.5.7: the disclosure policy.</summary>
    public IReadOnlyList<string> Policy { get; init; } = [];

    /// <summary>§2.5.6: security-related job openings.</summary>
    public IReadOnlyList<string> Hiring { get; init; } = [];

    /// <summary>Comment lines written at the top (§2.3, without the leading '#').</summary>
    public IReadOnlyList<string> Comments { get; init; } = [];
}

/// <summary>One thing wrong with a security.txt, or with a value meant for one: the field (as named in the RFC, with the line or index) and why.</summary>
public sealed record SecurityTxtProblem(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>A security.txt that cannot be written: every problem, each naming its field.</summary>
public sealed class SecurityTxtException : Exception
{
    public SecurityTxtException() : this([])
    {
    }

    public SecurityTxtException(string message) : base(message)
    {
        Problems = [];
    }

    public SecurityTxtException(string message, Exception innerException) : base(message, innerException)
    {
        Problems = [];
    }

    public SecurityTxtException(IReadOnlyList<SecurityTxtProblem> problems)
        : base("security.txt cannot be written: " + string.Join("; ", problems))
    {
        Problems = problems;
    }

    public IReadOnlyList<SecurityTxtProblem> Problems { get; }
}

/// <summary>The RFC 9116 field names and the checks every value must pass, shared by the writer and the parser.</summary>
public static partial class SecurityTxtRules
{
    public const string Acknowledgments = "Acknowledgments";
    public const string Canonical = "Canonical";
    public const string Contact = "Contact";
    public const string Encryption = "Encryption";
    public const string Expires = "Expires";
    public const string Hiring = "Hiring";
    public const string Policy = "Policy";
    public const string PreferredLanguages = "Preferred-Languages";

    /// <summary>Longest value accepted (a value this long is a mistake, or an attack on a parser).</summary>
    public const int MaxValueLength = 2048;

    /// <summary>The fields RFC 9116 §2.5 defines, by their canonical spelling (names compare case-insensitively, §2.4).</summary>
    public static IReadOnlyList<string> KnownFields { get; } =
        [Acknowledgments, Canonical, Contact, Encryption, Expires, Hiring, Policy, PreferredLanguages];

    /// <summary>The canonical spelling of a known field name, or null for an extension field.</summary>
    public static string? Known(string name) => KnownFields.FirstOrDefault(f => string.Equals(f, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The expiry as written: RFC 3339 date-time in UTC, whole seconds (e.g. <c>2026-09-05T00:00:00Z</c>).</summary>
    public static string FormatExpires(DateTimeOffset expires) =>
        expires.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Why <paramref name="value"/> cannot be one line of a security.txt, or null: empty, over-long, with a line
    /// break or another control character (CR/LF would inject fields, §2.3), or with white space around it.
    /// </summary>
    public static string? SingleLineProblem(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "the value is empty.";
        }
        if (value.Length > MaxValueLength)
        {
            return $"the value is longer than {MaxValueLength} characters.";
        }
        if (value.Contains('\r', StringComparison.Ordinal) || value.Contains('\n', StringComparison.Ordinal))
        {
            return "the value contains a line break (CR or LF), which would add lines to the file.";
        }
        if (value.Any(char.IsControl))
        {
            return "the value contains a control character.";
        }
        if (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
        {
            return "the value starts or ends with white space.";
        }
        return null;
    }

    /// <summary>
    /// Why <paramref name="value"/> is not an acceptable URI for <paramref name="field"/>, or null. A URI (RFC 3986 §3:
    /// printable ASCII, absolute); a web URI must be https (§2.5: "MUST begin with https://"), except plain http to a
    /// loopback host (a test server); Contact may also be mailto: or tel: (§2.5.3); Encryption may also be dns: or
    /// openpgp4fpr: (§2.5.4's examples); the other fields are web pages.
    /// </summary>
    public static string? UriProblem(string field, string? value)
    {
        if (SingleLineProblem(value) is { } line)
        {
            return line;
        }
        if (value!.Any(c => c <= ' ' || c >= (char)0x7F))
        {
            return $"'{value}' is not a URI: only printable ASCII characters without spaces are allowed (percent-encode the others).";
        }
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Scheme) || !value.Contains(':', StringComparison.Ordinal))
        {
            return $"'{value}' is not an absolute URI.";
        }
        var scheme = uri.Scheme.ToLowerInvariant();
        var canonical = Known(field) ?? field;
        var allowed = canonical switch
        {
            Contact => new[] { "https", "mailto", "tel" },
            Encryption => ["https", "dns", "openpgp4fpr"],
            _ => ["https"],
        };
        if (scheme == "http" && allowed.Contains("https") && uri.IsLoopback)
        {
            return null;
        }
        if (!allowed.Contains(scheme))
        {
            return scheme == "http"
                ? $"'{value}' uses http: RFC 9116 §2.5 requires web URIs to begin with https://."
                : $"'{value}' uses the scheme '{scheme}:'; {canonical} accepts {string.Join(", ", allowed.Select(a => a + ":"))}.";
        }
        switch (scheme)
        {
            case "https" when string.IsNullOrEmpty(uri.Host):
                return $"'{value}' has no host.";
            case "mailto" when !MailtoAddress().IsMatch(value):
                return $"'{value}' is not a mailto: URI with one address.";
            case "tel" when !TelNumber().IsMatch(value):
                return $"'{value}' is not a tel: URI (RFC 3966), e.g. tel:+33-1-23-45-67-89.";
            default:
                return null;
        }
    }

    /// <summary>Why <paramref name="tag"/> is not an RFC 5646 language tag (simplified: language, then subtags), or null.</summary>
    public static string? LanguageProblem(string? tag)
    {
        if (SingleLineProblem(tag) is { } line)
        {
            return line;
        }
        return LanguageTag().IsMatch(tag!) ? null : $"'{tag}' is not a language tag (RFC 5646), e.g. fr, en, pt-BR.";
    }

    [GeneratedRegex(@"^mailto:[^@,;?\s]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?:\?.*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex MailtoAddress();

    [GeneratedRegex(@"^tel:\+?[0-9][0-9().-]*(?:;[A-Za-z0-9=-]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex TelNumber();

    [GeneratedRegex(@"^(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})(?:-[A-Za-z0-9]{1,8})*$", RegexOptions.CultureInvariant)]
    private static partial Regex LanguageTag();
}

/// <summary>Writes a <see cref="SecurityTxt"/> as RFC 9116 text (LF line ends, UTF-8 when encoded), after checking every value.</summary>
public static class SecurityTxtWriter
{
    /// <summary>Every problem of <paramref name="document"/>; empty when it can be written.</summary>
    public static IReadOnlyList<SecurityTxtProblem> Check(SecurityTxt document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var problems = new List<SecurityTxtProblem>();
        if (document.Contacts.Count == 0)
        {
            problems.Add(new(SecurityTxtRules.Contact, "at least one Contact is required (RFC 9116 §2.5.3)."));
        }
        if (document.Expires == default)
        {
            problems.Add(new(SecurityTxtRules.Expires, "Expires is required (RFC 9116 §2.5.5)."));
        }
        void Uris(string field, IReadOnlyList<string> values)
        {
            for (var i = 0; i < values.Count; i++)
            {
                if (SecurityTxtRules.UriProblem(field, values[i]) is { } problem)
                {
                    problems.Add(new($"{field}[{i}]", problem));
                }
            }
        }
        Uris(SecurityTxtRules.Contact, document.Contacts);
        Uris(SecurityTxtRules.Encryption, document.Encryption);
        Uris(SecurityTxtRules.Acknowledgments, document.Acknowledgments);
        Uris(SecurityTxtRules.Canonical, document.Canonical);
        Uris(SecurityTxtRules.Policy, document.Policy);
        Uris(SecurityTxtRules.Hiring, document.Hiring);
        for (var i = 0; i < document.PreferredLanguages.Count; i++)
        {
            if (SecurityTxtRules.LanguageProblem(document.PreferredLanguages[i]) is { } problem)
            {
                problems.Add(new($"{SecurityTxtRules.PreferredLanguages}[{i}]", problem));
            }
        }
        for (var i = 0; i < document.Comments.Count; i++)
        {
            // A comment may be empty, but never more than one line.
            if (document.Comments[i].Length > 0 && SecurityTxtRules.SingleLineProblem(document.Comments[i]) is { } problem)
            {
                problems.Add(new($"#[{i}]", problem));
            }
        }
        return problems;
    }

    /// <summary>The file's text. Fields are grouped with a comment line each; the order of Contacts is kept (it is their priority, §2.5.3).</summary>
    /// <exception cref="SecurityTxtException">A value breaks RFC 9116 (every problem listed, each naming its field).</exception>
    public static string Render(SecurityTxt document)
    {
        var problems = Check(document);
        if (problems.Count > 0)
        {
            throw new SecurityTxtException(problems);
        }
        var text = new StringBuilder();
        foreach (var comment in document.Comments)
        {
            text.Append('#').Append(comment.Length > 0 ? " " : "").Append(comment).Append('\n');
        }
        if (document.Comments.Count > 0)
        {
            text.Append('\n');
        }
        void Fields(string name, IEnumerable<string> values)
        {
            foreach (var value in values)
            {
                text.Append(name).Append(": ").Append(value).Append('\n');
            }
        }
        Fields(SecurityTxtRules.Contact, document.Contacts);
        Fields(SecurityTxtRules.Expires, [SecurityTxtRules.FormatExpires(document.Expires)]);
        Fields(SecurityTxtRules.Encryption, document.Encryption);
        if (document.PreferredLanguages.Count > 0)
        {
            Fields(SecurityTxtRules.PreferredLanguages, [string.Join(", ", document.PreferredLanguages)]);
        }
        Fields(SecurityTxtRules.Canonical, document.Canonical);
        Fields(SecurityTxtRules.Policy, document.Policy);
        Fields(SecurityTxtRules.Acknowledgments, document.Acknowledgments);
        Fields(SecurityTxtRules.Hiring, document.Hiring);
        return text.ToString();
    }
}
