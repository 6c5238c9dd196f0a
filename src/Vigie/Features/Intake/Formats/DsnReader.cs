using MimeKit;
using Vigie.Features.Intake.Parsing;

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
        var groups = Groups(status, problems);
        if (groups is not null)
        {
            // A group is a recipient's when it names one; some MTAs forget the blank line after
            // the per-message group, so the first group may be both.
            var perMessage = FieldBlock.Merge(groups.Where(g => !IsRecipient(g)));
            foreach (var group in groups.Where(IsRecipient))
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
        var actions = records.Select(r => Action(r.Fields)).ToHashSet();
        var subtype = s_actions.FirstOrDefault(actions.Contains);
        if (subtype is null && records.Count > 0)
        {
            problems.Add("No recipient has a known Action (failed, delayed, delivered, relayed, expanded) or Status.");
        }
        return new RecognizedFormat("dsn", subtype, records, ReportParts.OriginalMessageId(report), problems);
    }

    private static List<Dictionary<string, string>>? Groups(MimePart status, List<string> problems)
    {
        if (status is MessageDeliveryStatus mimeKit && status.Content?.Stream is { CanSeek: true, Length: <= ParsingLimits.MaxStructuredPartBytes })
        {
            try
            {
                // MimeKit's own reader also undoes an Office 365 bug (recipient groups sent base64
                // encoded inside the status part).
                return mimeKit.StatusGroups.Select(ToFields).ToList();
            }
            catch (FormatException)
            {
                // Read it line by line below.
            }
        }
        var text = FieldBlock.ReadText(status, problems, "delivery status");
        if (text is null)
        {
            return null;
        }
        var parsed = FieldBlock.Parse(text);
        if (parsed.BadLines > 0)
        {
            problems.Add($"The delivery status has {parsed.BadLines} line(s) that are not fields.");
        }
        return parsed.Groups;
    }

    private static Dictionary<string, string> ToFields(HeaderList headers)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in headers.Take(ParsingLimits.MaxFieldsPerRecord))
        {
            var value = header.Value.Trim();
            fields[header.Field] = fields.TryGetValue(header.Field, out var previous) ? FieldBlock.Clip(previous + "\n" + value) : FieldBlock.Clip(value);
        }
        return fields;
    }

    /// <summary>The Action, or what the Status class says when Action is missing (RFC 3463 §3.1: 2 success, 4 transient, 5 permanent).</summary>
    private static string Action(IReadOnlyDictionary<string, string> fields)
    {
        if (fields.TryGetValue("Action", out var action) && action.Trim().Length > 0)
        {
            return action.Trim().ToLowerInvariant();
        }
        return fields.TryGetValue("Status", out var status) ? status.Trim() switch
        {
            ['5', ..] => "failed",
            ['4', ..] => "delayed",
            ['2', ..] => "delivered",
            _ => "",
        } : "";
    }

    private static bool IsRecipient(Dictionary<string, string> group) =>
        group.ContainsKey("Final-Recipient") || group.ContainsKey("Original-Recipient") || group.ContainsKey("Action");
}
