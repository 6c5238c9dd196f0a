using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigie.Features.Vulnerabilities;

/// <summary>
/// What Vigie last saw at one URL it pulls (a scheduled feed, a CSAF provider's document): the validators for a
/// conditional request, the publisher's own "updated" date and the SHA-512 of what was imported. It is what makes
/// pulls incremental: an unchanged feed answers 304, an unchanged CSAF entry is not fetched again.
/// </summary>
public sealed class FeedState
{
    public Guid Id { get; set; }

    public string Url { get; set; } = "";

    public string? ETag { get; set; }

    public string? LastModified { get; set; }

    /// <summary>When the publisher says the content last changed (a ROLIE entry's "updated").</summary>
    public DateTimeOffset? Updated { get; set; }

    public string? Sha512 { get; set; }

    public DateTimeOffset CheckedAt { get; set; }

    /// <summary>The last outcome, for the operator ("12 read, 3 new", "not modified", "HTTP 503").</summary>
    public string? Outcome { get; set; }

    public bool Failed { get; set; }
}

/// <summary>Reads and records <see cref="FeedState"/>s. Imports clear the change tracker, so a state is never held across one.</summary>
public static class FeedStates
{
    public static Task<FeedState?> FindAsync(Vigie.Data.VigieDb db, string url, CancellationToken ct) =>
        db.Set<FeedState>().AsNoTracking().FirstOrDefaultAsync(s => s.Url == url, ct);

    /// <summary>Creates or updates the state of <paramref name="url"/> and saves it at once.</summary>
    public static async Task RecordAsync(Vigie.Data.VigieDb db, string url, DateTimeOffset now, Action<FeedState> update, CancellationToken ct)
    {
        var state = await db.Set<FeedState>().FirstOrDefaultAsync(s => s.Url == url, ct);
        if (state is null)
        {
            state = new FeedState { Id = Guid.CreateVersion7(), Url = url };
            db.Add(state);
        }
        update(state);
        state.CheckedAt = now;
        state.Outcome = state.Outcome is { Length: > 1000 } o ? o[..1000] : state.Outcome;
        await db.SaveChangesAsync(ct);
    }
}

internal sealed class FeedStateConfiguration : IEntityTypeConfiguration<FeedState>
{
    public void Configure(EntityTypeBuilder<FeedState> b)
    {
        b.ToTable("FeedStates");
        b.Property(s => s.Url).HasMaxLength(2048);
        b.Property(s => s.ETag).HasMaxLength(256);
        b.Property(s => s.LastModified).HasMaxLength(64);
        b.Property(s => s.Sha512).HasMaxLength(128);
        b.Property(s => s.Outcome).HasMaxLength(1000);
        b.HasIndex(s => s.Url).IsUnique();
    }
}
