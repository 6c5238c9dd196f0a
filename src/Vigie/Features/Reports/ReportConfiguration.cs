using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Vigie.Core.Reports;

namespace Vigie.Features.Reports;

internal sealed class ReportConfiguration : IEntityTypeConfiguration<Report>
{
    public void Configure(EntityTypeBuilder<Report> b)
    {
        b.ToTable("reports");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).ValueGeneratedNever();
        b.Property(r => r.Sha256).HasMaxLength(64).IsFixedLength().IsRequired();
        // Idempotency: the same bytes (hence the same Message-ID) give one report, however often delivered.
        b.HasIndex(r => r.Sha256).IsUnique();
        b.Property(r => r.MessageId).HasMaxLength(998);
        b.HasIndex(r => r.MessageId);
        b.Property(r => r.Subject).HasMaxLength(998);
        b.Property(r => r.From).HasMaxLength(998);
        b.Property(r => r.SubmittedBy).HasMaxLength(254).IsRequired();
        b.Property(r => r.Recipient).HasMaxLength(254);
        b.HasIndex(r => r.ReceivedAt);
        b.HasIndex(r => new { r.Status, r.ReceivedAt });
        b.HasOne<Core.Incidents.Incident>().WithMany().HasForeignKey(r => r.IncidentId).OnDelete(DeleteBehavior.SetNull);
    }
}
