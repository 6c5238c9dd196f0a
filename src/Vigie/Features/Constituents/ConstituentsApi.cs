using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Vigie.Core;
using Vigie.Features.Identity;
using Vigie.Features.Lookup;
using Vigie.Data;
using Vigie.Web;

namespace Vigie.Features.Constituents;

public static class ConstituentsApi
{
    public static IEndpointRouteBuilder MapConstituents(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/constituents").WithTags("Constituents").RequireAuthorization(Policies.Read);
        group.MapGet("/", List).WithSummary("List constituents by name (filter with q, kind).");
        group.MapPost("/", Create).RequireAuthorization(Policies.Write).WithSummary("Create a constituent, with contacts and scopes.");
        group.MapGet("/{id:guid}", Get).WithSummary("Get a constituent with its contacts and scopes.");
        group.MapPut("/{id:guid}", Update).RequireAuthorization(Policies.Write).WithSummary("Change name, kind, contract, notes.");
        group.MapDelete("/{id:guid}", Delete).RequireAuthorization(Policies.Write)
            .WithSummary("Delete a constituent that no incident refers to.");
        group.MapPost("/{id:guid}/scopes", AddScope).RequireAuthorization(Policies.Write).WithSummary("Add a CIDR, ASN or domain.");
        group.MapDelete("/{id:guid}/scopes/{scopeId:guid}", DeleteScope).RequireAuthorization(Policies.Write).WithSummary("Remove a scope entry.");
        group.MapPost("/{id:guid}/contacts", AddContact).RequireAuthorization(Policies.Write).WithSummary("Add a contact.");
        group.MapPut("/{id:guid}/contacts/{contactId:guid}", UpdateContact).RequireAuthorization(Policies.Write).WithSummary("Change a contact.");
        group.MapDelete("/{id:guid}/contacts/{contactId:guid}", DeleteContact).RequireAuthorization(Policies.Write).WithSummary("Remove a contact.");
        return app;
    }

    internal static async Task<Results<Ok<ConstituentPage>, ProblemHttpResult>> List(
        VigieDb db, string? q, string? kind, int? limit, int? offset, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var query = db.Constituents.AsNoTracking();
        if (kind is not null)
        {
            if (ConstituentService.TryKind(kind, out var k))
            {
                query = query.Where(c => c.Kind == k);
            }
            else
            {
                errors.Add("kind", $"'{kind}' is not a constituent kind. Allowed values: client, internal, partner.");
            }
        }
        if (limit is < 1 or > 500)
        {
            errors.Add("limit", "limit must be between 1 and 500.");
        }
        if (offset is < 0)
        {
            errors.Add("offset", "offset must not be negative.");
        }
        if (errors.ToError() is { } error)
        {
            return error.ToProblem();
        }
        if (!string.IsNullOrWhiteSpace(q))
        {
            var term = q.Trim();
            query = query.Where(c => c.Name.Contains(term));
        }
        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(c => c.Name).Skip(offset ?? 0).Take(limit ?? 100)
            .Include(c => c.Contacts).Include(c => c.Scopes).AsSplitQuery().ToListAsync(ct);
        return TypedResults.Ok(new ConstituentPage([.. items.Select(c => c.ToDto())], total));
    }

    internal static async Task<Results<Created<ConstituentDto>, ProblemHttpResult>> Create(
        ConstituentRequest request, ConstituentService constituents, CancellationToken ct)
    {
        var result = await constituents.CreateAsync(request, ct);
        return result.IsSuccess
            ? TypedResults.Created($"/api/v1/constituents/{result.Value!.Id}", result.Value.ToDto())
            : result.Error!.ToProblem();
    }

    internal static async Task<Results<Ok<ConstituentDto>, ProblemHttpResult>> Get(Guid id, ConstituentService constituents, CancellationToken ct) =>
        await constituents.Load(id, ct) is { } c ? TypedResults.Ok(c.ToDto()) : NotFound(id);

    internal static async Task<Results<Ok<ConstituentDto>, ProblemHttpResult>> Update(
        Guid id, ConstituentRequest request, ConstituentService constituents, CancellationToken ct)
    {
        var result = await constituents.UpdateAsync(id, request, ct);
        return result.IsSuccess ? TypedResults.Ok(result.Value!.ToDto()) : result.Error!.ToProblem();
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, VigieDb db, ConstituentDirectory directory, CancellationToken ct)
    {
        if (await db.Constituents.FirstOrDefaultAsync(c => c.Id == id, ct) is not { } c)
        {
            return NotFound(id);
        }
        var incidents = await db.Incidents.CountAsync(i => i.ConstituentId == id, ct);
        if (incidents > 0)
        {
            return Error.Conflict("in-use", $"'{c.Name}' is the constituent of {incidents} incident(s); it cannot be deleted.").ToProblem();
        }
        if (await db.Users.AnyAsync(u => u.ConstituentId == id, ct))
        {
            return Error.Conflict("in-use", $"'{c.Name}' has user accounts; remove them first.").ToProblem();
        }
        db.Constituents.Remove(c);
        await db.SaveChangesAsync(ct);
        directory.Invalidate();
        return TypedResults.NoContent();
    }

    internal static async Task<Results<Created<ScopeDto>, ProblemHttpResult>> AddScope(
        Guid id, ScopeRequest request, ConstituentService constituents, CancellationToken ct)
    {
        var result = await constituents.AddScopeAsync(id, request, ct);
        return result.IsSuccess
            ? TypedResults.Created($"/api/v1/constituents/{id}/scopes/{result.Value!.Id}", result.Value.ToDto())
            : result.Error!.ToProblem();
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteScope(
        Guid id, Guid scopeId, ConstituentService constituents, CancellationToken ct) =>
        await constituents.RemoveScopeAsync(id, scopeId, ct) is { } error ? error.ToProblem() : TypedResults.NoContent();

    internal static async Task<Results<Created<ContactDto>, ProblemHttpResult>> AddContact(
        Guid id, ContactRequest request, ConstituentService constituents, CancellationToken ct)
    {
        var added = await constituents.AddContactAsync(id, request, ct);
        return added.IsSuccess
            ? TypedResults.Created($"/api/v1/constituents/{id}/contacts/{added.Value!.Id}", added.Value.ToDto())
            : added.Error!.ToProblem();
    }

    internal static async Task<Results<Ok<ContactDto>, ProblemHttpResult>> UpdateContact(
        Guid id, Guid contactId, ContactRequest request, ConstituentService constituents, CancellationToken ct)
    {
        var result = await constituents.UpdateContactAsync(id, contactId, request, ct);
        return result.IsSuccess ? TypedResults.Ok(result.Value!.ToDto()) : result.Error!.ToProblem();
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteContact(
        Guid id, Guid contactId, ConstituentService constituents, CancellationToken ct) =>
        await constituents.RemoveContactAsync(id, contactId, ct) is { } error ? error.ToProblem() : TypedResults.NoContent();

    private static ProblemHttpResult NotFound(Guid id) => Error.NotFound($"Constituent {id}").ToProblem();
}
