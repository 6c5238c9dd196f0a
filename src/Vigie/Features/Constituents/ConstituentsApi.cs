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
        Guid id, ConstituentRequest request, ConstituentService constituents, VigieDb db, TimeProvider time, CancellationToken ct)
    {
        if (await constituents.Load(id, ct) is not { } c)
        {
            return NotFound(id);
        }
        if (!ConstituentService.TryKind(request.Kind, out var kind))
        {
            return Error.Validation("kind", $"'{request.Kind}' is not a constituent kind. Allowed values: client, internal, partner.").ToProblem();
        }
        if (request.Contacts is { Count: > 0 } || request.Scopes is { Count: > 0 })
        {
            return Error.Validation("contacts", "Contacts and scopes are changed through their own endpoints, not by PUT.").ToProblem();
        }
        if (c.Update(request.Name, kind, ConstituentService.ToContract(request.Contract), request.Notes, time.GetUtcNow()) is { } error)
        {
            return error.ToProblem();
        }
        if (await db.Constituents.AnyAsync(x => x.Name == c.Name && x.Id != id, ct))
        {
            return Error.Conflict("name-taken", $"A constituent named '{c.Name}' already exists.").ToProblem();
        }
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(c.ToDto());
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
        Guid id, Guid scopeId, VigieDb db, ConstituentDirectory directory, CancellationToken ct)
    {
        var deleted = await db.Scopes.Where(s => s.Id == scopeId && s.ConstituentId == id).ExecuteDeleteAsync(ct);
        if (deleted == 0)
        {
            return Error.NotFound($"Scope {scopeId} of constituent {id}").ToProblem();
        }
        directory.Invalidate();
        return TypedResults.NoContent();
    }

    internal static async Task<Results<Created<ContactDto>, ProblemHttpResult>> AddContact(
        Guid id, ContactRequest request, ConstituentService constituents, VigieDb db, CancellationToken ct)
    {
        if (await constituents.Load(id, ct) is not { } c)
        {
            return NotFound(id);
        }
        var added = constituents.AddContact(c, request);
        if (!added.IsSuccess)
        {
            return added.Error!.ToProblem();
        }
        await db.SaveChangesAsync(ct);
        constituents.RememberKeys([added.Value!]);
        return TypedResults.Created($"/api/v1/constituents/{id}/contacts/{added.Value!.Id}", added.Value.ToDto());
    }

    internal static async Task<Results<Ok<ContactDto>, ProblemHttpResult>> UpdateContact(
        Guid id, Guid contactId, ContactRequest request, ConstituentService constituents, VigieDb db, CancellationToken ct)
    {
        if (await db.Contacts.FirstOrDefaultAsync(x => x.Id == contactId && x.ConstituentId == id, ct) is not { } contact)
        {
            return Error.NotFound($"Contact {contactId} of constituent {id}").ToProblem();
        }
        var role = contact.Role;
        if (request.Role is not null && !EnumWords.TryParse(request.Role, out role))
        {
            return Error.Validation("role", $"'{request.Role}' is not a contact role. Allowed values: security, technical, management, legal, abuse, other.").ToProblem();
        }
        if (ConstituentService.CheckKey(request.PgpPublicKey) is { } keyError)
        {
            return keyError.ToProblem();
        }
        if (contact.Update(request.Name, request.Email, role, request.Phone, request.PgpPublicKey) is { } error)
        {
            return error.ToProblem();
        }
        if (await db.Contacts.AnyAsync(x => x.ConstituentId == id && x.Email == contact.Email && x.Id != contactId, ct))
        {
            return Error.Conflict("duplicate-contact", $"{contact.Email} is already a contact of this constituent.").ToProblem();
        }
        await db.SaveChangesAsync(ct);
        constituents.RememberKeys([contact]);
        return TypedResults.Ok(contact.ToDto());
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteContact(Guid id, Guid contactId, VigieDb db, CancellationToken ct) =>
        await db.Contacts.Where(x => x.Id == contactId && x.ConstituentId == id).ExecuteDeleteAsync(ct) == 0
            ? Error.NotFound($"Contact {contactId} of constituent {id}").ToProblem()
            : TypedResults.NoContent();

    private static ProblemHttpResult NotFound(Guid id) => Error.NotFound($"Constituent {id}").ToProblem();
}
