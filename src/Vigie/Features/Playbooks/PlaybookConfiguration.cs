using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Vigie.Core.Playbooks;

namespace Vigie.Features.Playbooks;

internal sealed class PlaybookConfiguration : IEntityTypeConfiguration<Playbook>
{
    public void Configure(EntityTypeBuilder<Playbook> b)
    {
        b.ToTable("playbooks");
        b.HasKey(p => p.Id);
        b.Property(p => p.Id).ValueGeneratedNever();
        b.Property(p => p.NameFr).HasMaxLength(Playbook.MaxNameLength).IsRequired();
        b.Property(p => p.NameEn).HasMaxLength(Playbook.MaxNameLength).IsRequired();
        // One name, one playbook: also what keeps the start-up seeding of two nodes from doubling them.
        b.HasIndex(p => p.NameEn).IsUnique();
        b.Property(p => p.RsitClass).HasMaxLength(64);
        b.Property(p => p.RsitType).HasMaxLength(64);
        b.HasIndex(p => new { p.RsitClass, p.RsitType });
        b.Property(p => p.UpdatedBy).HasMaxLength(254).IsRequired();
        b.HasMany(p => p.Steps).WithOne().HasForeignKey(s => s.PlaybookId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(p => p.Steps).HasField("_steps").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class PlaybookStepConfiguration : IEntityTypeConfiguration<PlaybookStep>
{
    public void Configure(EntityTypeBuilder<PlaybookStep> b)
    {
        b.ToTable("playbook_steps");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.TitleFr).HasMaxLength(Playbook.MaxTitleLength).IsRequired();
        b.Property(s => s.TitleEn).HasMaxLength(Playbook.MaxTitleLength).IsRequired();
        b.HasIndex(s => new { s.PlaybookId, s.Position });
    }
}
