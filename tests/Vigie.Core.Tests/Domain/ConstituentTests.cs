using Vigie.Core.Constituents;

namespace Vigie.Core.Tests.Domain;

public class ConstituentTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private const string Key = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZabcdeFgkrBgEEAdpHDwEBB0Aexample\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----\n";

    private static Constituent NewClient()
    {
        var result = Constituent.Create("  Hôpital Nord  ", ConstituentKind.Client, new Contract { Tier = "gold", OnSiteSupport = true }, null, T0);
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Value!;
    }

    // ---- Constituent

    [Fact]
    public void Create_trims_the_name_and_keeps_the_contract_of_a_client()
    {
        var c = NewClient();
        Assert.Equal("Hôpital Nord", c.Name);
        Assert.Equal(ConstituentKind.Client, c.Kind);
        Assert.Equal("gold", c.Contract!.Tier);
        Assert.True(c.Contract.OnSiteSupport);
        Assert.Null(c.Notes);
        Assert.Equal(T0, c.CreatedAt);
        Assert.Equal(T0, c.UpdatedAt);
        Assert.Equal(7, c.Id.Version);
        Assert.Empty(c.Contacts);
        Assert.Empty(c.Scopes);
    }

    [Theory]
    [InlineData(ConstituentKind.Internal)]
    [InlineData(ConstituentKind.Partner)]
    public void Only_a_client_has_a_contract(ConstituentKind kind)
    {
        var result = Constituent.Create("Org", kind, new Contract(), null, T0);
        Assert.False(result.IsSuccess);
        Assert.Equal(["Only a client has a contract."], result.Error!.Fields!["contract"]);

        Assert.True(Constituent.Create("Org", kind, null, null, T0).IsSuccess);
    }

    [Fact]
    public void Create_validates_name_kind_and_notes()
    {
        var result = Constituent.Create("  ", (ConstituentKind)9, null, new string('n', 10_001), T0);
        Assert.False(result.IsSuccess);
        Assert.Equal(["kind", "name", "notes"], result.Error!.Fields!.Keys.Order(StringComparer.Ordinal));

        Assert.False(Constituent.Create(new string('n', 201), ConstituentKind.Internal, null, null, T0).IsSuccess);
        Assert.True(Constituent.Create(new string('n', 200), ConstituentKind.Internal, null, null, T0).IsSuccess);
    }

    [Fact]
    public void Update_refused_keeps_the_previous_values()
    {
        var c = NewClient();
        var error = c.Update("Renamed", ConstituentKind.Partner, c.Contract, "notes", T0.AddDays(1));
        Assert.NotNull(error);
        Assert.Equal("Hôpital Nord", c.Name);
        Assert.Equal(ConstituentKind.Client, c.Kind);
        Assert.Equal(T0, c.UpdatedAt);

        Assert.Null(c.Update("Renamed", ConstituentKind.Partner, null, "  ", T0.AddDays(1)));
        Assert.Equal("Renamed", c.Name);
        Assert.Null(c.Contract);
        Assert.Null(c.Notes);
        Assert.Equal(T0.AddDays(1), c.UpdatedAt);
    }

    // ---- Scope

    [Theory]
    [InlineData("AS64496", "AS64496")]
    [InlineData("as64496", "AS64496")]
    [InlineData("As64496", "AS64496")]
    [InlineData("64496", "AS64496")]
    [InlineData(" AS64496 ", "AS64496")]
    [InlineData("AS1", "AS1")]
    [InlineData("AS4294967295", "AS4294967295")]
    public void Asn_forms_normalise(string text, string expected)
    {
        var result = ConstituentScope.Normalize(ScopeKind.Asn, text);
        Assert.True(result.IsSuccess, result.Error?.Message);
        Assert.Equal(expected, result.Value);
    }

    [Theory]
    [InlineData("AS0")]
    [InlineData("0")]
    [InlineData("AS4294967296")]
    [InlineData("ASX")]
    [InlineData("AS")]
    [InlineData("AS-1")]
    [InlineData("AS+1")]
    [InlineData("AS 64496")]
    [InlineData("AS1.10")]
    [InlineData("")]
    [InlineData(null)]
    public void Bad_asns_are_refused(string? text)
    {
        var result = ConstituentScope.Normalize(ScopeKind.Asn, text);
        Assert.False(result.IsSuccess);
        Assert.Equal([$"'{text}' is not an AS number (AS1 to AS4294967295)."], result.Error!.Fields!["value"]);
    }

    [Theory]
    [InlineData(ScopeKind.Cidr, " 192.0.2.0/24 ", "192.0.2.0/24")]
    [InlineData(ScopeKind.Cidr, "2001:DB8::/32", "2001:db8::/32")]
    [InlineData(ScopeKind.Cidr, "198.51.100.7", "198.51.100.7/32")]
    [InlineData(ScopeKind.Domain, "Example.COM.", "example.com")]
    [InlineData(ScopeKind.Domain, "hopital-nord[.]fr", "hopital-nord.fr")]
    [InlineData(ScopeKind.Domain, "bücher.example", "xn--bcher-kva.example")]
    public void Cidr_and_domain_normalise(ScopeKind kind, string text, string expected)
    {
        var result = ConstituentScope.Normalize(kind, text);
        Assert.True(result.IsSuccess, result.Error?.Message);
        Assert.Equal(expected, result.Value);
    }

    [Theory]
    [InlineData(ScopeKind.Cidr, "10.0.0.1/8", "'10.0.0.1/8' has host bits set; did you mean 10.0.0.0/8?")]
    [InlineData(ScopeKind.Cidr, "", "an IP address or prefix is required")]
    [InlineData(ScopeKind.Domain, "*.example.com", "'*.example.com' is a wildcard; enter example.com instead (its subdomains match anyway)")]
    [InlineData(ScopeKind.Domain, "192.0.2.1", "'192.0.2.1' is an IP address, not a domain name")]
    [InlineData(ScopeKind.Domain, "", "a domain name is required")]
    public void Cidr_and_domain_errors_come_through_on_value(ScopeKind kind, string text, string message)
    {
        var result = ConstituentScope.Normalize(kind, text);
        Assert.False(result.IsSuccess);
        Assert.Equal(ErrorKind.Validation, result.Error!.Kind);
        Assert.Equal([message], result.Error.Fields!["value"]);
    }

    [Fact]
    public void Unknown_scope_kind_is_a_kind_error()
    {
        var result = ConstituentScope.Normalize((ScopeKind)9, "AS1");
        Assert.True(result.Error!.Fields!.ContainsKey("kind"));
    }

    [Fact]
    public void AddScope_stores_the_canonical_value_and_refuses_duplicates()
    {
        var c = NewClient();
        var at = T0.AddHours(1);
        var scope = c.AddScope(ScopeKind.Asn, "as64496", at);
        Assert.True(scope.IsSuccess);
        Assert.Equal("AS64496", scope.Value!.Value);
        Assert.Equal(ScopeKind.Asn, scope.Value.Kind);
        Assert.Equal(c.Id, scope.Value.ConstituentId);
        Assert.Equal(at, scope.Value.CreatedAt);
        Assert.Equal(at, c.UpdatedAt);

        var duplicate = c.AddScope(ScopeKind.Asn, "64496", T0.AddHours(2));
        Assert.False(duplicate.IsSuccess);
        Assert.Equal(ErrorKind.Conflict, duplicate.Error!.Kind);
        Assert.Equal("duplicate-scope", duplicate.Error.Code);
        Assert.Equal("AS64496 is already in the scope of Hôpital Nord.", duplicate.Error.Message);
        Assert.Single(c.Scopes);
        Assert.Equal(at, c.UpdatedAt);

        Assert.True(c.AddScope(ScopeKind.Cidr, "192.0.2.0/24", at).IsSuccess);
        Assert.Equal("duplicate-scope", c.AddScope(ScopeKind.Cidr, "192.0.2.0/24 ", at).Error!.Code);
        Assert.True(c.AddScope(ScopeKind.Domain, "Example.com", at).IsSuccess);
        Assert.Equal("duplicate-scope", c.AddScope(ScopeKind.Domain, "example[.]com.", at).Error!.Code);
        Assert.Equal(3, c.Scopes.Count);
    }

    [Fact]
    public void AddScope_passes_the_host_bits_error_through()
    {
        var c = NewClient();
        var result = c.AddScope(ScopeKind.Cidr, "192.0.2.1/24", T0);
        Assert.Equal(["'192.0.2.1/24' has host bits set; did you mean 192.0.2.0/24?"], result.Error!.Fields!["value"]);
        Assert.Empty(c.Scopes);
    }

    // ---- Contact

    [Fact]
    public void AddContact_normalises_the_email_and_trims()
    {
        var c = NewClient();
        var at = T0.AddHours(1);
        var result = c.AddContact("  Jane Doe ", " Jane.Doe@Hopital-Nord.FR ", ContactRole.Security, " +33 1 23 45 67 89 ", "  " + Key + "  ", at);

        Assert.True(result.IsSuccess, result.Error?.Message);
        var contact = result.Value!;
        Assert.Same(contact, Assert.Single(c.Contacts));
        Assert.Equal("Jane Doe", contact.Name);
        Assert.Equal("jane.doe@hopital-nord.fr", contact.Email);
        Assert.Equal(ContactRole.Security, contact.Role);
        Assert.Equal("+33 1 23 45 67 89", contact.Phone);
        Assert.Equal(Key.Trim(), contact.PgpPublicKey);
        Assert.Equal(c.Id, contact.ConstituentId);
        Assert.Equal(at, c.UpdatedAt);
    }

    [Fact]
    public void AddContact_refuses_the_same_address_in_another_case()
    {
        var c = NewClient();
        Assert.True(c.AddContact("Jane", "jane@example.org", ContactRole.Security, null, null, T0).IsSuccess);
        var duplicate = c.AddContact("Jane again", "JANE@Example.org", ContactRole.Abuse, null, null, T0);
        Assert.Equal(ErrorKind.Conflict, duplicate.Error!.Kind);
        Assert.Equal("duplicate-contact", duplicate.Error.Code);
        Assert.Single(c.Contacts);
    }

    [Theory]
    [InlineData("Jane <jane@example.org>")]
    [InlineData("jane.example.org")]
    [InlineData("@example.org")]
    [InlineData("jane@bad_domain..org")]
    [InlineData("")]
    public void AddContact_refuses_a_bad_email(string email)
    {
        var c = NewClient();
        var result = c.AddContact("Jane", email, ContactRole.Security, null, null, T0);
        Assert.False(result.IsSuccess);
        Assert.Equal(["email"], result.Error!.Fields!.Keys);
        Assert.Empty(c.Contacts);
    }

    [Theory]
    [InlineData("-----BEGIN PGP PRIVATE KEY BLOCK-----\nxx\n-----END PGP PRIVATE KEY BLOCK-----")]
    [InlineData("-----BEGIN PGP PUBLIC KEY BLOCK-----\nxx (truncated)")]
    [InlineData("mDMEZabcdeFgkrBgEEAdpHDwEBB0Aexample")]
    [InlineData("-----BEGIN PGP MESSAGE-----\nxx\n-----END PGP MESSAGE-----")]
    [InlineData("Key: -----BEGIN PGP PUBLIC KEY BLOCK-----\nxx\n-----END PGP PUBLIC KEY BLOCK-----")]
    public void AddContact_refuses_what_is_not_an_armored_public_key(string key)
    {
        var c = NewClient();
        var result = c.AddContact("Jane", "jane@example.org", ContactRole.Security, null, key, T0);
        Assert.False(result.IsSuccess);
        Assert.Equal(["pgpPublicKey"], result.Error!.Fields!.Keys);
    }

    [Fact]
    public void A_blank_key_and_phone_are_stored_as_null()
    {
        var c = NewClient();
        var contact = c.AddContact("Jane", "jane@example.org", ContactRole.Other, "  ", "   ", T0).Value!;
        Assert.Null(contact.PgpPublicKey);
        Assert.Null(contact.Phone);
    }

    [Fact]
    public void Contact_validation_reports_every_field()
    {
        var c = NewClient();
        var result = c.AddContact("", "nope", (ContactRole)42, new string('1', 51), "junk", T0);
        Assert.Equal(["email", "name", "pgpPublicKey", "phone", "role"], result.Error!.Fields!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Contact_update_changes_the_normalised_email()
    {
        var c = NewClient();
        var contact = c.AddContact("Jane", "jane@example.org", ContactRole.Security, null, null, T0).Value!;
        Assert.Null(contact.Update("Jane D.", "J.Doe@Example.ORG", ContactRole.Legal, null, Key));
        Assert.Equal("j.doe@example.org", contact.Email);
        Assert.Equal(ContactRole.Legal, contact.Role);
        Assert.NotNull(contact.PgpPublicKey);

        Assert.NotNull(contact.Update("Jane D.", "not an address", ContactRole.Legal, null, null));
        Assert.Equal("j.doe@example.org", contact.Email);
        Assert.NotNull(contact.PgpPublicKey);
    }
}
