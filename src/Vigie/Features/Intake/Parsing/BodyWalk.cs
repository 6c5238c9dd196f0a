using System.Text;
using MimeKit;
using MimeKit.Text;
using MimeKit.Tnef;

namespace Vigie.Features.Intake.Parsing;

/// <summary>
/// One pass over a MIME tree that sorts every entity into readable text, the HTML body, or a leaf
/// to store as an attachment. Synchronous and in memory: the slow part (storing) comes after.
/// </summary>
internal sealed class BodyWalk
{
    // Machine-readable report parts are short, textual, and what an analyst reads first.
    private static readonly HashSet<string> s_reportParts = new(StringComparer.OrdinalIgnoreCase)
    {
        "message/feedback-report", "message/delivery-status", "message/global-delivery-status",
        "message/disposition-notification", "message/global-disposition-notification",
        "text/rfc822-headers", "message/rfc822-headers", "message/global-headers",
    };

    private static readonly Encoding s_strictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);

    private readonly StringBuilder _text = new();
    private int _entities;
    private bool _textFull;
    private bool _tooMany;
    private bool _tooDeep;

    public List<MimeEntity> Leaves { get; } = [];

    public List<string> Problems { get; } = [];

    public string? SanitizedHtml { get; private set; }

    public string Text => _text.ToString();

    public void Walk(MimeEntity entity, int depth, bool htmlText = true)
    {
        if (depth > ParsingLimits.MaxWalkDepth)
        {
            if (!_tooDeep)
            {
                _tooDeep = true;
                Problems.Add($"Parts nested deeper than {ParsingLimits.MaxWalkDepth} levels were not read.");
            }
            return;
        }
        if (++_entities > ParsingLimits.MaxParts)
        {
            if (!_tooMany)
            {
                _tooMany = true;
                Problems.Add($"The message has more than {MailParsing.Count(ParsingLimits.MaxParts)} parts; the rest were not read.");
            }
            return;
        }
        switch (entity)
        {
            case MultipartAlternative alternative:
                WalkAlternative(alternative, depth, htmlText);
                break;
            case MultipartRelated related:
                // RFC 2387: the root is the body, the other parts are what it refers to (cid: images).
                var root = related.Root;
                if (root is not null)
                {
                    Walk(root, depth + 1, htmlText);
                }
                foreach (var child in related)
                {
                    if (!ReferenceEquals(child, root))
                    {
                        Walk(child, depth + 1, htmlText);
                    }
                }
                break;
            case Multipart multipart:
                foreach (var child in multipart)
                {
                    Walk(child, depth + 1, htmlText);
                }
                break;
            case MessagePart embedded:
                // Stored whole (the forwarded phishing mail is evidence), and read: its text and
                // its own attachments belong to the report too.
                Leaves.Add(embedded);
                if (embedded.Message is { } message)
                {
                    AddText(Summary(message));
                    if (message.Body is { } body)
                    {
                        Walk(body, depth + 1, htmlText);
                    }
                }
                break;
            case TnefPart tnef:
                Leaves.Add(tnef);
                WalkTnef(tnef, depth);
                break;
            case MimePart part when s_reportParts.Contains(part.ContentType.MimeType):
                AddText(ReadReportPart(part));
                break;
            case TextPart { IsPlain: true } plain when !IsAttachment(plain):
                AddText(PlainText(plain));
                break;
            case TextPart { IsHtml: true } html when !IsAttachment(html):
                AddHtml(html, htmlText);
                break;
            case MimePart part:
                Leaves.Add(part);
                break;
        }
    }

    /// <summary>A part that has a name or says "attachment" is a file, even when it is text.</summary>
    public static bool IsAttachment(MimePart part) =>
        part.ContentDisposition?.IsAttachment == true || !string.IsNullOrEmpty(part.FileName);

    private void WalkAlternative(MultipartAlternative alternative, int depth, bool htmlText)
    {
        // RFC 2046 §5.1.4: the same content in several forms. Text comes from text/plain (what the
        // sender wrote for text readers), the display from the HTML form; other forms are files.
        TextPart? plain = null;
        string? plainText = null;
        MimeEntity? html = null;
        foreach (var child in alternative)
        {
            if (plain is null && child is TextPart { IsPlain: true } p && !IsAttachment(p))
            {
                var text = PlainText(p);
                if (!string.IsNullOrWhiteSpace(text))
                {
                    (plain, plainText) = (p, text);
                }
            }
            else if (html is null && ((child is TextPart { IsHtml: true } h && !IsAttachment(h)) || child is MultipartRelated))
            {
                html = child;
            }
        }
        if (plainText is not null)
        {
            AddText(plainText);
        }
        foreach (var child in alternative)
        {
            if (ReferenceEquals(child, html))
            {
                Walk(child, depth + 1, htmlText && plain is null);
            }
            else if (child is not TextPart { IsPlain: true } and not TextPart { IsHtml: true })
            {
                Walk(child, depth + 1, htmlText);
            }
        }
    }

    private void WalkTnef(TnefPart tnef, int depth)
    {
        try
        {
            // Outlook's winmail.dat (MS-OXTNEF) hides the real body and files: read them like parts.
            foreach (var inner in tnef.ExtractAttachments())
            {
                Walk(inner, depth + 1);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Problems.Add($"The TNEF attachment (winmail.dat) could not be read: {e.Message}");
        }
    }

    private string PlainText(TextPart part)
    {
        var text = DecodeText(part);
        // RFC 3676: format=flowed soft line breaks are joined back into paragraphs.
        if (part.ContentType.Parameters.TryGetValue("format", out string? format)
            && format.Equals("flowed", StringComparison.OrdinalIgnoreCase))
        {
            var delsp = part.ContentType.Parameters.TryGetValue("delsp", out string? d) && d.Equals("yes", StringComparison.OrdinalIgnoreCase);
            text = new FlowedToText { DeleteSpace = delsp }.Convert(text);
        }
        return text;
    }

    private string DecodeText(TextPart part)
    {
        var charset = part.ContentType.Charset;
        if (charset is not null && part.ContentType.CharsetEncoding is null)
        {
            Problems.Add($"A text part declares an unknown charset \"{Clip(charset, 40)}\"; it was read as UTF-8, or Latin-1 where that failed.");
        }
        var text = part.Text;
        if (text.Contains('\uFFFD', StringComparison.Ordinal))
        {
            Problems.Add($"A text part has bytes that are not valid {(charset ?? "in its charset")}; they show as \uFFFD.");
        }
        return text;
    }

    private void AddHtml(TextPart part, bool htmlText)
    {
        if (SanitizedHtml is not null && !htmlText)
        {
            return;
        }
        var html = DecodeText(part);
        if (html.Length > ParsingLimits.MaxHtmlChars)
        {
            Problems.Add($"An HTML body is longer than {MailParsing.Count(ParsingLimits.MaxHtmlChars)} characters; only the start was read.");
            html = html[..ParsingLimits.MaxHtmlChars];
        }
        try
        {
            var (safe, text, problem) = HtmlBody.Read(html);
            SanitizedHtml ??= safe;
            if (problem is not null)
            {
                Problems.Add(problem);
            }
            if (htmlText)
            {
                AddText(text);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Problems.Add($"An HTML body could not be read: {e.Message}");
        }
    }

    private static string ReadReportPart(MimePart part)
    {
        if (part.Content is null)
        {
            return "";
        }
        using var buffer = new MemoryStream();
        part.Content.DecodeTo(buffer);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)Math.Min(buffer.Length, ParsingLimits.MaxStructuredPartBytes));
        try
        {
            // RFC 6533 global report parts are UTF-8; the classic ones are ASCII (a subset).
            return s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(bytes);
        }
    }

    private static string Summary(MimeMessage message)
    {
        var summary = new StringBuilder("--- Attached message ---\n");
        Line(summary, "From", message.From.ToString());
        Line(summary, "To", message.To.ToString());
        Line(summary, "Subject", message.Subject);
        Line(summary, "Date", message.Headers[HeaderId.Date]);
        Line(summary, "Message-ID", message.MessageId is { } id ? $"<{id}>" : null);
        return summary.ToString();
    }

    private static void Line(StringBuilder summary, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            summary.Append(name).Append(": ").Append(Clip(value.ReplaceLineEndings(" "), 998)).Append('\n');
        }
    }

    private void AddText(string text)
    {
        if (_textFull || string.IsNullOrWhiteSpace(text))
        {
            return;
        }
        if (_text.Length > 0)
        {
            _text.Append("\n\n");
        }
        var room = ParsingLimits.MaxTextChars - _text.Length;
        if (text.Length > room)
        {
            _textFull = true;
            text = text[..Math.Max(room, 0)];
            Problems.Add($"The readable text is longer than {MailParsing.Count(ParsingLimits.MaxTextChars)} characters; the rest was cut.");
        }
        // PostgreSQL text cannot hold NUL, and no reader needs it.
        _text.Append((text.Contains('\0', StringComparison.Ordinal) ? text.Replace("\0", "", StringComparison.Ordinal) : text).TrimEnd());
    }

    private static string Clip(string value, int max) => value.Length <= max ? value : value[..max];
}
