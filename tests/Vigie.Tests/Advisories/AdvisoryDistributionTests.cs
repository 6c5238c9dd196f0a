using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using MimeKit.Cryptography;
using Vigie.Features.Vulnerabilities;
using Vigie.Tests.Intake;
using Vigie.Tests.Pgp;
using static Vigie.Tests.Mail.MailTestKit;

namespace Vigie.Tests.Advisories;

/// <summary>
/// The "done when", end to end through the API and a real SMTP peer: Log4Shell imported, Lilas's inventory
/// flagged, an analyst drafts the bulletin (Lilas pre-selected from the watch list), writes the French text, publishes
/// and distributes it: each contact gets it signed by the team key (gpg checks), Bob encrypted to his key; a TLP:AMBER
/// bulletin skips the contacts without a key instead of sending in clear.
/// </summary>
public abstract class AdvisoryDistributionTests(IntakeApp app) : IDisposable
{
    private readonly GpgHome _gpg = new();

    public void Dispose() => _gpg.Dispose();

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body, HttpStatusCode expected, string user = "analyst")
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        var response = await app.Client(user).SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private MimeMessage Received(string to, string trackingId) =>
        app.Sink.Received.Where(m => m.To.Contains(to, StringComparer.OrdinalIgnoreCase)).Select(m => Mime(m.Data))
            .Single(m => (m.Subject ?? "").Contains(trackingId, StringComparison.Ordinal));

    [Fact]
    public async Task An_analyst_publishes_a_bilingual_bulletin_mailed_signed_to_the_exposed_constituent()
    {
        app.SkipIfUnavailable();
        var dir = Directory.CreateTempSubdirectory("vigie-cves-");
        try
        {
            File.Copy(Path.Combine(AppContext.BaseDirectory, "TestData", "cve", "records", "CVE-2021-44228.json"), Path.Combine(dir.FullName, "log4j.json"));
            File.Copy(Path.Combine(AppContext.BaseDirectory, "TestData", "cve", "kev", "known_exploited_vulnerabilities.json"), Path.Combine(dir.FullName, "kev.json"));
            await using var scope = app.Scope();
            await scope.ServiceProvider.GetRequiredService<VulnerabilityImport>().ImportAsync(dir.FullName, FeedFormat.Auto, null, Ct);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
        await SendAsync(HttpMethod.Post, $"/api/v1/constituents/{app.Lilas}/inventory",
            new { vendor = "Apache Software Foundation", product = "Apache Log4j2", version = "2.14.1", exposure = "internet-facing", criticality = "high" }, HttpStatusCode.Created);
        await SendAsync(HttpMethod.Post, "/api/v1/watch/rematch", null, HttpStatusCode.OK, "lead");

        var draft = await SendAsync(HttpMethod.Post, "/api/v1/advisories", new { cve = "CVE-2021-44228" }, HttpStatusCode.Created);
        var id = draft.GetProperty("id").GetGuid();
        var trackingId = draft.GetProperty("document").GetProperty("trackingId").GetString()!;
        Assert.Equal([app.Lilas], draft.GetProperty("constituentIds").EnumerateArray().Select(x => x.GetGuid()));
        Assert.True(draft.GetProperty("needsTranslation").GetBoolean());
        Assert.Contains(draft.GetProperty("document").GetProperty("products").EnumerateArray(), p => p.GetProperty("fixed").GetString() == "2.15.0");

        var en = draft.GetProperty("document").GetProperty("en");
        var edited = await SendAsync(HttpMethod.Put, $"/api/v1/advisories/{id}", new
        {
            severity = "critical",
            en = new { title = en.GetProperty("title").GetString(), summary = en.GetProperty("summary").GetString(), recommendations = "Upgrade Log4j to 2.17.1 or later." },
            fr = new { title = "Log4Shell : exécution de code à distance dans Apache Log4j2", summary = "Un attaquant peut exécuter du code via JNDI.", recommendations = "Mettre à jour Log4j en 2.17.1 ou plus." },
        }, HttpStatusCode.OK);
        Assert.False(edited.GetProperty("needsTranslation").GetBoolean());
        Assert.Equal(JsonValueKind.Null, edited.GetProperty("incomplete").ValueKind);
        await SendAsync(HttpMethod.Post, $"/api/v1/advisories/{id}/distribute", null, HttpStatusCode.BadRequest); // not published yet
        await SendAsync(HttpMethod.Put, $"/api/v1/advisories/{id}", new { tlp = "PURPLE" }, HttpStatusCode.BadRequest);
        await SendAsync(HttpMethod.Post, $"/api/v1/advisories/{id}/publish", new { summary = "Initial publication" }, HttpStatusCode.Forbidden, "auditor");
        var published = await SendAsync(HttpMethod.Post, $"/api/v1/advisories/{id}/publish", new { summary = "Initial publication" }, HttpStatusCode.OK);
        Assert.Equal(1, published.GetProperty("document").GetProperty("revisions").GetArrayLength());

        var sent = await SendAsync(HttpMethod.Post, $"/api/v1/advisories/{id}/distribute", null, HttpStatusCode.OK);
        Assert.Equal((3, 0), (sent.GetProperty("sent").GetInt32(), sent.GetProperty("skipped").GetInt32()));
        await Eventually(() => Task.FromResult(app.Sink.Received.Count(m => m.Data.Length > 0 && Mime(m.Data).Subject?.Contains(trackingId, StringComparison.Ordinal) == true) == 3),
            "three bulletins delivered", app: app);

        // Bob has a key: encrypted to him and signed by the team; the French text comes first, then the English one.
        var (status, inner) = await _gpg.DecryptPgpMimeAsync(Assert.IsType<MultipartEncrypted>(Received("bob@partner.test", trackingId).Body), Ct);
        Assert.Contains("GOODSIG", status, StringComparison.Ordinal);
        Assert.Contains(TestKeys.TeamFingerprint, status, StringComparison.Ordinal);
        var body = ((TextPart)((Multipart)inner)[0]).Text;
        Assert.True(body.IndexOf("Log4Shell : exécution", StringComparison.Ordinal) < body.IndexOf("Upgrade Log4j", StringComparison.Ordinal));
        var csaf = JsonDocument.Parse(((MimePart)((Multipart)inner)[1]).Content!.Open()).RootElement;
        Assert.Equal(trackingId, csaf.GetProperty("document").GetProperty("tracking").GetProperty("id").GetString());

        // The SOC has no key: signed only, and gpg checks the signature.
        var signed = Assert.IsType<MultipartSigned>(Received("soc@lilas.example", trackingId).Body);
        var (code, verify, error) = await _gpg.VerifyPgpMimeAsync(signed, Ct);
        Assert.True(code == 0, error);
        Assert.Contains($"VALIDSIG {TestKeys.TeamFingerprint}", verify);

        // The same revision is not sent twice.
        var again = await SendAsync(HttpMethod.Post, $"/api/v1/advisories/{id}/distribute", null, HttpStatusCode.OK);
        Assert.Equal(0, again.GetProperty("sent").GetInt32());

        // TLP:AMBER: only Bob (who has a key) receives it; the others are listed as skipped, nothing goes in clear.
        var amber = await SendAsync(HttpMethod.Post, "/api/v1/advisories", new { cve = "CVE-2021-44228" }, HttpStatusCode.Created);
        var amberId = amber.GetProperty("id").GetGuid();
        await SendAsync(HttpMethod.Put, $"/api/v1/advisories/{amberId}", new
        {
            tlp = "AMBER",
            fr = new { title = "Log4Shell : indicateurs partagés", summary = "Indicateurs à ne pas diffuser hors de votre organisation." },
        }, HttpStatusCode.OK);
        await SendAsync(HttpMethod.Post, $"/api/v1/advisories/{amberId}/publish", new { summary = "Initial" }, HttpStatusCode.OK);
        var amberSent = await SendAsync(HttpMethod.Post, $"/api/v1/advisories/{amberId}/distribute", null, HttpStatusCode.OK);
        Assert.Equal((1, 2), (amberSent.GetProperty("sent").GetInt32(), amberSent.GetProperty("skipped").GetInt32()));
        var deliveries = (await SendAsync(HttpMethod.Get, $"/api/v1/advisories/{amberId}", null, HttpStatusCode.OK)).GetProperty("deliveries").EnumerateArray().ToList();
        Assert.All(deliveries.Where(d => !d.GetProperty("sent").GetBoolean()),
            d => Assert.Equal("no usable OpenPGP key for a TLP:AMBER bulletin", d.GetProperty("reason").GetString()));
        Assert.True(deliveries.Single(d => d.GetProperty("email").GetString() == "bob@partner.test").GetProperty("encrypted").GetBoolean());
    }
}

public sealed class AdvisoryDistributionSqliteTests(IntakeSqliteApp app) : AdvisoryDistributionTests(app), IClassFixture<IntakeSqliteApp>;

public sealed class AdvisoryDistributionPostgresTests(IntakePostgresApp app) : AdvisoryDistributionTests(app), IClassFixture<IntakePostgresApp>;
