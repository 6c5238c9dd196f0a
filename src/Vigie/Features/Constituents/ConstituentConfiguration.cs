using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Vigie.Core.Constituents;

namespace Vigie.Features.Constituents;

internal sealed class ConstituentConfiguration : IEntityTypeConfiguration<Constituent>
{
    public void Configure(EntityTypeBuilder<Constituent> b)
    {
        b.ToTable("constituents");
        b.HasKey(c => c.Id);
        b.Property(c => c.Name).HasMaxLength(200).IsRequired();
        b.HasIndex(c => c.Name).IsUnique();
        b.Property(c => c.Notes).HasMaxLength(10_000);
        b.OwnsOne(c => c.Contract, o =>
        {
            o.Property(x => x.Reference).HasMaxLength(100).HasColumnName("contract_reference");
            o.Property(x => x.Tier).HasMaxLength(50).HasColumnName("contract_tier");
            o.Property(x => x.OnSiteSupport).HasColumnName("contract_on_site_support");
        });
        b.HasMany(c => c.Contacts).WithOne().HasForeignKey(x => x.ConstituentId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.Scopes).WithOne().HasForeignKey(x => x.ConstituentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ContactConfiguration : IEntityTypeConfiguration<Contact>
{
    public void Configure(EntityTypeBuilder<Contact> b)
    {
        b.ToTable("contacts");
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).ValueGeneratedNever();
        b.Property(c => c.Name).HasMaxLength(200).IsRequired();
        b.Property(c => c.Email).HasMaxLength(254).IsRequired();
        b.Property(c => c.Phone).HasMaxLength(50);
        b.HasIndex(c => c.Email);
        b.HasIndex(c => new { c.ConstituentId, c.Email }).IsUnique();
    }
}

internal sealed class ScopeConfiguration : IEntityTypeConfiguration<ConstituentScope>
{
    public void Configure(EntityTypeBuilder<ConstituentScope> b)
    {
        b.ToTable("constituent_scopes");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.Value).HasMaxLength(260).IsRequired();
        // One owner per exact prefix/ASN/domain: two constituents claiming the same one would make
        // the lookup ambiguous. Nested prefixes are fine (most specific wins).
        b.HasIndex(s => new { s.Kind, s.Value }).IsUnique();
    }
}
