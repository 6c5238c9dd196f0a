using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Vigie.Core.Incidents;

namespace Vigie.Features.Incidents;

/// <summary>The team's per-year incident counter (one row a year).</summary>
public sealed class IncidentCounter
{
    public int Year { get; set; }

    public int Last { get; set; }
}

internal sealed class IncidentConfiguration : IEntityTypeConfiguration<Incident>
{
    public void Configure(EntityTypeBuilder<Incident> b)
    {
        b.ToTable("incidents");
        b.HasKey(i => i.Id);
        b.Property(i => i.Number).HasMaxLength(16).IsRequired();
        b.HasIndex(i => i.Number).IsUnique();
        b.HasIndex(i => new { i.Year, i.Sequence }).IsUnique();
        b.HasIndex(i => i.Ordinal).IsUnique();
        b.Property(i => i.Title).HasMaxLength(300).IsRequired();
        b.Property(i => i.RsitClass).HasMaxLength(64);
        b.Property(i => i.RsitType).HasMaxLength(64);
        b.Property(i => i.Assignee).HasMaxLength(254);
        b.Property(i => i.CreatedBy).HasMaxLength(254).IsRequired();

        // The list endpoint pages by Ordinal descending, newest first, with equality filters on
        // state, class, constituent and TLP. One composite index per filter, ending with the paging key,
        // lets both SQLite and PostgreSQL walk the index in order and stop after a page (docs/performance.md).
        b.HasIndex(i => new { i.State, i.Ordinal });
        b.HasIndex(i => new { i.RsitClass, i.Ordinal });
        b.HasIndex(i => new { i.ConstituentId, i.Ordinal });
        b.HasIndex(i => new { i.Tlp, i.Ordinal });
        // SQLite keeps only average selectivity per index, so with two filters it may walk the
        // constituent's whole history to find a rare state (0.2–0.6 s over a million incidents).
        // These two cover the combined filters analysts use most (bench incidents-list).
        b.HasIndex(i => new { i.State, i.RsitClass, i.Ordinal });
        b.HasIndex(i => new { i.State, i.ConstituentId, i.Ordinal });

        // SLA clocks live on the incident row: lists sort by due time and the sweep finds running
        // clocks past due through these indexes (docs/sla.md).
        b.OwnsOne(i => i.Sla, s =>
        {
            s.Property(x => x.FirstResponseTarget).HasMaxLength(16);
            s.Property(x => x.ResolutionTarget).HasMaxLength(16);
            s.Property(x => x.TargetSource).HasMaxLength(80);
            s.HasIndex(x => new { x.FirstRespondedAt, x.FirstResponseDueAt });
            s.HasIndex(x => new { x.ResolvedAt, x.ResolutionDueAt });
            // SLA metrics (docs/metrics.md) read the incidents received in a range of months.
            s.HasIndex(x => x.ReceivedAt);
        });
        b.Navigation(i => i.Sla).IsRequired();

        b.HasOne<Core.Constituents.Constituent>().WithMany().HasForeignKey(i => i.ConstituentId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(i => i.Timeline).WithOne().HasForeignKey(e => e.IncidentId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(i => i.Timeline).HasField("_timeline").UsePropertyAccessMode(PropertyAccessMode.Field);
        b.HasMany(i => i.Tasks).WithOne().HasForeignKey(t => t.IncidentId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(i => i.Tasks).HasField("_tasks").UsePropertyAccessMode(PropertyAccessMode.Field);
        b.HasMany(i => i.Observables).WithOne().HasForeignKey(o => o.IncidentId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(i => i.Observables).HasField("_observables").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class IncidentObservableConfiguration : IEntityTypeConfiguration<IncidentObservable>
{
    public void Configure(EntityTypeBuilder<IncidentObservable> b)
    {
        b.ToTable("incident_observables");
        b.HasKey(o => o.Id);
        b.Property(o => o.Id).ValueGeneratedNever();
        b.Property(o => o.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(o => o.Value).HasMaxLength(8192).IsRequired();
        b.Property(o => o.Note).HasMaxLength(2000);
        b.Property(o => o.AddedBy).HasMaxLength(254).IsRequired();
        // Once per incident; and (kind, value) finds the other incidents with the same indicator.
        b.HasIndex(o => new { o.IncidentId, o.Kind, o.Value }).IsUnique();
        b.HasIndex(o => new { o.Kind, o.Value });
    }
}

internal sealed class TimelineEventConfiguration : IEntityTypeConfiguration<TimelineEvent>
{
    public void Configure(EntityTypeBuilder<TimelineEvent> b)
    {
        b.ToTable("timeline_events");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.Actor).HasMaxLength(254).IsRequired();
        b.Property(e => e.Reason).HasMaxLength(4000);
        b.HasIndex(e => new { e.IncidentId, e.At });
    }
}

internal sealed class IncidentTaskConfiguration : IEntityTypeConfiguration<IncidentTask>
{
    public void Configure(EntityTypeBuilder<IncidentTask> b)
    {
        b.ToTable("incident_tasks");
        b.HasKey(t => t.Id);
        b.Property(t => t.Id).ValueGeneratedNever();
        b.Property(t => t.Title).HasMaxLength(300).IsRequired();
        b.Property(t => t.Owner).HasMaxLength(254);
        b.Property(t => t.CreatedBy).HasMaxLength(254).IsRequired();
        b.HasIndex(t => new { t.IncidentId, t.Status });
    }
}

internal sealed class IncidentCounterConfiguration : IEntityTypeConfiguration<IncidentCounter>
{
    public void Configure(EntityTypeBuilder<IncidentCounter> b)
    {
        b.ToTable("incident_counters");
        b.HasKey(c => c.Year);
        b.Property(c => c.Year).ValueGeneratedNever();
    }
}
