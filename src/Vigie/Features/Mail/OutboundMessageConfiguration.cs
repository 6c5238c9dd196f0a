using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Vigie.Core.Incidents;
using Vigie.Core.Reports;

namespace Vigie.Features.Mail;

internal sealed class OutboundMessageConfiguration : IEntityTypeConfiguration<OutboundMessage>
{
    public void Configure(EntityTypeBuilder<OutboundMessage> b)
    {
        b.ToTable("outbound_messages");
        b.HasKey(m => m.Id);
        b.Property(m => m.Id).ValueGeneratedNever();
        b.Property(m => m.MessageId).HasMaxLength(998).IsRequired();
        // Replies (In-Reply-To/References) and bounces find the message by its Message-ID.
        b.HasIndex(m => m.MessageId).IsUnique();
        b.Property(m => m.From).HasMaxLength(254).IsRequired();
        b.Property(m => m.Recipients).IsRequired();
        b.Property(m => m.Subject).HasMaxLength(998).IsRequired();
        b.Property(m => m.Sha256).HasMaxLength(64).IsFixedLength().IsRequired();
        b.Property(m => m.LastError).HasMaxLength(2000);
        b.Property(m => m.SenderKey).HasMaxLength(254);
        // The mailer's query: due messages, oldest first.
        b.HasIndex(m => new { m.Status, m.NextAttemptAt });
        // The 24 h auto-reply limit: the latest message to one sender.
        b.HasIndex(m => new { m.SenderKey, m.CreatedAt });
        b.HasOne<Report>().WithMany().HasForeignKey(m => m.ReportId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Incident>().WithMany().HasForeignKey(m => m.IncidentId).OnDelete(DeleteBehavior.SetNull);
    }
}
