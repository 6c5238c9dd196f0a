using Microsoft.EntityFrameworkCore;
using Vigie.Core;
using Vigie.Core.Constituents;
using Vigie.Data;
using Vigie.Features.Lookup;

namespace Vigie.Features.Constituents;

/// <summary>
/// Constituent changes that need the database: uniqueness of names and of scope values across
/// constituents, and the lookup index refresh after a change.
/// </summary>
public sealed class ConstituentService(VigieDb db, TimeProvider time, ConstituentDirectory directory, Pgp.PgpKeyring keyring)
{
    /// <summary>Builds a new constituent with its contacts and scopes, checked against itself only.</summary>
    public Result<Constituent> Build(ConstituentRequest request)
    {
        var errors = new FieldErrors();
        var now = time.GetUtcNow();
        if (!TryKind(request.Kind, out var kind))
        {
            errors.Add("kind", $"'{request.Kind}' is not a constituent kind. Allowed values: client, internal, partner.");
        }
        var created = Constituent.Create(request.Name, kind, ToContract(request.Contract), request.Notes, now);
        if (!created.IsSuccess)
        {
            errors.Add(created.Error);
            return errors.ToError()!;
        }
        var constituent = created.Value!;
        foreach (var (contact, i) in (request.Contacts ?? []).Select((c, i) => (c, i)))
        {
            var added = AddContact(constituent, contact);
            Prefix(errors, added.Error, $"contacts[{i}].");
        }
        foreach (var (scope, i) in (request.Scopes ?? []).Select((s, i) => (s, i)))
        {
            var added = AddScope(constituent, scope);
            Prefix(errors, added.Error, $"scopes[{i}].");
        }
        return errors.ToError() is { } error ? error : constituent;
    }

    /// <summary>Checks names and scope values of new constituents against the database and each other.</summary>
    public async Task<FieldErrors> CheckConflictsAsync(IReadOnlyList<Constituent> candidates, CancellationToken ct, Func<int, string>? where = null)
    {
        where ??= _ => "";
        var errors = new FieldErrors();
        var names = candidates.Select(c => c.Name).ToList();
        var takenNames = await db.Constituents.Where(c => names.Contains(c.Name)).Select(c => c.Name).ToListAsync(ct);
        var scopeValues = candidates.SelectMany(c => c.Scopes).Select(s => s.Value).Distinct().ToList();
        var takenScopes = await db.Scopes.Where(s => scopeValues.Contains(s.Value))
            .Join(db.Constituents, s => s.ConstituentId, c => c.Id, (s, c) => new { s.Kind, s.Value, Owner = c.Name })
            .ToListAsync(ct);

        var seenNames = new Dictionary<string, int>(StringComparer.Ordinal);
        var seenScopes = new Dictionary<(ScopeKind, string), int>();
        for (var i = 0; i < candidates.Count; i++)
        {
            var c = candidates[i];
            if (takenNames.Contains(c.Name))
            {
                errors.Add(where(i) + "name", $"A constituent named '{c.Name}' already exists.");
            }
            else if (!seenNames.TryAdd(c.Name, i))
            {
                errors.Add(where(i) + "name", $"'{c.Name}' appears twice in this request.");
            }
            foreach (var s in c.Scopes)
            {
                if (takenScopes.FirstOrDefault(t => t.Kind == s.Kind && t.Value == s.Value) is { } owner)
                {
                    errors.Add(where(i) + "scopes", $"{s.Value} already belongs to '{owner.Owner}'.");
                }
                else if (!seenScopes.TryAdd((s.Kind, s.Value), i))
                {
                    errors.Add(where(i) + "scopes", $"{s.Value} appears twice in this request.");
                }
            }
        }
        return errors;
    }

    public async Task<Result<Constituent>> CreateAsync(ConstituentRequest request, CancellationToken ct)
    {
        var built = Build(request);
        if (!built.IsSuccess)
        {
            return built;
        }
        if ((await CheckConflictsAsync([built.Value!], ct)).ToError() is { } conflict)
        {
            return conflict with { Kind = ErrorKind.Conflict, Code = "conflict", Message = Flatten(conflict) };
        }
        db.Constituents.Add(built.Value!);
        await db.SaveChangesAsync(ct);
        directory.Invalidate();
        RememberKeys(built.Value!.Contacts);
        return built.Value!;
    }

