using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Vigie.Features.Evidence;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Evidence;

/// <summary>The host with a small evidence limit (64 KiB), so that the limit can be crossed cheaply.</summary>
public abstract class EvidenceApp : VigieApp
{
    public const long MaxBytes = 64 * 1024;

    protected override IReadOnlyDictionary<string, string> ExtraSettings() => new Dictionary<string, string>
    {
        ["Vigie:Evidence:MaxBytes"] = MaxBytes.ToString(CultureInfo.InvariantCulture),
    };
}

public sealed class EvidenceSqliteApp : EvidenceApp
{
    public override Provider Provider => Provider.Sqlite;
}

public sealed class EvidencePostgresApp : EvidenceApp
{
    public override Provider Provider => Provider.Postgres;
}

public abstract class EvidenceApiTests(EvidenceApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> CreateIncidentAsync(string title, string tlp = "TLP:AMBER", string user = "analyst") =>
        (await app.Client(user).PostJson("/api/v1/incidents", new { title, tlp }).Expect(HttpStatusCode.Created)).Str("number");

    internal static MultipartFormDataContent Form(byte[] bytes, string fileName, string contentType = "application/octet-stream", string? description = null)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        form.Add(file, "file", fileName);
        if (description is not null)
        {
            form.Add(new StringContent(description), "description");
        }
        return form;
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private async Task<JsonNode> UploadAsync(string number, byte[] bytes, string fileName, string user = "analyst", string? description = null,
        string contentType = "application/octet-stream") =>
        await app.Client(user).PostAsync($"/api/v1/incidents/{number}/evidence", Form(bytes, fileName, contentType, description), Ct)
            .Expect(HttpStatusCode.Created);

    private async Task<JsonArray> TimelineAsync(string number) =>
        (await app.Client("lead").GetAsync($"/api/v1/incidents/{number}/timeline", Ct).Expect(HttpStatusCode.OK)).AsArray();

    [Fact]
    public async Task An_upload_is_stored_under_its_SHA256_with_who_and_when_and_on_the_timeline()
    {
        var number = await CreateIncidentAsync("Web shell found on intranet");
        var bytes = Bytes(20_000, 1);
        app.Time.Advance(TimeSpan.FromMinutes(5));
        var item = await UploadAsync(number, bytes, "webshell.php", description: "Copied from /var/www by the admin", contentType: "text/html");

        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Assert.Equal(sha, item.Str("sha256"));
        Assert.Equal(bytes.Length, item["size"]!.GetValue<long>());
        Assert.Equal("webshell.php", item.Str("fileName"));
        Assert.Equal("text/html", item.Str("declaredContentType"));
        Assert.Equal("Copied from /var/www by the admin", item.Str("description"));
        Assert.Equal("analyst@csirt.test", item.Str("addedBy"));
        Assert.Equal(app.Time.GetUtcNow(), DateTimeOffset.Parse(item.Str("addedAt"), CultureInfo.InvariantCulture));
        var custody = Assert.Single(item["custody"]!.AsArray());
        Assert.Equal("added", custody.Str("action"));
        Assert.Equal("analyst@csirt.test", custody.Str("actor"));

        // The blob store holds exactly these bytes under their hash.
        var blob = Path.Combine(app.DataDirectory, "blobs", sha[..2], sha[2..4], sha);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(blob, Ct));

        var added = Assert.Single(await TimelineAsync(number), e => e.Str("kind") == "evidenceAdded");
        Assert.Equal(sha, added!["data"].Str("sha256"));
        Assert.Equal("webshell.php", added["data"].Str("name"));

        var list = (await app.Client("auditor").GetAsync($"/api/v1/incidents/{number}/evidence", Ct).Expect(HttpStatusCode.OK)).AsArray();
        Assert.Equal(sha, Assert.Single(list).Str("sha256"));
    }

    [Fact]
    public async Task A_download_is_an_unsniffable_attachment_and_is_written_to_the_custody_log_and_the_timeline()
    {
        var number = await CreateIncidentAsync("Phishing kit");
        var bytes = Encoding.UTF8.GetBytes("<html><script>alert(document.cookie)</script></html>");
        var item = await UploadAsync(number, bytes, "C:\\Users\\bob\\Desktop\\kit d'hameçonnage \u202Egnp.exe", contentType: "text/html");
        // The path is dropped and the right-to-left override that disguises "exe.png" is removed.
        Assert.Equal("kit d'hameçonnage gnp.exe", item.Str("fileName"));

        var auditor = app.Client("auditor");
        var response = await auditor.GetAsync($"/api/v1/incidents/{number}/evidence/{item.Str("id")}/content", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        // RFC 6266: an ASCII fallback and the UTF-8 name in filename*.
        Assert.Equal("kit d'hameçonnage gnp.exe", disposition.FileNameStar);
        Assert.DoesNotContain('ç', disposition.FileName ?? "");

        var list = (await auditor.GetAsync($"/api/v1/incidents/{number}/evidence", Ct).Expect(HttpStatusCode.OK)).AsArray();
        var custody = list[0]!["custody"]!.AsArray();
        Assert.Equal(["added", "downloaded"], custody.Select(c => c.Str("action")));
        Assert.Equal(["analyst@csirt.test", "auditor@csirt.test"], custody.Select(c => c.Str("actor")));

        var accessed = Assert.Single(await TimelineAsync(number), e => e.Str("kind") == "evidenceAccessed");
        Assert.Equal("auditor@csirt.test", accessed.Str("actor"));
        Assert.Equal("downloaded", accessed!["data"].Str("action"));
        Assert.Equal(item.Str("sha256"), accessed["data"].Str("sha256"));
    }

    [Fact]
    public async Task Evidence_of_a_red_incident_of_someone_else_is_not_found_for_every_verb()
    {
        var number = await CreateIncidentAsync("Confidential intrusion", tlp: "TLP:RED", user: "lead");
        var item = await UploadAsync(number, Bytes(100, 2), "memory.dmp", user: "lead");
        var analyst = app.Client("analyst");

        var list = await analyst.GetAsync($"/api/v1/incidents/{number}/evidence", Ct).ExpectProblem(HttpStatusCode.NotFound);
        Assert.Contains(number, list.Str("detail"));
        await analyst.GetAsync($"/api/v1/incidents/{number}/evidence/{item.Str("id")}/content", Ct).ExpectProblem(HttpStatusCode.NotFound);
        await analyst.PostAsync($"/api/v1/incidents/{number}/evidence", Form(Bytes(10, 3), "x.bin"), Ct).ExpectProblem(HttpStatusCode.NotFound);

        // The refused attempts left nothing behind; the lead still sees one item, downloaded by nobody.
        var seen = (await app.Client("lead").GetAsync($"/api/v1/incidents/{number}/evidence", Ct).Expect(HttpStatusCode.OK)).AsArray();
        Assert.Equal(["added"], Assert.Single(seen)!["custody"]!.AsArray().Select(c => c.Str("action")));
    }

    [Fact]
    public async Task Readers_may_download_but_not_upload()
    {
        var number = await CreateIncidentAsync("Defacement");
        foreach (var reader in new[] { "auditor", "analyst-readonly" })
        {
            var response = await app.Client(reader).PostAsync($"/api/v1/incidents/{number}/evidence", Form(Bytes(10, 4), "x.bin"), Ct);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        var list = await app.Client("auditor").GetAsync($"/api/v1/incidents/{number}/evidence", Ct).Expect(HttpStatusCode.OK);
        Assert.Empty(list.AsArray());
    }

    [Fact]
    public async Task A_file_over_the_limit_is_refused_with_a_clear_message_and_nothing_is_stored()
    {
        var number = await CreateIncidentAsync("Large capture");
        var client = app.Client();

        // Just over the limit: read, measured, refused.
        var over = await client.PostAsync($"/api/v1/incidents/{number}/evidence", Form(Bytes((int)EvidenceApp.MaxBytes + 1, 5), "capture.pcap"), Ct)
            .ExpectProblem(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("limited to 64 KiB", over.Str("detail"));
        Assert.Contains("Vigie:Evidence:MaxBytes", over.Str("detail"));
        Assert.Equal(EvidenceApp.MaxBytes, over["maxBytes"]!.GetValue<long>());

        // Far over: refused from the Content-Length before the body is read.
        var far = await client.PostAsync($"/api/v1/incidents/{number}/evidence",
            Form(Bytes((int)(EvidenceApp.MaxBytes + EvidenceApi.FormOverhead) + 10, 6), "huge.pcap"), Ct)
            .ExpectProblem(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("at most", far.Str("detail"));

        // Exactly the limit is fine.
        await UploadAsync(number, Bytes((int)EvidenceApp.MaxBytes, 7), "limit.bin");
        var list = (await client.GetAsync($"/api/v1/incidents/{number}/evidence", Ct).Expect(HttpStatusCode.OK)).AsArray();
        Assert.Equal(["limit.bin"], list.Select(i => i.Str("fileName")));
    }

    [Fact]
    public async Task No_file_is_a_400_naming_the_part_to_send()
    {
        var number = await CreateIncidentAsync("Missing file");
        var form = new MultipartFormDataContent { { new StringContent("only words"), "description" } };
        var problem = await app.Client().PostAsync($"/api/v1/incidents/{number}/evidence", form, Ct).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Contains("'file'", problem.Str("detail"));
    }

    [Fact]
    public async Task The_workspace_form_endpoint_redirects_back_to_the_tab_with_the_outcome()
    {
        var number = await CreateIncidentAsync("Form upload");
        var client = app.Factory.CreateClient(new() { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new("Bearer", app.Token("analyst"));
        var ok = await client.PostAsync($"/incidents/{number}/evidence", Form(Bytes(10, 8), "a.bin"), Ct);
        Assert.Equal(HttpStatusCode.SeeOther, ok.StatusCode);
        Assert.Equal($"/incidents/{number}?tab=evidence&ev=added", ok.Headers.Location?.OriginalString);
        var big = await client.PostAsync($"/incidents/{number}/evidence", Form(Bytes((int)EvidenceApp.MaxBytes + 100, 9), "b.bin"), Ct);
        Assert.Equal($"/incidents/{number}?tab=evidence&ev=too-large", big.Headers.Location?.OriginalString);
    }
}

public sealed class EvidenceApiSqliteTests(EvidenceSqliteApp app) : EvidenceApiTests(app), IClassFixture<EvidenceSqliteApp>;

public sealed class EvidenceApiPostgresTests(EvidencePostgresApp app) : EvidenceApiTests(app), IClassFixture<EvidencePostgresApp>;

public sealed class EvidenceNamesTests
{
    [Theory]
    [InlineData("report.pdf", "report.pdf")]
    [InlineData("/etc/passwd", "passwd")]
    [InlineData("..\\..\\boot.ini", "boot.ini")]
    [InlineData("..", "evidence.bin")]
    [InlineData("", "evidence.bin")]
    [InlineData(null, "evidence.bin")]
    [InlineData(".htaccess", "htaccess")]
    [InlineData("a\"b\r\nc.txt", "a_bc.txt")]
    [InlineData("invoice\u202Efdp.exe", "invoicefdp.exe")]
    [InlineData("été 2026.eml", "été 2026.eml")]
    public void Names_are_made_safe_for_headers_and_file_systems(string? input, string expected) =>
        Assert.Equal(expected, EvidenceNames.Sanitize(input));

    [Fact]
    public void Long_names_keep_their_extension()
    {
        var name = EvidenceNames.Sanitize(new string('a', 500) + ".pcap");
        Assert.Equal(EvidenceNames.MaxFileNameLength, name.Length);
        Assert.EndsWith("a.pcap", name, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/html; charset=utf-8", "text/html")]
    [InlineData("application/vnd.tcpdump.pcap", "application/vnd.tcpdump.pcap")]
    [InlineData("not a type", "application/octet-stream")]
    [InlineData("text/html\r\nX-Evil: 1", "application/octet-stream")]
    [InlineData(null, "application/octet-stream")]
    public void Declared_types_are_kept_only_when_well_formed(string? input, string expected) =>
        Assert.Equal(expected, EvidenceNames.ContentType(input));

    [Theory]
    [InlineData(104857600L, "en", "100 MiB")]
    [InlineData(65536L, "en", "64 KiB")]
    [InlineData(1536L, "fr", "1,5 KiB")]
    [InlineData(100L, "fr", "100 octets")]
    public void Sizes_read_as_people_read_them(long bytes, string culture, string expected) =>
        Assert.Equal(expected, EvidenceNames.FormatSize(bytes, CultureInfo.GetCultureInfo(culture)));
}
