using System.Net;
using System.Text.Json.Nodes;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Api;

public abstract class ConstituentsApiTests(VigieApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Unique(string name) => $"{name} {Guid.NewGuid().ToString("N")[..8]}";

    private async Task<JsonNode> CreateConstituent(object body) =>
        await app.Client().PostJson("/api/v1/constituents", body).Expect(HttpStatusCode.Created);

    private async Task<JsonNode> Lookup(string query) =>
        await app.Client("auditor").GetAsync($"/api/v1/lookup?{query}", Ct).Expect(HttpStatusCode.OK);

    [Fact]
    public async Task Create_with_contacts_and_scopes_normalises_everything()
    {
        var created = await CreateConstituent(new
        {
            name = Unique("Clinique Saint-Exupéry"),
            kind = "client",
            contract = new { reference = "CT-2026-17", tier = "gold", onSiteSupport = true },
            contacts = new[] { new { name = "RSSI", email = "RSSI@Clinique.Example", role = "security" } },
            scopes = new object[]
            {
                new { kind = "cidr", value = " 198.51.100.0/24 " },
                new { kind = "cidr", value = "2001:DB8:0:0::/48" },
                new { kind = "asn", value = "as64500" },
                new { kind = "domain", value = "Clinique.Example." },
            },
        });
        Assert.Equal("client", created.Str("kind"));
        Assert.True(created["contract"]!["onSiteSupport"]!.GetValue<bool>());
        Assert.Equal("rssi@clinique.example", created["contacts"]![0].Str("email"));
        Assert.Equal(["198.51.100.0/24", "2001:db8::/48", "AS64500", "clinique.example"],
            created["scopes"]!.AsArray().Select(s => s.Str("value")).Order(StringComparer.Ordinal).ToArray() is var v ? v : []);

        var fetched = await app.Client("auditor").GetAsync($"/api/v1/constituents/{created.Str("id")}", Ct).Expect(HttpStatusCode.OK);
        Assert.Equal(created.Str("name"), fetched.Str("name"));
        Assert.Equal(4, fetched["scopes"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("cidr", "10.0.0.1/8", "host bits set; did you mean 10.0.0.0/8?")]
    [InlineData("cidr", "300.1.1.0/24", "is not an IPv4 or IPv6 address")]
    [InlineData("cidr", "10.0.0.0/33", "out of range")]
    [InlineData("domain", "exa mple.com", "")]
    [InlineData("asn", "AS0", "is not an AS number")]
    public async Task Bad_scope_values_are_400_with_the_reason(string kind, string value, string expected)
    {
        var problem = await app.Client().PostJson("/api/v1/constituents", new { name = Unique("Bad scope"), kind = "partner", scopes = new[] { new { kind, value } } })
            .ExpectProblem(HttpStatusCode.BadRequest);
        var message = problem["errors"]!["scopes[0].value"]![0]!.GetValue<string>();
        Assert.Contains(expected, message);
    }

    [Fact]
    public async Task Bad_email_and_kind_are_400_and_nothing_is_written()
    {
        var name = Unique("Half written");
        var problem = await app.Client().PostJson("/api/v1/constituents", new
        {
            name,
            kind = "customer",
            contacts = new[] { new { name = "X", email = "not-an-address", role = "security" } },
        }).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Contains("client, internal, partner", problem["errors"]!["kind"]![0]!.GetValue<string>());

        var problem2 = await app.Client().PostJson("/api/v1/constituents", new
        {
            name,
            kind = "internal",
            contacts = new[] { new { name = "X", email = "not-an-address", role = "security" } },
        }).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Contains("not a valid e-mail address", problem2["errors"]!["contacts[0].email"]![0]!.GetValue<string>());

        var list = await app.Client().GetAsync($"/api/v1/constituents?q={Uri.EscapeDataString(name)}", Ct).Expect(HttpStatusCode.OK);
        Assert.Equal(0, list["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_prefix_or_domain_belongs_to_one_constituent_only()
    {
        var prefix = "203.0.113.0/25";
        await CreateConstituent(new { name = Unique("First owner"), kind = "internal", scopes = new[] { new { kind = "cidr", value = prefix } } });
        var second = await CreateConstituent(new { name = Unique("Second owner"), kind = "internal" });

        var problem = await app.Client().PostJson($"/api/v1/constituents/{second.Str("id")}/scopes", new { kind = "cidr", value = prefix })
            .ExpectProblem(HttpStatusCode.Conflict);
        Assert.Contains("already belongs to 'First owner", problem.Str("detail"));

        var conflictOnCreate = await app.Client().PostJson("/api/v1/constituents", new { name = Unique("Third"), kind = "partner", scopes = new[] { new { kind = "cidr", value = prefix } } })
            .ExpectProblem(HttpStatusCode.Conflict);
        Assert.Contains("already belongs to", conflictOnCreate.Str("detail"));

        // Nested is fine: the more specific owner wins in lookups.
        await app.Client().PostJson($"/api/v1/constituents/{second.Str("id")}/scopes", new { kind = "cidr", value = "203.0.113.0/28" }).Expect(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Lookup_finds_the_most_specific_owner_for_IPv4_IPv6_domains_and_emails()
    {
        var carrier = await CreateConstituent(new
        {
            name = Unique("Hébergeur"),
            kind = "partner",
            scopes = new object[] { new { kind = "cidr", value = "192.0.2.0/24" }, new { kind = "cidr", value = "2001:db8:aa00::/40" }, new { kind = "domain", value = "hosting.example" } },
        });
        var tenant = await CreateConstituent(new
        {
            name = Unique("Client hébergé"),
            kind = "client",
            contacts = new[] { new { name = "SOC", email = "soc@tenant.example", role = "security" } },
            scopes = new object[] { new { kind = "cidr", value = "192.0.2.128/26" }, new { kind = "cidr", value = "2001:db8:aa10::/48" }, new { kind = "domain", value = "tenant.hosting.example" } },
        });

        var inner = await Lookup("ip=192.0.2.130");
        Assert.True(inner["found"]!.GetValue<bool>());
        Assert.Equal(tenant.Str("id"), inner["constituent"].Str("id"));
        Assert.Equal("192.0.2.128/26", inner.Str("matchedScope"));

        var outer = await Lookup("ip=192.0.2.20");
        Assert.Equal(carrier.Str("id"), outer["constituent"].Str("id"));

        var v6 = await Lookup("ip=2001:db8:aa10:1::5");
        Assert.Equal(tenant.Str("id"), v6["constituent"].Str("id"));
        var v6outer = await Lookup("ip=2001:DB8:AA20::1");
        Assert.Equal(carrier.Str("id"), v6outer["constituent"].Str("id"));
        Assert.Equal("2001:db8:aa00::/40", v6outer.Str("matchedScope"));
        var mapped = await Lookup("ip=::ffff:192.0.2.130");
        Assert.Equal("192.0.2.130", mapped.Str("query"));
        Assert.Equal(tenant.Str("id"), mapped["constituent"].Str("id"));

        var host = await Lookup("domain=WWW.Tenant.Hosting.Example.");
        Assert.Equal(tenant.Str("id"), host["constituent"].Str("id"));
        Assert.Equal("tenant.hosting.example", host.Str("matchedScope"));
        var lookalike = await Lookup("domain=evilhosting.example");
        Assert.False(lookalike["found"]!.GetValue<bool>());

        var contact = await Lookup("email=SOC@tenant.example");
        Assert.Equal(tenant.Str("id"), contact["constituent"].Str("id"));
        Assert.Equal("SOC", contact["contacts"]![0]!["contact"].Str("name"));
        var byDomain = await Lookup("email=someone@mail.hosting.example");
        Assert.Empty(byDomain["contacts"]!.AsArray());
        Assert.Equal(carrier.Str("id"), byDomain["constituent"].Str("id"));

        // A removed scope stops matching at once.
        var scopeId = tenant["scopes"]!.AsArray().First(s => s.Str("value") == "192.0.2.128/26").Str("id");
        var deleted = await app.Client().DeleteAsync($"/api/v1/constituents/{tenant.Str("id")}/scopes/{scopeId}", Ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(carrier.Str("id"), (await Lookup("ip=192.0.2.130"))["constituent"].Str("id"));
    }

    [Fact]
    public async Task Lookup_of_a_non_constituent_says_not_found_and_bad_queries_are_400()
    {
        var miss = await Lookup("ip=9.9.9.9");
        Assert.False(miss["found"]!.GetValue<bool>());
        Assert.Null(miss["constituent"]);

        var client = app.Client();
        await client.GetAsync("/api/v1/lookup?ip=999.1.1.1", Ct).ExpectProblem(HttpStatusCode.BadRequest);
        await client.GetAsync("/api/v1/lookup?ip=10.0.0.0/8", Ct).ExpectProblem(HttpStatusCode.BadRequest);
        await client.GetAsync("/api/v1/lookup?email=nope", Ct).ExpectProblem(HttpStatusCode.BadRequest);
        var both = await client.GetAsync("/api/v1/lookup?ip=1.1.1.1&domain=x.example", Ct).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Contains("exactly one", both.Str("detail"));
    }

    [Fact]
    public async Task Update_contacts_and_delete_rules()
    {
        var client = app.Client();
        var c = await CreateConstituent(new { name = Unique("Fournisseur"), kind = "partner" });
        var id = c.Str("id");

        var contact = await client.PostJson($"/api/v1/constituents/{id}/contacts", new { name = "Abuse desk", email = "abuse@supplier.example", role = "abuse" }).Expect(HttpStatusCode.Created);
        await client.PostJson($"/api/v1/constituents/{id}/contacts", new { name = "Again", email = "ABUSE@supplier.example" }).ExpectProblem(HttpStatusCode.Conflict);
        var changed = await client.PutJson($"/api/v1/constituents/{id}/contacts/{contact.Str("id")}", new { name = "Abuse desk 24/7", email = "abuse@supplier.example", role = "abuse", phone = "+33 1 23 45 67 89" }).Expect(HttpStatusCode.OK);
        Assert.Equal("+33 1 23 45 67 89", changed.Str("phone"));
        await client.PostJson($"/api/v1/constituents/{id}/contacts", new { name = "Key", email = "k@supplier.example", pgpPublicKey = "not a key" }).ExpectProblem(HttpStatusCode.BadRequest);

        var renamed = await client.PutJson($"/api/v1/constituents/{id}", new { name = c.Str("name") + " SA", kind = "client", contract = new { tier = "silver", onSiteSupport = false } }).Expect(HttpStatusCode.OK);
        Assert.Equal("client", renamed.Str("kind"));
        await client.PutJson($"/api/v1/constituents/{id}", new { name = c.Str("name"), kind = "partner", contract = new { tier = "silver" } }).ExpectProblem(HttpStatusCode.BadRequest);

        // Referenced by an incident: refused with the reason; otherwise deleted.
        await client.PostJson("/api/v1/incidents", new { title = "Supplier phishing", constituentId = id }).Expect(HttpStatusCode.Created);
        var refused = await client.DeleteAsync($"/api/v1/constituents/{id}", Ct).ExpectProblem(HttpStatusCode.Conflict);
        Assert.Contains("1 incident", refused.Str("detail"));

        var spare = await CreateConstituent(new { name = Unique("Spare"), kind = "internal" });
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/constituents/{spare.Str("id")}", Ct)).StatusCode);
        await client.GetAsync($"/api/v1/constituents/{spare.Str("id")}", Ct).ExpectProblem(HttpStatusCode.NotFound);
    }
}

public sealed class ConstituentsApiSqliteTests(SqliteApp app) : ConstituentsApiTests(app), IClassFixture<SqliteApp>;

public sealed class ConstituentsApiPostgresTests(PostgresApp app) : ConstituentsApiTests(app), IClassFixture<PostgresApp>;