    public async Task<Result<ConstituentScope>> AddScopeAsync(Guid id, ScopeRequest request, CancellationToken ct)
    {
        if (await Load(id, ct) is not { } constituent)
        {
            return Error.NotFound($"Constituent {id}");
        }
        var added = AddScope(constituent, request);
        if (!added.IsSuccess)
        {
            return added;
        }
        var scope = added.Value!;
        var owner = await db.Scopes.Where(s => s.Kind == scope.Kind && s.Value == scope.Value && s.ConstituentId != id)
            .Join(db.Constituents, s => s.ConstituentId, c => c.Id, (s, c) => c.Name).FirstOrDefaultAsync(ct);
        if (owner is not null)
        {
            return Error.Conflict("scope-taken", $"{scope.Value} already belongs to '{owner}'.");
        }
        await db.SaveChangesAsync(ct);
        directory.Invalidate();
        return scope;
    }

    /// <summary>Changes name, kind, contract and notes (contacts and scopes have their own methods).</summary>
    public async Task<Result<Constituent>> UpdateAsync(Guid id, ConstituentRequest request, CancellationToken ct)
    {
        if (await Load(id, ct) is not { } c)
        {
            return Error.NotFound($"Constituent {id}");
        }
        if (!TryKind(request.Kind, out var kind))
        {
            return Error.Validation("kind", $"'{request.Kind}' is not a constituent kind. Allowed values: client, internal, partner.");
        }
        if (request.Contacts is { Count: > 0 } || request.Scopes is { Count: > 0 })
        {
            return Error.Validation("contacts", "Contacts and scopes are changed through their own endpoints, not by PUT.");
        }
        if (c.Update(request.Name, kind, ToContract(request.Contract), request.Notes, time.GetUtcNow()) is { } error)
        {
            return error;
        }
        if (await db.Constituents.AnyAsync(x => x.Name == c.Name && x.Id != id, ct))
        {
            return Error.Conflict("name-taken", $"A constituent named '{c.Name}' already exists.");
        }
        await db.SaveChangesAsync(ct);
        directory.Invalidate();
        return c;
    }

    public async Task<Result<Contact>> AddContactAsync(Guid id, ContactRequest request, CancellationToken ct)
    {
        if (await Load(id, ct) is not { } c)
        {
            return Error.NotFound($"Constituent {id}");
        }
        var added = AddContact(c, request);
        if (!added.IsSuccess)
        {
            return added;
        }
        await db.SaveChangesAsync(ct);
        RememberKeys([added.Value!]);
        return added;
    }

    public async Task<Result<Contact>> UpdateContactAsync(Guid id, Guid contactId, ContactRequest request, CancellationToken ct)
    {
        if (await db.Contacts.FirstOrDefaultAsync(x => x.Id == contactId && x.ConstituentId == id, ct) is not { } contact)
        {
            return Error.NotFound($"Contact {contactId} of constituent {id}");
        }
        var role = contact.Role;
        if (request.Role is not null && !EnumWords.TryParse(request.Role, out role))
        {
            return Error.Validation("role", $"'{request.Role}' is not a contact role. Allowed values: security, technical, management, legal, abuse, other.");
        }
        if (CheckKey(request.PgpPublicKey) is { } keyError)
        {
            return keyError;
        }
        if (contact.Update(request.Name, request.Email, role, request.Phone, request.PgpPublicKey) is { } error)
        {
            return error;
        }
        if (await db.Contacts.AnyAsync(x => x.ConstituentId == id && x.Email == contact.Email && x.Id != contactId, ct))
        {
            return Error.Conflict("duplicate-contact", $"{contact.Email} is already a contact of this constituent.");
        }
        await db.SaveChangesAsync(ct);
        RememberKeys([contact]);
        return contact;
    }

