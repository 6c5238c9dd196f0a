using MimeKit;

namespace Vigie.Features.Intake.Formats;

/// <summary>
/// RFC 3464 delivery status notifications (and RFC 6533 global ones): <c>multipart/report;
/// report-type=delivery-status</c> whose <c>message/delivery-status</c> part holds a per-message group
/// then one group per recipient (§2.2, §2.3), followed by the returned message or its headers.
/// Bounces that are plain text (no status part) are not recognised.
/// </summary>
internal static class DsnReader
{
    // The most significant action decides the subtype: one failed recipient makes the DSN a failure.
    private static readonly string[] s_actions = ["failed", "delayed", "delivered", "relayed", "expanded"];

    private static readonly string[] s_perMessage = ["Reporting-MTA", "Arrival-Date"];

    public static RecognizedFormat? Read(MimeEntity body)
    {
        Multipart? declared = null;
        foreach (var multipart in ReportParts.Multiparts(body))
        {
            var status = multipart.OfType<MimePart>().FirstOrDefault(p =>
                p.ContentType.IsMimeType("message", "delivery-status") || p.ContentType.IsMimeType("message", "global-delivery-status"));
            if (status is not null)
            {
                return FromPart(multipart, status);
            }
            if (declared is null && ReportParts.ReportType(multipart) == "delivery-status")
            {
                declared = multipart;
            }
        }
        return declared is null
            ? null
            : new RecognizedFormat("dsn", null, [], ReportParts.OriginalMessageId(declared),
                ["The message says it is a delivery status notification but has no message/delivery-status part (RFC 3464 §2)."]);
    }

    private static RecognizedFormat FromPart(Multipart report, MimePart status)
    {
        var problems = new List<string>();
        var records = new List<FormatRecord>();
        var text = FieldBlock.ReadText(status, problems, "delivery status");
        if (text is not null)
        {
            var parsed = FieldBlock.Parse(text);
            if (parsed.BadLines > 0)
            {
                problems.Add($"The delivery status has {parsed.BadLines} line(s) that are not fields.");
            }
            // A group is a recipient's when it names one; some MTAs forget the blank line after
            // the per-message group, so the first group may be both.
            var perMessage = FieldBlock.Merge(parsed.Groups.Where(g => !IsRecipient(g)));
            foreach (var group in parsed.Groups.Where(IsRecipient))
            {
                foreach (var name in s_perMessage)
                {
                    if (!group.ContainsKey(name) && perMessage.TryGetValue(name, out var value))
                    {
                        group[name] = value;
                    }
                }
                records.Add(new FormatRecord(records.Count + 1, group));
            }
            if (records.Count == 0)
            {
                problems.Add("The delivery status names no recipient (RFC 3464 §2.3).");
            }
        }
        var actions = records.Select(r => r.Fields.TryGetValue("Action", out var a) ? a.Trim().ToLowerInvariant() : "").ToHashSet();
        var subtype = s_actions.FirstOrDefault(actions.Contains);
        if (subtype is null && records.Count > 0)
        {
            problems.Add("No recipient has a known Action (failed, delayed, delivered, relayed, expanded).");
        }
        return new RecognizedFormat("dsn", subtype, records, ReportParts.OriginalMessageId(report), problems);
    }

    private static bool IsRecipient(Dictionary<string, string> group) =>
        group.ContainsKey("Final-Recipient") || group.ContainsKey("Original-Recipient") || group.ContainsKey("Action");
}
