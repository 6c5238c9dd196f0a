namespace Vigie.Features.Intake.Parsing;

/// <summary>
/// Every bound the intake parser puts on hostile input, in one place. A message that crosses one
/// is still stored (the raw bytes are kept before parsing) and gets a readable problem; the
/// parser never reads past the bound.
/// </summary>
public static class ParsingLimits
{
    /// <summary>MIME nesting (multiparts and embedded messages) MimeKit builds; deeper levels stay one opaque part.
    /// Real mail rarely goes past 6 (forward of a signed report with a returned message); 16 leaves room.</summary>
    public const int MaxMimeDepth = 16;

    /// <summary>A header block larger than this is flagged. Postfix refuses a single header over 102,400 bytes
    /// (<c>header_size_limit</c>), so a block this large was crafted or mangled.</summary>
    public const int MaxHeaderBlockBytes = 102_400;

    /// <summary>More recipients than this in To, Cc and Bcc together is flagged (mass mailing or a parser attack).</summary>
    public const int MaxRecipients = 1_000;

    /// <summary>A message larger than this is flagged: it is over the SMTP listener's default size limit.</summary>
    public const long LargeMessageBytes = 25L * 1024 * 1024;

    /// <summary>MIME entities visited while reading one message (leaves, multiparts, embedded messages).</summary>
    public const int MaxParts = 1_000;

    /// <summary>Depth of the reader's walk (embedded messages and TNEF contents included).</summary>
    public const int MaxWalkDepth = 32;

    /// <summary>Characters of readable text kept per message.</summary>
    public const int MaxTextChars = 1_000_000;

    /// <summary>Characters of one HTML body given to the sanitiser; the rest is cut.</summary>
    public const int MaxHtmlChars = 2_000_000;

    /// <summary>Decoded size of one attachment kept in the blob store; larger ones are flagged, not stored.</summary>
    public const long MaxAttachmentBytes = 25L * 1024 * 1024;

    /// <summary>Attachments up to this size are decoded in memory (one copy) before being stored, so archives
    /// and reports can be read without going back to disk; larger ones stream to the blob store.</summary>
    public const long InMemoryAttachmentBytes = 16L * 1024 * 1024;

    /// <summary>Archive entries listed per attachment (all levels together).</summary>
    public const int MaxArchiveEntries = 10_000;

    /// <summary>Declared uncompressed size of the entries listed per attachment.</summary>
    public const long MaxArchiveDeclaredBytes = 1L << 30;

    /// <summary>Uncompressed/compressed ratio above which an archive is a possible zip bomb
    /// (deflate peaks near 1,032:1; real documents and logs stay far below 100:1).</summary>
    public const int ZipBombRatio = 100;

    /// <summary>The ratio rule applies from this uncompressed size on, so a tiny, very repetitive file is not flagged.</summary>
    public const long ZipBombMinBytes = 1L * 1024 * 1024;

    /// <summary>Archive levels listed: an archive's entries are level 1, those of an archive inside it level 2.</summary>
    public const int MaxArchiveDepth = 2;

    /// <summary>An archive inside an archive is decompressed (in memory) to be listed only up to this size.</summary>
    public const long MaxNestedArchiveBytes = 16L * 1024 * 1024;

    /// <summary>Bytes decompressed to list a compressed tar (a .tar.gz has no index: it is read through).</summary>
    public const long MaxTarScanBytes = 256L * 1024 * 1024;

    /// <summary>A CSV inside a zip or gzip is decompressed for format recognition up to this size (hard cap).</summary>
    public const long MaxCsvBytes = 50L * 1024 * 1024;

    /// <summary>CSV rows read as records per message.</summary>
    public const int MaxCsvRows = 100_000;

    /// <summary>Size of a structured report part (feedback report, delivery status, X-ARF YAML/JSON) that is read.</summary>
    public const int MaxStructuredPartBytes = 1024 * 1024;

    /// <summary>Fields taken from one structured report (flattened YAML/JSON); guards alias and nesting bombs.</summary>
    public const int MaxFieldsPerRecord = 10_000;

    /// <summary>Characters kept per field value.</summary>
    public const int MaxFieldChars = 64 * 1024;
}
