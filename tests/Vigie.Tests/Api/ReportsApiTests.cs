using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Data;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Api;

public abstract class ReportsApiTests(VigieApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ByteArrayContent Message(byte[] bytes, string type = "message/rfc822")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        return content;
    }

    private static byte[] Sample(string tag) => Encoding.UTF8.GetBytes(
        $"From: Abuse Desk <abuse@isp.example>\r\nTo: incident-csirt-cc@cegedim.com\r\nSubject: Botnet infection {tag}\r\n" +
        $"Message-ID: <{tag}@isp.example>\r\nDate: Mon, 09 Mar 2026 09:12:00 +0100\r\n\r\nInfected host 192.0.2.45 seen talking to a C2.\r\n");

    [Fact]
    public async Task A_message_is_stored_byte_for_byte_before_201_and_read_back()
    {
        var tag = Guid.NewGuid().ToString("N");
        var bytes = Sample(tag);
        var response = await app.Client().PostAsync("/api/v1/reports", Message(bytes), Ct);
        var report = await response.Expect(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/reports/{report.Str("id")}", response.Headers.Location?.OriginalString);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), report.Str("sha256"));
        Assert.Equal(bytes.Length, report["size"]!.GetValue<long>());
        Assert.Equal($"{tag}@isp.example", report.Str("messageId"));
        Assert.Equal($"Botnet infection {tag}", report.Str("subject"));
        Assert.Equal("received", report.Str("status"));
        Assert.Equal("api", report.Str("source"));

        // Durable: the row is committed and the blob is on disk, through a fresh context.
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        Assert.True(await db.Reports.AnyAsync(r => r.Sha256 == report.Str("sha256"), Ct));
        var blob = Path.Combine(app.DataDirectory, "blobs", report.Str("sha256")[..2], report.Str("sha256")[2..4], report.Str("sha256"));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(blob, Ct));

        var raw = await app.Client("auditor").GetAsync($"/api/v1/reports/{report.Str("id")}/raw", Ct);
        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        Assert.Equal("message/rfc822", raw.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", raw.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(bytes, await raw.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task The_same_message_twice_gives_one_report()
    {
        var bytes = Sample(Guid.NewGuid().ToString("N"));
        var first = await app.Client().PostAsync("/api/v1/reports", Message(bytes), Ct).Expect(HttpStatusCode.Created);
        var again = await app.Client().PostAsync("/api/v1/reports", Message(bytes), Ct).Expect(HttpStatusCode.OK);
        Assert.Equal(first.Str("id"), again.Str("id"));

        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        Assert.Equal(1, await db.Reports.CountAsync(r => r.Sha256 == first.Str("sha256"), Ct));
    }

    [Fact]
    public async Task Unparseable_headers_are_kept_not_dropped()
    {
        var junk = Encoding.UTF8.GetBytes("\u0001\u0002 this is not a mail at all " + Guid.NewGuid());
        var report = await app.Client().PostAsync("/api/v1/reports", Message(junk), Ct).Expect(HttpStatusCode.Created);
        Assert.Equal(junk.Length, report["size"]!.GetValue<long>());
        var raw = await app.Client().GetByteArrayAsync($"/api/v1/reports/{report.Str("id")}/raw", Ct);
        Assert.Equal(junk, raw);
    }

    [Fact]
    public async Task Wrong_type_is_415_and_oversized_is_413_and_nothing_is_stored()
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var before = await db.Reports.CountAsync(Ct);

        var json = await app.Client().PostAsync("/api/v1/reports", Message(Sample("x"), "application/json"), Ct)
            .ExpectProblem(HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("message/rfc822", json.Str("detail"));

        var big = new byte[25 * 1024 * 1024 + 1];
        var tooBig = await app.Client().PostAsync("/api/v1/reports", Message(big), Ct).ExpectProblem(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("26214400", tooBig.Str("detail"));

        Assert.Equal(before, await db.Reports.CountAsync(Ct));
        Assert.Empty(Directory.Exists(Path.Combine(app.DataDirectory, "blobs", "tmp"))
            ? Directory.GetFiles(Path.Combine(app.DataDirectory, "blobs", "tmp")) : []);
    }

    [Fact]
    public async Task Reports_are_listed_newest_first_and_can_be_attached_to_an_incident()
    {
        var a = await app.Client().PostAsync("/api/v1/reports", Message(Sample("list-a-" + Guid.NewGuid())), Ct).Expect(HttpStatusCode.Created);
        var list = await app.Client("auditor").GetAsync("/api/v1/reports?limit=5", Ct).Expect(HttpStatusCode.OK);
        Assert.Contains(list["items"]!.AsArray(), r => r.Str("id") == a.Str("id"));

        var incident = await app.Client().PostJson("/api/v1/incidents", new { title = "From report", reportIds = new[] { a.Str("id") } }).Expect(HttpStatusCode.Created);
        var linked = await app.Client().GetAsync($"/api/v1/reports/{a.Str("id")}", Ct).Expect(HttpStatusCode.OK);
        Assert.Equal(incident.Str("id"), linked.Str("incidentId"));
        var timeline = (await app.Client().GetAsync($"/api/v1/incidents/{incident.Str("id")}/timeline", Ct).Expect(HttpStatusCode.OK)).AsArray();
        Assert.Equal(a.Str("id"), timeline.Single(e => e.Str("kind") == "reportLinked")!["data"].Str("report"));

        var missing = await app.Client().PostJson("/api/v1/incidents", new { title = "Ghost report", reportIds = new[] { Guid.NewGuid() } }).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.NotNull(missing["errors"]!["reportIds"]);
    }
}

public sealed class ReportsApiSqliteTests(SqliteApp app) : ReportsApiTests(app), IClassFixture<SqliteApp>;

public sealed class ReportsApiPostgresTests(PostgresApp app) : ReportsApiTests(app), IClassFixture<PostgresApp>;
