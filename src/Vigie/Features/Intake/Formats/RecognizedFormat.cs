namespace Vigie.Features.Intake.Formats;

/// <summary>A machine-readable report recognised in a message, by its structure (never by its sender).</summary>
/// <param name="Name"><c>arf</c> (RFC 5965 feedback report), <c>xarf</c> (X-ARF 0.1/0.2 YAML, XARF 3/4 JSON),
/// <c>shadowserver</c> (Shadowserver-style CSV), <c>dsn</c> (RFC 3464 delivery status notification).</param>
/// <param name="Subtype">ARF: the Feedback-Type (lower case; null when the report has none). X-ARF: Report-Type (YAML),
/// Report.ReportType (v3), <c>category/type</c> (v4). Shadowserver: the report type from the file name
/// (<c>2024-01-01-scan_rdp-….csv</c>) or the Subject. DSN: the most significant Action among the recipients,
/// in the order failed, delayed, delivered, relayed, expanded.</param>
/// <param name="Records">ARF: one record, the feedback report fields. X-ARF: one record per report (flattened:
/// <c>a.b</c> for nested keys, <c>a[0]</c> for list items). Shadowserver: one record per CSV row (header → value),
/// Index = row number from 1. DSN: one record per recipient (its fields plus the per-message Reporting-MTA and
/// Arrival-Date). A field that occurs several times (Reported-URI) has its values joined by a line feed.</param>
/// <param name="OriginalMessageId">DSN: the Message-ID of the bounced message; ARF: of the reported message; from the
/// returned message/rfc822 or text/rfc822-headers part, without angle brackets; else null.</param>
/// <param name="Problems">What was malformed or cut while reading the report.</param>
public sealed record RecognizedFormat(
    string Name,
    string? Subtype,
    IReadOnlyList<FormatRecord> Records,
    string? OriginalMessageId,
    IReadOnlyList<string> Problems);

/// <summary>One record of a report: <paramref name="Index"/> counts from 1 in the order of the report.</summary>
public sealed record FormatRecord(int Index, IReadOnlyDictionary<string, string> Fields);
