using MimeKit;
using Vigie.Features.Intake.Parsing;

namespace Vigie.Features.Intake.Formats;

/// <summary>
/// Recognises machine-readable reports by their structure, not by their sender:
/// <list type="number">
/// <item><c>multipart/report; report-type=delivery-status</c> or a <c>message/delivery-status</c> part (RFC 3464) → dsn;</item>
/// <item><c>multipart/report; report-type=feedback-report</c> or a <c>message/feedback-report</c> part (RFC 5965) → arf
/// (see <see cref="ArfReader"/> for "ARF-like" mail without one);</item>
/// <item>an X-ARF report: YAML 0.1/0.2 part under an <c>X-XARF</c>/<c>X-ARF</c> header, or a XARF 3/4 JSON part → xarf;</item>
/// <item>a CSV attachment, also zipped or gzipped, with a Shadowserver-style header → shadowserver.</item>
/// </list>
/// The first that matches wins. Never throws for malformed input: a malformed report gives problems in
/// <see cref="RecognizedFormat.Problems"/>, and when nothing usable is left the result is null and the
/// reasons go to <c>unusable</c>.
/// </summary>
public static class FormatRecognizer
{
    /// <param name="message">The message (headers: X-ARF marker, Subject for the Shadowserver report type).</param>
    /// <param name="body">The entity to read: <c>message.Body</c> or the decrypted one.</param>
    /// <param name="attachments">Stored attachments with their decoded bytes when the reader kept them
    /// (text, JSON, CSV, zip, gzip up to <see cref="ParsingLimits.InMemoryAttachmentBytes"/>); only CSV reports are read from here.</param>
    /// <param name="unusable">Receives why something that looked like a report could not be used (null result).</param>
    public static RecognizedFormat? Recognize(MimeMessage message, MimeEntity body,
        IReadOnlyList<(MailAttachment Meta, ReadOnlyMemory<byte>? Content)> attachments, ICollection<string>? unusable = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(attachments);
        unusable ??= [];
        return DsnReader.Read(body)
            ?? ArfReader.Read(body)
            ?? XarfReader.Read(message, body, unusable)
            ?? ShadowserverReader.Read(message, attachments, unusable);
    }
}
