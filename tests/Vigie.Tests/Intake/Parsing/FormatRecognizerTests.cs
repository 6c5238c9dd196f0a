using System.IO.Compression;
using System.Text;
using MimeKit;
using Vigie.Features.Intake.Formats;
using static Vigie.Tests.Intake.Parsing.MailTestKit;

namespace Vigie.Tests.Intake.Parsing;

/// <summary>ARF, X-ARF, Shadowserver CSV and DSN recognised in real samples, through the whole reader.</summary>
public sealed class FormatRecognizerTests : IDisposable
{
    private readonly MailTestKit _kit = new();

    public void Dispose() => _kit.Dispose();

    private async Task<RecognizedFormat> FormatOf(string file)
    {
        var (_, content) = await _kit.ReadFileAsync(file);
        Assert.NotNull(content.Format);
        return content.Format;
    }

    // ---- ARF (RFC 5965) ----

    [Fact]
    public async Task Aol_feedback_loop_is_arf_with_its_fields()
    {
        var arf = await FormatOf("abuseio/feedback-loop/AOL_example_1.eml");
        Assert.Equal("arf", arf.Name);
        Assert.Equal("abuse", arf.Subtype);
        var record = Assert.Single(arf.Records);
        Assert.Equal(1, record.Index);
        Assert.Equal("10.17.18.1", record.Fields["Source-IP"]);
        Assert.Equal("server.domain5.tld", record.Fields["Reported-Domain"]);
        Assert.Equal("AOL SComp", record.Fields["User-Agent"]);
        Assert.Equal("redacted\nredacted@", record.Fields["Redacted-Address"]);
        Assert.Equal("20160119143236.14076@une.com.co", arf.OriginalMessageId);
        Assert.Empty(arf.Problems);
    }

    [Theory]
    [InlineData("abuseio/feedback-loop/Cox_example_1.eml", "10.17.18.7")]
    [InlineData("abuseio/feedback-loop/Fastmail_example_1.eml", "10.17.18.9")]
    [InlineData("abuseio/feedback-loop/OpenSRS_example_1.eml", "10.17.18.12")]
    [InlineData("abuseio/feedback-loop/RoadRunner_example_1.eml", "10.17.18.16")]
    [InlineData("abuseio/feedback-loop/Yahoo_example_2.eml", "10.17.18.26")]
    [InlineData("abuseio/feedback-loop/Zoho_example_1.eml", "10.17.18.28")]
    [InlineData("abuseio/spamexperts/1.eml", "172.16.10.13")]
    [InlineData("sisimai-arf/lf/arf-15.eml", "192.0.2.222")]
    [InlineData("sisimai-arf/lf/arf-21.eml", "198.51.100.224")]
    [InlineData("sisimai-arf/lf/arf-25.eml", "10.0.0.1")]
    [InlineData("mimekit/messages/feedback-report.txt", "192.0.2.2")]
    public async Task Feedback_loops_are_arf(string file, string sourceIp)
    {
        var arf = await FormatOf(file);
        Assert.Equal("arf", arf.Name);
        Assert.Equal("abuse", arf.Subtype);
        Assert.Equal(sourceIp, Assert.Single(arf.Records).Fields["Source-IP"]);
    }

    [Theory]
    [InlineData("sisimai-arf/lf/arf-12.eml", "opt-out")]
    [InlineData("sisimai-arf/lf/arf-18.eml", "auth-failure")]
    [InlineData("sisimai-arf/lf/arf-20.eml", "auth-failure")]
    public async Task The_feedback_type_is_the_subtype(string file, string type)
    {
        var arf = await FormatOf(file);
        Assert.Equal("arf", arf.Name);
        Assert.Equal(type, arf.Subtype);
    }

    [Theory]
    [InlineData("sisimai-arf/lf/arf-01.eml")]
    [InlineData("sisimai-arf/crlf/arf-01.eml")]
    [InlineData("sisimai-arf/cr/arf-01.eml")]
    public async Task Line_endings_do_not_change_the_report(string file)
    {
        var arf = await FormatOf(file);
        Assert.Equal("arf", arf.Name);
        Assert.Equal("abuse", arf.Subtype);
        Assert.Equal("192.0.2.89", Assert.Single(arf.Records).Fields["Source-IP"]);
    }

