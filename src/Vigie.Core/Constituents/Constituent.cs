using System.Globalization;
using Vigie.Core.Lookup;

namespace Vigie.Core.Constituents;

/// <summary>The three constituency classes of the team profile (RFC 2350 §3.2).</summary>
public enum ConstituentKind
{
    /// <summary>A customer with a service contract.</summary>
    Client,

    /// <summary>An entity of the team's own organisation.</summary>
    Internal,

    /// <summary>A partner or supplier directly connected to the team's infrastructure.</summary>
    Partner,
}

/// <summary>The contract of a client: what it bought, e.g. on-site support for critical incidents (§5.2).</summary>
public sealed class Contract
{
    public string? Reference { get; set; }

    public string? Tier { get; set; }

    public bool OnSiteSupport { get; set; }
}

/// <summary>An organisation the team serves, with the people to talk to and what it owns on the network.</summary>
public sealed class Constituent
{
    private Constituent()
    {
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; } = "";

    public ConstituentKind Kind { get; private set; }

    /// <summary>Only clients have one.</summary>
    public Contract? Contract { get; private set; }

    public string? Notes { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public List<Contact> Contacts { get; private set; } = [];

    public List<ConstituentScope> Scopes { get; private set; } = [];

    public static Result<Constituent> Create(string? name, ConstituentKind kind, Contract? contract, string? notes, DateTimeOffset now)
    {
        var c = new Constituent { Id = Guid.CreateVersion7(now), CreatedAt = now.ToUniversalTime() };
        return c.Update(name, kind, contract, notes, now) is { } error ? error : c;
    }

    public Error? Update(string? name, ConstituentKind kind, Contract? contract, string? notes, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        var n = name?.Trim() ?? "";
        if (n.Length is 0 or > 200)
        {
            errors.Add("name", "A name of 1 to 200 characters is required.");
        }
        if (!Enum.IsDefined(kind))
        {
            errors.Add("kind", "Kind must be client, internal or partner.");
        }
        if (contract is not null && kind != ConstituentKind.Client)
        {
            errors.Add("contract", "Only a client has a contract.");
        }
        if (notes is { Length: > 10_000 })
        {
            errors.Add("notes", "Notes are longer than 10,000 characters.");
        }
        if (errors.ToError() is { } error)
        {
            return error;
        }
        Name = n;
        Kind = kind;
        Contract = contract;
        Notes = string.IsNullOrWhiteSpace(notes) ? null : notes;
        UpdatedAt = now.ToUniversalTime();
        return null;
    }

    public Result<ConstituentScope> AddScope(ScopeKind kind, string? value, DateTimeOffset now)
    {
        var parsed = ConstituentScope.Normalize(kind, value);
        if (!parsed.IsSuccess)
        {
            return parsed.Error!;
        }
        if (Scopes.Any(s => s.Kind == kind && s.Value == parsed.Value))
        {
            return Error.Conflict("duplicate-scope", $"{parsed.Value} is already in the scope of {Name}.");
        }
        var scope = new ConstituentScope(Id, kind, parsed.Value!, now);
        Scopes.Add(scope);
        UpdatedAt = now.ToUniversalTime();
        return scope;
    }

    public Result<Contact> AddContact(string? name, string? email, ContactRole role, string? phone, string? pgpKey, DateTimeOffset now)
    {
        var contact = new Contact(Id, now);
        if (contact.Update(name, email, role, phone, pgpKey) is { } error)
        {
            return error;
        }
        if (Contacts.Any(c => c.Email == contact.Email))
        {
            return Error.Conflict("duplicate-contact", $"{contact.Email} is already a contact of {Name}.");
        }
        Contacts.Add(contact);
        UpdatedAt = now.ToUniversalTime();
        return contact;
    }
}

public enum ScopeKind
{
    Cidr,
    Asn,
    Domain,
}

/// <summary>One network resource a constituent owns: an IPv4/IPv6 prefix, an AS number or a DNS domain.</summary>
public sealed class ConstituentScope
{
    private ConstituentScope()
    {
    }

