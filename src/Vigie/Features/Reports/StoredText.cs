namespace Vigie.Features.Reports;

/// <summary>Text read from a message, made fit for a database column.</summary>
internal static class StoredText
{
    /// <summary>
    /// Without NUL (PostgreSQL text cannot hold it, and what a person reads never needs it; the raw
    /// bytes keep it) and at most <paramref name="max"/> characters.
    /// </summary>
    public static string? Clip(string? value, int max)
    {
        var clean = value?.Replace("\0", "", StringComparison.Ordinal);
        return clean is null ? null : clean.Length > max ? clean[..max] : clean;
    }
}