    [Theory]
    [InlineData("sisimai-arf/lf/arf-22.eml")]
    [InlineData("sisimai-arf/lf/arf-23.eml")]
    [InlineData("sisimai-arf/lf/arf-24.eml")]
    [InlineData("sisimai-arf/lf/arf-26.eml")]
    public async Task Arf_like_mail_without_a_feedback_report_is_not_arf(string file)
    {
        // Decision (ArfReader): without a message/feedback-report part nothing machine-readable
        // says it is a complaint; the reported message still reaches the text and the attachments.
        var (_, content) = await _kit.ReadFileAsync(file);
        Assert.Null(content.Format);
        if (!file.EndsWith("26.eml", StringComparison.Ordinal))
        {
            Assert.Contains("--- Attached message ---", content.Text, StringComparison.Ordinal);
            Assert.Contains(content.Attachments, a => a.ContentType == "message/rfc822");
        }
    }

    [Fact]
    public async Task A_feedback_report_without_feedback_type_is_arf_without_subtype()
    {
        var report = new MultipartReport("feedback-report")
        {
            Text("A complaint about 192.0.2.50."),
            new MimePart("message", "feedback-report") { Content = new MimeContent(new MemoryStream(Ascii("User-Agent: test/1\nVersion: 1\nSource-IP: 192.0.2.50\n"))) },
        };
        var (_, content) = await _kit.ReadAsync(MailWith(report));
        Assert.NotNull(content.Format);
        Assert.Equal("arf", content.Format.Name);
        Assert.Null(content.Format.Subtype);
        Assert.Equal("192.0.2.50", content.Format.Records[0].Fields["Source-IP"]);
        Assert.Contains("The feedback report has no Feedback-Type field (RFC 5965 §3.1 requires it).", content.Format.Problems);
        Assert.Contains("Source-IP: 192.0.2.50", content.Text, StringComparison.Ordinal);
    }

    // ---- X-ARF ----

    [Fact]
    public async Task Blocklist_de_is_xarf_yaml()
    {
        var xarf = await FormatOf("abuseio/blocklistde/Blocklistde_Example_1.eml");
        Assert.Equal("xarf", xarf.Name);
        Assert.Equal("regbot", xarf.Subtype);
        var fields = Assert.Single(xarf.Records).Fields;
        Assert.Equal("10.0.2.150", fields["Source"]);
        Assert.Equal("ip-address", fields["Source-Type"]);
        Assert.Equal("Fri, 31 Jan 2014 07:19:02 +0100", fields["Date"]);
        Assert.Equal("80", fields["Port"]);
        Assert.Empty(xarf.Problems);
    }

    [Theory]
    [InlineData("abuseio/netcraft/Netcraft_Example_1.eml", "malware-attack", "10.0.2.2")]
    [InlineData("abuseio/netcraft/Netcraft_Example_3.eml", "phishing")]
    [InlineData("abuseio/blocklistde/Blocklistde_Example_2.eml", null)]
    [InlineData("abuseio/cleanmx/Cleanmx_Example_3.eml", null)]
    public async Task X_arf_mails_are_xarf(string file, string? subtype, string? source = null)
    {
        var xarf = await FormatOf(file);
        Assert.Equal("xarf", xarf.Name);
        var fields = Assert.Single(xarf.Records).Fields;
        Assert.False(string.IsNullOrEmpty(fields["Source"]));
        Assert.False(string.IsNullOrEmpty(fields["Report-Type"]));
        Assert.Equal(xarf.Subtype, fields["Report-Type"]);
        if (subtype is not null)
        {
            Assert.Equal(subtype, xarf.Subtype);
        }
        if (source is not null)
        {
            Assert.Equal(source, fields["Source"]);
        }
    }

