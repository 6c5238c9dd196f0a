using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Cryptography;
using Vigie.Core.Advisories;
using Vigie.Data;
using Vigie.Features.Mail;
using Vigie.Features.Pgp;
using Vigie.Features.TeamProfile;

namespace Vigie.Features.Advisories;

/// <summary>One recipient of one distribution of a bulletin: sent (with the queued message) or skipped, and why.</summary>
public sealed class AdvisoryDelivery
{
    public Guid Id { get; set; }

    public Guid AdvisoryId { get; set; }

    public int Revision { get; set; }

    public Guid ConstituentId { get; set; }

    public string Email { get; set; } = "";

    public bool Sent { get; set; }

    public bool Encrypted { get; set; }

    /// <summary>Why it was skipped ("no usable OpenPGP key for a TLP:AMBER bulletin").</summary>
    public string? Reason { get; set; }

    public Guid? OutboundMessageId { get; set; }

    public DateTimeOffset At { get; set; }
}

internal sealed class AdvisoryDeliveryConfiguration : IEntityTypeConfiguration<AdvisoryDelivery>
{
    public void Configure(EntityTypeBuilder<AdvisoryDelivery> b)
    {
        b.ToTable("AdvisoryDeliveries");
        b.Property(d => d.Email).HasMaxLength(320);
        b.Property(d => d.Reason).HasMaxLength(300);
        b.HasIndex(d => new { d.AdvisoryId, d.Revision, d.Email }).IsUnique();
        b.HasIndex(d => d.ConstituentId);
    }
}

/// <summary>What a distribution did.</summary>
public sealed record DistributionResult(int Sent, int Skipped, IReadOnlyList<AdvisoryDelivery> Deliveries);

