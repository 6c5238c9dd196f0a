using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Vigie.Data;

namespace Vigie.Features.Audit;

/// <summary>Why the chain is not whole, at the first entry where it breaks.</summary>
public enum AuditBreakKind
{
    /// <summary>The entry's fields no longer give its stored hash.</summary>
    Altered,

    /// <summary>The entry is consistent with itself, but the next entry points to another hash: it was changed and its hash recomputed.</summary>
    Rewritten,

    /// <summary>Sequence numbers are missing (a gap, the start of the chain, or the tail after a recorded head).</summary>
    Removed,

    /// <summary>The entry is whole but sits at another place than the one it was written at.</summary>
    Reordered,

    /// <summary>The recorded head (<c>--head</c>) is not in the chain with that hash.</summary>
    HeadMismatch,
}

/// <remarks>Sequence: The first bad sequence number (for a removal, the first missing one).</remarks>
/// <remarks>Other: Removed: the last missing number; Reordered: where the entry was written; Rewritten: the entry whose link broke.</remarks>
public sealed record AuditBreak(AuditBreakKind Kind, long Sequence, long? Other = null)
{
    public string Describe(IStringLocalizer<AuditText> text) => Kind switch
    {
        AuditBreakKind.Altered => text["Break.Altered", Sequence],
        AuditBreakKind.Rewritten => text["Break.Rewritten", Sequence, Other ?? Sequence + 1],
        AuditBreakKind.Removed when Other is null or 0 => text["Break.RemovedTail", Sequence],
        AuditBreakKind.Removed when Other == Sequence => text["Break.RemovedOne", Sequence],
        AuditBreakKind.Removed => text["Break.Removed", Sequence, Other!],
        AuditBreakKind.Reordered => text["Break.Reordered", Sequence, Other ?? 0],
        _ => text["Break.Head", Sequence],
    };
}

/// <remarks>Count: Entries checked.</remarks>
/// <remarks>First: The first sequence number present (1 unless a purge removed a prefix).</remarks>
public sealed record AuditVerification(long Count, long First, long Head, string HeadHash, AuditBreak? Break)
{
    public bool Whole => Break is null;
}

/// <summary>Walks the chain oldest first, in batches, and names the first entry where it breaks (docs/audit.md).</summary>
public sealed class AuditVerifier(VigieDb db)
{
    private const int Batch = 2000;

    /// <summary>Checks the chain; with <paramref name="expectedHead"/>, also that this entry (kept elsewhere earlier) is still there, unchanged.</summary>
    public async Task<AuditVerification> VerifyAsync((long Sequence, string Hash)? expectedHead = null, CancellationToken ct = default)
    {
        var entries = db.Set<AuditEntry>().AsNoTracking();
        AuditEntry? previous = null;
        long count = 0, first = 0;
        while (true)
        {
            var after = previous?.Sequence ?? long.MinValue;
            var batch = await entries.Where(e => e.Sequence > after).OrderBy(e => e.Sequence).Take(Batch).ToListAsync(ct);
            foreach (var entry in batch)
            {
                if (previous is null)
                {
                    first = entry.Sequence;
                }
                if (await CheckAsync(previous, entry, ct) is { } broken)
                {
                    return new(count, first, previous?.Sequence ?? 0, previous?.Hash ?? AuditEntry.Genesis, broken);
                }
                count++;
                previous = entry;
            }
            if (batch.Count < Batch)
            {
                break;
            }
        }

        var head = previous?.Sequence ?? 0;
        var headHash = previous?.Hash ?? AuditEntry.Genesis;
        if (expectedHead is { } expected)
        {
            if (expected.Sequence > head)
            {
                return new(count, first, head, headHash, new AuditBreak(AuditBreakKind.Removed, head + 1, expected.Sequence));
            }
            var kept = await entries.Where(e => e.Sequence == expected.Sequence).Select(e => e.Hash).FirstOrDefaultAsync(ct);
            if (!string.Equals(kept, expected.Hash, StringComparison.OrdinalIgnoreCase))
            {
                return new(count, first, head, headHash, new AuditBreak(AuditBreakKind.HeadMismatch, expected.Sequence));
            }
        }
        return new(count, first, head, headHash, null);
    }

    private async Task<AuditBreak?> CheckAsync(AuditEntry? previous, AuditEntry entry, CancellationToken ct)
    {
        if (previous is null && entry.Sequence != 1 && !await PurgedThroughAsync(entry.Sequence - 1, ct))
        {
            return new AuditBreak(AuditBreakKind.Removed, 1, entry.Sequence - 1);
        }
        if (previous is not null && entry.Sequence != previous.Sequence + 1)
        {
            return new AuditBreak(AuditBreakKind.Removed, previous.Sequence + 1, entry.Sequence - 1);
        }
        if (entry.ComputeHash() != entry.Hash)
        {
            // Whole, but written at another place? Its predecessor at writing time is the entry whose hash it carries.
            var writtenAfter = await db.Set<AuditEntry>().AsNoTracking().Where(e => e.Hash == entry.PrevHash)
                .Select(e => (long?)e.Sequence).FirstOrDefaultAsync(ct);
            if (entry.PrevHash == AuditEntry.Genesis)
            {
                writtenAfter = 0;
            }
            if (writtenAfter is { } p && p + 1 != entry.Sequence && entry.ComputeHash(p + 1) == entry.Hash)
            {
                return new AuditBreak(AuditBreakKind.Reordered, entry.Sequence, p + 1);
            }
            return new AuditBreak(AuditBreakKind.Altered, entry.Sequence);
        }
        // A purged prefix: the first remaining entry's link points to an entry no longer there.
        var expectedPrevious = previous?.Hash ?? (entry.Sequence == 1 ? AuditEntry.Genesis : entry.PrevHash);
        if (entry.PrevHash != expectedPrevious)
        {
            return previous is null
                ? new AuditBreak(AuditBreakKind.Altered, entry.Sequence)
                : new AuditBreak(AuditBreakKind.Rewritten, previous.Sequence, entry.Sequence);
        }
        return null;
    }

    private Task<bool> PurgedThroughAsync(long through, CancellationToken ct)
    {
        var marker = $"\"through\":\"{through.ToString(CultureInfo.InvariantCulture)}\"";
        return db.Set<AuditEntry>().AsNoTracking().AnyAsync(e => e.Action == AuditActions.Purge && e.Detail != null && e.Detail.Contains(marker), ct);
    }
}
