using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Metrics;

/// <summary>The figures of docs/metrics.md's example, through the API, the report downloads and the pages.</summary>
public abstract class SlaMetricsApiTests(MetricsApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string N(string letter) => app.Numbers[letter];

    private async Task<JsonNode> Metrics(string query, string user = "analyst") =>
        await app.Client(user).GetAsync($"/api/v1/metrics/sla?{query}", Ct).Expect(HttpStatusCode.OK);

    private static long Seconds(JsonNode? milestone, string time, string stat) => milestone![time]![stat]!["seconds"]!.GetValue<long>();

    private static string Iso(JsonNode? milestone, string time, string stat) => milestone![time]![stat]!["iso"]!.GetValue<string>();

    private static JsonNode Group(JsonNode body, string key) => body["groups"]!.AsArray().Single(g => g.Str("key") == key)!;

    [Fact]
    public async Task A_month_gives_exact_times_in_business_and_clock_time_and_compliance_without_pending_clocks()
    {
        var body = await Metrics("from=2026-11&to=2026-11");
        Assert.Equal("2026-11", body.Str("from"));
        Assert.Equal("month", body.Str("groupBy"));
        Assert.Equal("Europe/Paris", body.Str("timeZone"));
        var t = body["total"]!;
        // A, B, C, D, F (E is TLP:RED and not the analyst's; G is October's).
        Assert.Equal(5, t["incidents"]!.GetValue<int>());

        // Acknowledged: A 1 h | 1 h, B 1 h | 64 h (Friday 17:30 → Monday 9:30), C and D 0.5 h | 0.5 h.
        var ack = t["acknowledge"];
        Assert.Equal(4, ack!["count"]!.GetValue<int>());
        Assert.Equal(2700, Seconds(ack, "business", "mean"));
        Assert.Equal("PT45M", Iso(ack, "business", "mean"));
        Assert.Equal(59400, Seconds(ack, "clock", "mean"));
        Assert.Equal("PT16H30M", Iso(ack, "clock", "mean"));
        Assert.Equal(2700, Seconds(ack, "clock", "median"));
        Assert.Equal(3600, Seconds(ack, "business", "p90"));
        Assert.Equal(64 * 3600, Seconds(ack, "clock", "p90"));

        // First response: A 2 h | 2 h, B 1.5 h | 64.5 h.
        Assert.Equal(2, t["firstResponse"]!["count"]!.GetValue<int>());
        Assert.Equal(6300, Seconds(t["firstResponse"], "business", "mean"));
        Assert.Equal(33 * 3600 + 900, Seconds(t["firstResponse"], "clock", "mean"));

        // Containment: A 9 h | 24 h, B 2.5 h | 65.5 h.
        Assert.Equal(5.75 * 3600, Seconds(t["containment"], "business", "mean"));
        Assert.Equal(44.75 * 3600, Seconds(t["containment"], "clock", "mean"));

        // Resolution: A 43 h | 103 h, B 19.5 h | 136.5 h (11 November is closed); D was rejected: not counted although "resolved".
        var res = t["resolution"];
        Assert.Equal(2, res!["count"]!.GetValue<int>());
        Assert.Equal(31.25 * 3600, Seconds(res, "business", "mean"));
        Assert.Equal("PT31H15M", Iso(res, "business", "mean"));
        Assert.Equal(119.75 * 3600, Seconds(res, "clock", "mean"));
        Assert.Equal(43 * 3600, Seconds(res, "business", "p90"));

        // First response: A met; B late; C never answered, past due; D rejected (not counted); F not due yet (pending).
        Assert.Equal(1, t["firstResponseCompliance"]!["met"]!.GetValue<int>());
        Assert.Equal(2, t["firstResponseCompliance"]!["missed"]!.GetValue<int>());
        Assert.Equal(1, t["firstResponseCompliance"]!["pending"]!.GetValue<int>());
        Assert.Equal(33.3, t["firstResponseCompliance"]!["percent"]!.GetValue<double>());
        // Resolution targets exist for P1 and P2 only: A met, B missed.
        Assert.Equal(50.0, t["resolutionCompliance"]!["percent"]!.GetValue<double>());
    }

    [Fact]
    public async Task Groups_by_month_priority_class_and_constituent()
    {
        var months = await Metrics("from=2026-09&to=2026-11");
        Assert.Equal(["2026-09", "2026-10", "2026-11"], months["groups"]!.AsArray().Select(g => g.Str("key")));
        Assert.Equal([0, 1, 5], months["groups"]!.AsArray().Select(g => g!["incidents"]!.GetValue<int>()));
        var october = Group(months, "2026-10");
        Assert.Equal(100.0, october["firstResponseCompliance"]!["percent"]!.GetValue<double>());
        // G: received Monday 10:00 Paris (UTC+2), resolved Tuesday 10:00: 9 business hours, 24 clock hours.
        Assert.Equal(9 * 3600, Seconds(october["resolution"], "business", "mean"));
        Assert.Equal(24 * 3600, Seconds(october["resolution"], "clock", "mean"));
        Assert.Null(Group(months, "2026-09")["acknowledge"]!["business"]);
        Assert.Null(Group(months, "2026-09")["firstResponseCompliance"]!["percent"]);
        Assert.Equal(6, months["total"]!["incidents"]!.GetValue<int>());

        var priorities = await Metrics("from=2026-11&to=2026-11&groupBy=priority");
        Assert.Equal(["P1", "P2", "P3"], priorities["groups"]!.AsArray().Select(g => g.Str("key")));
        Assert.Equal(0.0, Group(priorities, "P1")["firstResponseCompliance"]!["percent"]!.GetValue<double>());
        Assert.Equal(100.0, Group(priorities, "P2")["firstResponseCompliance"]!["percent"]!.GetValue<double>());
        Assert.Equal(3, Group(priorities, "P3")["incidents"]!.GetValue<int>());
        Assert.Equal(1, Group(priorities, "P3")["firstResponseCompliance"]!["pending"]!.GetValue<int>());

        var classes = await Metrics("from=2026-11&to=2026-11&groupBy=class");
        Assert.Equal(["malicious-code", "intrusions", "none"], classes["groups"]!.AsArray().Select(g => g.Str("key")).OrderBy(k => k == "none").ThenByDescending(k => k));
        Assert.Equal(3, Group(classes, "none")["incidents"]!.GetValue<int>());

        var constituents = await Metrics("from=2026-11&to=2026-11&groupBy=constituent");
        var lilas = constituents["groups"]!.AsArray().Single(g => g.Str("label") == "Lilas Metrics")!;
        Assert.Equal(2, lilas["incidents"]!.GetValue<int>());
        Assert.Equal(50.0, lilas["firstResponseCompliance"]!["percent"]!.GetValue<double>());
        Assert.Equal(3, Group(constituents, "none")["incidents"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_TLP_RED_incident_counts_only_for_those_who_may_see_it()
    {
        var analyst = (await Metrics("from=2026-11&to=2026-11"))["total"]!;
        var lead = (await Metrics("from=2026-11&to=2026-11", "lead"))["total"]!;
        Assert.Equal(5, analyst["incidents"]!.GetValue<int>());
        Assert.Equal(6, lead["incidents"]!.GetValue<int>());
        // E was answered late (16:00 Paris, due 14:00).
        Assert.Equal(3, lead["firstResponseCompliance"]!["missed"]!.GetValue<int>());
        Assert.Equal(25.0, lead["firstResponseCompliance"]!["percent"]!.GetValue<double>());

        var csv = await (await app.Client().GetAsync("/reports/sla/2026-11/incidents.csv", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain(N("E"), csv);
        Assert.DoesNotContain("Board member", csv);
        var page = await (await app.Client().GetAsync("/reports/sla/2026-11", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain(N("E"), page);
        Assert.Contains(N("E"), await (await app.Client("lead").GetAsync("/reports/sla/2026-11", Ct)).Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData("from=2026-13&to=2026-11", "from")]
    [InlineData("from=2026-11&to=nov", "to")]
    [InlineData("from=2026-11&to=2026-10", "from")]
    [InlineData("from=2024-11&to=2026-11", "to")]
    [InlineData("from=2026-11&to=2026-11&groupBy=week", "groupBy")]
    public async Task Bad_input_is_a_problem(string query, string field)
    {
        var problem = await app.Client().GetAsync($"/api/v1/metrics/sla?{query}", Ct).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem["errors"]!.AsObject().Select(e => e.Key));
        // 24 months are allowed.
        await Metrics("from=2024-12&to=2026-11");
    }

    [Fact]
    public async Task Metrics_need_a_staff_reader()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client(null).GetAsync("/api/v1/metrics/sla", Ct)).StatusCode);
        var defaults = await Metrics("");
        Assert.Equal("2026-06", defaults.Str("from"));
        Assert.Equal("2026-11", defaults.Str("to"));
    }

    [Fact]
    public async Task The_incidents_CSV_has_one_row_per_incident_with_milestones_durations_and_outcomes()
    {
        var response = await app.Client().GetAsync("/reports/sla/2026-11/incidents.csv", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("sla-2026-11-incidents.csv", response.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var lines = (await response.Content.ReadAsStringAsync(Ct)).TrimStart('\uFEFF').TrimEnd().Split("\r\n");
        var header = lines[0].Split(',');
        Assert.Equal(6, lines.Length); // header + A, B, C, D, F
        Dictionary<string, string> Row(string letter)
        {
            var cells = lines.Single(l => l.StartsWith(N(letter) + ",", StringComparison.Ordinal)).Split(',');
            return header.Zip(cells).ToDictionary(p => p.First, p => p.Second);
        }
        var b = Row("B");
        Assert.Equal("P1", b["priority"]);
        Assert.Equal("malicious-code", b["rsit_class"]);
        Assert.Equal("2026-11-06T16:30:00Z", b["received_at"]);
        Assert.Equal("2026-11-09T09:00:00Z", b["first_responded_at"]);
        Assert.Equal("3600", b["acknowledge_business_s"]);
        Assert.Equal("230400", b["acknowledge_clock_s"]);
        Assert.Equal("70200", b["resolution_business_s"]);
        Assert.Equal("491400", b["resolution_clock_s"]);
        Assert.Equal("missed", b["first_response_outcome"]);
        Assert.Equal("missed", b["resolution_outcome"]);
        var a = Row("A");
        Assert.Equal("Lilas Metrics", a["constituent"]);
        Assert.Equal("met", a["first_response_outcome"]);
        var d = Row("D");
        Assert.Equal("rejected", d["state"]);
        Assert.Equal("", d["resolution_business_s"]);
        Assert.Equal("n/a", d["first_response_outcome"]);
        Assert.Equal("pending", Row("F")["first_response_outcome"]);

        var summary = (await (await app.Client().GetAsync("/reports/sla/2026-11/summary.csv", Ct)).Content.ReadAsStringAsync(Ct)).TrimStart('\uFEFF');
        Assert.Contains("2026-11,all,all,5,1,2,1,33.3,1,1,0,50.0,2700,59400,", summary);
        Assert.Contains("2026-11,priority,P2,1,1,0,0,100.0,", summary);
        Assert.Contains("2026-11,constituent,Lilas Metrics,2,1,1,0,50.0,", summary);
    }

    [Fact]
    public async Task The_report_page_and_HTML_download_are_in_the_readers_language_with_charts_and_breached_incidents()
    {
        var page = WebUtility.HtmlDecode(await (await app.Client().GetAsync("/reports/sla/2026-11", Ct).ExpectOk()).Content.ReadAsStringAsync(Ct));
        Assert.Contains("Rapport SLA — novembre 2026", page); // French by default
        Assert.Contains("id=\"chart-mttr\"", page);
        Assert.Contains("33,3 %", page);
        Assert.Contains($"href=\"/incidents/{N("B")}\"", page);
        Assert.Contains($"href=\"/incidents/{N("C")}\"", page);
        Assert.DoesNotContain($"href=\"/incidents/{N("A")}\"", page);

        var response = await app.Client().GetAsync("/reports/sla/2026-11/report.html?lang=en", Ct);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("sla-2026-11-en.html", response.Content.Headers.ContentDisposition?.FileNameStar);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct));
        Assert.Contains("SLA report — November 2026", html);
        Assert.Contains("33.3 %", html);
        Assert.Contains("<svg class=\"sla-chart\" id=\"chart-mtta\"", html);
        Assert.Contains("31 h 15", html); // MTTR in business time
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<link rel=\"stylesheet\"", html);
        Assert.Contains("TLP:AMBER", html); // the most restrictive label of the listed incidents

        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/reports/sla/2026-13", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Client().GetAsync("/reports/sla/2026-11/report.html?lang=de", Ct)).StatusCode);
    }

    [Fact]
    public async Task The_PDF_report_carries_the_figures()
    {
        var response = await app.Client().GetAsync("/reports/sla/2026-11/report.pdf?lang=en", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("sla-2026-11-en.pdf", response.Content.Headers.ContentDisposition?.FileNameStar);
        // Table cells wrap: compare with single spaces.
        var text = Regex.Replace(await PdfText.ReadAsync(await response.Content.ReadAsByteArrayAsync(Ct), Ct), @"\s+", " ");
        Assert.Contains("SLA report — November 2026", text);
        Assert.Contains("33.3 %", text);
        Assert.Contains(N("B"), text);
        Assert.Contains("Ransomware on file server", text);
        Assert.DoesNotContain(N("E"), text);
    }

    [Fact]
    public async Task Without_Chromium_the_PDF_is_a_problem_pointing_to_the_HTML_report()
    {
        await using var host = app.Factory.WithWebHostBuilder(b => b.UseSetting("Vigie:Pdf:Chromium", "/nonexistent/chromium"));
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", app.Token("analyst"));
        var problem = await client.GetAsync("/reports/sla/2026-11/report.pdf?lang=fr", Ct).ExpectProblem(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("pdf-unavailable", problem.Str("code"));
        Assert.Contains("/nonexistent/chromium", problem.Str("detail"));
        Assert.Contains("rapport HTML", problem.Str("detail"));
    }

    [Fact]
    public async Task The_dashboard_shows_this_month_against_last_and_links_the_report()
    {
        var html = WebUtility.HtmlDecode(await (await app.Client().GetAsync("/", Ct).ExpectOk()).Content.ReadAsStringAsync(Ct));
        Assert.Contains("id=\"sla-metrics\"", html);
        Assert.Contains("href=\"/reports/sla/2026-11\"", html);
        Assert.Contains("href=\"/reports/sla/2026-10\"", html);
        Assert.Contains("id=\"dash-mtta\"", html);
        var thisMonth = html[html.IndexOf("id=\"sla-this-month\"", StringComparison.Ordinal)..];
        Assert.Contains("33,3 %", thisMonth[..300]);
        var lastMonth = html[html.IndexOf("id=\"sla-last-month\"", StringComparison.Ordinal)..];
        Assert.Contains("100 %", lastMonth[..300]);
    }

    [Fact]
    public async Task The_CLI_prints_the_month_as_CSV_and_text_counting_every_incident()
    {
        app.SkipIfUnavailable();
        var (code, csv, err) = await Cli.CliTests.Run(app.Settings(), null, "metrics", "sla", "--month", "2026-11", "--format", "csv");
        Assert.True(code == 0, err);
        var lines = csv.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.StartsWith("number,title,priority,", lines[0], StringComparison.Ordinal);
        // The operator's view: the lead's TLP:RED incident E counts too.
        Assert.Equal(7, lines.Count);
        Assert.Contains(lines, l => l.StartsWith(N("E") + ",Board member account takeover,P2,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith(N("B") + ",", StringComparison.Ordinal) && l.Contains(",3600,230400,5400,232200,", StringComparison.Ordinal));

        var (textCode, text, _) = await Cli.CliTests.Run(app.Settings(), null, "metrics", "sla", "--month", "2026-11", "--lang", "en");
        Assert.Equal(0, textCode);
        Assert.Contains("SLA report — November 2026", text);
        Assert.Contains("Incidents received: 6", text);
        Assert.Contains("Resolution (n=2): Mean 31 h 15 / 119 h 45", text);

        var (bad, _, badErr) = await Cli.CliTests.Run(app.Settings(), null, "metrics", "sla", "--month", "2026-13");
        Assert.Equal(2, bad);
        Assert.Contains("is not a month", badErr);
    }
}

internal static class ResponseChecks
{
    public static async Task<HttpResponseMessage> ExpectOk(this Task<HttpResponseMessage> response)
    {
        var r = await response;
        Assert.True(r.IsSuccessStatusCode, $"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        return r;
    }
}

public sealed class SlaMetricsSqliteTests(MetricsSqliteApp app) : SlaMetricsApiTests(app), IClassFixture<MetricsSqliteApp>;

public sealed class SlaMetricsPostgresTests(MetricsPostgresApp app) : SlaMetricsApiTests(app), IClassFixture<MetricsPostgresApp>;