    [Fact]
    public async Task Near_yaml_x_arf_is_read_line_by_line_and_flagged()
    {
        // clean-mx writes "Schema-URL: http: //…", which YAML refuses.
        var xarf = await FormatOf("abuseio/cleanmx/Cleanmx_Example_1.eml");
        Assert.Equal("xarf", xarf.Name);
        Assert.Equal("harvesting", xarf.Subtype);
        var fields = Assert.Single(xarf.Records).Fields;
        Assert.Equal("192.168.2.20", fields["Source"]);
        Assert.Equal("http: //support.clean-mx.de/schema/xarf.json", fields["Schema-URL"]);
        Assert.Contains(xarf.Problems, p => p.StartsWith("The X-ARF report is not valid YAML", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("xarf-spec-v4/v4/connection-ddos.json", "connection/ddos", "source_identifier", "192.0.2.155")]
    [InlineData("xarf-spec-v4/v4/content-phishing.json", "content/phishing", "xarf_version", "4.2.0")]
    [InlineData("xarf-spec-v4/v4/messaging-spam.json", "messaging/spam", "category", "messaging")]
    [InlineData("xarf-spec-v4/v4/vulnerability-open-service.json", "vulnerability/open_service", "type", "open_service")]
    [InlineData("xarf-spec-v4/v3/spam_v3_sample.json", "spam", "Report.Source.IP", "192.168.1.100")]
    [InlineData("xarf-abusix/ddos_sample.json", "DOS", "Report.SourceIp", "192.0.2.55")]
    public async Task Xarf_json_reports_are_xarf(string file, string subtype, string key, string value)
    {
        var json = await File.ReadAllBytesAsync(PathOf(file), Ct);
        var (_, content) = await _kit.ReadAsync(MailWith(Mixed(Text("An abuse report in XARF format is attached."), Attachment("application/json", "xarf.json", json))));

        Assert.NotNull(content.Format);
        Assert.Equal("xarf", content.Format.Name);
        Assert.Equal(subtype, content.Format.Subtype);
        Assert.Equal(value, Assert.Single(content.Format.Records).Fields[key]);
    }

    [Fact]
    public async Task Xarf_json_keeps_nested_values_flattened()
    {
        var json = await File.ReadAllBytesAsync(PathOf("xarf-spec-v4/v4/connection-ddos.json"), Ct);
        var (_, content) = await _kit.ReadAsync(MailWith(Mixed(Text("Report."), Attachment("application/json", "report.json", json))));
        var fields = content.Format!.Records[0].Fields;
        Assert.Equal("DDoS Protection Service", fields["reporter.org"]);
        Assert.Equal("attack:syn_flood", fields["tags[0]"]);
        Assert.Equal("250000", fields["peak_pps"]);
        Assert.Equal("true", fields["botnet_participation"]);
    }

    [Fact]
    public async Task Broken_json_gives_no_format_and_a_reason()
    {
        var json = await File.ReadAllBytesAsync(PathOf("xarf-python/invalid_json.json"), Ct);
        var (_, content) = await _kit.ReadAsync(MailWith(Mixed(Text("Report."), Attachment("application/json", "xarf.json", json))));
        Assert.Null(content.Format);
        Assert.Contains(content.Problems, p => p.StartsWith("A JSON part is not valid JSON:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_yaml_alias_bomb_is_not_expanded()
    {
        var yaml = new StringBuilder("---\nReport-Type: bomb\nSource: 192.0.2.9\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var i = 0; i < 9; i++)
        {
            var refs = string.Join(",", Enumerable.Repeat($"*{(char)('a' + i)}", 9));
            yaml.Append($"{(char)('b' + i)}: &{(char)('b' + i)} [{refs}]\n");
        }
        var message = MailWith(Mixed(Text("Human part."), new TextPart("plain") { Text = yaml.ToString(), FileName = "report.txt" }));
        message.Headers.Add("X-XARF", "PLAIN");

        var (_, content) = await _kit.ReadAsync(message);

        Assert.Equal("bomb", content.Format!.Subtype);
        var fields = content.Format.Records[0].Fields;
        Assert.Equal("192.0.2.9", fields["Source"]);
        Assert.True(fields.Count < 100);
    }

    // ---- Shadowserver CSV ----

    [Theory]
    [InlineData("2015-01-01-dns_openresolver-sample-asn.csv.zip.eml", "dns_openresolver", 5, "208.70.149.107")]
    [InlineData("2015-01-01-scan_redis-sample-asn.csv.zip.eml", "scan_redis", 13, "98.126.92.5")]
    [InlineData("2015-01-01-sinkhole_http_drone-sample-asn.csv.zip.eml", "sinkhole_http_drone", 8, "202.86.21.11")]
    [InlineData("2019-01-06-scan_afp-sample-ip.csv.zip.eml", "scan_afp", 2, "127.0.6.59")]
    [InlineData("2019-10-15-scan_http-sample-asn.csv.zip.eml", "scan_http", 1, "31.42.105.195")]
    public async Task Shadowserver_zipped_csv_gives_one_record_per_row(string file, string type, int rows, string firstIp)
    {
        var (_, content) = await _kit.ReadFileAsync($"abuseio/shadowserver/{file}");
        var format = content.Format;
        Assert.NotNull(format);
        Assert.Equal("shadowserver", format.Name);
        Assert.Equal(type, format.Subtype);
        Assert.Equal(rows, format.Records.Count);
        Assert.Equal(Enumerable.Range(1, rows), format.Records.Select(r => r.Index));
        Assert.Equal(firstIp, format.Records[0].Fields["ip"]);
        Assert.True(format.Records[0].Fields.ContainsKey("timestamp"));
        var zip = Assert.Single(content.Attachments);
        Assert.EndsWith(".csv", Assert.Single(zip.Entries!).Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shadowserver_csv_columns_are_all_kept()
    {
        var (_, content) = await _kit.ReadFileAsync("abuseio/shadowserver/2019-10-15-scan_http-sample-asn.csv.zip.eml");
        var row = content.Format!.Records[0].Fields;
        Assert.Equal("2019-10-15 00:02:15", row["timestamp"]);
        Assert.Equal("tcp", row["protocol"]);
        Assert.Equal("8080", row["port"]);
        Assert.Equal("http", row["tag"]);
    }

    [Theory]
    [InlineData("scan_rdp", "ip", "198.123.245.178")]
    [InlineData("scan_http", "ip", null)]
    [InlineData("event4_sinkhole_http", "src_ip", null)]
    [InlineData("compromised_website", "ip", null)]
    public async Task Shadowserver_csv_files_are_recognised_plain_zipped_and_gzipped(string report, string column, string? firstValue)
    {
        var csv = await File.ReadAllBytesAsync(PathOf($"shadowserver-csv/{report}.csv"), Ct);
        var name = $"2026-01-04-{report}-example-asn.csv";
        var rows = CountRows(csv);
        byte[] gz;
        using (var buffer = new MemoryStream())
        {
            using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(csv);
            }
            gz = buffer.ToArray();
        }
        var forms = new[]
        {
            Attachment("text/csv", name, csv),
            Attachment("application/octet-stream", name + ".zip", MailContentReaderTests.ZipWith((name, csv))),
            Attachment("application/gzip", name + ".gz", gz),
        };
        foreach (var attachment in forms)
        {
            var (_, content) = await _kit.ReadAsync(MailWith(Mixed(Text("Shadowserver report."), attachment), $"[CSIRT] Shadowserver {report} Report: 2026-01-04"));
            var format = content.Format;
            Assert.NotNull(format);
            Assert.Equal("shadowserver", format.Name);
            Assert.Equal(report, format.Subtype);
            Assert.Equal(rows, format.Records.Count);
            Assert.All(format.Records, r => Assert.False(string.IsNullOrEmpty(r.Fields[column])));
            if (firstValue is not null)
            {
                Assert.Equal(firstValue, format.Records[0].Fields[column]);
            }
        }
    }

    [Fact]
    public async Task The_report_type_comes_from_the_subject_when_the_file_name_has_none()
    {
        var csv = Encoding.ASCII.GetBytes("\"timestamp\",\"ip\",\"port\"\n\"2026-01-04 10:00:00\",\"192.0.2.10\",3389\n");
        var (_, content) = await _kit.ReadAsync(MailWith(Mixed(Text("Report."), Attachment("text/csv", "report.csv", csv)), "[SAMPLE] Shadowserver scan_rdp-sample Report: 2026-01-04"));
        Assert.Equal("scan_rdp", content.Format!.Subtype);
        Assert.Equal("192.0.2.10", content.Format.Records[0].Fields["ip"]);
    }

    [Fact]
    public async Task Shadowserver_rows_are_capped()
    {
        var csv = new StringBuilder("timestamp,ip,port\n");
        for (var i = 0; i < 100_005; i++)
        {
            csv.Append("2026-01-04 10:00:00,192.0.2.").Append(i % 250).Append(",22\n");
        }
        var (_, content) = await _kit.ReadAsync(MailWith(Mixed(Text("Big."), Attachment("text/csv", "2026-01-04-scan_ssh-big.csv", Encoding.ASCII.GetBytes(csv.ToString())))));
        Assert.Equal(100_000, content.Format!.Records.Count);
        Assert.Contains("The CSV has more than 100,000 rows; only the first 100,000 were read.", content.Format.Problems);
    }

    [Fact]
    public async Task A_csv_without_a_shadowserver_header_is_not_recognised()
    {
        var csv = Encoding.ASCII.GetBytes("name,amount\nalice,3\n");
        var (_, content) = await _kit.ReadAsync(MailWith(Mixed(Text("Invoice."), Attachment("text/csv", "invoice.csv", csv))));
        Assert.Null(content.Format);
    }

    [Fact]
    public async Task The_intelmq_shadowserver_mail_without_its_attachment_is_read_without_format()
    {
        // Its last Content-Type (text/plain) wins over the multipart one: the zip is not there.
        var (parsed, content) = await _kit.ReadFileAsync("intelmq-mail/fake_attachment.eml");
        Assert.Equal("[Austria] Shadowserver Austria Open MQTT Report: 2020-05-14", parsed.Message!.Subject);
        Assert.Null(content.Format);
        Assert.Empty(content.Attachments);
    }

    // ---- DSN (RFC 3464) ----

    [Fact]
    public async Task A_dsn_names_the_failed_recipient_and_the_bounced_message()
    {
        var dsn = await FormatOf("mimekit/messages/delivery-status.txt");
        Assert.Equal("dsn", dsn.Name);
        Assert.Equal("failed", dsn.Subtype);
        var record = Assert.Single(dsn.Records);
        Assert.Equal("RFC822; newsletter-request@imusic.com", record.Fields["Final-Recipient"]);
        Assert.Equal("failed", record.Fields["Action"]);
        Assert.Equal("X-LOCAL; 500 (err.nosuchuser)", record.Fields["Diagnostic-Code"]);
        Assert.Equal("dns; mm1", record.Fields["Reporting-MTA"]);
        Assert.Equal("31FC7EB4.41C6@netscape.com", dsn.OriginalMessageId);
    }

    [Fact]
    public async Task An_exim_dsn_gives_the_status()
    {
        var dsn = await FormatOf("mimekit/messages/delivery-status2.txt");
        Assert.Equal("failed", dsn.Subtype);
        var record = Assert.Single(dsn.Records);
        Assert.Equal("5.0.0", record.Fields["Status"]);
        Assert.Equal("rfc822;source@domain.com", record.Fields["Final-Recipient"]);
    }

    [Theory]
    [InlineData("mimekit/messages/delivery-status-no-blank-line.txt")]
    [InlineData("mimekit/messages/delivery-status-multiple-blank-lines.txt")]
    [InlineData("mimekit/messages/bounce.txt")]
    [InlineData("sisimai-bounces/bsd_lhost-postfix-01.eml")]
    [InlineData("sisimai-bounces/bsd_lhost-exchange2007-01.eml")]
    public async Task Dsn_variants_are_read(string file)
    {
        var dsn = await FormatOf(file);
        Assert.Equal("dsn", dsn.Name);
        Assert.NotEmpty(dsn.Records);
        Assert.All(dsn.Records, r => Assert.True(r.Fields.ContainsKey("Final-Recipient") || r.Fields.ContainsKey("Original-Recipient")));
        Assert.Equal("failed", dsn.Subtype);
    }

    [Theory]
    [InlineData("sisimai-bounces/bsd_rfc3464-01.eml")]
    [InlineData("sisimai-bounces/dos_rfc3464-01.eml")]
    [InlineData("sisimai-bounces/mac_rfc3464-01.eml")]
    public async Task A_dsn_is_the_same_whatever_the_line_endings(string file)
    {
        var dsn = await FormatOf(file);
        var reference = await FormatOf("sisimai-bounces/bsd_rfc3464-01.eml");
        Assert.Equal("dsn", dsn.Name);
        Assert.Equal(reference.Subtype, dsn.Subtype);
        Assert.Equal(reference.OriginalMessageId, dsn.OriginalMessageId);
        Assert.NotNull(dsn.OriginalMessageId);
        Assert.Equal(reference.Records.Select(r => r.Fields["Final-Recipient"]), dsn.Records.Select(r => r.Fields["Final-Recipient"]));
    }

    [Fact]
    public async Task A_relayed_dsn_has_subtype_relayed()
    {
        var dsn = await FormatOf("deltachat/dsn_relayed.eml");
        Assert.Equal("relayed", dsn.Subtype);
        Assert.NotNull(dsn.OriginalMessageId);
        Assert.DoesNotContain('<', dsn.OriginalMessageId);
    }

    [Fact]
    public async Task A_report_declared_as_dsn_without_status_is_flagged()
    {
        var dsn = await FormatOf("sisimai-bounces/bsd_lhost-office365-01.eml");
        Assert.Equal("dsn", dsn.Name);
        Assert.Null(dsn.Subtype);
        Assert.Empty(dsn.Records);
        Assert.Contains("The message says it is a delivery status notification but has no message/delivery-status part (RFC 3464 §2).", dsn.Problems);
    }

    [Theory]
    [InlineData("sisimai-bounces/bsd_lhost-gmail-01.eml")]
    [InlineData("sisimai-bounces/not_is-not-bounce-01.eml")]
    [InlineData("sisimai-bounces/not_is-not-bounce-02.eml")]
    public async Task Plain_text_bounces_and_ordinary_mail_are_not_dsn(string file)
    {
        var (_, content) = await _kit.ReadFileAsync(file);
        Assert.Null(content.Format);
    }

    private static int CountRows(byte[] csv)
    {
        using var reader = new StringReader(Encoding.UTF8.GetString(csv));
        using var parser = new CsvHelper.CsvParser(reader, System.Globalization.CultureInfo.InvariantCulture);
        var rows = -1;
        while (parser.Read())
        {
            rows++;
        }
        return rows;
    }
}