/// <summary>
/// Mails a published bulletin to every contact of the constituents it concerns: French then English in one message,
/// the CSAF document attached, signed with the team key, and encrypted to the contact's key whenever there is one.
/// For TLP:AMBER, AMBER+STRICT and RED, a contact without a usable key is skipped and listed, never sent in clear.
/// Each revision goes once to each address (redistributing the same revision sends only to new recipients).
/// </summary>
public sealed class AdvisoryDistribution(VigieDb db, AdvisoryService advisories, MailCrypto crypto, MailOutbox outbox, TimeProvider time,
    IOptions<TeamProfileOptions> team)
{
    public async Task<Vigie.Core.Result<DistributionResult>> DistributeAsync(Advisory advisory, Audit.AuditActor actor, string via, CancellationToken ct)
    {
        // The last published revision is what goes out, not edits made since.
        if (advisory.Published is not { } document)
        {
            return new AdvisoryRefusal("not-published", "advisory").ToError();
        }
        var constituents = advisory.ConstituentIds;
        if (constituents.Count == 0)
        {
            return new AdvisoryRefusal("no-constituents", "constituents").ToError();
        }
        var revision = document.Revisions.Max(r => r.Number);
        var already = (await db.Set<AdvisoryDelivery>().AsNoTracking().Where(d => d.AdvisoryId == advisory.Id && d.Revision == revision)
            .Select(d => d.Email).ToListAsync(ct)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var contacts = await db.Contacts.AsNoTracking().Where(c => constituents.Contains(c.ConstituentId)).OrderBy(c => c.Email).ToListAsync(ct);
        var mustEncrypt = document.Tlp is "AMBER" or "AMBER+STRICT" or "RED";
        var profile = team.Value;
        var csaf = Encoding.UTF8.GetBytes(advisories.Csaf(advisory));
        var now = time.GetUtcNow();
        var deliveries = new List<AdvisoryDelivery>();
        foreach (var contact in contacts.DistinctBy(c => c.Email.ToLowerInvariant()))
        {
            if (already.Contains(contact.Email))
            {
                continue;
            }
            var message = Message(advisory, document, revision, profile, csaf);
            message.To.Add(new MailboxAddress(contact.Name, contact.Email));
            var recipient = new MailboxAddress(contact.Name, contact.Email);
            var protectedMessage = crypto.Protect(message, new MailboxAddress(profile.Name, profile.IncidentEmail), recipient);
            var encrypted = protectedMessage.Body is MultipartEncrypted;
            var delivery = new AdvisoryDelivery
            {
                Id = Guid.CreateVersion7(now), AdvisoryId = advisory.Id, Revision = revision, ConstituentId = contact.ConstituentId, Email = contact.Email,
                Encrypted = encrypted, At = now,
            };
            if (mustEncrypt && !encrypted)
            {
                delivery.Reason = $"no usable OpenPGP key for a TLP:{document.Tlp} bulletin";
            }
            else
            {
                var queued = await outbox.EnqueueAsync(protectedMessage, OutboundKind.Correspondence, null, null, null, ct);
                (delivery.Sent, delivery.OutboundMessageId) = (true, queued.Id);
            }
            db.Add(delivery);
            deliveries.Add(delivery);
        }
        await db.SaveChangesAsync(ct);
        var result = new DistributionResult(deliveries.Count(d => d.Sent), deliveries.Count(d => !d.Sent), deliveries);
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        await advisories.RecordAsync(actor, Audit.AuditActions.Share, advisory, Audit.AuditOutcomes.Success, new()
        {
            ["via"] = via,
            ["operation"] = "distribute",
            ["revision"] = revision.ToString(inv),
            ["tlp"] = document.Tlp,
            ["sent"] = result.Sent.ToString(inv),
            ["skipped"] = result.Skipped.ToString(inv),
        });
        return result;
    }

    private static MimeMessage Message(Advisory advisory, AdvisoryDocument d, int revision, TeamProfileOptions profile, byte[] csaf)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(profile.Name, profile.IncidentEmail));
        message.Subject = $"[{advisory.TrackingId}] [TLP:{d.Tlp}] {d.Fr.Title} / {d.En.Title}";
        var body = new StringBuilder();
        foreach (var (lang, text) in new[] { ("fr", d.Fr), ("en", d.En) })
        {
            var fr = lang == "fr";
            body.Append($"TLP:{d.Tlp} — {advisory.TrackingId} — {(fr ? "révision" : "revision")} {revision}\n\n");
            body.Append(text.Title).Append("\n\n").Append(text.Summary).Append("\n\n");
            body.Append(fr ? "Gravité : " : "Severity: ").Append(d.Severity).Append('\n');
            body.Append("CVE : ").Append(string.Join(", ", d.Cves.Select(c => c.Id))).Append("\n\n");
            body.Append(fr ? "Produits concernés :\n" : "Affected products:\n");
            foreach (var p in d.Products.Take(30))
            {
                body.Append($"- {p.Vendor} {p.Product} {p.Affected}{(p.Fixed is null ? "" : fr ? $" (corrigé en {p.Fixed})" : $" (fixed in {p.Fixed})")}\n");
            }
            if (!string.IsNullOrWhiteSpace(text.Recommendations))
            {
                body.Append(fr ? "\nRecommandations :\n" : "\nRecommendations:\n").Append(text.Recommendations).Append('\n');
            }
            if (!string.IsNullOrWhiteSpace(text.Workarounds))
            {
                body.Append(fr ? "\nContournements :\n" : "\nWorkarounds:\n").Append(text.Workarounds).Append('\n');
            }
            if (d.References.Count > 0)
            {
                body.Append(fr ? "\nRéférences :\n" : "\nReferences:\n");
                foreach (var r in d.References.Take(20))
                {
                    body.Append("- ").Append(r).Append('\n');
                }
            }
            body.Append(fr ? "\n----- English version below -----\n\n" : "");
        }
        var plain = new TextPart("plain") { Text = body.ToString() };
        plain.ContentType.Charset = "utf-8";
        var attachment = new MimePart("application", "json")
        {
            Content = new MimeContent(new MemoryStream(csaf)),
            ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
            ContentTransferEncoding = ContentEncoding.Base64,
            FileName = Vigie.Core.Advisories.CsafWriter.FileName(advisory.TrackingId),
        };
        message.Body = new Multipart("mixed") { plain, attachment };
        return message;
    }
}