    internal ConstituentScope(Guid constituentId, ScopeKind kind, string value, DateTimeOffset now)
    {
        Id = Guid.CreateVersion7(now);
        ConstituentId = constituentId;
        Kind = kind;
        Value = value;
        CreatedAt = now.ToUniversalTime();
    }

    public Guid Id { get; private set; }

    public Guid ConstituentId { get; private set; }

    public ScopeKind Kind { get; private set; }

    /// <summary>Canonical text: "192.0.2.0/24", "AS64496", "example.com".</summary>
    public string Value { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Canonical form of a scope value, or a field error saying what is wrong with it.</summary>
    public static Result<string> Normalize(ScopeKind kind, string? value)
    {
        switch (kind)
        {
            case ScopeKind.Cidr:
                return IpPrefix.TryParse(value, out var prefix, out var cidrError)
                    ? prefix.ToString() : Error.Validation("value", cidrError!);
            case ScopeKind.Domain:
                return DomainName.TryNormalize(value, out var domain, out var domainError)
                    ? domain : Error.Validation("value", domainError!);
            case ScopeKind.Asn:
                var t = (value ?? "").Trim();
                if (t.StartsWith("AS", StringComparison.OrdinalIgnoreCase))
                {
                    t = t[2..];
                }
                // RFC 6793: AS numbers are 32-bit; AS0 is reserved (RFC 7607) and never owned.
                return uint.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var asn) && asn > 0
                    ? "AS" + asn.ToString(CultureInfo.InvariantCulture)
                    : Error.Validation("value", $"'{value}' is not an AS number (AS1 to AS4294967295).");
            default:
                return Error.Validation("kind", "Scope kind must be cidr, asn or domain.");
        }
    }
}

public enum ContactRole
{
    Security,
    Technical,
    Management,
    Legal,
    Abuse,
    Other,
}

/// <summary>A person (or shared mailbox) at a constituent the team talks to.</summary>
public sealed class Contact
{
    private Contact()
    {
    }

    internal Contact(Guid constituentId, DateTimeOffset now)
    {
        Id = Guid.CreateVersion7(now);
        ConstituentId = constituentId;
    }

    public Guid Id { get; private set; }

    public Guid ConstituentId { get; private set; }

    public string Name { get; private set; } = "";

    /// <summary>Normalised (<see cref="EmailAddress.TryNormalize"/>); the key of the e-mail lookup.</summary>
    public string Email { get; private set; } = "";

    public ContactRole Role { get; private set; }

    public string? Phone { get; private set; }

    /// <summary>ASCII-armored OpenPGP public key, used to encrypt what we send them.</summary>
    public string? PgpPublicKey { get; private set; }

    public Error? Update(string? name, string? email, ContactRole role, string? phone, string? pgpKey)
    {
        var errors = new FieldErrors();
        var n = name?.Trim() ?? "";
        if (n.Length is 0 or > 200)
        {
            errors.Add("name", "A name of 1 to 200 characters is required.");
        }
        if (!EmailAddress.TryNormalize(email, out var normalized, out var emailError))
        {
            errors.Add("email", emailError!);
        }
        if (!Enum.IsDefined(role))
        {
            errors.Add("role", "Role must be security, technical, management, legal, abuse or other.");
        }
        if (phone is { Length: > 50 })
        {
            errors.Add("phone", "The phone number is longer than 50 characters.");
        }
        var key = string.IsNullOrWhiteSpace(pgpKey) ? null : pgpKey.Trim();
        // RFC 4880 §6.2: armor headers. The key material itself is checked when it is first used.
        if (key is not null && (!key.StartsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----", StringComparison.Ordinal)
            || !key.Contains("-----END PGP PUBLIC KEY BLOCK-----", StringComparison.Ordinal) || key.Length > 200_000))
        {
            errors.Add("pgpPublicKey", "The OpenPGP key must be an ASCII-armored public key block (-----BEGIN PGP PUBLIC KEY BLOCK-----).");
        }
        if (errors.ToError() is { } error)
        {
            return error;
        }
        Name = n;
        Email = normalized;
        Role = role;
        Phone = string.IsNullOrWhiteSpace(phone) ? null : phone.Trim();
        PgpPublicKey = key;
        return null;
    }
}
