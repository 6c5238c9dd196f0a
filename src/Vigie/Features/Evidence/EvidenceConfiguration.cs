using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Vigie.Core.Incidents;

namespace Vigie.Features.Evidence;

internal sealed class EvidenceItemConfiguration : IEntityTypeConfiguration<EvidenceItem>
{
    public void Configure(EntityTypeBuilder<EvidenceItem> b)
    {
        b.ToTable("evidence_items");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.Sha256).HasMaxLength(64).IsRequired();
        b.Property(e => e.FileName).HasMaxLength(EvidenceNames.MaxFileNameLength).IsRequired();
        b.Property(e => e.DeclaredContentType).HasMaxLength(255).IsRequired();
        b.Property(e => e.Description).HasMaxLength(EvidenceService.MaxDescriptionLength);
        b.Property(e => e.AddedBy).HasMaxLength(254).IsRequired();
        // The tab and the API list an incident's evidence oldest first.
        b.HasIndex(e => new { e.IncidentId, e.AddedAt });
        b.HasOne<Incident>().WithMany().HasForeignKey(e => e.IncidentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CustodyEntryConfiguration : IEntityTypeConfiguration<CustodyEntry>
{
    public void Configure(EntityTypeBuilder<CustodyEntry> b)
    {
        b.ToTable("evidence_custody");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.Action).HasConversion<string>().HasMaxLength(16);
        b.Property(e => e.Actor).HasMaxLength(254).IsRequired();
        b.Property(e => e.ClientIp).HasMaxLength(64);
        b.Property(e => e.Note).HasMaxLength(500);
        // Loaded per incident (the tab shows every item's log at once), in order.
        b.HasIndex(e => new { e.IncidentId, e.At });
        b.HasIndex(e => e.EvidenceId);
        b.HasOne<EvidenceItem>().WithMany().HasForeignKey(e => e.EvidenceId).OnDelete(DeleteBehavior.Cascade);
    }
}
