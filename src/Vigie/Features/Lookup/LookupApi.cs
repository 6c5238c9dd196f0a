using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Vigie.Core;
using Vigie.Core.Lookup;
using Vigie.Data;
using Vigie.Features.Constituents;
using Vigie.Features.Identity;
using Vigie.Web;

namespace Vigie.Features.Lookup;

/// <summary>A contact found by e-mail address, with the organisation it belongs to.</summary>
public sealed record ContactMatch(ConstituentSummaryDto Constituent, ContactDto Contact);

/// <summary>
/// The answer of a lookup. <c>found</c> is false for a non-constituent, which is a normal answer
/// (the team redirects them, RFC 2350 §3.2), not an error.
/// </summary>
public sealed record LookupResult(
    string Kind,
    string Query,
    bool Found,
    ConstituentSummaryDto? Constituent,
    string? MatchedScope,
    IReadOnlyList<ContactMatch> Contacts);

public static class LookupApi
{
    public static IEndpointRouteBuilder MapLookup(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/lookup", Lookup).WithTags("Lookup").RequireAuthorization(Policies.Read)
            .WithSummary("Which constituent owns an IP address (longest prefix), a host (longest domain suffix) or an e-mail address.");
        return app;
    }

    internal static async Task<Results<Ok<LookupResult>, ProblemHttpResult>> Lookup(
        string? ip, string? domain, string? email, ConstituentDirectory directory, VigieDb db, CancellationToken ct)
    {
        var given = new[] { ip, domain, email }.Count(x => x is not null);
        if (given != 1)
        {
            return Error.Validation("query", "Give exactly one of ip, domain or email.").ToProblem();
        }
        var snapshot = await directory.GetAsync(ct);

        if (ip is not null)
        {
            if (!IPAddress.TryParse(ip.Trim(), out var address) || ip.Contains('/', StringComparison.Ordinal))
            {
                return Error.Validation("ip", $"'{ip}' is not an IPv4 or IPv6 address.").ToProblem();
            }
            var canonical = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            var hit = snapshot.FindIp(canonical);
            return TypedResults.Ok(new LookupResult("ip", canonical.ToString(), hit is not null, hit?.Owner, hit?.Scope, []));
        }

        if (domain is not null)
        {
            if (!DomainName.TryNormalize(domain, out var host, out var error))
            {
                return Error.Validation("domain", error!).ToProblem();
            }
            var hit = snapshot.FindDomain(host);
            return TypedResults.Ok(new LookupResult("domain", host, hit is not null, hit?.Owner, hit?.Scope, []));
        }

        if (!EmailAddress.TryNormalize(email, out var address2, out var emailError))
        {
            return Error.Validation("email", emailError!).ToProblem();
        }
        var contacts = await db.Contacts.AsNoTracking().Where(c => c.Email == address2)
            .Join(db.Constituents, c => c.ConstituentId, o => o.Id, (c, o) => new { Contact = c, o.Id, o.Name, o.Kind })
            .ToListAsync(ct);
        var matches = contacts.Select(x => new ContactMatch(
            new ConstituentSummaryDto(x.Id, x.Name, EnumWords.ToWord(x.Kind)), x.Contact.ToDto())).ToList();
        // A known contact decides; otherwise the sender's domain may still belong to a constituent.
        var byDomain = snapshot.FindDomain(address2[(address2.LastIndexOf('@') + 1)..]);
        var owner = matches.Count == 1 ? matches[0].Constituent : byDomain?.Owner;
        var scope = matches.Count == 1 ? null : byDomain?.Scope;
        return TypedResults.Ok(new LookupResult("email", address2, matches.Count > 0 || byDomain is not null, owner, scope, matches));
    }
}
