using System.Collections;
using System.Globalization;
using System.Runtime.InteropServices;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using CsvHelper;
using CsvHelper.Configuration;
using MimeKit;
using Vigie.Features.Intake.Parsing;

namespace Vigie.Features.Intake.Formats;

/// <summary>
/// Shadowserver-style CSV reports: a CSV attachment (also inside a zip or gzip, as Shadowserver mails
/// <c>*.csv.zip</c>) whose header has a <c>timestamp</c> column and an address column (<c>ip</c>,
/// <c>src_ip</c>, …). One record per row. A CSV inside an archive is decompressed under a hard cap
/// (<see cref="ParsingLimits.MaxCsvBytes"/>) and only when its entry does not look like a zip bomb.
/// </summary>
internal static partial class ShadowserverReader
{
    // Columns that carry what a report is about, in Shadowserver's report schema (reports.json).
    private static readonly HashSet<string> s_subjectColumns = new(StringComparer.OrdinalIgnoreCase)
    {
        "ip", "src_ip", "dst_ip", "http_referer_ip", "source_ip", "url", "http_url", "host", "hostname", "domain", "md5hash", "sha256",
    };

    private static readonly string[] s_csvTypes = ["text/csv", "application/csv", "text/comma-separated-values", "application/vnd.ms-excel"];

