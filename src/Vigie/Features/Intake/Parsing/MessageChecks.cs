using System.Text;
using MimeKit;

namespace Vigie.Features.Intake.Parsing;

/// <summary>Structural anomalies of a parsed message, as sentences a person can act on.</summary>
internal static class MessageChecks
{
    public static void Inspect(MimeMessage message, ReadOnlySpan<byte> tail, List<string> problems)
    {
        // RFC 5322 §3.6: From and Date are required; Message-ID is what threading and idempotency use.
        if (message.From.Count == 0)
        {
            problems.Add("The message has no From header.");
        }
        if (message.Headers[HeaderId.Date] is null)
        {
            problems.Add("The message has no Date header.");
        }
        if (string.IsNullOrWhiteSpace(message.MessageId))
        {
            problems.Add("The message has no Message-ID header.");
        }
        var recipients = message.To.Count + message.Cc.Count + message.Bcc.Count;
        if (recipients > ParsingLimits.MaxRecipients)
        {
            problems.Add($"The message lists {MailParsing.Count(recipients)} recipients (To, Cc, Bcc): a mass mailing or an attack on mail parsers.");
        }
        if (message.Body is null)
        {
            problems.Add("The message has no body.");
            return;
        }
        var found = new Found();
        Walk(message.Body, 0, found);
        if (found.DepthCut)
        {
            problems.Add($"MIME nesting deeper than {ParsingLimits.MaxMimeDepth} levels was cut: the deeper levels are kept as one unread part.");
        }
        if (message.Body is Multipart { Count: > 0, Boundary: { Length: > 0 } boundary } top
            && string.IsNullOrEmpty(top.Epilogue) && tail.IndexOf(Encoding.UTF8.GetBytes($"--{boundary}--")) < 0)
        {
            // RFC 2046 §5.1.1: the close delimiter ends the body; without it the message was cut
            // (MimeKit keeps that fact internal, so look for it where it must be: at the end).
            problems.Add($"The {top.ContentType.MimeType.ToLowerInvariant()} body ends without its closing boundary: the message may be truncated.");
        }
        if (found.EmptyMultipart is { } empty)
        {
            problems.Add($"A {empty} part has no parts (missing or wrong boundary).");
        }
    }

    private static void Walk(MimeEntity entity, int depth, Found found)
    {
        if (depth > ParsingLimits.MaxMimeDepth + 1)
        {
            found.DepthCut = true;
            return;
        }
        switch (entity)
        {
            case Multipart multipart:
                var type = multipart.ContentType.MimeType.ToLowerInvariant();
                if (multipart.Count == 0)
                {
                    found.EmptyMultipart ??= type;
                }
                foreach (var child in multipart)
                {
                    Walk(child, depth + 1, found);
                }
                break;
            case MessagePart { Message.Body: { } inner }:
                Walk(inner, depth + 1, found);
                break;
            case MimePart part when part.ContentType.IsMimeType("multipart", "*")
                || (depth >= ParsingLimits.MaxMimeDepth - 1 && part.ContentType.IsMimeType("message", "rfc822")):
                // Past MaxMimeDepth MimeKit stops building multiparts and embedded messages
                // and keeps their content as a plain part: that is the only way to get one.
                found.DepthCut = true;
                break;
        }
    }

    private sealed class Found
    {
        public bool DepthCut { get; set; }

        public string? EmptyMultipart { get; set; }
    }
}
