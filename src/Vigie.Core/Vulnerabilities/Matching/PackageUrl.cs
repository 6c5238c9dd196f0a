namespace Vigie.Core.Vulnerabilities.Matching;

/// <summary>
/// A package URL (purl spec: <c>pkg:type/namespace/name@version?qualifiers#subpath</c>), with the type-specific
/// normalisations the spec requires so that two spellings of one package compare equal (PyPI: lower case and
/// "_" → "-"; npm, GitHub, Bitbucket, Composer, golang host: lower case).
/// </summary>
public sealed record PackageUrl(string Type, string? Namespace, string Name, string? Version)
{
    private const int MaxLength = 2048;

    /// <summary>"type/namespace/name" without the version: the key packages are indexed by.</summary>
    public string Key => Namespace is null ? $"{Type}/{Name}" : $"{Type}/{Namespace}/{Name}";

    public static bool TryParse(string? text, out PackageUrl purl)
    {
        purl = null!;
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxLength || !text.StartsWith("pkg:", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var rest = text[4..].TrimStart('/');
        var hash = rest.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            rest = rest[..hash];
        }
        var query = rest.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            rest = rest[..query];
        }
        string? version = null;
        var at = rest.LastIndexOf('@');
        // "@" is also npm's scope marker, percent-encoded in a valid purl ("%40angular"); the version "@" follows the last "/".
        if (at > rest.LastIndexOf('/'))
        {
            version = Decode(rest[(at + 1)..]);
            rest = rest[..at];
        }
        var segments = rest.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 2)
        {
            return false;
        }
        var type = segments[0].ToLowerInvariant();
        if (type.Length == 0 || !type.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '+' or '-'))
        {
            return false;
        }
        var name = Decode(segments[^1]);
        var ns = segments.Length > 2 ? string.Join('/', segments[1..^1].Select(Decode)) : null;
        if (name is null || (segments.Length > 2 && ns is null) || name.Length == 0)
        {
            return false;
        }
        switch (type)
        {
            case "pypi":
                name = name.ToLowerInvariant().Replace('_', '-');
                break;
            case "npm" or "github" or "bitbucket" or "composer" or "golang" or "hex" or "cargo" or "gem" or "deb" or "apk" or "alpm":
                name = name.ToLowerInvariant();
                ns = ns?.ToLowerInvariant();
                break;
        }
        purl = new PackageUrl(type, ns, name, string.IsNullOrEmpty(version) ? null : version);
        return true;
    }

    private static string? Decode(string s)
    {
        try
        {
            return Uri.UnescapeDataString(s);
        }
        catch (UriFormatException)
        {
            return null;
        }
    }
}
