using System.Text;
using MimeKit;
using Vigie.Features.Intake.Parsing;
using static Vigie.Tests.Intake.Parsing.MailTestKit;

namespace Vigie.Tests.Intake.Parsing;

/// <summary>MailParsing.LoadAsync on real and hostile bytes: it parses what can be parsed and says what was wrong.</summary>
public sealed class MailParsingTests
{
    [Fact]
    public void Options_set_explicit_limits()
    {
        var options = MailParsing.Options;
        Assert.Equal(16, options.MaxMimeDepth);
        Assert.Equal(RfcComplianceMode.Loose, options.Rfc2047ComplianceMode);
        Assert.Equal(RfcComplianceMode.Loose, options.ParameterComplianceMode);
        Assert.False(options.RespectContentLength);
        Assert.Equal(1252, options.CharsetEncoding.CodePage);
    }

    [Fact]
    public async Task Zero_bytes_give_no_message_and_a_reason()
    {
        var parsed = await LoadAsync([]);
        Assert.Null(parsed.Message);
        Assert.Equal(["The message is empty (0 bytes)."], parsed.Problems);
    }

    [Fact]
    public async Task Text_that_is_not_a_message_gives_no_message_and_a_reason()
    {
        var parsed = await LoadFileAsync("mimekit/LICENSE");
        Assert.Null(parsed.Message);
        var problem = Assert.Single(parsed.Problems);
        Assert.StartsWith("The input is not a readable e-mail message:", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clean_message_has_no_problems()
    {
        var parsed = await LoadFileAsync("mimekit/messages/japanese.txt");
        Assert.NotNull(parsed.Message);
        Assert.Empty(parsed.Problems);
        // ISO-2022-JP encoded words (RFC 2047, RFC 1468) come from the code-pages provider.
        Assert.Equal("日本語メールテスト (testing Japanese emails)", parsed.Message.Subject);
    }

    [Fact]
    public async Task Nul_bytes_are_flagged()
    {
        var parsed = await LoadAsync(Ascii("From: a@reports.example\nTo: cert@csirt.example\nDate: Mon, 5 Jan 2026 09:00:00 +0000\nMessage-ID: <n@x>\nSubject: nul\n\nbefore\0after\n"));
        Assert.NotNull(parsed.Message);
        Assert.Contains("The message contains NUL bytes.", parsed.Problems);
    }

    [Fact]
    public async Task Missing_headers_are_flagged()
    {
        var parsed = await LoadAsync(Ascii("Subject: nothing else\n\nbody\n"));
        Assert.NotNull(parsed.Message);
        Assert.Contains("The message has no From header.", parsed.Problems);
        Assert.Contains("The message has no Date header.", parsed.Problems);
        Assert.Contains("The message has no Message-ID header.", parsed.Problems);
    }

    [Fact]
    public async Task A_200_level_multipart_nesting_is_cut_at_the_limit()
    {
        var raw = new StringBuilder("From: a@reports.example\nDate: Mon, 5 Jan 2026 09:00:00 +0000\nMessage-ID: <deep@x>\nMIME-Version: 1.0\n");
        for (var i = 0; i < 200; i++)
        {
            raw.Append($"Content-Type: multipart/mixed; boundary=\"b{i}\"\n\n--b{i}\n");
        }
        raw.Append("Content-Type: text/plain\n\ninnermost\n");
        for (var i = 199; i >= 0; i--)
        {
            raw.Append($"--b{i}--\n");
        }

        var parsed = await LoadAsync(Ascii(raw.ToString()));

        Assert.NotNull(parsed.Message);
        Assert.Contains(parsed.Problems, p => p.StartsWith("MIME nesting deeper than 16 levels was cut", StringComparison.Ordinal));
        Assert.True(Depth(parsed.Message.Body) <= MailParsing.Options.MaxMimeDepth + 1);
    }

    [Fact]
    public async Task Ten_thousand_recipients_are_flagged()
    {
        var to = string.Join(",\n ", Enumerable.Range(0, 10_000).Select(i => $"user{i}@victims.example"));
        var parsed = await LoadAsync(Ascii($"From: a@reports.example\nTo: {to}\nDate: Mon, 5 Jan 2026 09:00:00 +0000\nMessage-ID: <many@x>\nSubject: hi\n\nbody\n"));

        Assert.NotNull(parsed.Message);
        Assert.Equal(10_000, parsed.Message.To.Count);
        Assert.Contains("The message lists 10,000 recipients (To, Cc, Bcc): a mass mailing or an attack on mail parsers.", parsed.Problems);
        Assert.Contains(parsed.Problems, p => p.StartsWith("A header block is", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_MimeKit_stack_overflow_header_is_parsed_and_flagged()
    {
        // 136 KB To: header of thousands of folded encoded-words (a parser DoS regression test).
        var parsed = await LoadFileAsync("mimekit/messages/stack-overflow.txt");
        Assert.NotNull(parsed.Message);
        Assert.Contains(parsed.Problems, p => p.StartsWith("A header block is 13", StringComparison.Ordinal));
        Assert.Equal("Message Subject", parsed.Message.Subject);
    }

    [Fact]
    public async Task Bare_CR_line_endings_are_read_as_line_breaks()
    {
        var cr = await LoadFileAsync("sisimai-arf/cr/arf-01.eml");
        var lf = await LoadFileAsync("sisimai-arf/lf/arf-01.eml");
        Assert.NotNull(cr.Message);
        Assert.NotNull(lf.Message);
        Assert.Contains("The message uses bare CR line endings (old Mac style); they were read as line breaks.", cr.Problems);
        Assert.Equal(lf.Message.Subject, cr.Message.Subject);
        Assert.Equal(lf.Message.From.ToString(), cr.Message.From.ToString());
        Assert.Equal("multipart/report", cr.Message.Body?.ContentType.MimeType);
    }

    [Fact]
    public async Task A_multipart_without_its_closing_boundary_is_flagged()
    {
        var parsed = await LoadFileAsync("mimekit/dkim/multipart-no-end-boundary.msg");
        Assert.NotNull(parsed.Message);
        Assert.Contains("The multipart/alternative body ends without its closing boundary: the message may be truncated.", parsed.Problems);

        var complete = await LoadFileAsync("mimekit/messages/epilogue.txt");
        Assert.DoesNotContain(complete.Problems, p => p.Contains("closing boundary", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_empty_multipart_is_flagged()
    {
        var parsed = await LoadFileAsync("mimekit/messages/empty-multipart.txt");
        Assert.NotNull(parsed.Message);
        Assert.Contains(parsed.Problems, p => p.EndsWith("part has no parts (missing or wrong boundary).", StringComparison.Ordinal));
    }

    private static int Depth(MimeEntity? entity) => entity switch
    {
        Multipart multipart => 1 + multipart.Select(Depth).DefaultIfEmpty(0).Max(),
        MessagePart { Message.Body: { } body } => 1 + Depth(body),
        null => 0,
        _ => 1,
    };
}
