using System.Globalization;

namespace Vigie.Core.PublicSite;

/// <summary>One field line of a security.txt: the name as written, its canonical spelling when RFC 9116 defines it, the value and its line number (1-based).</summary>
public sealed record SecurityTxtField(string Name, string? KnownName, string Value, int Line);

/// <summary>What <see cref="SecurityTxtParser"/> read: the fields, the problems (errors make the file invalid) and, for a signed file, its parts.</summary>
public sealed class SecurityTxtParseResult
{
    internal SecurityTxtParseResult(IReadOnlyList<SecurityTxtField> fields, IReadOnlyList<SecurityTxtProblem> errors,
        IReadOnlyList<SecurityTxtProblem> warnings, bool signed, string? signedText, string? signature)
    {
        Fields = fields;
        Errors = errors;
        Warnings = warnings;
        Signed = signed;
        SignedText = signedText;
        Signature = signature;
    }

    /// <summary>Every field line, in file order (unknown fields included: parsers ignore them, §2.4).</summary>
    public IReadOnlyList<SecurityTxtField> Fields { get; }

    /// <summary>What makes the file invalid under RFC 9116 §2–§4; empty for a valid file.</summary>
    public IReadOnlyList<SecurityTxtProblem> Errors { get; }

    /// <summary>What the RFC recommends against (e.g. an Expires more than a year ahead), without making the file invalid.</summary>
    public IReadOnlyList<SecurityTxtProblem> Warnings { get; }

    public bool IsValid => Errors.Count == 0;

    /// <summary>The file is an OpenPGP cleartext-signed message (RFC 9116 §2.3; RFC 9580 §7). The signature is not verified here (no crypto in the core).</summary>
    public bool Signed { get; }

    /// <summary>For a signed file, the text between the armor headers and the signature, dash-escaping removed.</summary>
    public string? SignedText { get; }

    /// <summary>For a signed file, the armored signature block.</summary>
    public string? Signature { get; }

    /// <summary>The values of a field (case-insensitive name), in file order.</summary>
    public IReadOnlyList<string> Values(string name) =>
        [.. Fields.Where(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase)).Select(f => f.Value)];

    /// <summary>The Expires instant when the file has exactly one valid Expires.</summary>
    public DateTimeOffset? Expires =>
        Values(SecurityTxtRules.Expires) is [var one] && SecurityTxtParser.TryParseDateTime(one, out var at) ? at : null;

    /// <summary>The Preferred-Languages tags, in order.</summary>
    public IReadOnlyList<string> PreferredLanguages => Values(SecurityTxtRules.PreferredLanguages) is [var one]
        ? [.. one.Split(',').Select(t => t.Trim(' ', '\t'))]
        : [];
}

/// <summary>
/// A strict reader of security.txt, written from RFC 9116 §2 and §4 (the ABNF): what the tests and the start-up
/// self-check hold Vigie's own file to. Field names are case-insensitive; comments start with '#'; lines end with
/// LF or CR LF and a CR anywhere else is an error (a line-injection attempt); at least one Contact, exactly one
/// Expires (RFC 3339), at most one Preferred-Languages; URIs as <see cref="SecurityTxtRules.UriProblem"/> says;
/// a signed file is one OpenPGP cleartext-signed message and nothing else. No I/O, no signature verification.
/// </summary>
public static class SecurityTxtParser
{
    private const string SignedHeader = "-----BEGIN PGP SIGNED MESSAGE-----";
    private const string SignatureHeader = "-----BEGIN PGP SIGNATURE-----";
    private const string SignatureFooter = "-----END PGP SIGNATURE-----";

    /// <summary>Largest file read (RFC 9116 sets no limit; a security.txt is a few hundred bytes).</summary>
    public const int MaxLength = 64 * 1024;

    /// <summary>Parses <paramref name="text"/>; with <paramref name="now"/>, an Expires not after it is an error (the file is stale, §2.5.5).</summary>
    public static SecurityTxtParseResult Parse(string text, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var errors = new List<SecurityTxtProblem>();
        var warnings = new List<SecurityTxtProblem>();
        var fields = new List<SecurityTxtField>();
        if (text.Length > MaxLength)
        {
            errors.Add(new("file", $"the file is longer than {MaxLength} characters."));
            return new([], errors, warnings, false, null, null);
        }
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            errors.Add(new("line 1", "the file starts with a byte order mark."));
            text = text[1..];
        }

