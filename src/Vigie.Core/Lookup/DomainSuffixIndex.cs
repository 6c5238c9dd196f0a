namespace Vigie.Core.Lookup;

/// <summary>
/// Maps a host name to the constituent domain it falls under: the longest listed domain that is
/// the host itself or one of its parents, compared on label boundaries (DNS names are trees,
/// RFC 1034 §3.1), so <c>a.b.example.com</c> matches <c>example.com</c> but <c>badexample.com</c> does not.
/// </summary>
/// <remarks>Duplicates of the same (normalised) domain: the last one wins. Safe for concurrent reads.</remarks>
public sealed class DomainSuffixIndex
{
    private readonly Dictionary<string, int> _domains;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    private DomainSuffixIndex(Dictionary<string, int> domains)
    {
        _domains = domains;
        _bySpan = domains.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Builds the index, normalising every domain with <see cref="DomainName.TryNormalize"/>.</summary>
    /// <exception cref="ArgumentException">a domain does not normalise; the message names it and says why.</exception>
    public static DomainSuffixIndex Build(IEnumerable<(string Domain, int Value)> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var domains = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (domain, value) in entries)
        {
            if (!DomainName.TryNormalize(domain, out var normalized, out var error))
            {
                throw new ArgumentException($"'{domain}' is not a usable domain: {error}", nameof(entries));
            }

            domains[normalized] = value;
        }

        return new DomainSuffixIndex(domains);
    }

    /// <summary>The number of distinct normalised domains.</summary>
    public int Count => _domains.Count;

    /// <summary>
    /// Longest-suffix match of <paramref name="host"/> (normalised first: case, trailing dot, IDN,
    /// defanging). False when nothing matches or the host is not a valid domain name.
    /// </summary>
    public bool TryLookup(string host, out int value, out string matchedDomain)
    {
        value = 0;
        matchedDomain = string.Empty;
        if (!DomainName.TryNormalize(host, out var name, out _))
        {
            return false;
        }

        // Walk from the whole name up towards the top-level domain: the first hit is the longest.
        var rest = name.AsSpan();
        while (true)
        {
            if (_bySpan.TryGetValue(rest, out var key, out value))
            {
                matchedDomain = key;
                return true;
            }

            var dot = rest.IndexOf('.');
            if (dot < 0)
            {
                value = 0;
                return false;
            }

            rest = rest[(dot + 1)..];
        }
    }
}
