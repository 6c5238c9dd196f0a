using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Vigie.Core.Vulnerabilities;

namespace Vigie.Features.Watch;

/// <summary>What an analyst decided about a match. A decision outlives rematches: a dismissed match stays dismissed.</summary>
public enum MatchDecision
{
    Open,
    Confirmed,
    Dismissed,
}

/// <summary>
/// One inventory product of one constituent found affected by one vulnerability (the matcher's
/// <see cref="ProductMatch"/> kept), with its priority and the analyst's decision.
/// </summary>
public sealed class VulnerabilityMatch
{
    public Guid Id { get; set; }

    public string CveId { get; set; } = "";

    public Guid InventoryItemId { get; set; }

    public Guid ConstituentId { get; set; }

    public MatchConfidence Confidence { get; set; }

    /// <summary>Why the matcher says so (which rule, name, range).</summary>
    public string Evidence { get; set; } = "";

    /// <summary>False once a rematch no longer finds it (the product changed or the source corrected itself); kept for history and for the decision.</summary>
    public bool Active { get; set; } = true;

    public DateTimeOffset FirstSeenAt { get; set; }

    /// <summary>When a rematch last changed it (new, found again, other evidence or priority). An unchanged match is not rewritten.</summary>
    public DateTimeOffset LastSeenAt { get; set; }

    public MatchDecision Decision { get; set; }

    public string? DecidedBy { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public string? DecisionReason { get; set; }

    /// <summary>The SSVC outcome (deployer tree) for this product's exposure, e.g. "immediate".</summary>
    public string Outcome { get; set; } = "";

    /// <summary>When it should be dealt with, from the outcome.</summary>
    public DateTimeOffset Deadline { get; set; }

    /// <summary>Higher first: the watch list's order (outcome, then KEV, then EPSS and CVSS).</summary>
    public double Rank { get; set; }

    public bool Kev { get; set; }

    public double? Epss { get; set; }

    public double? Cvss { get; set; }
}

/// <summary>Something the team should look at now: a new KEV entry that hits an inventory, or a new high-priority match.</summary>
public sealed class WatchAlert
{
    public Guid Id { get; set; }

    public WatchAlertKind Kind { get; set; }

    public string CveId { get; set; } = "";

    public Guid ConstituentId { get; set; }

    public string Outcome { get; set; } = "";

    public DateTimeOffset RaisedAt { get; set; }

    public string? AcknowledgedBy { get; set; }

    public DateTimeOffset? AcknowledgedAt { get; set; }
}

public enum WatchAlertKind
{
    /// <summary>A CVE listed in CISA's KEV catalog affects a constituent's product.</summary>
    KnownExploited,

    /// <summary>A match whose SSVC outcome is immediate or out-of-cycle.</summary>
    HighPriority,
}

internal sealed class VulnerabilityMatchConfiguration : IEntityTypeConfiguration<VulnerabilityMatch>
{
    public void Configure(EntityTypeBuilder<VulnerabilityMatch> b)
    {
        b.ToTable("VulnerabilityMatches");
        b.Property(m => m.CveId).HasMaxLength(64);
        b.Property(m => m.Confidence).HasConversion<string>().HasMaxLength(16);
        b.Property(m => m.Decision).HasConversion<string>().HasMaxLength(16);
        b.Property(m => m.Evidence).HasMaxLength(2000);
        b.Property(m => m.DecidedBy).HasMaxLength(320);
        b.Property(m => m.DecisionReason).HasMaxLength(1000);
        b.Property(m => m.Outcome).HasMaxLength(32);
        b.HasIndex(m => new { m.CveId, m.InventoryItemId }).IsUnique();
        b.HasIndex(m => new { m.ConstituentId, m.Active, m.Rank });
        b.HasIndex(m => m.InventoryItemId);
    }
}

internal sealed class WatchAlertConfiguration : IEntityTypeConfiguration<WatchAlert>
{
    public void Configure(EntityTypeBuilder<WatchAlert> b)
    {
        b.ToTable("WatchAlerts");
        b.Property(a => a.Kind).HasConversion<string>().HasMaxLength(32);
        b.Property(a => a.CveId).HasMaxLength(64);
        b.Property(a => a.Outcome).HasMaxLength(32);
        b.Property(a => a.AcknowledgedBy).HasMaxLength(320);
        // One alert of a kind per CVE and constituent: a rematch never raises it twice.
        b.HasIndex(a => new { a.Kind, a.CveId, a.ConstituentId }).IsUnique();
        b.HasIndex(a => a.AcknowledgedAt);
    }
}
