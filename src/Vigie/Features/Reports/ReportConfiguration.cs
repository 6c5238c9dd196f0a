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

        b.Property(r => r.TriagedBy).HasMaxLength(254);
        // The triage queue: pending reports, newest first.
        b.HasIndex(r => new { r.Triage, r.ReceivedAt });

        b.Property(r => r.FailureReason).HasMaxLength(2000);
        b.Property(r => r.Format).HasMaxLength(32);
        b.Property(r => r.FormatSubtype).HasMaxLength(128);
        b.Property(r => r.DecryptionError).HasMaxLength(1000);
        b.Property(r => r.SignatureKind).HasMaxLength(16);
        b.Property(r => r.SignerFingerprint).HasMaxLength(64);
        b.Property(r => r.SignerEmail).HasMaxLength(254);
        b.Property(r => r.ConstituentReason).HasMaxLength(500);
        b.Property(r => r.SuggestedClass).HasMaxLength(64);
        b.Property(r => r.SuggestedType).HasMaxLength(64);
        b.Property(r => r.SuggestionRule).HasMaxLength(64);
        b.Property(r => r.AnswerNote).HasMaxLength(500);
        b.HasIndex(r => new { r.Flagged, r.ReceivedAt });
        b.HasIndex(r => r.ClaimToken);
        b.HasIndex(r => r.SuggestedConstituentId);
        b.HasOne<Core.Constituents.Constituent>().WithMany().HasForeignKey(r => r.SuggestedConstituentId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Core.Constituents.Contact>().WithMany().HasForeignKey(r => r.SignerContactId).OnDelete(DeleteBehavior.SetNull);

        b.HasMany(r => r.Observables).WithOne().HasForeignKey(o => o.ReportId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(r => r.Observables).UsePropertyAccessMode(PropertyAccessMode.Field);
        b.HasMany(r => r.Attachments).WithOne().HasForeignKey(a => a.ReportId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(r => r.Attachments).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class ReportObservableConfiguration : IEntityTypeConfiguration<ReportObservable>
{
    public void Configure(EntityTypeBuilder<ReportObservable> b)
    {
        b.ToTable("report_observables");
        b.HasKey(o => o.Id);
        b.Property(o => o.Id).ValueGeneratedNever();
        b.Property(o => o.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(o => o.Value).HasMaxLength(8192).IsRequired();
        b.Property(o => o.Location).HasMaxLength(64).IsRequired();
        b.HasIndex(o => o.ReportId);
        // Correlation: which reports mention this indicator.
        b.HasIndex(o => new { o.Kind, o.Value });
    }
}

internal sealed class ReportAttachmentConfiguration : IEntityTypeConfiguration<ReportAttachment>
{
    public void Configure(EntityTypeBuilder<ReportAttachment> b)
    {
        b.ToTable("report_attachments");
        b.HasKey(a => a.Id);
        b.Property(a => a.Id).ValueGeneratedNever();
        b.Property(a => a.FileName).HasMaxLength(500);
        b.Property(a => a.ContentType).HasMaxLength(200).IsRequired();
        b.Property(a => a.Sha256).HasMaxLength(64).IsFixedLength();
        b.Property(a => a.Problem).HasMaxLength(1000);
        b.HasIndex(a => a.ReportId);
        b.HasIndex(a => a.Sha256);
    }
}
