using Vigie.Core;
using Vigie.Core.Constituents;

namespace Vigie.Features.Constituents;

public sealed record ContractDto(string? Reference, string? Tier, bool OnSiteSupport);

public sealed record ContactDto(Guid Id, string Name, string Email, string Role, string? Phone, bool HasPgpKey, string? PgpPublicKey);

public sealed record ScopeDto(Guid Id, string Kind, string Value);

public sealed record ConstituentDto(
    Guid Id,
    string Name,
    string Kind,
    ContractDto? Contract,
    string? Notes,
    IReadOnlyList<ContactDto> Contacts,
    IReadOnlyList<ScopeDto> Scopes,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record ConstituentSummaryDto(Guid Id, string Name, string Kind);

public sealed record ConstituentPage(IReadOnlyList<ConstituentDto> Items, int Total);

public sealed record ContactRequest(string? Name, string? Email, string? Role, string? Phone, string? PgpPublicKey);

public sealed record ScopeRequest(string? Kind, string? Value);

/// <summary>
/// Create or replace a constituent. On create, contacts and scopes may be given at once
/// (all or nothing); on update (PUT) they are managed through their own endpoints.
/// </summary>
public sealed record ConstituentRequest(
    string? Name,
    string? Kind,
    ContractDto? Contract,
    string? Notes,
    IReadOnlyList<ContactRequest>? Contacts,
    IReadOnlyList<ScopeRequest>? Scopes);

internal static class ConstituentMapping
{
    public static ConstituentDto ToDto(this Constituent c) => new(
        c.Id, c.Name, EnumWords.ToWord(c.Kind),
        c.Contract is null ? null : new ContractDto(c.Contract.Reference, c.Contract.Tier, c.Contract.OnSiteSupport),
        c.Notes,
        [.. c.Contacts.OrderBy(x => x.Name, StringComparer.Ordinal).Select(x => x.ToDto())],
        [.. c.Scopes.OrderBy(x => x.Kind).ThenBy(x => x.Value, StringComparer.Ordinal).Select(x => x.ToDto())],
        c.CreatedAt, c.UpdatedAt);

    public static ContactDto ToDto(this Contact c) =>
        new(c.Id, c.Name, c.Email, EnumWords.ToWord(c.Role), c.Phone, c.PgpPublicKey is not null, c.PgpPublicKey);

    public static ScopeDto ToDto(this ConstituentScope s) => new(s.Id, EnumWords.ToWord(s.Kind), s.Value);
}
