using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Vigie.Core;
using Vigie.Core.Incidents;
using Vigie.Features.Identity;
using Vigie.Web;

namespace Vigie.Features.Search;

public sealed record SearchIncidentDto(Guid Id, string Number, string Title, string State, string Priority, string Tlp,
    Guid? ConstituentId, string? Constituent, string? Assignee, DateTimeOffset UpdatedAt);

public sealed record SearchReportDto(Guid Id, string? Subject, string? From, DateTimeOffset ReceivedAt, string Triage,
    string? IncidentNumber, string? Excerpt);

public sealed record SearchObservableDto(string Kind, string Value, int Incidents, int Reports, IReadOnlyList<string> IncidentNumbers);

public sealed record SearchConstituentDto(Guid Id, string Name, string Kind, string? Scope);

public sealed record SearchGroupDto<T>(IReadOnlyList<T> Items, int? NextOffset);

/// <summary>The answer of <c>GET /api/v1/search</c>: what the query was read as, and the groups.</summary>
/// <param name="Query">The query as read (trimmed, clipped to 512 characters).</param>
/// <param name="Kind">empty, incidentNumber, observable or text.</param>
/// <param name="ObservableKind">For an observable query, its kind (ipv4, cidr, domain, sha256…).</param>
/// <param name="Observable">For an observable query, its normalised value.</param>
/// <param name="Incidents">Incidents, newest first (by number).</param>
/// <param name="Reports">Reports, newest first.</param>
/// <param name="Observables">Indicators that matched (the query's own, the networks around or inside it, subdomains), with counts.</param>
/// <param name="Constituents">Constituents whose scope holds the address or domain, or whose name holds the words.</param>
public sealed record SearchResponse(
    string Query,
    string Kind,
    string? ObservableKind,
    string? Observable,
    SearchGroupDto<SearchIncidentDto> Incidents,
    SearchGroupDto<SearchReportDto> Reports,
    IReadOnlyList<SearchObservableDto> Observables,
    IReadOnlyList<SearchConstituentDto> Constituents);

public static class SearchApi
{
    public static IEndpointRouteBuilder MapSearch(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/search", Search).WithTags("Search").RequireAuthorization(Policies.Read)
            .WithSummary("Find incidents, reports and observables by incident number, words, IP (also inside a CIDR), CIDR, domain (and subdomains), hash, URL, e-mail or CVE.")
            .WithDescription("group=all (default: the first results of each group) | incidents | reports; offset pages one group. Incidents the caller may not see, and their reports, are never returned.");
        return app;
    }

    internal static async Task<Results<Ok<SearchResponse>, ProblemHttpResult>> Search(
        string? q, string? group, int? offset, SearchService search, ClaimsPrincipal user, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var g = SearchGroup.All;
        if (group is not null && !EnumWords.TryParse(group, out g))
        {
            errors.Add("group", "group must be all, incidents or reports.");
        }
        if (offset is < 0 or > SearchService.MaxOffset)
        {
            errors.Add("offset", $"offset must be between 0 and {SearchService.MaxOffset}.");
        }
        if (errors.ToError() is { } error)
        {
            return error.ToProblem();
        }
        var r = await search.SearchAsync(q, g, offset ?? 0, user, ct);
        return TypedResults.Ok(new SearchResponse(
            r.Query.Text,
            EnumWords.ToWord(r.Query.Kind),
            r.Query.Observable is { } o ? o.Kind.ToString().ToLowerInvariant() : null,
            r.Query.Observable?.Value,
            new([.. r.Incidents.Items.Select(i => new SearchIncidentDto(i.Id, i.Number, i.Title, i.State.ToWire(), i.Priority.ToString(),
                i.Tlp.ToLabel(), i.ConstituentId, i.ConstituentId is { } c ? r.ConstituentNames.GetValueOrDefault(c) : null, i.Assignee, i.UpdatedAt))],
                r.Incidents.Next),
            new([.. r.Reports.Items.Select(x => new SearchReportDto(x.Id, x.Subject, x.From, x.ReceivedAt, EnumWords.ToWord(x.Triage),
                x.IncidentNumber, x.Excerpt))], r.Reports.Next),
            [.. r.Observables.Select(x => new SearchObservableDto(x.Kind.ToString().ToLowerInvariant(), x.Value, x.Incidents, x.Reports, x.IncidentNumbers))],
            [.. r.Constituents.Select(x => new SearchConstituentDto(x.Id, x.Name, x.Kind, x.Scope))]));
    }
}
