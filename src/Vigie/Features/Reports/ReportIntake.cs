using MimeKit;
using Vigie.Core.Reports;
using Vigie.Data;

namespace Vigie.Features.Reports;

/// <summary>
/// The one entry of every inbound message (API, SMTP listener, IMAP poller, import):
/// raw bytes to the blob store (flushed to disk), then the Report row committed, and only then
/// an acknowledgement. Idempotent on the content's SHA-256. Full parsing happens later, in a worker.
/// </summary>
public sealed class ReportIntake(BlobStore blobs, TimeProvider time, ReportCommitter committer, Intake.IntakeSignal signal,
    ILogger<ReportIntake> logger)
{
    // Only the envelope headers are read here, with tight limits: the message is hostile input.
    private static readonly ParserOptions s_headerOptions = new()
    {
        MaxMimeDepth = 8,
        AllowUnquotedCommasInAddresses = true,
        AllowAddressesWithoutDomain = true,
    };

    public async Task<(Report Report, bool IsNew)> AcceptAsync(Stream raw, ReportSource source, string submittedBy, string? recipient, CancellationToken ct)
    {
        // A second delivery of the same bytes is found by the committer, in the same round trip as the insert.
        var (sha, size) = await blobs.PutAsync(raw, ReportsApi.MaxMessageBytes, ct);

        var (messageId, subject, from) = await ReadEnvelopeAsync(sha, ct);
        var report = new Report(sha, size, messageId, subject, from, source, submittedBy, recipient, time.GetUtcNow());
        var (committed, isNew) = await committer.CommitAsync(report, ct);
        if (isNew)
        {
            signal.Notify();
        }
        return (committed, isNew);
    }

    private async Task<(string? MessageId, string? Subject, string? From)> ReadEnvelopeAsync(string sha, CancellationToken ct)
    {
        try
        {
            await using var stream = blobs.OpenRead(sha);
            var headers = await HeaderList.LoadAsync(s_headerOptions, stream, ct);
            return (Clip(headers[HeaderId.MessageId]?.Trim().Trim('<', '>')),
                Clip(headers[HeaderId.Subject]),
                Clip(headers[HeaderId.From]));
        }
        catch (FormatException e)
        {
            // Unparseable headers never lose the message: it is kept, and the worker flags it.
            logger.LogWarning("Report {Sha256} has unreadable headers: {Reason}", sha, e.Message);
            return (null, null, null);
        }
    }

    // A header line is at most 998 characters (RFC 5322 §2.1.1); a blank one is no value.
    private static string? Clip(string? value)
    {
        var clean = StoredText.Clip(value, int.MaxValue)?.Trim();
        return string.IsNullOrEmpty(clean) ? null : StoredText.Clip(clean, 998);
    }
}
