using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Vigie.Core;
using Vigie.Core.Vulnerabilities;
using Vigie.Core.Vulnerabilities.Matching;
using Vigie.Core.Vulnerabilities.Ssvc;

namespace Vigie.Features.Inventory;

/// <summary>
/// A product a constituent runs: vendor, product, version and/or a CPE or purl, how exposed it is and how much the
/// constituent depends on it. The vulnerability watch matches these against every CVE.
/// </summary>
public sealed class InventoryItem
{
    public const int MaxName = 256;

    public Guid Id { get; set; }

    public Guid ConstituentId { get; set; }

    public string? Vendor { get; set; }

    public string? Product { get; set; }

    public string? Version { get; set; }

    public string? Cpe { get; set; }

    public string? Purl { get; set; }

    public Exposure Exposure { get; set; }

    public Criticality Criticality { get; set; } = Criticality.Medium;

    public string? Notes { get; set; }

    /// <summary>Where it came from: "manual", "csv:file.csv", "json:…", "cyclonedx:…".</summary>
    public string Source { get; set; } = "manual";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string UpdatedBy { get; set; } = "";

    public InventoryProduct ToProduct() => new(Id, ConstituentId, Vendor, Product, Version, Cpe, Purl);

    /// <summary>
    /// Checks and normalises the fields; an item must name something a vulnerability can be matched against
    /// (vendor and product, a CPE or a purl). Returns the error, or null.
    /// </summary>
    public static Error? Validate(ref string? vendor, ref string? product, ref string? version, ref string? cpe, ref string? purl)
    {
        vendor = Clean(vendor);
        product = Clean(product);
        version = Clean(version);
        cpe = Clean(cpe);
        purl = Clean(purl);
        if (new[] { vendor, product, version, cpe, purl }.Any(v => v is { Length: > MaxName * 4 }))
        {
            return Error.Validation("fields", "A field is longer than 1024 characters.");
        }
        if (cpe is not null && !CpeName.TryParse(cpe, out _))
        {
            return Error.Validation("cpe", $"\"{Short(cpe)}\" is not a CPE 2.3 name (cpe:2.3:part:vendor:product:version:…, 13 parts) or a CPE 2.2 URI (cpe:/part:vendor:product:…).");
        }
        if (purl is not null && !PackageUrl.TryParse(purl, out _))
        {
            return Error.Validation("purl", $"\"{Short(purl)}\" is not a package URL (pkg:type/namespace/name@version).");
        }
        if (cpe is null && purl is null && (vendor is null || product is null))
        {
            return Error.Validation("product", "Give the vendor and the product, or a CPE, or a purl: otherwise nothing can be matched.");
        }
        if (vendor is { Length: > MaxName } || product is { Length: > MaxName } || version is { Length: > 128 })
        {
            return Error.Validation("fields", "Vendor and product are limited to 256 characters, the version to 128.");
        }
        return null;
    }

    private static string? Clean(string? s)
    {
        s = s?.Trim();
        return string.IsNullOrEmpty(s) ? null : s;
    }

    private static string Short(string s) => s.Length <= 80 ? s : s[..80] + "…";
}

internal sealed class InventoryItemConfiguration : IEntityTypeConfiguration<InventoryItem>
{
    public void Configure(EntityTypeBuilder<InventoryItem> b)
    {
        b.ToTable("InventoryItems");
        b.Property(i => i.Vendor).HasMaxLength(InventoryItem.MaxName);
        b.Property(i => i.Product).HasMaxLength(InventoryItem.MaxName);
        b.Property(i => i.Version).HasMaxLength(128);
        b.Property(i => i.Cpe).HasMaxLength(1024);
        b.Property(i => i.Purl).HasMaxLength(1024);
        b.Property(i => i.Exposure).HasConversion<string>().HasMaxLength(16);
        b.Property(i => i.Criticality).HasConversion<string>().HasMaxLength(16);
        b.Property(i => i.Notes).HasMaxLength(2000);
        b.Property(i => i.Source).HasMaxLength(300);
        b.Property(i => i.UpdatedBy).HasMaxLength(320);
        b.HasIndex(i => i.ConstituentId);
    }
}
