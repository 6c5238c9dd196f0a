using System.Text;
using MimeKit;
using Vigie.Data;
using Vigie.Features.Intake.Formats;

namespace Vigie.Features.Intake.Parsing;

/// <summary>
/// Reads what a person and the pipeline need out of a message whose crypto layer is already removed:
/// readable text, the sanitised HTML body, the attachments (stored in the blob store, listed when they
/// are archives, never opened otherwise) and the recognised report format. Stateless and thread-safe:
/// register it as a singleton.
/// </summary>
public sealed class MailContentReader(BlobStore blobs, ILogger<MailContentReader> logger)
{
    private static readonly string[] s_formatNames = [".csv", ".json", ".txt", ".yaml", ".yml", ".zip", ".gz"];

    static MailContentReader() => MailParsing.EnsureEncodings();

    /// <summary>
    /// Reads <paramref name="body"/>: <c>message.Body</c>, or the entity a decryption produced. Attachments
    /// (every leaf part not read as body text, embedded messages whole and their own parts, the contents
    /// of TNEF winmail.dat) go to the blob store as decoded bytes, up to
    /// <see cref="ParsingLimits.MaxAttachmentBytes"/> each (larger ones are measured and flagged, not stored).
    /// Archives are listed (<see cref="ArchiveLister"/>); a CSV inside a zip or gzip is decompressed under a
    /// hard cap for format recognition only. Never throws for bad content; a blob store failure (disk
    /// full, permissions) or cancellation is thrown so the caller can retry.
    /// </summary>
    public async Task<MailContent> ReadAsync(MimeMessage message, MimeEntity body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(body);
        var walk = new BodyWalk();
        walk.Walk(body, 0);
        var problems = walk.Problems;

        var attachments = new List<MailAttachment>(walk.Leaves.Count);
        var formatInputs = new List<(MailAttachment Meta, ReadOnlyMemory<byte>? Content)>();
        foreach (var leaf in walk.Leaves)
        {
            ct.ThrowIfCancellationRequested();
            var (meta, content) = await StoreAsync(leaf, ct);
            attachments.Add(meta);
            if (content is { } bytes && MayHoldReport(meta, bytes.Span))
            {
                formatInputs.Add((meta, bytes));
            }
        }

        RecognizedFormat? format = null;
        try
        {
            format = FormatRecognizer.Recognize(message, body, formatInputs, problems);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The recognisers are written not to throw; if one does, the message is still read.
            logger.LogWarning(e, "Format recognition failed for message {MessageId}", message.MessageId);
            problems.Add($"The report format could not be read: {e.Message}");
        }
        return new MailContent(walk.Text, walk.SanitizedHtml, attachments, format, problems);
    }

