using System.IO.Compression;

namespace Vigie.Features.Vulnerabilities;

/// <summary>One file found in what an operator gave to import: its path inside, its bytes, or why it was refused.</summary>
public sealed record FeedFile(string Name, byte[]? Content, string? Refused);

/// <summary>Limits that keep a hostile archive from exhausting memory or disk (docs/vulnerability-watch.md).</summary>
public sealed record FeedLimits(long MaxFileBytes = 64L << 20, long MaxTotalBytes = 16L << 30, int MaxEntries = 2_000_000, int MaxRatio = 250, int MaxDepth = 2)
{
    public static FeedLimits Default { get; } = new();
}

/// <summary>
/// Enumerates the files of a path to import: a file, a directory (recursively, sorted), or a zip such as the cvelistV5
/// release (<c>cves/2024/21xxx/CVE-2024-21762.json</c>, itself shipped as a zip inside a zip). Nothing is ever written
/// to disk from an archive; entries with parent or absolute paths, symbolic links, oversized or over-compressed
/// content are refused one by one with the reason, and the enumeration goes on.
/// </summary>
public static class FeedSource
{
    public static IEnumerable<FeedFile> Enumerate(string path, FeedLimits? limits = null)
    {
        limits ??= FeedLimits.Default;
        var budget = new Budget(limits);
        if (Directory.Exists(path))
        {
            foreach (var file in Directory.EnumerateFiles(path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
                .Order(StringComparer.Ordinal))
            {
                foreach (var f in FromFile(file, Path.GetRelativePath(path, file), budget, 0))
                {
                    yield return f;
                }
            }
            yield break;
        }
        if (!File.Exists(path))
        {
            yield return new FeedFile(path, null, "no such file or directory");
            yield break;
        }
        foreach (var f in FromFile(path, Path.GetFileName(path), budget, 0))
        {
            yield return f;
        }
    }

    private sealed class Budget(FeedLimits limits)
    {
        public FeedLimits Limits { get; } = limits;

        public long Total { get; set; }

        public int Entries { get; set; }
    }

    private static IEnumerable<FeedFile> FromFile(string file, string name, Budget budget, int depth)
    {
        if (name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            ZipArchive? zip = null;
            string? error = null;
            try
            {
                zip = ZipFile.OpenRead(file);
            }
            catch (InvalidDataException e)
            {
                error = $"not a readable zip ({e.Message})";
            }
            if (zip is null)
            {
                yield return new FeedFile(name, null, error);
                yield break;
            }
            using (zip)
            {
                foreach (var f in FromZip(zip, name, budget, depth))
                {
                    yield return f;
                }
            }
            yield break;
        }
        var length = new FileInfo(file).Length;
        if (length > budget.Limits.MaxFileBytes)
        {
            yield return new FeedFile(name, null, $"larger than {budget.Limits.MaxFileBytes >> 20} MiB");
            yield break;
        }
        yield return new FeedFile(name, File.ReadAllBytes(file), null);
    }

    private static IEnumerable<FeedFile> FromZip(ZipArchive zip, string prefix, Budget budget, int depth)
    {
        foreach (var entry in zip.Entries.OrderBy(e => e.FullName, StringComparer.Ordinal))
        {
            if (entry.FullName.EndsWith('/'))
            {
                continue; // a directory
            }
            var name = $"{prefix}!{entry.FullName}";
            if (++budget.Entries > budget.Limits.MaxEntries)
            {
                yield return new FeedFile(name, null, $"more than {budget.Limits.MaxEntries} entries: the rest is not read");
                yield break;
            }
            if (Refusal(entry, budget.Limits) is { } reason)
            {
                yield return new FeedFile(name, null, reason);
                continue;
            }
            var isZip = entry.FullName.EndsWith(".zip", StringComparison.OrdinalIgnoreCase);
            var cap = isZip ? budget.Limits.MaxTotalBytes - budget.Total : budget.Limits.MaxFileBytes;
            if (isZip && depth + 1 > budget.Limits.MaxDepth)
            {
                yield return new FeedFile(name, null, "zip nested too deep");
                continue;
            }
            if (isZip)
            {
                // A nested zip needs a seekable stream: a temporary file, removed at once (never one of the entries' paths).
                var temp = Path.GetTempFileName();
                string? error = null;
                try
                {
                    try
                    {
                        using var input = entry.Open();
                        using var output = File.Create(temp);
                        var copied = CopyBounded(input, output, cap);
                        budget.Total += copied ?? 0;
                        error = copied is null ? "larger than the import's total size limit" : null;
                    }
                    catch (InvalidDataException e)
                    {
                        error = $"corrupt entry ({e.Message})";
                    }
                    if (error is not null)
                    {
                        yield return new FeedFile(name, null, error);
                        continue;
                    }
                    foreach (var f in FromFile(temp, name, budget, depth + 1))
                    {
                        yield return f;
                    }
                }
                finally
                {
                    File.Delete(temp);
                }
                continue;
            }
            byte[]? content = null;
            string? refused = null;
            try
            {
                using var input = entry.Open();
                using var buffer = new MemoryStream();
                var copied = CopyBounded(input, buffer, cap);
                if (copied is null)
                {
                    refused = $"larger than {budget.Limits.MaxFileBytes >> 20} MiB once decompressed";
                }
                else
                {
                    budget.Total += copied.Value;
                    content = buffer.ToArray();
                }
            }
            catch (InvalidDataException e)
            {
                refused = $"corrupt entry ({e.Message})";
            }
            if (budget.Total > budget.Limits.MaxTotalBytes)
            {
                yield return new FeedFile(name, null, "the import's total size limit is reached: the rest is not read");
                yield break;
            }
            yield return new FeedFile(name, content, refused);
        }
    }

    /// <summary>Why an entry is refused before reading it: a path that escapes, a link, a declared size or ratio out of bounds.</summary>
    internal static string? Refusal(ZipArchiveEntry entry, FeedLimits limits)
    {
        var path = entry.FullName.Replace('\\', '/');
        if (path.StartsWith('/') || (path.Length > 1 && path[1] == ':') || path.Split('/').Any(s => s == ".."))
        {
            return "path leaves the archive (absolute or \"..\"): refused";
        }
        // Unix mode in the high 16 bits of the external attributes: 0xA000 is a symbolic link.
        if (((entry.ExternalAttributes >> 16) & 0xF000) == 0xA000)
        {
            return "symbolic link: refused";
        }
        if (entry.CompressedLength > 0 && entry.Length / entry.CompressedLength > limits.MaxRatio)
        {
            return $"compression ratio above {limits.MaxRatio}:1 (a zip bomb?)";
        }
        return null;
    }

    /// <summary>Copies at most <paramref name="max"/> bytes; null when there were more (declared sizes can lie).</summary>
    private static long? CopyBounded(Stream input, Stream output, long max)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
        {
            total += read;
            if (total > max)
            {
                return null;
            }
            output.Write(buffer, 0, read);
        }
        return total;
    }

    /// <summary>Decompresses a gzip file's content, bounded like any other file.</summary>
    public static byte[]? Gunzip(byte[] content, long max)
    {
        using var input = new GZipStream(new MemoryStream(content), CompressionMode.Decompress);
        using var output = new MemoryStream();
        return CopyBounded(input, output, max) is null ? null : output.ToArray();
    }
}
