using System.Globalization;
using System.Text;
using MimeKit;

namespace Vigie.Features.Intake.Parsing;

/// <summary>
/// Turns the raw bytes of an inbound message (hostile input) into a MimeKit tree with explicit
/// limits, and says in plain sentences what was wrong with it.
/// </summary>
public static class MailParsing
{
    /// <summary>
    /// MimeKit parser options used for every inbound message:
    /// <list type="bullet">
    /// <item><c>MaxMimeDepth</c> = <see cref="ParsingLimits.MaxMimeDepth"/>: deeper multiparts and embedded
    /// messages are kept as one opaque part (a MIME depth bomb costs nothing more), and flagged.</item>
    /// <item>Address, parameter and RFC 2047 compliance <c>Loose</c>: real mail breaks these rules daily
    /// (unquoted commas in names, bare addresses without a domain, encoded words glued to text, RFC 2231
    /// parameters with a wrong charset); loose parsing keeps what can be read instead of failing.</item>
    /// <item><c>MaxAddressGroupDepth</c> 3: RFC 5322 groups cannot nest at all; a little leeway, no recursion bomb.</item>
    /// <item><c>RespectContentLength</c> false: a Content-Length header is attacker-controlled; MIME
    /// boundaries decide where parts end (it only matters for mbox anyway).</item>
    /// <item><c>CharsetEncoding</c> windows-1252: the fallback for undeclared 8-bit header bytes that are not
    /// valid UTF-8 (MimeKit tries UTF-8 first); it is the most common legacy charset and maps every byte.</item>
    /// </list>
    /// There is no header size option in MimeKit: header blocks are measured while parsing and a block
    /// over <see cref="ParsingLimits.MaxHeaderBlockBytes"/> is flagged.
    /// </summary>
    public static ParserOptions Options { get; } = CreateOptions();

    private static ParserOptions CreateOptions()
    {
        EnsureEncodings();
        return new ParserOptions
        {
            MaxMimeDepth = ParsingLimits.MaxMimeDepth,
            AddressParserComplianceMode = RfcComplianceMode.Loose,
            ParameterComplianceMode = RfcComplianceMode.Loose,
            Rfc2047ComplianceMode = RfcComplianceMode.Loose,
            AllowUnquotedCommasInAddresses = true,
            AllowAddressesWithoutDomain = true,
            MaxAddressGroupDepth = 3,
            RespectContentLength = false,
            CharsetEncoding = Encoding.GetEncoding(1252),
        };
    }

    /// <summary>
    /// Legacy charsets (windows-1252, ISO-2022-JP, KOI8-R…) come from the code-pages provider, which
    /// .NET does not register by default; MimeKit's TNEF reader fails for good (type initialiser) if
    /// it is missing on first use. Idempotent; the host should also call it at start-up.
    /// </summary>
    public static void EnsureEncodings() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>
    /// Parses raw bytes. Never throws for bad input: <see cref="ParsedMessage.Message"/> is null and
    /// the reason is in <see cref="ParsedMessage.Problems"/> when it cannot be parsed at all (0 bytes,
    /// no header block…); on success the problems list readable anomalies (missing From, cut MIME depth,
    /// NUL bytes, truncated multiparts, oversized headers). Only cancellation and I/O errors of
    /// <paramref name="raw"/> itself are thrown. The stream is read to its end and not disposed.
    /// </summary>
    public static async Task<ParsedMessage> LoadAsync(Stream raw, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var problems = new List<string>();
        var input = new InspectingStream(raw);
        var headerSizes = new HeaderSizeWatch();
        MimeMessage message;
        try
        {
            var parser = new MimeParser(Options, input, MimeFormat.Entity, persistent: false);
            parser.MimeMessageEnd += headerSizes.OnMessageEnd;
            parser.MimeEntityEnd += headerSizes.OnEntityEnd;
            message = await parser.ParseMessageAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not (OutOfMemoryException or IOException or UnauthorizedAccessException or ObjectDisposedException))
        {
            // MimeKit throws FormatException for input that is not a message; anything else it throws
            // on hostile bytes is a parser bug we must survive the same way. I/O failures of the
            // source stream are not about the message: they go to the caller, who can retry.
            problems.Add(input.BytesRead == 0
                ? "The message is empty (0 bytes)."
                : $"The input is not a readable e-mail message: {e.Message}");
            AddStreamProblems(input, problems);
            return new ParsedMessage(null, problems);
        }

        AddStreamProblems(input, problems);
        if (input.BytesRead > ParsingLimits.LargeMessageBytes)
        {
            problems.Add($"The message is {Megabytes(input.BytesRead)}, over the usual limit of {Megabytes(ParsingLimits.LargeMessageBytes)}.");
        }
        if (headerSizes.Largest > ParsingLimits.MaxHeaderBlockBytes)
        {
            problems.Add($"A header block is {Kilobytes(headerSizes.Largest)} long (over {Kilobytes(ParsingLimits.MaxHeaderBlockBytes)}): crafted or mangled headers.");
        }
        MessageChecks.Inspect(message, input.Tail, problems);
        return new ParsedMessage(message, problems);
    }

    private static void AddStreamProblems(InspectingStream input, List<string> problems)
    {
        if (input.HasNul)
        {
            problems.Add("The message contains NUL bytes.");
        }
        if (input.BareCr)
        {
            problems.Add("The message uses bare CR line endings (old Mac style); they were read as line breaks.");
        }
    }

    internal static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB");

    internal static string Count(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    internal static string Kilobytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB");

    /// <summary>Measures header blocks from the parser's offsets (MimeKit has no header size limit of its own).</summary>
    private sealed class HeaderSizeWatch
    {
        public long Largest { get; private set; }

        public void OnMessageEnd(object? sender, MimeMessageEndEventArgs e) => Note(e.HeadersEndOffset - e.BeginOffset);

        public void OnEntityEnd(object? sender, MimeEntityEndEventArgs e) => Note(e.HeadersEndOffset - e.BeginOffset);

        private void Note(long size) => Largest = Math.Max(Largest, size);
    }
}

/// <summary>The parsed message (null when the bytes are not a message at all) and what was wrong with it.</summary>
public sealed record ParsedMessage(MimeMessage? Message, IReadOnlyList<string> Problems);