    private async Task<(MailAttachment Meta, ReadOnlyMemory<byte>? Content)> StoreAsync(MimeEntity leaf, CancellationToken ct)
    {
        var contentType = leaf.ContentType.MimeType.ToLowerInvariant();
        var fileName = Clean(leaf is MimePart part ? part.FileName : leaf.ContentDisposition?.FileName ?? leaf.ContentType.Name);
        byte[]? bytes;
        try
        {
            bytes = Decode(leaf, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Could not decode an attachment of type {ContentType}", contentType);
            return (new MailAttachment(fileName, contentType, 0, null, null, $"The attachment could not be decoded: {e.Message}"), null);
        }

        if (bytes is null)
        {
            return (await StoreLargeAsync((MimePart)leaf, fileName, contentType, ct), null);
        }
        if (bytes.Length > ParsingLimits.MaxAttachmentBytes)
        {
            return (new MailAttachment(fileName, contentType, bytes.Length, null, null, TooLarge(bytes.Length)), null);
        }
        using var source = new MemoryStream(bytes, writable: false);
        var (sha, size) = await blobs.PutAsync(source, ParsingLimits.MaxAttachmentBytes, ct);
        var (entries, problem) = ListArchive(bytes, fileName, ct);
        return (new MailAttachment(fileName, contentType, size, sha, entries, problem), bytes);
    }

    /// <summary>The decoded bytes, or null when the part is too large to decode in memory (it is then streamed).</summary>
    private static byte[]? Decode(MimeEntity leaf, CancellationToken ct)
    {
        switch (leaf)
        {
            case MessagePart embedded:
                using (var buffer = new MemoryStream())
                {
                    embedded.Message?.WriteTo(FormatOptions.Default, buffer, ct);
                    return buffer.ToArray();
                }
            case MimePart { Content: { } content }:
                // Decoding never grows the data (base64, quoted-printable, uuencode all shrink), so
                // the encoded length bounds the decoded one.
                var encoded = content.Stream is { CanSeek: true } stream ? stream.Length : long.MaxValue;
                if (encoded > ParsingLimits.InMemoryAttachmentBytes)
                {
                    return null;
                }
                using (var buffer = new MemoryStream((int)encoded))
                {
                    content.DecodeTo(buffer, ct);
                    return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
                }
            default:
                return [];
        }
    }

    private async Task<MailAttachment> StoreLargeAsync(MimePart part, string? fileName, string contentType, CancellationToken ct)
    {
        await using var decoded = new CountingStream(part.Content!.Open());
        try
        {
            var (sha, size) = await blobs.PutAsync(decoded, ParsingLimits.MaxAttachmentBytes, ct);
            IReadOnlyList<ArchiveEntry>? entries = null;
            string? problem = null;
            await using (var stored = blobs.OpenRead(sha))
            {
                var head = new byte[512];
                var length = await stored.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
                if (ArchiveLister.Detect(head.AsSpan(0, length)) != ArchiveKind.None)
                {
                    (entries, problem) = SafeList(stored, fileName, ct);
                }
            }
            return new MailAttachment(fileName, contentType, size, sha, entries, problem);
        }
        catch (BlobTooLargeException)
        {
            // Measure the rest without keeping it: the size is still worth showing.
            await decoded.CopyToAsync(Stream.Null, ct);
            return new MailAttachment(fileName, contentType, decoded.BytesRead, null, null, TooLarge(decoded.BytesRead));
        }
    }

    private (IReadOnlyList<ArchiveEntry>? Entries, string? Problem) ListArchive(byte[] bytes, string? fileName, CancellationToken ct)
    {
        if (ArchiveLister.Detect(bytes.AsSpan(0, Math.Min(bytes.Length, 512))) == ArchiveKind.None)
        {
            return (null, null);
        }
        using var stream = new MemoryStream(bytes, writable: false);
        return SafeList(stream, fileName, ct);
    }

    private (IReadOnlyList<ArchiveEntry>? Entries, string? Problem) SafeList(Stream stream, string? fileName, CancellationToken ct)
    {
        try
        {
            return ArchiveLister.List(stream, fileName, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Listing the archive {FileName} failed", fileName);
            return (null, $"The archive could not be listed: {e.Message}");
        }
    }

    // Only what a recogniser may read is kept in memory past this point: text, JSON, CSV and archives.
    private static bool MayHoldReport(MailAttachment meta, ReadOnlySpan<byte> content) =>
        meta.Sha256 is not null
        && (meta.ContentType.StartsWith("text/", StringComparison.Ordinal)
            || meta.ContentType.EndsWith("json", StringComparison.Ordinal)
            || ArchiveLister.Detect(content[..Math.Min(content.Length, 512)]) is ArchiveKind.Zip or ArchiveKind.Gzip
            || (meta.FileName is { } name && s_formatNames.Any(suffix => name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))));

    private static string TooLarge(long size) =>
        $"The attachment is {MailParsing.Megabytes(size)}, over the limit of {MailParsing.Megabytes(ParsingLimits.MaxAttachmentBytes)}; it was not stored.";

    // NFC: a name typed on macOS arrives decomposed ("a" + U+0308) and would not match the same name typed elsewhere.
    private static string? Clean(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        value = value.Replace("\0", "", StringComparison.Ordinal).Trim();
        try
        {
            return value.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            return value; // lone surrogates cannot be normalised; the name is still shown
        }
    }
}