    public async Task<Error?> RemoveScopeAsync(Guid id, Guid scopeId, CancellationToken ct)
    {
        var deleted = await db.Scopes.Where(s => s.Id == scopeId && s.ConstituentId == id).ExecuteDeleteAsync(ct);
        if (deleted == 0)
        {
            return Error.NotFound($"Scope {scopeId} of constituent {id}");
        }
        directory.Invalidate();
        return null;
    }

    public async Task<Error?> RemoveContactAsync(Guid id, Guid contactId, CancellationToken ct) =>
        await db.Contacts.Where(x => x.Id == contactId && x.ConstituentId == id).ExecuteDeleteAsync(ct) == 0
            ? Error.NotFound($"Contact {contactId} of constituent {id}")
            : null;

    public async Task<Constituent?> Load(Guid id, CancellationToken ct) =>
        await db.Constituents.Include(c => c.Contacts).Include(c => c.Scopes).AsSplitQuery().FirstOrDefaultAsync(c => c.Id == id, ct);

    internal Result<Contact> AddContact(Constituent constituent, ContactRequest request)
    {
        var role = ContactRole.Security;
        if (request.Role is not null && !EnumWords.TryParse(request.Role, out role))
        {
            return Error.Validation("role", $"'{request.Role}' is not a contact role. Allowed values: security, technical, management, legal, abuse, other.");
        }
        if (CheckKey(request.PgpPublicKey) is { } keyError)
        {
            return keyError;
        }
        return constituent.AddContact(request.Name, request.Email, role, request.Phone, request.PgpPublicKey, time.GetUtcNow());
    }

    /// <summary>A contact's key must be one or more OpenPGP public keys (never a secret key).</summary>
    internal static Error? CheckKey(string? armored)
    {
        if (string.IsNullOrWhiteSpace(armored))
        {
            return null;
        }
        try
        {
            var keys = Pgp.PgpKeyring.Inspect(armored);
            if (keys.Count == 0)
            {
                return Error.Validation("pgpPublicKey", "The OpenPGP block holds no key.");
            }
            return keys.Any(k => k.HasSecret)
                ? Error.Validation("pgpPublicKey", "This is a SECRET key: send the contact's public key only (gpg --armor --export).")
                : null;
        }
        catch (Pgp.PgpImportException e)
        {
            return Error.Validation("pgpPublicKey", $"Not a valid OpenPGP public key: {e.Message}");
        }
    }

    /// <summary>
    /// Puts the contacts' public keys in the team keyring (after they are saved), so that their
    /// signatures verify and answers to them can be encrypted. Importing a known key is a no-op.
    /// </summary>
    internal void RememberKeys(IEnumerable<Contact> contacts)
    {
        foreach (var key in contacts.Select(c => c.PgpPublicKey).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(key));
            keyring.Import(stream, allowSecret: false);
        }
    }

    internal Result<ConstituentScope> AddScope(Constituent constituent, ScopeRequest request)
    {
        if (!EnumWords.TryParse<ScopeKind>(request.Kind, out var kind))
        {
            return Error.Validation("kind", $"'{request.Kind}' is not a scope kind. Allowed values: cidr, asn, domain.");
        }
        return constituent.AddScope(kind, request.Value, time.GetUtcNow());
    }

    internal static bool TryKind(string? text, out ConstituentKind kind) => EnumWords.TryParse(text, out kind);

    internal static Contract? ToContract(ContractDto? dto) =>
        dto is null ? null : new Contract { Reference = dto.Reference?.Trim(), Tier = dto.Tier?.Trim(), OnSiteSupport = dto.OnSiteSupport };

    internal static string Flatten(Error error) =>
        error.Fields is null ? error.Message : string.Join(" ", error.Fields.SelectMany(f => f.Value));

    private static void Prefix(FieldErrors errors, Error? error, string prefix)
    {
        foreach (var (field, messages) in error?.Fields ?? new Dictionary<string, string[]>())
        {
            foreach (var m in messages)
            {
                errors.Add(prefix + field, m);
            }
        }
    }
}
