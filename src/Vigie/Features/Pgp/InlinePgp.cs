using System.Text;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Vigie.Features.Pgp;

/// <summary>
/// Inline OpenPGP in a text/plain body: armored messages (<c>-----BEGIN PGP MESSAGE-----</c>, encrypted
/// or signed) and cleartext signatures (<c>-----BEGIN PGP SIGNED MESSAGE-----</c>, RFC 4880 §7). Each
/// block is replaced by its readable text; text around the blocks is kept.
/// </summary>
internal static class InlinePgp
{
    private const string MessageBegin = "-----BEGIN PGP MESSAGE-----";
    private const string MessageEnd = "-----END PGP MESSAGE-----";
    private const string SignedBegin = "-----BEGIN PGP SIGNED MESSAGE-----";
    private const string SignatureBegin = "-----BEGIN PGP SIGNATURE-----";
    private const string SignatureEnd = "-----END PGP SIGNATURE-----";

    /// <summary>One block's outcome.</summary>
    internal sealed record Block(bool Encrypted, string? DecryptionError, SignatureCheck Signature);

    public static bool HasBlock(string text) =>
        FindLineStart(text, MessageBegin, 0) >= 0 || FindLineStart(text, SignedBegin, 0) >= 0;

    /// <summary>The text with every block opened, and each block's outcome.</summary>
    /// <param name="text">The decoded text of the part.</param>
    /// <param name="encoding">The part's charset: clear-signed text is hashed in it (as the signer did).</param>
    /// <param name="open">Reads an armored OpenPGP message (decrypting it if needed).</param>
    /// <param name="verify">Checks signatures over content bytes.</param>
    public static (string Text, IReadOnlyList<Block> Blocks) Open(string text, Encoding encoding,
        Func<byte[], PgpMessage> open, Func<IReadOnlyList<PgpSignature>, byte[], SignatureCheck> verify)
    {
        var output = new StringBuilder(text.Length);
        var blocks = new List<Block>();
        var position = 0;
        while (true)
        {
            var message = FindLineStart(text, MessageBegin, position);
            var signed = FindLineStart(text, SignedBegin, position);
            var start = message < 0 ? signed : signed < 0 ? message : Math.Min(message, signed);
            if (start < 0)
            {
                break;
            }
            output.Append(text, position, start - position);
            int end;
            if (start == message)
            {
                end = EndOfLine(text, FindLineStart(text, MessageEnd, start));
                if (end < 0)
                {
                    blocks.Add(new Block(true, "The inline OpenPGP message has no END line: it is truncated.", SignatureCheck.NotSigned));
                    end = text.Length;
                    output.Append(text, start, end - start);
                }
                else
                {
                    var armored = Encoding.ASCII.GetBytes(text[start..end]);
                    var result = open(armored);
                    if (result.Ok)
                    {
                        output.Append(Decode(result.Content!, encoding));
                        blocks.Add(new Block(result.Encrypted, null, verify(result.Signatures, result.Content!)));
                    }
                    else
                    {
                        output.Append(text, start, end - start);
                        blocks.Add(new Block(result.Encrypted, result.Error, SignatureCheck.NotSigned));
                    }
                }
            }
            else
            {
                end = OpenClearSigned(text, start, encoding, verify, output, blocks);
            }
            position = end;
        }
        output.Append(text, position, text.Length - position);
        return (output.ToString(), blocks);
    }

    /// <summary>RFC 4880 §7: armor headers, a blank line, the dash-escaped text, then the armored signature.</summary>
    private static int OpenClearSigned(string text, int start, Encoding encoding,
        Func<IReadOnlyList<PgpSignature>, byte[], SignatureCheck> verify, StringBuilder output, List<Block> blocks)
    {
        var signatureStart = FindLineStart(text, SignatureBegin, start);
        var end = signatureStart < 0 ? -1 : EndOfLine(text, FindLineStart(text, SignatureEnd, signatureStart));
        if (end < 0)
        {
            blocks.Add(new Block(false, null, new SignatureCheck(SignatureOutcome.Bad, null, null,
                "The clear-signed text has no complete signature block: it is truncated.")));
            output.Append(text, start, text.Length - start);
            return text.Length;
        }

        // Skip the BEGIN line and the armor headers ("Hash: SHA256") up to the first empty line.
        var lines = text[start..signatureStart].Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var body = 1;
        while (body < lines.Count && lines[body].Length > 0)
        {
            body++;
        }
        body++;
        // The line break before the signature block belongs to the armor, not to the signed text.
        var signedLines = body < lines.Count ? lines[body..^1] : [];
        var readable = signedLines.Select(l => l.StartsWith("- ", StringComparison.Ordinal) ? l[2..] : l).ToList();
        // §7.1: trailing spaces and tabs are not signed, and lines end with CR LF.
        var canonical = string.Join("\r\n", readable.Select(l => l.TrimEnd(' ', '\t')));

        SignatureCheck check;
        try
        {
            var armoredSignature = Encoding.ASCII.GetBytes(text[signatureStart..end]);
            using var decoder = PgpUtilities.GetDecoderStream(new MemoryStream(armoredSignature));
            var factory = new PgpObjectFactory(decoder);
            var signatures = new List<PgpSignature>();
            while (factory.NextPgpObject() is { } obj)
            {
                if (obj is PgpSignatureList list)
                {
                    for (var i = 0; i < list.Count; i++)
                    {
                        signatures.Add(list[i]);
                    }
                }
            }
            check = signatures.Count == 0
                ? new SignatureCheck(SignatureOutcome.Bad, null, null, "The clear-signed text's signature block holds no signature.")
                : verify(signatures, encoding.GetBytes(canonical));
        }
        catch (Exception e) when (PgpMessageReader.IsBadData(e))
        {
            check = new SignatureCheck(SignatureOutcome.Bad, null, null, $"The clear-signed text's signature is damaged: {e.Message}");
        }
        output.Append(string.Join("\n", readable));
        if (end < text.Length || text.EndsWith('\n'))
        {
            output.Append('\n');
        }
        blocks.Add(new Block(false, null, check));
        return end;
    }

    private static string Decode(byte[] content, Encoding encoding)
    {
        // The literal data carries the sender's bytes; UTF-8 unless the part declared another charset.
        try
        {
            return new UTF8Encoding(false, true).GetString(content);
        }
        catch (DecoderFallbackException)
        {
            return encoding.GetString(content);
        }
    }

    /// <summary>Index of <paramref name="marker"/> at the start of a line, from <paramref name="from"/>, or -1.</summary>
    private static int FindLineStart(string text, string marker, int from)
    {
        while (from >= 0 && from < text.Length)
        {
            var index = text.IndexOf(marker, from, StringComparison.Ordinal);
            if (index < 0)
            {
                return -1;
            }
            if (index == 0 || text[index - 1] == '\n')
            {
                return index;
            }
            from = index + marker.Length;
        }
        return -1;
    }

    /// <summary>Index just past the line that starts at <paramref name="lineStart"/> (its line break included), or -1.</summary>
    private static int EndOfLine(string text, int lineStart)
    {
        if (lineStart < 0)
        {
            return -1;
        }
        var newline = text.IndexOf('\n', lineStart);
        return newline < 0 ? text.Length : newline + 1;
    }
}
