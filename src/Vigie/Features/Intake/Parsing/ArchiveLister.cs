using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Vigie.Features.Intake.Parsing;

/// <summary>The archive formats recognised by their first bytes (never by the file name).</summary>
internal enum ArchiveKind
{
    None,
    Zip,
    Gzip,
    Tar,
    SevenZip,
    Rar,
}

/// <summary>
/// Lists archives without extracting them: zip (System.IO.Compression, central directory only),
/// gzip (member name and declared size from the header and trailer), tar (headers; a compressed tar
/// is read through under a budget). An archive inside an archive is decompressed in memory, under a
/// hard cap, to list it one level down. Every bound is in <see cref="ParsingLimits"/>.
/// </summary>
internal static class ArchiveLister
{
    private static readonly string[] s_nestedNames = [".zip", ".tar", ".gz", ".tgz"];

    public static ArchiveKind Detect(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 4 && head[0] == 'P' && head[1] == 'K' && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6)))
        {
            return ArchiveKind.Zip;
        }
        if (head.Length >= 3 && head[0] == 0x1F && head[1] == 0x8B && head[2] == 8)
        {
            return ArchiveKind.Gzip;
        }
        if (head.Length >= 262 && head.Slice(257, 5).SequenceEqual("ustar"u8))
        {
            return ArchiveKind.Tar;
        }
        if (head.Length >= 6 && head[..6].SequenceEqual((ReadOnlySpan<byte>)[0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]))
        {
            return ArchiveKind.SevenZip;
        }
        return head.Length >= 6 && head[..6].SequenceEqual("Rar!\u001A\u0007"u8) ? ArchiveKind.Rar : ArchiveKind.None;
    }

    /// <summary>Lists <paramref name="content"/> (seekable, positioned anywhere). Never throws for bad archives.</summary>
    public static (IReadOnlyList<ArchiveEntry>? Entries, string? Problem) List(Stream content, string? fileName, CancellationToken ct)
    {
        content.Position = 0;
        var head = new byte[512];
        var headLength = content.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        content.Position = 0;
        var kind = Detect(head.AsSpan(0, headLength));
        switch (kind)
        {
            case ArchiveKind.None:
                return (null, null);
            case ArchiveKind.SevenZip or ArchiveKind.Rar:
                return (null, $"{(kind == ArchiveKind.Rar ? "RAR" : "7-Zip")} archives are not listed: its content is unknown.");
        }
        var listing = new Listing(ct);
        listing.Add(kind, content, fileName, 1);
        return (listing.Entries, listing.Problem());
    }

    /// <summary>Copies at most <paramref name="max"/> bytes; null when the source has more.</summary>
    public static MemoryStream? ReadBounded(Stream source, long max, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = source.Read(chunk, 0, (int)Math.Min(chunk.Length, max + 1 - buffer.Length))) > 0)
        {
            ct.ThrowIfCancellationRequested();
            buffer.Write(chunk, 0, read);
            if (buffer.Length > max)
            {
                return null;
            }
        }
        buffer.Position = 0;
        return buffer;
    }

    internal static bool LooksLikeBomb(long size, long compressed) =>
        size > ParsingLimits.ZipBombMinBytes && size > Math.Max(compressed, 1) * ParsingLimits.ZipBombRatio;

    private sealed class Listing(CancellationToken ct)
    {
        private readonly List<string> _problems = [];
        private long _declared;
        private bool _bomb;
        private bool _full;

        public List<ArchiveEntry> Entries { get; } = [];

        public string? Problem()
        {
            if (_bomb)
            {
                _problems.Insert(0, "Possible zip bomb:");
            }
            return _problems.Count == 0 ? null : string.Join(" ", _problems);
        }

        public void Add(ArchiveKind kind, Stream content, string? fileName, int depth)
        {
            try
            {
                switch (kind)
                {
                    case ArchiveKind.Zip:
                        AddZip(content, depth);
                        break;
                    case ArchiveKind.Gzip:
                        AddGzip(content, fileName, depth);
                        break;
                    case ArchiveKind.Tar:
                        AddTar(content, depth, compressed: false);
                        break;
                }
            }
            catch (Exception e) when (e is InvalidDataException or FormatException or IOException or ArgumentException or NotSupportedException or EndOfStreamException)
            {
                _problems.Add($"The {kind.ToString().ToLowerInvariant()} archive{Named(fileName)} could not be read completely: {e.Message}");
            }
        }

        private bool Note(string path, long size, long compressed, int depth)
        {
            if (_full)
            {
                return false;
            }
            if (Entries.Count >= ParsingLimits.MaxArchiveEntries)
            {
                _full = _bomb = true;
                _problems.Add($"Listing stopped after {MailParsing.Count(ParsingLimits.MaxArchiveEntries)} entries.");
                return false;
            }
            _declared += Math.Max(size, 0);
            Entries.Add(new ArchiveEntry(Clean(path), size, compressed, depth));
            if (_declared > ParsingLimits.MaxArchiveDeclaredBytes)
            {
                _full = _bomb = true;
                _problems.Add($"Listing stopped: the entries declare more than {MailParsing.Megabytes(ParsingLimits.MaxArchiveDeclaredBytes)} uncompressed.");
                return false;
            }
            if (compressed >= 0 && LooksLikeBomb(size, compressed))
            {
                if (!_bomb)
                {
                    _problems.Add($"\"{Clean(path)}\" expands from {MailParsing.Count(compressed)} to {MailParsing.Count(size)} bytes (over {ParsingLimits.ZipBombRatio}:1).");
                }
                _bomb = true;
            }
            return true;
        }

        private void AddZip(Stream content, int depth)
        {
            var declared = DeclaredZipEntries(content);
            if (declared > ParsingLimits.MaxArchiveEntries)
            {
                // Opening it would build one object per central directory record first.
                _bomb = true;
                _problems.Add($"The zip declares {MailParsing.Count(declared)} entries (over {MailParsing.Count(ParsingLimits.MaxArchiveEntries)}); it was not listed.");
                return;
            }
            content.Position = 0;
            using var zip = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
            var encrypted = false;
            foreach (var entry in zip.Entries)
            {
                ct.ThrowIfCancellationRequested();
                if (!Note(entry.FullName, entry.Length, entry.CompressedLength, depth))
                {
                    return;
                }
                encrypted |= entry.IsEncrypted;
                if (depth < ParsingLimits.MaxArchiveDepth && !entry.IsEncrypted && MayBeArchive(entry.FullName)
                    && entry.Length <= ParsingLimits.MaxNestedArchiveBytes && !LooksLikeBomb(entry.Length, entry.CompressedLength))
                {
                    using var inner = entry.Open();
                    AddNested(inner, entry.FullName, depth + 1);
                }
            }
            if (encrypted)
            {
                _problems.Add("Some entries are encrypted (password-protected), a common way to slip malware past filters.");
            }
        }

        private void AddGzip(Stream content, string? fileName, int depth)
        {
            var (innerName, declared) = ReadGzipHeader(content, fileName);
            content.Position = 0;
            var head = new byte[512];
            int headLength;
            using (var peek = new GZipStream(content, CompressionMode.Decompress, leaveOpen: true))
            {
                headLength = peek.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            }
            var inner = Detect(head.AsSpan(0, headLength));
            content.Position = 0;
            if (inner == ArchiveKind.Tar)
            {
                // gzip is only a compression layer: a .tar.gz lists the tar's members at this level.
                using var gzip = new GZipStream(content, CompressionMode.Decompress, leaveOpen: true);
                AddTar(new CountingStream(gzip, ParsingLimits.MaxTarScanBytes), depth, compressed: true);
                return;
            }
            if (!Note(innerName, declared, content.Length, depth))
            {
                return;
            }
            if (inner == ArchiveKind.Zip && depth < ParsingLimits.MaxArchiveDepth
                && declared <= ParsingLimits.MaxNestedArchiveBytes && !LooksLikeBomb(declared, content.Length))
            {
                using var gzip = new GZipStream(content, CompressionMode.Decompress, leaveOpen: true);
                AddNested(gzip, innerName, depth + 1);
            }
        }

        private void AddTar(Stream content, int depth, bool compressed)
        {
            try
            {
                using var tar = new TarReader(content, leaveOpen: true);
                while (tar.GetNextEntry(copyData: false) is { } entry)
                {
                    ct.ThrowIfCancellationRequested();
                    if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile))
                    {
                        continue;
                    }
                    if (!Note(entry.Name, entry.Length, compressed ? -1 : entry.Length, depth))
                    {
                        return;
                    }
                    if (depth < ParsingLimits.MaxArchiveDepth && MayBeArchive(entry.Name)
                        && entry.Length <= ParsingLimits.MaxNestedArchiveBytes && entry.DataStream is { } data)
                    {
                        AddNested(data, entry.Name, depth + 1);
                    }
                }
            }
            catch (ReadCapExceededException)
            {
                _bomb = true;
                _problems.Add($"Listing stopped after {MailParsing.Megabytes(ParsingLimits.MaxTarScanBytes)} of decompressed tar.");
            }
        }

        private void AddNested(Stream compressed, string name, int depth)
        {
            using var copy = ReadBounded(compressed, ParsingLimits.MaxNestedArchiveBytes, ct);
            if (copy is null)
            {
                _bomb = true;
                _problems.Add($"\"{Clean(name)}\" is larger than declared; it was not listed.");
                return;
            }
            var head = copy.GetBuffer().AsSpan(0, (int)Math.Min(copy.Length, 512));
            var kind = Detect(head);
            if (kind is ArchiveKind.Zip or ArchiveKind.Gzip or ArchiveKind.Tar)
            {
                Add(kind, copy, name, depth);
            }
        }

        private static bool MayBeArchive(string name) =>
            s_nestedNames.Any(suffix => name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase));
    }

    private static string Named(string? fileName) => fileName is null ? "" : $" \"{Clean(fileName)}\"";

    private static string Clean(string path) => path.Contains('\0', StringComparison.Ordinal) ? path.Replace("\0", "", StringComparison.Ordinal) : path;

    /// <summary>The entry count the end of central directory record declares (ZIP64 aware); -1 when not found.</summary>
    private static long DeclaredZipEntries(Stream zip)
    {
        const int eocdSize = 22;
        var tailLength = (int)Math.Min(zip.Length, eocdSize + ushort.MaxValue);
        if (tailLength < eocdSize)
        {
            return -1;
        }
        var tail = new byte[tailLength];
        zip.Position = zip.Length - tailLength;
        zip.ReadExactly(tail);
        for (var i = tailLength - eocdSize; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i)) != 0x06054B50)
            {
                continue;
            }
            long count = BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(i + 10));
            if (count != ushort.MaxValue || i < 20 || BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i - 20)) != 0x07064B50)
            {
                return count;
            }
            // ZIP64 end of central directory locator → record, whose entry count is 64-bit (APPNOTE 4.3.14).
            var recordOffset = BinaryPrimitives.ReadInt64LittleEndian(tail.AsSpan(i - 20 + 8));
            if (recordOffset < 0 || recordOffset > zip.Length - 56)
            {
                return long.MaxValue;
            }
            var record = new byte[56];
            zip.Position = recordOffset;
            zip.ReadExactly(record);
            return BinaryPrimitives.ReadUInt32LittleEndian(record) == 0x06064B50
                ? (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(32)), long.MaxValue)
                : long.MaxValue;
        }
        return -1;
    }

    /// <summary>RFC 1952 §2.3: the original file name (FNAME) and the size modulo 2^32 (ISIZE) of the first member.</summary>
    private static (string Name, long Size) ReadGzipHeader(Stream gzip, string? outerName)
    {
        var fallback = outerName switch
        {
            null => "(unnamed)",
            _ when outerName.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase) => outerName[..^4] + ".tar",
            _ when outerName.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) => outerName[..^3],
            _ => outerName,
        };
        long size = -1;
        if (gzip.Length >= 18)
        {
            var trailer = new byte[4];
            gzip.Position = gzip.Length - 4;
            gzip.ReadExactly(trailer);
            size = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        }
        gzip.Position = 0;
        var header = new byte[Math.Min(gzip.Length, 10 + 2 + ushort.MaxValue + 1024)];
        var length = gzip.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        var flags = length > 3 ? header[3] : 0;
        var at = 10;
        if ((flags & 0x04) != 0 && at + 2 <= length)
        {
            at += 2 + BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(at));
        }
        if ((flags & 0x08) != 0 && at < length)
        {
            var end = Array.IndexOf(header, (byte)0, at, length - at);
            if (end > at)
            {
                // RFC 1952 says ISO 8859-1 for FNAME.
                return (Encoding.Latin1.GetString(header, at, Math.Min(end - at, 1024)), size);
            }
        }
        return (fallback, size);
    }
}
