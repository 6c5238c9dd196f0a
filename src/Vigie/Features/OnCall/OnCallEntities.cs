using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Vigie.Core.OnCall;

namespace Vigie.Features.OnCall;

/// <summary>
/// One line of the rota: a slot of the weekly rotation (<see cref="Position"/>, no dates), a dated
/// shift, or an override (holiday cover, swap) that replaces the rest for its range.
/// </summary>
public sealed class OnCallEntry
{
    public Guid Id { get; set; }

    public RotaSource Source { get; set; }

    /// <summary>Order of a rotation slot (0 first); null for shifts and overrides.</summary>
    public int? Position { get; set; }

    public DateTimeOffset? Start { get; set; }

    public DateTimeOffset? End { get; set; }

    /// <summary>E-mail of the analyst paged first.</summary>
    public string Primary { get; set; } = "";

    /// <summary>E-mail of the analyst paged when the primary does not acknowledge.</summary>
    public string Secondary { get; set; } = "";

    public string? Reason { get; set; }

    public string CreatedBy { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// One page sent: level 1 to the primary, level 2 (escalation) to the secondary. Unique on
/// (incident, level) and (report, level): of two nodes paging at once, one insert fails and that node
/// sends nothing. The acknowledgement token is stored as its SHA-256 only.
/// </summary>
public sealed class OnCallPage
{
    public Guid Id { get; set; }

    public Guid? IncidentId { get; set; }

    public Guid? ReportId { get; set; }

    public int Level { get; set; }

    public string Recipient { get; set; } = "";

    /// <summary>What the page is about, as shown in the pending list (incident number or "report").</summary>
    public string Subject { get; set; } = "";

    public string Priority { get; set; } = "";

    public string TokenHash { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? AcknowledgedAt { get; set; }

    public string? AcknowledgedBy { get; set; }

    /// <summary>The queued mail, to notice a delivery that failed for good.</summary>
    public Guid? OutboundMessageId { get; set; }

    /// <summary>Set once a failure was put on the timeline (claimed by conditional update).</summary>
    public bool FailureRecorded { get; set; }
}

/// <summary>A rota hole the leads were told about (once per hole, keyed by its start).</summary>
public sealed class OnCallHoleAlert
{
    public Guid Id { get; set; }

    public DateTimeOffset Start { get; set; }

    public DateTimeOffset End { get; set; }

    public DateTimeOffset AlertedAt { get; set; }
}

internal sealed class OnCallEntryConfiguration : IEntityTypeConfiguration<OnCallEntry>
{
    public void Configure(EntityTypeBuilder<OnCallEntry> b)
    {
        b.ToTable("OnCallEntries");
        b.Property(e => e.Source).HasConversion<string>().HasMaxLength(16);
        b.Property(e => e.Primary).HasMaxLength(320);
        b.Property(e => e.Secondary).HasMaxLength(320);
        b.Property(e => e.Reason).HasMaxLength(500);
        b.Property(e => e.CreatedBy).HasMaxLength(320);
        b.HasIndex(e => new { e.Source, e.Start });
    }
}

internal sealed class OnCallPageConfiguration : IEntityTypeConfiguration<OnCallPage>
{
    public void Configure(EntityTypeBuilder<OnCallPage> b)
    {
        b.ToTable("OnCallPages");
        b.Property(p => p.Recipient).HasMaxLength(320);
        b.Property(p => p.Subject).HasMaxLength(64);
        b.Property(p => p.Priority).HasMaxLength(8);
        b.Property(p => p.TokenHash).HasMaxLength(64);
        b.Property(p => p.AcknowledgedBy).HasMaxLength(320);
        b.HasIndex(p => new { p.IncidentId, p.Level }).IsUnique();
        b.HasIndex(p => new { p.ReportId, p.Level }).IsUnique();
        b.HasIndex(p => p.TokenHash).IsUnique();
        b.HasIndex(p => new { p.AcknowledgedAt, p.CreatedAt });
        b.HasOne<Core.Incidents.Incident>().WithMany().HasForeignKey(p => p.IncidentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Core.Reports.Report>().WithMany().HasForeignKey(p => p.ReportId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OnCallHoleAlertConfiguration : IEntityTypeConfiguration<OnCallHoleAlert>
{
    public void Configure(EntityTypeBuilder<OnCallHoleAlert> b)
    {
        b.ToTable("OnCallHoleAlerts");
        b.HasIndex(h => h.Start).IsUnique();
    }
}
