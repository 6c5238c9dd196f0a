using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Vigie.Core;
using Vigie.Data;
using Vigie.Features.Mail;
using Vigie.Features.Pgp;
using Vigie.Features.TeamProfile;
using Vigie.Web;

namespace Vigie.Features.PublicSite;

/// <summary>
/// Publishes and serves the RFC 2350 document (docs/rfc2350.md). Published versions are frozen texts;
/// the profile only shows in the next published version. The first version is the profile's own
/// last history entry (its §1.1), published once when nothing is; later versions are published by
/// a lead with a description of the changes, announced by mail to the distribution list.
/// </summary>
public sealed partial class Rfc2350Service(
    VigieDb db,
    IOptions<TeamProfileOptions> profile,
    IOptions<PublicSiteOptions> site,
    TeamSigner signer,
    TeamTime clock,
    MailOutbox outbox,
    MailCrypto crypto,
    Microsoft.Extensions.Localization.IStringLocalizer<Rfc2350Text> text,
    ILogger<Rfc2350Service> logger)
{
    /// <summary>The actor recorded for the first version, taken from the profile.</summary>
    public const string ProfileActor = "vigie";

    public const int MaxChangesLength = 500;

    private TeamProfileOptions Profile => profile.Value;

    /// <summary>The document's languages, preferred first.</summary>
    public IReadOnlyList<string> Languages => Profile.Languages;

    public bool IsLanguage(string? language) =>
        language is not null && Profile.Languages.Contains(language, StringComparer.OrdinalIgnoreCase);

    /// <summary>The key the document names: the team's signing key when it has one, else the profile's.</summary>
    public DocumentKey CurrentKey()
    {
        var p = Profile.PublicKey;
        return signer.Key is { } key
            ? new DocumentKey(p.Url, key.KeyId, key.Fingerprint)
            : new DocumentKey(p.Url, p.NormalizedKeyId, p.NormalizedFingerprint);
    }

    /// <summary>The contact form's address for §2.4, when the public address is known.</summary>
    private string? ContactFormUrl() =>
        string.IsNullOrWhiteSpace(site.Value.PublicUrl) ? null : site.Value.Absolute("/contact");

    // ------------------------------------------------------------------ reading

    /// <summary>Every published version in <paramref name="language"/>, newest first.</summary>
    public Task<List<Rfc2350Version>> ListAsync(string language, CancellationToken ct) =>
        db.Rfc2350Versions.AsNoTracking().Where(v => v.Language == language).OrderByDescending(v => v.Sequence).ToListAsync(ct);

    /// <summary>The latest version in <paramref name="language"/> (publishing the first one if none is), signed if it can be.</summary>
    public async Task<Rfc2350Version?> LatestAsync(string language, CancellationToken ct)
    {
        await EnsurePublishedAsync(ct);
        var latest = await db.Rfc2350Versions.Where(v => v.Language == language).OrderByDescending(v => v.Sequence).FirstOrDefaultAsync(ct);
        return latest is null ? null : await SignedAsync(latest, ct);
    }

    /// <summary>One version in <paramref name="language"/>, signed if it can be.</summary>
    public async Task<Rfc2350Version?> GetAsync(string version, string language, CancellationToken ct)
    {
        await EnsurePublishedAsync(ct);
        var found = await db.Rfc2350Versions.FirstOrDefaultAsync(v => v.Version == version && v.Language == language, ct);
        return found is null ? null : await SignedAsync(found, ct);
    }

    /// <summary>
    /// Adds the signatures a version lacks when the team's key is the one its text names: a version
    /// published before the key existed stays unsigned rather than signed by a key it does not name.
    /// </summary>
    private async Task<Rfc2350Version> SignedAsync(Rfc2350Version version, CancellationToken ct)
    {
        if (version.ClearSigned is not null || signer.Key is not { } key || key.Fingerprint != version.KeyFingerprint)
        {
            return version;
        }
        version.ClearSigned = signer.ClearSign(version.Text);
        version.DetachedSignature = signer.DetachedSign(Encoding.UTF8.GetBytes(version.Text));
        version.SignedBy = key.Fingerprint;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e)
        {
            // Another node signed it at the same moment: its signature is as good; serve ours.
            logger.LogDebug(e, "RFC 2350 version {Version} ({Language}) signed concurrently.", version.Version, version.Language);
            db.ChangeTracker.Clear();
        }
        return version;
    }

    // ------------------------------------------------------------------ history and drafts

    /// <summary>
    /// §1.1 of the next document: the profile's history (the versions before Vigie published any),
    /// then the published versions, oldest first.
    /// </summary>
    private async Task<List<Rfc2350HistoryEntry>> HistoryAsync(CancellationToken ct)
    {
        var published = await db.Rfc2350Versions.AsNoTracking()
            .Select(v => new { v.Sequence, v.Version, v.Date, v.Language, v.Changes })
            .ToListAsync(ct);
        var history = Profile.Document.History
            .Where(h => published.All(p => p.Version != h.Version))
            .Select(h => new Rfc2350HistoryEntry(h.Version, h.GetDate(), h.Changes))
            .ToList();
        foreach (var group in published.GroupBy(p => p.Sequence).OrderBy(g => g.Key))
        {
            var changes = new LocalizedText();
            foreach (var row in group)
            {
                changes[row.Language] = row.Changes;
            }
            history.Add(new Rfc2350HistoryEntry(group.First().Version, group.First().Date, changes));
        }
        return history;
    }

    /// <summary>The document the current profile gives, with the latest version's history: what publishing would change.</summary>
    public async Task<Rfc2350Doc> DraftAsync(string language, CancellationToken ct)
    {
        return Draft(language, await HistoryAsync(ct));
    }

    private Rfc2350Doc Draft(string language, IReadOnlyList<Rfc2350HistoryEntry> history) =>
        Rfc2350Builder.Build(Profile, language, history, CurrentKey(), ContactFormUrl());

    /// <summary>The languages whose draft differs from the latest published text (empty: nothing to publish).</summary>
    public async Task<IReadOnlyList<(string Language, string Published, string Draft)>> ChangesAsync(CancellationToken ct)
    {
        await EnsurePublishedAsync(ct);
        var history = await HistoryAsync(ct);
        var last = await db.Rfc2350Versions.MaxAsync(v => v.Sequence, ct);
        var published = await db.Rfc2350Versions.AsNoTracking().Where(v => v.Sequence == last)
            .ToDictionaryAsync(v => v.Language, v => v.Text, ct);
        var changed = new List<(string, string, string)>();
        foreach (var language in Languages)
        {
            var draft = Rfc2350TextRenderer.Render(Draft(language, history));
            var text = published.GetValueOrDefault(language);
            if (text != draft)
            {
                changed.Add((language, text ?? "", draft));
            }
        }
        return changed;
    }

    /// <summary>
    /// What the dashboard should say about the published document: the profile changed since it was
    /// published, or it is unsigned because it names a key the team does not hold.
    /// </summary>
    public async Task<IReadOnlyList<PublicFaceWarning>> WarningsAsync(CancellationToken ct)
    {
        var warnings = new List<PublicFaceWarning>();
        var latest = await db.Rfc2350Versions.AsNoTracking().Where(v => v.Language == Profile.PrimaryLanguage)
            .OrderByDescending(v => v.Sequence).FirstOrDefaultAsync(ct);
        if (latest is null)
        {
            return warnings;
        }
        if ((await ChangesAsync(ct)).Count > 0)
        {
            warnings.Add(new PublicFaceWarning("rfc2350-profile-changed", text["Warn.Changed", latest.Version]));
        }
        if (latest.ClearSigned is null && signer.Key is { } key && key.Fingerprint != latest.KeyFingerprint)
        {
            warnings.Add(new PublicFaceWarning("rfc2350-unsigned", text["Warn.Unsigned", latest.Version, latest.KeyFingerprint]));
        }
        return warnings;
    }

    // ------------------------------------------------------------------ publishing

    /// <summary>Publishes the first version from the profile's own history when nothing is published yet (idempotent, safe with several nodes).</summary>
    public async Task EnsurePublishedAsync(CancellationToken ct)
    {
        if (await db.Rfc2350Versions.AnyAsync(ct))
        {
            return;
        }
        // The validated profile has at least one version (TeamProfileValidator): the first to publish.
        var history = Profile.Document.History
            .Select(h => new Rfc2350HistoryEntry(h.Version, h.GetDate(), h.Changes))
            .ToList();
        AddVersion(history, sequence: 1, ProfileActor);
        try
        {
            await db.SaveChangesAsync(ct);
            logger.LogInformation("RFC 2350 version {Version} published from the team profile.", history[^1].Version);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear(); // another node published it first
        }
    }

    /// <summary>
    /// Publishes a new version: renders every language from the current profile, signs it when the
    /// team has a key, keeps the previous versions, and queues the announcement to the distribution
    /// list in the same transaction.
    /// </summary>
    /// <param name="version">The number, or null for the next minor one (1.0 → 1.1).</param>
    /// <param name="changes">Description of the changes per language (the first language is required).</param>
    /// <param name="allowUnchanged">Publish even when the profile renders the same text (a reviewed, unchanged version).</param>
    /// <param name="actor">Who publishes (recorded on the version).</param>
    /// <param name="ct">Cancellation.</param>
    public async Task<Result<Rfc2350Published>> PublishAsync(string? version, LocalizedText changes, bool allowUnchanged, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(changes);
        await EnsurePublishedAsync(ct);
        var errors = new Dictionary<string, string[]>();
        foreach (var (language, text) in changes)
        {
            if (!IsLanguage(language))
            {
                errors[$"changes.{language}"] = [$"'{language}' is not one of the profile's languages ({string.Join(", ", Languages)})."];
            }
            else if (TeamProfileValidator.LineProblem(text, MaxChangesLength) is { } problem)
            {
                errors[$"changes.{language}"] = [$"The description {problem}."];
            }
        }
        // Get would fall back to another language: the first language must be there itself.
        if (!changes.TryGetValue(Profile.PrimaryLanguage, out var primary) || string.IsNullOrWhiteSpace(primary))
        {
            errors[$"changes.{Profile.PrimaryLanguage}"] = ["Describe the changes (at least in the profile's first language)."];
        }

        var history = await HistoryAsync(ct);
        var last = history[^1].Version;
        var number = string.IsNullOrWhiteSpace(version) ? Next(last) : version.Trim();
        if (!VersionNumber().IsMatch(number))
        {
            errors["version"] = [$"'{number}' is not a version number such as 1.1 or 2.0."];
        }
        else if (Compare(number, last) <= 0)
        {
            errors["version"] = [$"Version {number} is not after the latest version, {last}."];
        }
        if (errors.Count > 0)
        {
            return Error.Validation(errors);
        }
        if (!allowUnchanged && (await ChangesAsync(ct)).Count == 0)
        {
            return Error.Conflict("unchanged",
                $"The profile gives the same document as version {last}: nothing to publish. To record a reviewed, unchanged document, publish it as unchanged explicitly.");
        }

        var sequence = await db.Rfc2350Versions.MaxAsync(v => v.Sequence, ct) + 1;
        var clean = new LocalizedText();
        foreach (var (language, text) in changes.Where(c => !string.IsNullOrWhiteSpace(c.Value)))
        {
            clean[language.ToLowerInvariant()] = text.Trim();
        }
        history.Add(new Rfc2350HistoryEntry(number, DateOnly.FromDateTime(clock.Local(clock.Now).Date), clean));
        var rows = AddVersion(history, sequence, actor);
        var recipients = await AnnounceAsync(rows, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return Error.Conflict("published-meanwhile", $"Version {number} (or another version) was published at the same moment; reload and try again.");
        }
        logger.LogInformation("RFC 2350 version {Version} published by {Actor}; announced to {Count} recipient(s).", number, actor, recipients);
        return new Rfc2350Published(number, history[^1].Date, rows.All(r => r.ClearSigned is not null), recipients);
    }

    /// <summary>Adds one row per language for the last entry of <paramref name="history"/> (not saved).</summary>
    private List<Rfc2350Version> AddVersion(IReadOnlyList<Rfc2350HistoryEntry> history, int sequence, string actor)
    {
        var key = CurrentKey();
        var entry = history[^1];
        var rows = new List<Rfc2350Version>();
        foreach (var language in Languages)
        {
            var doc = Rfc2350Builder.Build(Profile, language, history, key, ContactFormUrl());
            var text = Rfc2350TextRenderer.Render(doc);
            var signed = signer.Key?.Fingerprint == key.Fingerprint;
            var row = new Rfc2350Version
            {
                Id = Guid.CreateVersion7(clock.Now),
                Version = entry.Version,
                Language = language,
                Date = entry.Date,
                Changes = Rfc2350Builder.Clean(Profile.Localize(entry.Changes, language)),
                Text = text,
                Html = Rfc2350HtmlRenderer.Render(doc),
                KeyFingerprint = key.Fingerprint,
                ClearSigned = signed ? signer.ClearSign(text) : null,
                DetachedSignature = signed ? signer.DetachedSign(Encoding.UTF8.GetBytes(text)) : null,
                SignedBy = signed ? key.Fingerprint : null,
                PublishedAt = clock.Now,
                PublishedBy = actor,
                Sequence = sequence,
            };
            db.Rfc2350Versions.Add(row);
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>Queues the announcement (RFC 2350 §1.2) to the distribution list and the configured recipients, signed by the team key.</summary>
    private async Task<int> AnnounceAsync(IReadOnlyList<Rfc2350Version> rows, CancellationToken ct)
    {
        var recipients = site.Value.Rfc2350.NotifyRecipients
            .Append(Profile.Document.Distribution.Address)
            .Where(a => !string.IsNullOrWhiteSpace(a))
            .Select(a => EmailAddress.TryNormalize(a, out var n, out _) ? n : null)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (recipients.Count == 0)
        {
            return 0;
        }
        var first = rows[0];
        var body = new StringBuilder();
        foreach (var row in rows)
        {
            var culture = CultureInfo.GetCultureInfo(row.Language);
            var text = row.Language == "fr"
                ? $"La version {row.Version} du document RFC 2350 de {Profile.Name} est publiée ({row.Date.ToString("dd/MM/yyyy", culture)}).\nModifications : {row.Changes}"
                : $"Version {row.Version} of the RFC 2350 document of {Profile.Name} is published ({row.Date:yyyy-MM-dd}).\nChanges: {row.Changes}";
            body.Append(text).Append('\n');
            if (!string.IsNullOrWhiteSpace(site.Value.PublicUrl))
            {
                body.Append(site.Value.Absolute($"/rfc2350/{row.Language}")).Append('\n');
            }
            body.Append('\n');
        }
        body.Append(first.ClearSigned is null
            ? "(Document non signé : l'équipe n'a pas encore de clé / unsigned document: the team has no key yet)\n"
            : "Le texte signé est joint / the signed text is attached.\n");
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(Profile.Name, Profile.GeneralEmail));
        foreach (var recipient in recipients)
        {
            message.Bcc.Add(MailboxAddress.Parse(recipient));
        }
        message.To.Add(new MailboxAddress(Profile.Name, Profile.GeneralEmail));
        message.Subject = $"RFC 2350 {Profile.Name} — version {first.Version}";
        var multipart = new Multipart("mixed") { new TextPart("plain") { Text = body.ToString() } };
        foreach (var row in rows)
        {
            var attachment = row.ClearSigned ?? row.Text;
            multipart.Add(new MimePart("text", "plain")
            {
                Content = new MimeContent(new MemoryStream(Encoding.UTF8.GetBytes(attachment))),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                ContentTransferEncoding = ContentEncoding.QuotedPrintable,
                FileName = row.ClearSigned is null ? $"rfc2350-{row.Language}.txt" : $"rfc2350-{row.Language}.txt.asc",
            });
            ((MimePart)multipart[^1]).ContentType.Charset = "utf-8";
        }
        message.Body = multipart;
        var signed = crypto.Protect(message, new MailboxAddress(Profile.Name, Profile.IncidentEmail), null);
        await outbox.EnqueueAsync(signed, OutboundKind.Correspondence, null, null, null, ct);
        return recipients.Count;
    }

    // ------------------------------------------------------------------ version numbers

    /// <summary>The next minor version: 1.0 → 1.1, 1.9 → 1.10, 2 → 2.1.</summary>
    internal static string Next(string version)
    {
        var parts = version.Split('.');
        if (parts.Length == 1)
        {
            return version + ".1";
        }
        return int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
            ? string.Join('.', parts[..^1].Append((minor + 1).ToString(CultureInfo.InvariantCulture)))
            : version + ".1";
    }

    /// <summary>Numeric comparison, part by part (1.10 after 1.9).</summary>
    internal static int Compare(string a, string b)
    {
        static int[] Parse(string v) => [.. v.Split('.').Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0)];
        var x = Parse(a);
        var y = Parse(b);
        for (var i = 0; i < Math.Max(x.Length, y.Length); i++)
        {
            var c = (i < x.Length ? x[i] : 0).CompareTo(i < y.Length ? y[i] : 0);
            if (c != 0)
            {
                return c;
            }
        }
        return 0;
    }

    [GeneratedRegex(@"^\d{1,4}(\.\d{1,4}){0,2}$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionNumber();
}

/// <summary>What <see cref="Rfc2350Service.PublishAsync"/> did.</summary>
public sealed record Rfc2350Published(string Version, DateOnly Date, bool Signed, int Announced);
