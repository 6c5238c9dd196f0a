using Microsoft.EntityFrameworkCore;
using MimeKit;
using Vigie.Core.Reports;
using Vigie.Data;

namespace Vigie.Features.Reports;

/// <summary>
/// The one entry of every inbound message (API, SMTP listener, IMAP poller, import):
/// raw bytes to the blob store (flushed to disk), then the Report row committed, and only then
/// an acknowledgement. Idempotent on the content's SHA-256. Full parsing happens later, in a worker.
/// </summary>
public sealed class ReportIntake(VigieDb db, BlobStore blobs, TimeProvider time, Intake.IntakeSignal signal, ILogger<ReportIntake> logger)
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
        var (sha, size) = await blobs.PutAsync(raw, ReportsApi.MaxMessageBytes, ct);
        if (await db.Reports.AsNoTracking().FirstOrDefaultAsync(r => r.Sha256 == sha, ct) is { } existing)
        {
            return (existing, false);
        }

        var (messageId, subject, from) = await ReadEnvelopeAsync(sha, ct);
        var report = new Report(sha, size, messageId, subject, from, source, submittedBy, recipient, time.GetUtcNow());
        db.Reports.Add(report);
        try
        {
            await db.SaveChangesAsync(ct);
            signal.Notify();
            return (report, true);
        }
        catch (DbUpdateException)
        {
            // The same message arrived twice at once (two nodes, or a retrying client): the
            // unique index on the hash let one insert through; answer with that report.
            db.Entry(report).State = EntityState.Detached;
            var raced = await db.Reports.AsNoTracking().FirstOrDefaultAsync(r => r.Sha256 == sha, ct);
            if (raced is null)
            {
                throw;
            }
            return (raced, false);
        }
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

    // PostgreSQL text cannot hold NUL, and a header never needs one: it is dropped (the raw bytes keep it).
    private static string? Clip(string? value)
    {
        var clean = value?.Replace("\0", "", StringComparison.Ordinal).Trim();
        return string.IsNullOrEmpty(clean) ? null : clean.Length > 998 ? clean[..998] : clean;
    }
}
