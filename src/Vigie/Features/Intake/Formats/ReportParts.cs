using MimeKit;
using MimeKit.Utils;

namespace Vigie.Features.Intake.Formats;

/// <summary>Finding the parts of a report inside a message (multiparts only: a report forwarded as an
/// attachment is someone else's report, not this message's structure).</summary>
internal static class ReportParts
{
    private const int MaxDepth = 4;

    /// <summary>Multiparts from the body down, breadth first, not entering embedded messages.</summary>
    public static IEnumerable<Multipart> Multiparts(MimeEntity body)
    {
        var queue = new Queue<(MimeEntity Entity, int Depth)>();
        queue.Enqueue((body, 0));
        var seen = 0;
        while (queue.Count > 0 && seen++ < 200)
        {
            var (entity, depth) = queue.Dequeue();
            if (entity is not Multipart multipart)
            {
                continue;
            }
            yield return multipart;
            if (depth < MaxDepth)
            {
                foreach (var child in multipart)
                {
                    queue.Enqueue((child, depth + 1));
                }
            }
        }
    }

    /// <summary>Leaf parts from the body down, in document order, not entering embedded messages.</summary>
    public static IEnumerable<MimePart> Leaves(MimeEntity body)
    {
        var stack = new Stack<(MimeEntity Entity, int Depth)>();
        stack.Push((body, 0));
        var seen = 0;
        while (stack.Count > 0 && seen++ < 500)
        {
            var (entity, depth) = stack.Pop();
            switch (entity)
            {
                case Multipart multipart when depth < MaxDepth:
                    for (var i = multipart.Count - 1; i >= 0; i--)
                    {
                        stack.Push((multipart[i], depth + 1));
                    }
                    break;
                case MimePart part:
                    yield return part;
                    break;
            }
        }
    }

    public static string? ReportType(Multipart multipart) =>
        multipart.ContentType.IsMimeType("multipart", "report")
            ? multipart.ContentType.Parameters.TryGetValue("report-type", out string? type) ? type.Trim().ToLowerInvariant() : ""
            : null;

    /// <summary>
    /// The Message-ID of the message a report is about: from the returned message (message/rfc822,
    /// RFC 3464 §2 / RFC 5965 §2 third part) or its headers only (text/rfc822-headers, RFC 6522).
    /// </summary>
    public static string? OriginalMessageId(Multipart report)
    {
        foreach (var child in report)
        {
            switch (child)
            {
                case MessagePart { Message: { } returned } when !string.IsNullOrWhiteSpace(returned.MessageId):
                    return returned.MessageId;
                case MimePart part when IsHeadersPart(part.ContentType) && part.Content is not null:
                    try
                    {
                        using var content = part.Content.Open();
                        var headers = HeaderList.Load(Parsing.MailParsing.Options, content);
                        if (headers[HeaderId.MessageId] is { } value && MimeUtils.EnumerateReferences(value).FirstOrDefault() is { } id)
                        {
                            return id;
                        }
                        if (headers[HeaderId.MessageId] is { } raw && raw.Trim().Trim('<', '>') is { Length: > 0 } bare)
                        {
                            return bare;
                        }
                    }
                    catch (FormatException)
                    {
                        // Returned headers that do not parse give no Message-ID; the report is still read.
                    }
                    break;
            }
        }
        return null;
    }

    private static bool IsHeadersPart(ContentType type) =>
        type.IsMimeType("text", "rfc822-headers") || type.IsMimeType("message", "rfc822-headers")
        || type.IsMimeType("message", "global-headers")
        // Past the parser's depth limit a returned message stays a plain part: its headers still parse.
        || type.IsMimeType("message", "rfc822") || type.IsMimeType("message", "global");
}
