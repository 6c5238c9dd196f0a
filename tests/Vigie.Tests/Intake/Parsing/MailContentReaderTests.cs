using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using MimeKit;
using Vigie.Features.Intake.Parsing;
using static Vigie.Tests.Intake.Parsing.MailTestKit;

namespace Vigie.Tests.Intake.Parsing;

/// <summary>MailContentReader: text, sanitised HTML, attachments in a real blob store, archive listings.</summary>
// The zip-bomb test measures the process's allocations, so nothing else may run beside it.
[Collection(nameof(Vigie.Tests.Infrastructure.AllocationMeasuring))]
public sealed class MailContentReaderTests : IDisposable
{
    private readonly MailTestKit _kit = new();

    public void Dispose() => _kit.Dispose();

    [Fact]
    public async Task Html_is_sanitised_and_its_text_kept_with_link_targets()
    {
        var html = new TextPart("html")
        {
            Text = """
                <html><head><title>Invoice</title><style>p { color: red }</style></head>
                <body><p>Dear customer,</p><script>alert('xss')</script>
                <p>Please <a href="https://login.phish.example/verify">click here</a> to confirm.</p>
                <form action="https://collect.phish.example/"><label>Password</label><input name="pw"></form>
                <img src="https://tracker.example/open.gif" alt="pixel"><img src="cid:logo@x" alt="logo">
                <div style="background-image: url(https://tracker.example/bg.png)">Thanks</div>
                <p onclick="steal()">Team</p></body></html>
                """,
        };

        var (_, content) = await _kit.ReadAsync(MailWith(html));

        Assert.NotNull(content.SanitizedHtml);
        Assert.DoesNotContain("<script", content.SanitizedHtml, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("alert(", content.SanitizedHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("tracker.example", content.SanitizedHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", content.SanitizedHtml, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<input", content.SanitizedHtml, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onclick", content.SanitizedHtml, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("src=\"cid:logo@x\"", content.SanitizedHtml, StringComparison.Ordinal);
        Assert.Contains("href=\"https://login.phish.example/verify\"", content.SanitizedHtml, StringComparison.Ordinal);

        Assert.Contains("Dear customer,", content.Text, StringComparison.Ordinal);
        Assert.Contains("Please click here <https://login.phish.example/verify> to confirm.", content.Text, StringComparison.Ordinal);
        Assert.Contains("Password", content.Text, StringComparison.Ordinal);
        Assert.Contains("Thanks", content.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("alert", content.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("color: red", content.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Invoice", content.Text, StringComparison.Ordinal);
        Assert.Empty(content.Attachments);
    }

    [Theory]
    [InlineData("<div>", 2_000, "An HTML body nests elements deeper than 512 levels; only its text is shown.")]
    [InlineData("<p>x", 20_000, "An HTML body has more than 10,000 elements; only its text is shown.")]
    public async Task Html_too_deep_or_too_large_for_the_dom_is_read_as_text(string tag, int count, string problem)
    {
        // AngleSharp slows down sharply on such trees; the tokenizer reads them in linear time.
        var html = new TextPart("html") { Text = $"<style>p {{ }}</style>{string.Concat(Enumerable.Repeat(tag, count))}report 192.0.2.77<script>x()</script>" };

        var (_, content) = await _kit.ReadAsync(MailWith(html));

        Assert.Null(content.SanitizedHtml);
        Assert.EndsWith("report 192.0.2.77", content.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("x()", content.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("p {", content.Text, StringComparison.Ordinal);
        Assert.Contains(problem, content.Problems);
    }

    [Fact]
    public async Task Plain_text_is_preferred_in_an_alternative_and_html_still_sanitised()
    {
        var alternative = new MultipartAlternative
        {
            Text("The plain version: 203.0.113.5"),
            new TextPart("html") { Text = "<p>The <b>HTML</b> version</p>" },
        };
        var (_, content) = await _kit.ReadAsync(MailWith(alternative));
        Assert.Equal("The plain version: 203.0.113.5", content.Text);
        Assert.Equal("<p>The <b>HTML</b> version</p>", content.SanitizedHtml);
    }

    [Fact]
    public async Task Windows_1252_html_is_decoded()
    {
        var raw = new List<byte>(Ascii("From: a@reports.example\nTo: cert@csirt.example\nDate: Mon, 5 Jan 2026 09:00:00 +0000\nMessage-ID: <cp@x>\nSubject: cp1252\nMIME-Version: 1.0\nContent-Type: text/html; charset=windows-1252\nContent-Transfer-Encoding: 8bit\n\n<p>Caf"));
        raw.AddRange([0xE9, (byte)' ', 0xE4, 0xF6, 0xFC, (byte)' ', 0x80, (byte)' ', 0x93, (byte)'q', 0x94]);
        raw.AddRange(Ascii("</p>\n"));

        var (_, content) = await _kit.ReadAsync([.. raw]);

        Assert.Equal("Café äöü € \u201Cq\u201D", content.Text);
        Assert.Contains("Café äöü €", content.SanitizedHtml, StringComparison.Ordinal);
        Assert.Empty(content.Problems);
    }

    [Fact]
    public async Task Windows_1252_plain_text_is_decoded()
    {
        var (_, content) = await _kit.ReadFileAsync("deltachat/cp1252-html.eml");
        Assert.StartsWith("foo bar ä ö ü ß", content.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Iso_2022_jp_text_is_decoded()
    {
        var (_, content) = await _kit.ReadFileAsync("mimekit/messages/japanese.txt");
        Assert.Contains("日本語が\n正常に\n送れているか\nテスト.", content.Text, StringComparison.Ordinal);
        Assert.Empty(content.Problems);
    }

    [Fact]
    public async Task Koi8_r_text_is_decoded_and_tnef_read()
    {
        var (_, content) = await _kit.ReadFileAsync("mimekit/tnef/ukr.eml");
        Assert.StartsWith("шостий", content.Text, StringComparison.Ordinal);
        Assert.Contains(content.Attachments, a => a.FileName == "winmail.dat" && a.ContentType == "application/ms-tnef" && a.Sha256 is not null);
    }

    [Fact]
    public async Task Text_keeps_no_nul_bytes()
    {
        var (parsed, content) = await _kit.ReadAsync(Ascii("From: a@reports.example\nTo: cert@csirt.example\nDate: Mon, 5 Jan 2026 09:00:00 +0000\nMessage-ID: <n@x>\nSubject: nul\n\nbefore\0after 198.51.100.7\n"));
        Assert.Contains("The message contains NUL bytes.", parsed.Problems);
        Assert.Equal("beforeafter 198.51.100.7", content.Text);
    }

    [Fact]
    public async Task A_zip_attachment_is_stored_by_hash_and_listed()
    {
        var (_, content) = await _kit.ReadFileAsync("intelmq-mail/foobarzip.eml");

        var zip = Assert.Single(content.Attachments);
        var expected = FoobarZip();
        Assert.Equal("foobar.zip", zip.FileName);
        Assert.Equal("application/zip", zip.ContentType);
        Assert.Equal(expected.Length, zip.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(expected)), zip.Sha256);
        Assert.Null(zip.Problem);
        Assert.Equal([new ArchiveEntry("foobar", 9, 9, 1)], zip.Entries);
        await using var stored = _kit.Blobs.OpenRead(zip.Sha256!);
        using var copy = new MemoryStream();
        await stored.CopyToAsync(copy, Ct);
        Assert.Equal(expected, copy.ToArray());
        Assert.Equal("Please look at the attachment", content.Text);
    }

    [Fact]
    public async Task An_embedded_message_is_stored_whole_and_its_text_read()
    {
        var (_, content) = await _kit.ReadFileAsync("mimekit/messages/simple-embedded-message.eml");
        var embedded = Assert.Single(content.Attachments);
        Assert.Equal("message/rfc822", embedded.ContentType);
        Assert.NotNull(embedded.Sha256);
        Assert.Equal(
            "This is the message body.\n\n--- Attached message ---\nFrom: mimekit@example.com\nTo: mimekit@example.com\nSubject: embedded message\nDate: Tue, 12 Nov 2013 09:12:42 -0500\n\nThis is the embedded message body.",
            content.Text);
    }

    [Theory]
    [InlineData("deltachat/attach_filename_apostrophed_cp1252.eml", "Auftragsbestätigung.pdf")]
    [InlineData("deltachat/attach_filename_apostrophed_windows1251.eml", "программирование.HTM")]
    [InlineData("deltachat/attach_filename_encoded_words_windows1251.eml", "file Что нового 2020.pdf")]
    [InlineData("deltachat/pdf_filename_continuation.eml", "test pdf äöüß.pdf")]
    public async Task Attachment_names_are_decoded(string file, string name)
    {
        var (_, content) = await _kit.ReadFileAsync(file);
        var attachment = Assert.Single(content.Attachments);
        Assert.Equal(name, attachment.FileName);
        Assert.True(_kit.Blobs.Exists(attachment.Sha256!));
    }

    [Theory]
    [InlineData("one-file")]
    [InlineData("two-files")]
    [InlineData("unicode-mapi-attr")]
    [InlineData("body")]
    [InlineData("rtf")]
    [InlineData("garbage-at-end")]
    public async Task Tnef_contents_are_extracted_like_attachments(string sample)
    {
        var tnef = await File.ReadAllBytesAsync(PathOf($"mimekit/tnef/{sample}.tnef"), Ct);
        var expected = (await File.ReadAllLinesAsync(PathOf($"mimekit/tnef/{sample}.list"), Ct)).Where(l => l.Length > 0).ToList();

        var (_, content) = await _kit.ReadAsync(MailWith(Mixed(Text("See the attached files."), Attachment("application/ms-tnef", "winmail.dat", tnef))));

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(tnef)), content.Attachments[0].Sha256);
        var extracted = content.Attachments.Skip(1).ToList();
        foreach (var name in expected)
        {
            switch (name)
            {
                case "body.html":
                    // The TNEF body (MAPI PR_HTML) becomes the HTML body of the report.
                    Assert.NotNull(content.SanitizedHtml);
                    break;
                case "body.rtf":
                    Assert.Contains(extracted, a => a.ContentType == "text/rtf" && a.Sha256 is not null);
                    break;
                default:
                    var file = Assert.Single(extracted, a => a.FileName == name);
                    var bytes = await File.ReadAllBytesAsync(PathOf($"mimekit/tnef/{sample}/{name}"), Ct);
                    Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), file.Sha256);
                    Assert.Equal(bytes.Length, file.Size);
                    break;
            }
        }
        Assert.Equal(expected.Count(n => !n.StartsWith("body.", StringComparison.Ordinal)), extracted.Count(a => a.FileName is not null));
    }

    [Fact]
    public async Task A_zip_bomb_is_listed_flagged_and_not_extracted()
    {
        // 200 MB of zeros deflate to about 200 KB: written through the entry stream, never held.
        var bomb = Zip(("2026-01-04-scan_rdp-bomb-asn.csv", 200L * 1024 * 1024));
        Assert.True(bomb.Length < 1024 * 1024);
        var raw = Bytes(MailWith(Mixed(Text("Report attached."), Attachment("application/zip", "2026-01-04-scan_rdp-bomb-asn.csv.zip", bomb))));

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var (_, content) = await _kit.ReadAsync(raw);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        var zip = Assert.Single(content.Attachments);
        Assert.NotNull(zip.Sha256);
        Assert.StartsWith("Possible zip bomb:", zip.Problem, StringComparison.Ordinal);
        var entry = Assert.Single(zip.Entries!);
        Assert.Equal(200L * 1024 * 1024, entry.Size);
        Assert.True(entry.CompressedSize < 1024 * 1024);
        Assert.Null(content.Format);
        Assert.Contains("\"2026-01-04-scan_rdp-bomb-asn.csv\" looks like a zip bomb; it was not decompressed.", content.Problems);
        Assert.True(allocated < 64L * 1024 * 1024, $"Reading the bomb allocated {allocated:N0} bytes.");
    }

    [Fact]
    public async Task A_gzip_bomb_is_flagged()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            WriteZeros(gzip, 150L * 1024 * 1024);
        }
        var (_, content) = await _kit.ReadAsync(MailWith(Mixed(Text("Logs."), Attachment("application/gzip", "access.log.gz", buffer.ToArray()))));

        var gz = Assert.Single(content.Attachments);
        Assert.StartsWith("Possible zip bomb:", gz.Problem, StringComparison.Ordinal);
        Assert.Equal([new ArchiveEntry("access.log", 150L * 1024 * 1024, buffer.Length, 1)], gz.Entries);
    }

    [Fact]
    public async Task Nested_archives_are_listed_two_levels_deep()
    {
        var innermost = Zip(("deep.txt", 10));
        var inner = ZipWith(("a.txt", new byte[100]), ("b/c.txt", new byte[200]), ("innermost.zip", innermost));
        var outer = ZipWith(("notes.txt", Encoding.ASCII.GetBytes("hello")), ("inner.zip", inner));

        var (_, content) = await _kit.ReadAsync(MailWith(Mixed(Text("Sample."), Attachment("application/zip", "sample.zip", outer))));

        var zip = Assert.Single(content.Attachments);
        Assert.Null(zip.Problem);
        Assert.Equal(
            ["1 notes.txt 5", "1 inner.zip " + inner.Length, "2 a.txt 100", "2 b/c.txt 200", "2 innermost.zip " + innermost.Length],
            zip.Entries!.Select(e => $"{e.Depth} {e.Path} {e.Size}"));
    }

    [Fact]
    public async Task A_tar_gz_is_listed_and_a_7z_is_named_unlisted()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (var (name, size) in new[] { ("logs/auth.log", 1234), ("logs/web/access.log", 99) })
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(new byte[size]) };
                tar.WriteEntry(entry);
            }
        }
        byte[] sevenZip = [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C, 0, 4, 1, 2, 3, 4];

        var (_, content) = await _kit.ReadAsync(MailWith(Mixed(Text("Logs."),
            Attachment("application/octet-stream", "logs.tgz", buffer.ToArray()),
            Attachment("application/octet-stream", "payload.7z", sevenZip))));

        Assert.Equal([new ArchiveEntry("logs/auth.log", 1234, -1, 1), new ArchiveEntry("logs/web/access.log", 99, -1, 1)], content.Attachments[0].Entries);
        Assert.Null(content.Attachments[1].Entries);
        Assert.Equal("7-Zip archives are not listed: its content is unknown.", content.Attachments[1].Problem);
    }

    [Fact]
    public async Task A_30_MB_attachment_is_measured_flagged_and_not_stored()
    {
        var big = new byte[30 * 1024 * 1024];
        new Random(42).NextBytes(big);

        var (_, content) = await _kit.ReadAsync(MailWith(Mixed(Text("Memory dump attached."), Attachment("application/octet-stream", "memory.dmp", big))));

        var dump = Assert.Single(content.Attachments);
        Assert.Equal("memory.dmp", dump.FileName);
        Assert.Equal(big.Length, dump.Size);
        Assert.Null(dump.Sha256);
        Assert.Equal("The attachment is 30 MB, over the limit of 25 MB; it was not stored.", dump.Problem);
        Assert.False(_kit.Blobs.Exists(Convert.ToHexStringLower(SHA256.HashData(big))));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_kit.DataDirectory, "blobs", "tmp")));
        Assert.Equal("Memory dump attached.", content.Text);
    }

    [Fact]
    public async Task A_cut_depth_bomb_is_stored_as_one_part()
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

        var (_, content) = await _kit.ReadAsync(Ascii(raw.ToString()));

        var opaque = Assert.Single(content.Attachments);
        Assert.Equal("multipart/mixed", opaque.ContentType);
        Assert.NotNull(opaque.Sha256);
    }

    private static byte[] FoobarZip()
    {
        var lines = File.ReadAllLines(PathOf("intelmq-mail/foobarzip.eml"));
        var start = Array.FindIndex(lines, l => l.StartsWith("UEsDB", StringComparison.Ordinal));
        return Convert.FromBase64String(string.Concat(lines.Skip(start).TakeWhile(l => !l.StartsWith("--", StringComparison.Ordinal))));
    }

    internal static byte[] Zip(params (string Name, long Zeros)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, zeros) in entries)
            {
                using var stream = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
                WriteZeros(stream, zeros);
            }
        }
        return buffer.ToArray();
    }

    internal static byte[] ZipWith(params (string Name, byte[] Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                using var stream = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
                stream.Write(bytes);
            }
        }
        return buffer.ToArray();
    }

    private static void WriteZeros(Stream stream, long count)
    {
        var zeros = new byte[1024 * 1024];
        for (var left = count; left > 0; left -= zeros.Length)
        {
            stream.Write(zeros, 0, (int)Math.Min(zeros.Length, left));
        }
    }
}
