using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;
using Vigie.Data;
using Vigie.Features.Intake.Parsing;

namespace Vigie.Tests.Intake.Parsing;

/// <summary>A real blob store in a temporary directory, the reader over it, and the test mail files.</summary>
public sealed class MailTestKit : IDisposable
{
    public MailTestKit()
    {
        DataDirectory = Directory.CreateTempSubdirectory("vigie-parse-").FullName;
        Blobs = new BlobStore(Options.Create(new VigieOptions { DataDirectory = DataDirectory }));
        Reader = new MailContentReader(Blobs, NullLogger<MailContentReader>.Instance);
    }

    public string DataDirectory { get; }

    public BlobStore Blobs { get; }

    public MailContentReader Reader { get; }

    public static string MailDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "TestData", "mail");

    public static string PathOf(string relative) => Path.Combine(MailDirectory, relative);

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<ParsedMessage> LoadAsync(byte[] raw) => await MailParsing.LoadAsync(new MemoryStream(raw), Ct);

    public static async Task<ParsedMessage> LoadFileAsync(string relative)
    {
        await using var file = File.OpenRead(PathOf(relative));
        return await MailParsing.LoadAsync(file, Ct);
    }

    public async Task<(ParsedMessage Parsed, MailContent Content)> ReadFileAsync(string relative)
    {
        var parsed = await LoadFileAsync(relative);
        Assert.NotNull(parsed.Message);
        return (parsed, await Reader.ReadAsync(parsed.Message, parsed.Message.Body!, Ct));
    }

    public async Task<(ParsedMessage Parsed, MailContent Content)> ReadAsync(byte[] raw)
    {
        var parsed = await LoadAsync(raw);
        Assert.NotNull(parsed.Message);
        return (parsed, await Reader.ReadAsync(parsed.Message, parsed.Message.Body!, Ct));
    }

    public async Task<(ParsedMessage Parsed, MailContent Content)> ReadAsync(MimeMessage message) => await ReadAsync(Bytes(message));

    public static byte[] Bytes(MimeMessage message)
    {
        using var buffer = new MemoryStream();
        message.WriteTo(FormatOptions.Default, buffer);
        return buffer.ToArray();
    }

    /// <summary>A plausible report mail: From, To, Subject, Date, Message-ID, and the given body.</summary>
    public static MimeMessage MailWith(MimeEntity body, string subject = "Report")
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Reporter", "reporter@reports.example"));
        message.To.Add(new MailboxAddress("CSIRT", "cert@csirt.example"));
        message.Subject = subject;
        message.Date = new DateTimeOffset(2026, 1, 5, 9, 30, 0, TimeSpan.Zero);
        message.MessageId = "test-1@reports.example";
        message.Body = body;
        return message;
    }

    public static MimePart Attachment(string mimeType, string fileName, byte[] content) => new(mimeType)
    {
        Content = new MimeContent(new MemoryStream(content)),
        ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
        ContentTransferEncoding = ContentEncoding.Base64,
        FileName = fileName,
    };

    public static Multipart Mixed(params MimeEntity[] parts)
    {
        var mixed = new Multipart("mixed");
        foreach (var part in parts)
        {
            mixed.Add(part);
        }
        return mixed;
    }

    public static TextPart Text(string text) => new("plain") { Text = text };

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text.ReplaceLineEndings("\r\n"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }
}
