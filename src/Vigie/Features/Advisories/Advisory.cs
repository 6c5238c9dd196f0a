using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Vigie.Core.Advisories;

namespace Vigie.Features.Advisories;

/// <summary>
/// A bulletin: its working content (<see cref="AdvisoryDocument"/>, kept whole as JSON, what analysts edit) and, once
/// published, the content as last published (<see cref="PublishedContent"/>, with its TLP): everything outside the team —
/// the CSAF provider, the public pages, the portal, the mails — reads only the latter, so an edit is seen outside only
/// when it is published as a new revision. Plus the columns lists need: tracking id, TLP, titles, the constituents it concerns.
/// </summary>
public sealed class Advisory
{
    public Guid Id { get; set; }

    /// <summary>"VIGIE-2026-0007": unique, never reused.</summary>
    public string TrackingId { get; set; } = "";

    public string Tlp { get; set; } = "CLEAR";

    public string TitleEn { get; set; } = "";

    public string TitleFr { get; set; } = "";

    /// <summary>The document as JSON (<see cref="AdvisoryJson"/>).</summary>
    public string Content { get; set; } = "";

    /// <summary>The constituents it concerns (JSON array of ids): whose contacts receive it and see it in the portal.</summary>
    public string Constituents { get; set; } = "[]";

    public DateTimeOffset CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Last publication (a new revision each time), or null for a draft.</summary>
    public DateTimeOffset? PublishedAt { get; set; }

    /// <summary>The document as last published (JSON), or null for a draft.</summary>
    public string? PublishedContent { get; set; }

    /// <summary>The TLP of the last published revision: what decides who outside the team may see it.</summary>
    public string? PublishedTlp { get; set; }

    /// <summary>The working copy, as analysts edit it.</summary>
    public AdvisoryDocument Document => AdvisoryJson.Read(Content);

    /// <summary>The last published revision, or null for a draft.</summary>
    public AdvisoryDocument? Published => PublishedContent is null ? null : AdvisoryJson.Read(PublishedContent);

    /// <summary>Freezes the working copy as the published revision.</summary>
    public void MarkPublished(DateTimeOffset now) => (PublishedContent, PublishedTlp, PublishedAt) = (Content, Document.Tlp, now);

    public IReadOnlyList<Guid> ConstituentIds => JsonSerializer.Deserialize<List<Guid>>(Constituents) ?? [];

    public void Set(AdvisoryDocument document, DateTimeOffset now)
    {
        Content = AdvisoryJson.Write(document);
        (TrackingId, Tlp, TitleEn, TitleFr, UpdatedAt) = (document.TrackingId, document.Tlp, Cut(document.En.Title), Cut(document.Fr.Title), now);
    }

    private static string Cut(string s) => s.Length <= 300 ? s : s[..300];
}

/// <summary>How an <see cref="AdvisoryDocument"/> is kept in <see cref="Advisory.Content"/>.</summary>
public static class AdvisoryJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Write(AdvisoryDocument d) => JsonSerializer.Serialize(d, Options);

    public static string Write(AdvisoryProduct p) => JsonSerializer.Serialize(p, Options);

    public static AdvisoryDocument Read(string json) => JsonSerializer.Deserialize<AdvisoryDocument>(json, Options)!;
}

internal sealed class AdvisoryConfiguration : IEntityTypeConfiguration<Advisory>
{
    public void Configure(EntityTypeBuilder<Advisory> b)
    {
        b.ToTable("Advisories");
        b.Property(a => a.TrackingId).HasMaxLength(64);
        b.Property(a => a.Tlp).HasMaxLength(16);
        b.Property(a => a.PublishedTlp).HasMaxLength(16);
        b.Property(a => a.TitleEn).HasMaxLength(300);
        b.Property(a => a.TitleFr).HasMaxLength(300);
        b.Property(a => a.CreatedBy).HasMaxLength(320);
        b.HasIndex(a => a.TrackingId).IsUnique();
        b.HasIndex(a => new { a.PublishedTlp, a.PublishedAt });
    }
}