    /// <summary>Shadowserver's report file names: <c>2015-01-01-dns_openresolver-sample-asn.csv</c> (report-filename.md).</summary>
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}-(?<type>[^-]+)-.*\.csv", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 100)]
    private static partial Regex FileNamePattern();

    /// <summary>"[SAMPLE] Shadowserver scan_http-sample Report: 2019-10-15".</summary>
    [GeneratedRegex(@"shadowserver\b.*?\b(?<type>[a-z0-9]+(?:_[a-z0-9]+)+)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 100)]
    private static partial Regex SubjectPattern();

    public static RecognizedFormat? Read(MimeMessage message, IReadOnlyList<(MailAttachment Meta, ReadOnlyMemory<byte>? Content)> attachments, ICollection<string> unusable)
    {
        var state = new State();
        foreach (var (meta, content) in attachments)
        {
            if (content is not { } bytes || state.RowsFull)
            {
                continue;
            }
            try
            {
                ReadAttachment(meta, bytes, state);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or CsvHelperException or DecoderFallbackException)
            {
                state.Problems.Add($"The attachment{Named(meta.FileName)} could not be read as CSV: {e.Message}");
            }
        }
        if (state.Records.Count == 0)
        {
            if (state.Recognised)
            {
                state.Problems.Add("The Shadowserver-style CSV has a header but no rows.");
                return new RecognizedFormat("shadowserver", state.Subtype ?? FromSubject(message), [], null, state.Problems);
            }
            foreach (var problem in state.Problems)
            {
                unusable.Add(problem);
            }
            return null;
        }
        return new RecognizedFormat("shadowserver", state.Subtype ?? FromSubject(message), state.Records, null, state.Problems);
    }

    private static void ReadAttachment(MailAttachment meta, ReadOnlyMemory<byte> bytes, State state)
    {
        var head = bytes.Span[..Math.Min(bytes.Length, 512)];
        switch (ArchiveLister.Detect(head))
        {
            case ArchiveKind.Zip:
                using (var zip = new ZipArchive(AsStream(bytes), ZipArchiveMode.Read))
                {
                    // Shadowserver sends one CSV per zip; a zip of a thousand CSVs is not a report.
                    foreach (var entry in zip.Entries.Where(e => e.FullName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)).Take(10))
                    {
                        if (Decompressible(entry.FullName, entry.Length, entry.CompressedLength, state) && !entry.IsEncrypted)
                        {
                            using var csv = new CountingStream(entry.Open(), ParsingLimits.MaxCsvBytes);
                            ReadCsv(csv, Path.GetFileName(entry.FullName), state);
                        }
                    }
                }
                break;
            case ArchiveKind.Gzip:
                var inner = meta.Entries is [{ } only] ? only : null;
                var innerName = inner?.Path ?? meta.FileName ?? "";
                if (innerName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)
                    && Decompressible(innerName, inner?.Size ?? -1, bytes.Length, state))
                {
                    using var gzip = new GZipStream(AsStream(bytes), CompressionMode.Decompress);
                    using var csv = new CountingStream(gzip, ParsingLimits.MaxCsvBytes);
                    ReadCsv(csv, Path.GetFileName(innerName), state);
                }
                break;
            case ArchiveKind.None when IsCsv(meta):
                using (var csv = AsStream(bytes))
                {
                    ReadCsv(csv, meta.FileName, state);
                }
                break;
        }
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(bytes.ToArray(), writable: false);

    private static bool IsCsv(MailAttachment meta) =>
        s_csvTypes.Contains(meta.ContentType)
        || (meta.FileName?.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ?? false);

    private static bool Decompressible(string name, long size, long compressed, State state)
    {
        if (size >= 0 && ArchiveLister.LooksLikeBomb(size, compressed))
        {
            state.Problems.Add($"\"{name}\" looks like a zip bomb; it was not decompressed.");
            return false;
        }
        if (size > ParsingLimits.MaxCsvBytes)
        {
            state.Problems.Add($"\"{name}\" declares {MailParsing.Megabytes(size)} uncompressed, over {MailParsing.Megabytes(ParsingLimits.MaxCsvBytes)}; it was not decompressed.");
            return false;
        }
        return true;
    }

    private static void ReadCsv(Stream csv, string? fileName, State state)
    {
        using var reader = new StreamReader(csv, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var badData = 0;
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            BadDataFound = _ => badData++,
            MissingFieldFound = null,
            DetectColumnCountChanges = false,
        };
        using var parser = new CsvParser(reader, configuration);
        if (!parser.Read() || parser.Record is not { } header || !IsShadowserverHeader(header))
        {
            return;
        }
        state.Recognised = true;
        if (fileName is not null && FileNamePattern().Match(fileName) is { Success: true } match)
        {
            state.Subtype ??= match.Groups["type"].Value.ToLowerInvariant();
        }
        var columns = Columns(header);
        var ragged = 0;
        try
        {
            while (parser.Read())
            {
                if (state.Records.Count >= ParsingLimits.MaxCsvRows)
                {
                    state.RowsFull = true;
                    state.Problems.Add($"The CSV has more than {MailParsing.Count(ParsingLimits.MaxCsvRows)} rows; only the first {MailParsing.Count(ParsingLimits.MaxCsvRows)} were read.");
                    break;
                }
                var row = parser.Record!;
                if (row.Length == 1 && row[0].Length == 0)
                {
                    continue;
                }
                if (row.Length != header.Length)
                {
                    ragged++;
                }
                state.Records.Add(new FormatRecord(state.Records.Count + 1, new CsvRow(columns, row)));
            }
        }
        catch (Exception e) when (e is ReadCapExceededException || e.InnerException is ReadCapExceededException)
        {
            state.Problems.Add($"The CSV{Named(fileName)} is larger than {MailParsing.Megabytes(ParsingLimits.MaxCsvBytes)} once decompressed; only the rows before that were read.");
        }
        if (ragged > 0)
        {
            state.Problems.Add($"{MailParsing.Count(ragged)} row(s) of{Named(fileName)} do not have as many fields as the header (truncated or malformed CSV).");
        }
        if (badData > 0)
        {
            state.Problems.Add($"{MailParsing.Count(badData)} field(s) of{Named(fileName)} have stray quotes.");
        }
    }

    private static bool IsShadowserverHeader(string[] header) =>
        header.Any(h => h.Trim().Equals("timestamp", StringComparison.OrdinalIgnoreCase))
        && header.Any(h => s_subjectColumns.Contains(h.Trim()));

    private static Dictionary<string, int> Columns(string[] header)
    {
        var columns = new Dictionary<string, int>(header.Length, StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Length; i++)
        {
            var name = header[i].Trim();
            var unique = name;
            for (var n = 2; columns.ContainsKey(unique); n++)
            {
                unique = string.Create(CultureInfo.InvariantCulture, $"{name}_{n}");
            }
            columns[unique] = i;
        }
        return columns;
    }

    private static string? FromSubject(MimeMessage message) =>
        message.Subject is { } subject && SubjectPattern().Match(subject) is { Success: true } match
            ? match.Groups["type"].Value.ToLowerInvariant()
            : null;

    private static string Named(string? fileName) => fileName is null ? "" : $" \"{fileName}\"";

    private sealed class State
    {
        public List<FormatRecord> Records { get; } = [];

        public List<string> Problems { get; } = [];

        public string? Subtype { get; set; }

        public bool Recognised { get; set; }

        public bool RowsFull { get; set; }
    }

    /// <summary>One row seen through the shared header: a dictionary without a dictionary per row.</summary>
    private sealed class CsvRow(Dictionary<string, int> columns, string[] values) : IReadOnlyDictionary<string, string>
    {
        public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

        public IEnumerable<string> Keys => this.Select(pair => pair.Key);

        public IEnumerable<string> Values => this.Select(pair => pair.Value);

        public int Count => columns.Values.Count(i => i < values.Length);

        public bool ContainsKey(string key) => TryGetValue(key, out _);

        public bool TryGetValue(string key, out string value)
        {
            if (columns.TryGetValue(key, out var i) && i < values.Length)
            {
                value = values[i];
                return true;
            }
            value = "";
            return false;
        }

        public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
        {
            foreach (var (name, i) in columns)
            {
                if (i < values.Length)
                {
                    yield return new KeyValuePair<string, string>(name, values[i]);
                }
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
