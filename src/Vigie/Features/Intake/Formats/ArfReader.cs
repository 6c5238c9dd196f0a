using MimeKit;

namespace Vigie.Features.Intake.Formats;

/// <summary>
/// RFC 5965 Abuse Reporting Format: <c>multipart/report; report-type=feedback-report</c> with a
/// human-readable part, a <c>message/feedback-report</c> part of fields, and the reported message.
/// <para>
/// Decision on "ARF-like" complaints: a message is ARF when it has a <c>message/feedback-report</c> part
/// (even under a plain multipart/mixed, or without the report-type parameter). Such a report without
/// Feedback-Type is still ARF, Subtype null, flagged. A bare forward of a message with no feedback part
/// (the Hotmail and Amazon SES style complaints of sisimai's arf-22/23/24, the Apple Mail unsubscribe of
/// arf-26) is NOT recognised: nothing machine-readable says it is a complaint, and by structure it cannot
/// be told from a user forwarding a phishing mail. Its content still reaches the text (the embedded
/// message's headers and body) and the attachments.
/// </para>
/// </summary>
internal static class ArfReader
{
    public static RecognizedFormat? Read(MimeEntity body)
    {
        Multipart? declared = null;
        foreach (var multipart in ReportParts.Multiparts(body))
        {
            var feedback = multipart.OfType<MimePart>().FirstOrDefault(p => p.ContentType.IsMimeType("message", "feedback-report"));
            if (feedback is not null)
            {
                return FromPart(multipart, feedback);
            }
            if (declared is null && ReportParts.ReportType(multipart) == "feedback-report")
            {
                declared = multipart;
            }
        }
        return declared is null
            ? null
            : new RecognizedFormat("arf", null, [], ReportParts.OriginalMessageId(declared),
                ["The message says it is a feedback report but has no message/feedback-report part (RFC 5965 §2)."]);
    }

    private static RecognizedFormat FromPart(Multipart report, MimePart feedback)
    {
        var problems = new List<string>();
        var text = FieldBlock.ReadText(feedback, problems, "feedback report");
        var records = new List<FormatRecord>();
        string? subtype = null;
        if (text is not null)
        {
            var parsed = FieldBlock.Parse(text);
            var fields = FieldBlock.Merge(parsed.Groups);
            if (parsed.BadLines > 0)
            {
                problems.Add($"The feedback report has {parsed.BadLines} line(s) that are not fields.");
            }
            if (fields.Count == 0)
            {
                problems.Add("The feedback report part has no fields.");
            }
            else
            {
                records.Add(new FormatRecord(1, fields));
            }
            if (fields.TryGetValue("Feedback-Type", out var type) && type.Trim().Length > 0)
            {
                subtype = type.Trim().ToLowerInvariant();
            }
            else if (fields.Count > 0)
            {
                problems.Add("The feedback report has no Feedback-Type field (RFC 5965 §3.1 requires it).");
            }
        }
        return new RecognizedFormat("arf", subtype, records, ReportParts.OriginalMessageId(report), problems);
    }
}