        var lines = SplitLines(text, errors);
        var signed = lines.Count > 0 && lines[0].Text == SignedHeader;
        string? signedText = null;
        string? signature = null;
        var content = lines;
        if (signed)
        {
            content = ReadSigned(lines, errors, out signedText, out signature);
        }

        foreach (var (line, number) in content)
        {
            ReadLine(line, number, fields, errors);
        }
        CheckFields(fields, errors, warnings, now);
        return new(fields, errors, warnings, signed, signedText, signature);
    }

    /// <summary>RFC 3339 §5.6 date-time (e.g. <c>2026-12-31T18:37:07Z</c>, <c>2026-12-31T20:37:07.000+02:00</c>).</summary>
    public static bool TryParseDateTime(string value, out DateTimeOffset at)
    {
        at = default;
        // RFC 3339 requires the date, the 'T' (or 't'), the time with seconds, and an offset.
        if (value.Length < 20 || value[10] is not ('T' or 't')
            || !(value.EndsWith('Z') || value.EndsWith('z') || value[^6] is '+' or '-'))
        {
            return false;
        }
        return DateTimeOffset.TryParseExact(value.ToUpperInvariant(),
            ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"],
            CultureInfo.InvariantCulture, DateTimeStyles.None, out at);
    }

    /// <summary>Splits on LF; a CR is only allowed right before an LF (ABNF eol = *WSP [CR] LF).</summary>
    private static List<(string Text, int Number)> SplitLines(string text, List<SecurityTxtProblem> errors)
    {
        var lines = new List<(string, int)>();
        var parts = text.Split('\n');
        for (var i = 0; i < parts.Length; i++)
        {
            var line = parts[i];
            if (i == parts.Length - 1)
            {
                if (line.Length == 0)
                {
                    break;
                }
                errors.Add(new($"line {i + 1}", "the last line does not end with a line break."));
            }
            if (line.EndsWith('\r'))
            {
                line = line[..^1];
            }
            if (line.Contains('\r', StringComparison.Ordinal))
            {
                errors.Add(new($"line {i + 1}", "a CR not followed by LF (line injection?)."));
            }
            // Trailing white space belongs to the line end (eol = *WSP [CR] LF).
            lines.Add((line.TrimEnd(' ', '\t'), i + 1));
        }
        return lines;
    }

    /// <summary>RFC 9580 §7: armor header, Hash headers, blank line, dash-escaped text, signature; nothing else around it.</summary>
    private static List<(string Text, int Number)> ReadSigned(List<(string Text, int Number)> lines, List<SecurityTxtProblem> errors,
        out string? signedText, out string? signature)
    {
        signedText = null;
        signature = null;
        var i = 1;
        for (; i < lines.Count && lines[i].Text.Length > 0; i++)
        {
            if (!lines[i].Text.StartsWith("Hash: ", StringComparison.Ordinal))
            {
                errors.Add(new($"line {lines[i].Number}", $"unexpected armor header '{lines[i].Text}' in a signed file."));
            }
        }
        i++;
        var content = new List<(string, int)>();
        for (; i < lines.Count && lines[i].Text != SignatureHeader; i++)
        {
            var (line, number) = lines[i];
            if (line.StartsWith("- ", StringComparison.Ordinal))
            {
                line = line[2..];
            }
            else if (line.StartsWith('-'))
            {
                errors.Add(new($"line {number}", "a line of signed text starting with '-' is not dash-escaped."));
            }
            content.Add((line, number));
        }
        if (i >= lines.Count)
        {
            errors.Add(new("signature", "the signed file has no signature block."));
            return content;
        }
        var start = i;
        for (; i < lines.Count && lines[i].Text != SignatureFooter; i++)
        {
        }
        if (i >= lines.Count)
        {
            errors.Add(new("signature", "the signature block does not end."));
            return content;
        }
        signature = string.Join("\n", lines.Skip(start).Take(i - start + 1).Select(l => l.Text)) + "\n";
        signedText = string.Join("\n", content.Select(c => c.Item1)) + "\n";
        foreach (var (line, number) in lines.Skip(i + 1))
        {
            if (line.Length > 0)
            {
                errors.Add(new($"line {number}", "text after the signature: only the signed text counts, nothing may follow it."));
                break;
            }
        }
        return content;
    }

    private static void ReadLine(string line, int number, List<SecurityTxtField> fields, List<SecurityTxtProblem> errors)
    {
        var where = $"line {number}";
        if (line.Length == 0)
        {
            return;
        }
        if (line.Any(c => char.IsControl(c) && c != '\t'))
        {
            errors.Add(new(where, "a control character."));
            return;
        }
        if (line[0] == '#')
        {
            return;
        }
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            errors.Add(new(where, $"'{Shorten(line)}' is neither a field ('Name: value'), a comment ('# …') nor a blank line."));
            return;
        }
        var name = line[..colon];
        // RFC 5322 §3.6.8 field-name: printable US-ASCII except ':' (no spaces).
        if (name.Any(c => c is <= ' ' or >= (char)0x7F))
        {
            errors.Add(new(where, $"'{Shorten(name)}' is not a field name."));
            return;
        }
        var rest = line[(colon + 1)..];
        if (!rest.StartsWith(' ') || rest.Length < 2 || rest[1] is ' ' or '\t')
        {
            errors.Add(new(where, $"the field {name} must be written 'Name: value', with one space after the colon."));
            return;
        }
        var value = rest[1..];
        if (value.Length > SecurityTxtRules.MaxValueLength)
        {
            errors.Add(new(where, $"the value of {name} is longer than {SecurityTxtRules.MaxValueLength} characters."));
            return;
        }
        fields.Add(new SecurityTxtField(name, SecurityTxtRules.Known(name), value, number));
    }

    private static void CheckFields(List<SecurityTxtField> fields, List<SecurityTxtProblem> errors, List<SecurityTxtProblem> warnings, DateTimeOffset? now)
    {
        var contacts = fields.Count(f => f.KnownName == SecurityTxtRules.Contact);
        if (contacts == 0)
        {
            errors.Add(new(SecurityTxtRules.Contact, "no Contact field: at least one is required (RFC 9116 §2.5.3)."));
        }
        var expires = fields.Where(f => f.KnownName == SecurityTxtRules.Expires).ToList();
        if (expires.Count == 0)
        {
            errors.Add(new(SecurityTxtRules.Expires, "no Expires field: exactly one is required (RFC 9116 §2.5.5)."));
        }
        else if (expires.Count > 1)
        {
            errors.Add(new(SecurityTxtRules.Expires, $"Expires appears {expires.Count} times (lines {string.Join(", ", expires.Select(e => e.Line))}): it must appear once (RFC 9116 §2.5.5)."));
        }
        var languages = fields.Where(f => f.KnownName == SecurityTxtRules.PreferredLanguages).ToList();
        if (languages.Count > 1)
        {
            errors.Add(new(SecurityTxtRules.PreferredLanguages, "Preferred-Languages appears more than once (RFC 9116 §2.5.8)."));
        }

        foreach (var field in fields)
        {
            var where = $"{field.KnownName ?? field.Name} (line {field.Line})";
            switch (field.KnownName)
            {
                case null:
                    // Extension fields (§2.4): parsers ignore them; only their characters were checked.
                    break;
                case SecurityTxtRules.Expires:
                    if (!TryParseDateTime(field.Value, out var at))
                    {
                        errors.Add(new(where, $"'{Shorten(field.Value)}' is not an RFC 3339 date-time such as 2026-12-31T23:59:59Z."));
                    }
                    else if (now is { } n && at <= n)
                    {
                        errors.Add(new(where, $"the file expired on {SecurityTxtRules.FormatExpires(at)}."));
                    }
                    else if (now is { } m && at > m.AddYears(1))
                    {
                        warnings.Add(new(where, "more than a year ahead: RFC 9116 §2.5.5 recommends less."));
                    }
                    break;
                case SecurityTxtRules.PreferredLanguages:
                    foreach (var tag in field.Value.Split(','))
                    {
                        if (SecurityTxtRules.LanguageProblem(tag.Trim(' ', '\t')) is { } problem)
                        {
                            errors.Add(new(where, problem));
                        }
                    }
                    break;
                default:
                    if (SecurityTxtRules.UriProblem(field.KnownName, field.Value) is { } uriProblem)
                    {
                        errors.Add(new(where, uriProblem));
                    }
                    break;
            }
        }
    }

    private static string Shorten(string value) => value.Length <= 60 ? value : value[..60] + "…";
}
