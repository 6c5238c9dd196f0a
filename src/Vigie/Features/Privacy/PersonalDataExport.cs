using Microsoft.EntityFrameworkCore;
using Vigie.Core;
using Vigie.Core.Observables;
using Vigie.Data;

namespace Vigie.Features.Privacy;

/// <summary>
/// Everything Vigie holds about one person, found by e-mail address, for an access request (GDPR art. 15;
/// profile §4.2, "la protection des informations personnelles"): their account, the constituent contacts and
/// correspondence parties with that address, the reports they sent (or signed, or filed by the form), the
/// messages exchanged with them, the mail queued to them, and the incidents and reports where the address
/// was seen as an observable. References (ids, numbers, dates) rather than raw mail: the raw messages are
/// named by their SHA-256 so that an operator can add them to the answer after review.
/// </summary>
public sealed record PersonalData(
    string Email,
    DateTimeOffset GeneratedAt,
    IReadOnlyList<PersonalData.AccountEntry> Accounts,
    IReadOnlyList<PersonalData.ContactEntry> Contacts,
    IReadOnlyList<PersonalData.ReportEntry> Reports,
    IReadOnlyList<PersonalData.PartyEntry> Parties,
    IReadOnlyList<PersonalData.MessageEntry> Messages,
    IReadOnlyList<PersonalData.OutboundEntry> Outbound,
    IReadOnlyList<PersonalData.SeenEntry> SeenIn)
{
    public sealed record AccountEntry(Guid Id, string FullName, string Role, bool Disabled, DateTimeOffset CreatedAt, int ApiTokens);

    public sealed record ContactEntry(Guid Id, Guid ConstituentId, string Constituent, string Name, string Role, string? Phone, bool HasPgpKey);

    public sealed record ReportEntry(Guid Id, DateTimeOffset ReceivedAt, string Source, string? Subject, string? From, string? SignerEmail, string Sha256, string? Incident);

    public sealed record PartyEntry(Guid Id, string Incident, string Kind, string Name, DateTimeOffset AddedAt);

    public sealed record MessageEntry(Guid Id, string Incident, string Direction, string Subject, DateTimeOffset CreatedAt, string Status);

    public sealed record OutboundEntry(Guid Id, DateTimeOffset CreatedAt, string Subject, string Status, string Sha256);

    public sealed record SeenEntry(string Where, string Reference);

    /// <summary>How many records in all.</summary>
    public int Count => Accounts.Count + Contacts.Count + Reports.Count + Parties.Count + Messages.Count + Outbound.Count + SeenIn.Count;
}

public sealed class PersonalDataExport(VigieDb db, TimeProvider time)
{
    /// <summary>The data held about <paramref name="email"/>; a validation error when it is not an e-mail address.</summary>
    public async Task<Result<PersonalData>> ExportAsync(string? email, CancellationToken ct)
    {
        if (!EmailAddress.TryNormalize(email, out var address, out _))
        {
            return Error.Validation("email", $"'{email}' is not an e-mail address.");
        }
        var numbers = db.Incidents.AsNoTracking().Select(i => new { i.Id, i.Number });

        var accounts = await db.Users.AsNoTracking().Where(u => u.Email == address)
            .Select(u => new PersonalData.AccountEntry(u.Id, u.FullName, u.Role.ToString(), u.Disabled, u.CreatedAt,
                db.ApiTokens.Count(t => t.UserId == u.Id)))
            .ToListAsync(ct);

        var contacts = await (from c in db.Contacts.AsNoTracking()
                              join o in db.Constituents.AsNoTracking() on c.ConstituentId equals o.Id
                              where c.Email == address
                              select new PersonalData.ContactEntry(c.Id, o.Id, o.Name, c.Name, c.Role.ToString(), c.Phone, c.PgpPublicKey != null))
            .ToListAsync(ct);

        // From holds the header as written ("Name <address>"): matched without case, anywhere in it.
        var pattern = "%" + address.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
        var formSubmitter = "form:" + address;
        var reports = await (from r in db.Reports.AsNoTracking()
                             where (r.From != null && EF.Functions.Like(r.From.ToLower(), pattern, "\\"))
                                   || r.SignerEmail == address || r.SubmittedBy == formSubmitter
                             join i in numbers on r.IncidentId equals i.Id into linked
                             from i in linked.DefaultIfEmpty()
                             orderby r.ReceivedAt
                             select new PersonalData.ReportEntry(r.Id, r.ReceivedAt, r.Source.ToString(), r.Subject, r.From, r.SignerEmail, r.Sha256, i == null ? null : i.Number))
            .ToListAsync(ct);

        var parties = await (from p in db.CorrespondenceParties.AsNoTracking()
                             join i in numbers on p.IncidentId equals i.Id
                             where p.Email == address
                             orderby p.AddedAt
                             select new PersonalData.PartyEntry(p.Id, i.Number, p.Kind.ToString(), p.Name, p.AddedAt))
            .ToListAsync(ct);
        var partyIds = parties.Select(p => p.Id).ToList();
        var messages = await (from m in db.CorrespondenceMessages.AsNoTracking()
                              join i in numbers on m.IncidentId equals i.Id
                              where partyIds.Contains(m.PartyId)
                              orderby m.CreatedAt
                              select new PersonalData.MessageEntry(m.Id, i.Number, m.Direction.ToString(), m.Subject, m.CreatedAt, m.Status.ToString()))
            .ToListAsync(ct);

        var outbound = await db.OutboundMessages.AsNoTracking()
            .Where(m => EF.Functions.Like(m.Recipients.ToLower(), pattern, "\\"))
            .OrderBy(m => m.CreatedAt)
            .Select(m => new PersonalData.OutboundEntry(m.Id, m.CreatedAt, m.Subject, m.Status.ToString(), m.Sha256))
            .ToListAsync(ct);

        var seen = new List<PersonalData.SeenEntry>();
        seen.AddRange(await (from o in db.IncidentObservables.AsNoTracking()
                             join i in numbers on o.IncidentId equals i.Id
                             where o.Kind == ObservableKind.Email && o.Value == address
                             select new PersonalData.SeenEntry("incident", i.Number)).Distinct().ToListAsync(ct));
        seen.AddRange(await db.ReportObservables.AsNoTracking()
            .Where(o => o.Kind == ObservableKind.Email && o.Value == address)
            .Select(o => o.ReportId).Distinct()
            .Select(id => new PersonalData.SeenEntry("report", id.ToString()))
            .ToListAsync(ct));

        return new PersonalData(address, time.GetUtcNow(), accounts, contacts, reports, parties, messages, outbound, seen);
    }
}
