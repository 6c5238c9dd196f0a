using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Vigie.Core.Constituents;
using Vigie.Core.Incidents;
using Vigie.Core.Reports;
using Vigie.Features.Mail;

namespace Vigie.Features.Correspondence;

internal sealed class CorrespondencePartyConfiguration : IEntityTypeConfiguration<CorrespondenceParty>
{
    public void Configure(EntityTypeBuilder<CorrespondenceParty> b)
    {
        b.ToTable("correspondence_parties");
        b.HasKey(p => p.Id);
        b.Property(p => p.Id).ValueGeneratedNever();
        b.Property(p => p.Name).HasMaxLength(200).IsRequired();
        b.Property(p => p.Email).HasMaxLength(254).IsRequired();
        b.Property(p => p.AddedBy).HasMaxLength(254).IsRequired();
        // One thread per address and incident; also the lookup of an incoming reply's sender.
        b.HasIndex(p => new { p.IncidentId, p.Email }).IsUnique();
        b.HasOne<Incident>().WithMany().HasForeignKey(p => p.IncidentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Contact>().WithMany().HasForeignKey(p => p.ContactId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Constituent>().WithMany().HasForeignKey(p => p.ConstituentId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class ConsentConfiguration : IEntityTypeConfiguration<Consent>
{
    public void Configure(EntityTypeBuilder<Consent> b)
    {
        b.ToTable("consents");
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).ValueGeneratedNever();
        b.Property(c => c.GivenBy).HasMaxLength(300).IsRequired();
        b.Property(c => c.Value).HasMaxLength(254).IsRequired();
        b.Property(c => c.RecordedBy).HasMaxLength(254).IsRequired();
        b.Property(c => c.Note).HasMaxLength(2000);
        // The gate reads a constituent's consents (standing ones and those of the incident).
        b.HasIndex(c => new { c.ConstituentId, c.IncidentId });
        b.HasOne<Constituent>().WithMany().HasForeignKey(c => c.ConstituentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Incident>().WithMany().HasForeignKey(c => c.IncidentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CorrespondenceMessageConfiguration : IEntityTypeConfiguration<CorrespondenceMessage>
{
    public void Configure(EntityTypeBuilder<CorrespondenceMessage> b)
    {
        b.ToTable("correspondence_messages");
        b.HasKey(m => m.Id);
        b.Property(m => m.Id).ValueGeneratedNever();
        b.Property(m => m.Subject).HasMaxLength(998).IsRequired();
        b.Property(m => m.Text).IsRequired();
        b.Property(m => m.Language).HasMaxLength(8).IsRequired();
        b.Property(m => m.RefusalCode).HasMaxLength(32);
        b.Property(m => m.NeedToKnow).HasMaxLength(2000);
        b.Property(m => m.TemplateKey).HasMaxLength(64);
        b.Property(m => m.CreatedBy).HasMaxLength(254).IsRequired();
        // The tab: an incident's messages in order.
        b.HasIndex(m => new { m.IncidentId, m.CreatedAt });
        // Threading: a reply or a bounce names our outbound mail; each report is recorded once.
        b.HasIndex(m => m.OutboundMessageId);
        b.HasIndex(m => m.ReportId).IsUnique();
        b.HasIndex(m => m.PartyId);
        b.HasIndex(m => m.BatchId);
        b.HasOne<Incident>().WithMany().HasForeignKey(m => m.IncidentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<CorrespondenceParty>().WithMany().HasForeignKey(m => m.PartyId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<OutboundMessage>().WithMany().HasForeignKey(m => m.OutboundMessageId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Report>().WithMany().HasForeignKey(m => m.ReportId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class CorrespondenceTemplateConfiguration : IEntityTypeConfiguration<CorrespondenceTemplate>
{
    public void Configure(EntityTypeBuilder<CorrespondenceTemplate> b)
    {
        b.ToTable("correspondence_templates");
        b.HasKey(t => new { t.Key, t.Language });
        b.Property(t => t.Key).HasMaxLength(64);
        b.Property(t => t.Language).HasMaxLength(8);
        b.Property(t => t.Subject).HasMaxLength(998).IsRequired();
        b.Property(t => t.Body).HasMaxLength(100_000).IsRequired();
        b.Property(t => t.UpdatedBy).HasMaxLength(254).IsRequired();
    }
}
