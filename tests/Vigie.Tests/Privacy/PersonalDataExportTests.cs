using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Vigie.Tests.Cli;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Privacy;

/// <summary>
/// An access request: everything held about one address, found in the account, contacts, reports, correspondence and
/// the mail queue, and nothing about anyone else; admin only.
/// </summary>
public abstract class PersonalDataExportTests(VigieApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_export_finds_the_person_everywhere_and_nobody_else()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var person = $"jeanne.{tag}@client.example";
        var other = $"paul.{tag}@client.example";
        var client = app.Client("analyst");

        // A constituent contact with that address (written in capitals), another contact, an incident with her as a
        // party and a message to her, and a report she sent.
        await client.PostJson("/api/v1/constituents", new
        {
            name = $"Clinique {tag}",
            kind = "client",
            contacts = new[]
            {
                new { name = "Jeanne", email = person.ToUpperInvariant(), role = "security" },
                new { name = "Paul", email = other, role = "security" },
            },
        }).Expect(HttpStatusCode.Created);
        var incident = await client.PostJson("/api/v1/incidents", new { title = $"Phishing {tag}", tlp = "TLP:AMBER" }).Expect(HttpStatusCode.Created);
        var number = incident["number"]!.GetValue<string>();
        await client.PostJson($"/api/v1/incidents/{number}/parties", new { kind = "reporter", name = "Jeanne", email = person }).Expect(HttpStatusCode.Created);
        await client.PostJson($"/api/v1/incidents/{number}/parties", new { kind = "reporter", name = "Paul", email = other }).Expect(HttpStatusCode.Created);
        var raw = new ByteArrayContent(Encoding.UTF8.GetBytes(
            $"From: Jeanne <{person}>\r\nTo: cert@csirt.test\r\nSubject: Suspicious mail {tag}\r\nMessage-ID: <{tag}@client.example>\r\n\r\nHello, see the attached headers.\r\n"));
        raw.Headers.ContentType = MediaTypeHeaderValue.Parse("message/rfc822");
        (await client.PostAsync("/api/v1/reports", raw, Ct)).EnsureSuccessStatusCode();

        var export = await app.Client("admin").GetAsync($"/api/v1/privacy/export?email={Uri.EscapeDataString(person)}", Ct).Expect(HttpStatusCode.OK);
        Assert.Equal(person, export["email"]!.GetValue<string>());
        var contact = Assert.Single(export["contacts"]!.AsArray());
        Assert.Equal("Jeanne", contact!["name"]!.GetValue<string>());
        Assert.Equal($"Clinique {tag}", contact["constituent"]!.GetValue<string>());
        var party = Assert.Single(export["parties"]!.AsArray());
        Assert.Equal(number, party!["incident"]!.GetValue<string>());
        var report = Assert.Single(export["reports"]!.AsArray());
        Assert.Equal($"Suspicious mail {tag}", report!["subject"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{64}$", report["sha256"]!.GetValue<string>());
        Assert.Empty(export["accounts"]!.AsArray());
        Assert.DoesNotContain(other, export.ToJsonString(), StringComparison.OrdinalIgnoreCase);

        // A staff account is found as an account.
        var staff = await app.Client("admin").GetAsync("/api/v1/privacy/export?email=ANALYST@csirt.test", Ct).Expect(HttpStatusCode.OK);
        var account = Assert.Single(staff["accounts"]!.AsArray());
        Assert.Equal("Analyst", account!["role"]!.GetValue<string>());
        Assert.Equal(1, account["apiTokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task Only_an_admin_may_export_and_a_bad_address_is_named()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client("lead").GetAsync("/api/v1/privacy/export?email=a@b.example", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client("auditor").GetAsync("/api/v1/privacy/export?email=a@b.example", Ct)).StatusCode);
        var problem = await app.Client("admin").GetAsync("/api/v1/privacy/export?email=not-an-address", Ct).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Contains("'not-an-address' is not an e-mail address", problem["errors"]!["email"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_command_writes_the_export_to_a_new_file_and_refuses_to_overwrite_one()
    {
        var file = Path.Combine(app.DataDirectory, $"export-{Guid.NewGuid():N}.json");
        var (code, _, error) = await CliTests.Run(app.Settings(), null, "privacy", "export", "admin@csirt.test", "--output", file);
        Assert.True(code == 0, error);
        Assert.Contains("record(s) about admin@csirt.test written to", error, StringComparison.Ordinal);
        Assert.Contains("\"role\": \"Admin\"", await File.ReadAllTextAsync(file, Ct), StringComparison.Ordinal);
        (code, _, error) = await CliTests.Run(app.Settings(), null, "privacy", "export", "admin@csirt.test", "--output", file);
        Assert.Equal(2, code);
        Assert.Contains("cannot be written", error, StringComparison.Ordinal);
    }
}

public sealed class PersonalDataExportSqliteTests(SqliteApp app) : PersonalDataExportTests(app), IClassFixture<SqliteApp>;

public sealed class PersonalDataExportPostgresTests(PostgresApp app) : PersonalDataExportTests(app), IClassFixture<PostgresApp>;
