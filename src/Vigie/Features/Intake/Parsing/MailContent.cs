using Vigie.Features.Intake.Formats;

namespace Vigie.Features.Intake.Parsing;

/// <summary>What a person and the pipeline need out of one message.</summary>
/// <param name="Text">Readable text: text/plain bodies (else the text of the sanitised HTML body), the
/// machine-readable report parts (feedback report, delivery status, returned headers) and the text of
/// embedded messages after a short header summary; joined by blank lines, NUL-free, capped at
/// <see cref="ParsingLimits.MaxTextChars"/> characters (flagged). Links keep their target: <c>text &lt;url&gt;</c>.</param>
/// <param name="SanitizedHtml">The first HTML body after sanitising (no scripts, styles, forms or event
/// handlers; images only from <c>cid:</c> and <c>data:image/…</c>; links only http, https, mailto), or null.</param>
/// <param name="Attachments">Every part that is not read as body text, in message order.</param>
/// <param name="Format">The recognised report format, or null.</param>
/// <param name="Problems">Readable anomalies met while reading (the parser's own are in <see cref="ParsedMessage"/>).</param>
public sealed record MailContent(
    string Text,
    string? SanitizedHtml,
    IReadOnlyList<MailAttachment> Attachments,
    RecognizedFormat? Format,
    IReadOnlyList<string> Problems);

/// <summary>One attachment. Its decoded bytes are in the blob store under <paramref name="Sha256"/> when that is not null.</summary>
/// <param name="FileName">The name the sender gave (RFC 2231/2047 decoded), or null.</param>
/// <param name="ContentType">The declared media type, lower case (<c>message/rfc822</c> for an embedded message).</param>
/// <param name="Size">Decoded size in bytes (measured, also when not stored).</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the decoded bytes, the blob store key; null when not stored.</param>
/// <param name="Entries">Archive listing (zip, tar, gzip; nested archives to <see cref="ParsingLimits.MaxArchiveDepth"/>
/// levels), or null when the attachment is not an archive that could be listed.</param>
/// <param name="Problem">Why it was not stored, not listed completely, or looks like a zip bomb; else null.</param>
public sealed record MailAttachment(
    string? FileName,
    string ContentType,
    long Size,
    string? Sha256,
    IReadOnlyList<ArchiveEntry>? Entries,
    string? Problem);

/// <summary>One member of an archive, listed, never extracted to disk.</summary>
/// <param name="Path">The member's path as stored in the archive (may contain <c>../</c>: it is only a name).</param>
/// <param name="Size">Declared uncompressed size.</param>
/// <param name="CompressedSize">Bytes it takes in the archive; the same as <paramref name="Size"/> for a tar member,
/// -1 when the format does not say (a member of a compressed tar).</param>
/// <param name="Depth">1 for a member of the attachment itself, 2 for a member of an archive inside it.</param>
public sealed record ArchiveEntry(string Path, long Size, long CompressedSize, int Depth);
