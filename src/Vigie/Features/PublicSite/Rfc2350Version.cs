using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigie.Features.PublicSite;

/// <summary>
/// One published version of the RFC 2350 document in one language (RFC 2350 §1.1). The text is frozen
/// at publication: a later change of the profile shows in the next version only. Signatures are added
/// when the team has a key that matches the fingerprint the text states (<see cref="KeyFingerprint"/>).
/// </summary>
public sealed class Rfc2350Version
{
    public Guid Id { get; set; }

    /// <summary>Version number as printed, e.g. "1.1".</summary>
    public string Version { get; set; } = "";

    /// <summary>Two-letter language code.</summary>
    public string Language { get; set; } = "";

    /// <summary>Date of the version in the team's time zone (the "date of last update").</summary>
    public DateOnly Date { get; set; }

    /// <summary>Description of the changes, in this language.</summary>
    public string Changes { get; set; } = "";

    /// <summary>The plain text served as <c>.txt</c> (UTF-8, LF).</summary>
    public string Text { get; set; } = "";

    /// <summary>The HTML fragment of the public page (generated, every text encoded).</summary>
    public string Html { get; set; } = "";

    /// <summary>The fingerprint the text states in §1.4 and §2.7.</summary>
    public string KeyFingerprint { get; set; } = "";

    /// <summary>The clear-signed text (<c>.txt.asc</c>), once signed.</summary>
    public string? ClearSigned { get; set; }

    /// <summary>The armored detached signature of <see cref="Text"/>'s UTF-8 bytes (<c>.txt.sig</c>), once signed.</summary>
    public string? DetachedSignature { get; set; }

    /// <summary>Fingerprint of the key that signed.</summary>
    public string? SignedBy { get; set; }

    public DateTimeOffset PublishedAt { get; set; }

    /// <summary>Who published: a user's address, or "vigie" for the first version taken from the profile.</summary>
    public string PublishedBy { get; set; } = "";

    /// <summary>The order of publication (1, 2, …), the same for every language of a version.</summary>
    public int Sequence { get; set; }
}

internal sealed class Rfc2350VersionConfiguration : IEntityTypeConfiguration<Rfc2350Version>
{
    public void Configure(EntityTypeBuilder<Rfc2350Version> b)
    {
        b.ToTable("Rfc2350Versions");
        b.Property(v => v.Version).HasMaxLength(16);
        b.Property(v => v.Language).HasMaxLength(8);
        b.Property(v => v.Changes).HasMaxLength(1000);
        b.Property(v => v.KeyFingerprint).HasMaxLength(64);
        b.Property(v => v.SignedBy).HasMaxLength(64);
        b.Property(v => v.PublishedBy).HasMaxLength(320);
        // Two nodes publishing the same version (or the first version at start-up): one wins.
        b.HasIndex(v => new { v.Version, v.Language }).IsUnique();
        b.HasIndex(v => new { v.Sequence, v.Language }).IsUnique();
    }
}
