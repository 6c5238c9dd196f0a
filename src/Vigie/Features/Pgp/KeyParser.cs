using System.Text;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Vigie.Features.Pgp;

/// <summary>Reads OpenPGP keys (armored blocks, several per file allowed, or binary) without importing them.</summary>
internal static class KeyParser
{
    private const string BeginMarker = "-----BEGIN PGP ";

    public sealed record Parsed(IReadOnlyList<PgpPublicKeyRing> Public, IReadOnlyList<PgpSecretKeyRing> Secret);

    /// <summary>Parses every key in <paramref name="data"/>; throws <see cref="PgpImportException"/> when none is found or the data is broken.</summary>
    public static Parsed Parse(byte[] data)
    {
        var pubs = new List<PgpPublicKeyRing>();
        var secs = new List<PgpSecretKeyRing>();
        foreach (var block in Blocks(data))
        {
            try
            {
                using var decoder = PgpUtilities.GetDecoderStream(new MemoryStream(block));
                var factory = new PgpObjectFactory(decoder);
                while (factory.NextPgpObject() is { } obj)
                {
                    switch (obj)
                    {
                        case PgpPublicKeyRing pub:
                            pubs.Add(pub);
                            break;
                        case PgpSecretKeyRing sec:
                            secs.Add(sec);
                            break;
                        default:
                            // Signatures (e.g. a detached revocation), markers: not keys, nothing to import.
                            break;
                    }
                }
            }
            catch (Exception e) when (e is IOException or PgpException or ArgumentException or InvalidOperationException
                                          or NotSupportedException or IndexOutOfRangeException or OverflowException)
            {
                throw new PgpImportException($"The input is not a valid OpenPGP key: {e.Message}", e);
            }
        }
        if (pubs.Count == 0 && secs.Count == 0)
        {
            throw new PgpImportException(
                "No OpenPGP key found in the input: expected an armored '-----BEGIN PGP PUBLIC KEY BLOCK-----' "
                + "(or PRIVATE KEY BLOCK for a team key), as written by 'gpg --armor --export'.");
        }
        return new Parsed(pubs, secs);
    }

    /// <summary>The public half of a secret ring (the public keys with their user ids and signatures).</summary>
    public static PgpPublicKeyRing PublicRing(PgpSecretKeyRing secret)
    {
        using var buffer = new MemoryStream();
        foreach (var key in secret.GetPublicKeys())
        {
            key.Encode(buffer);
        }
        return new PgpPublicKeyRing(buffer.ToArray());
    }

    /// <summary>Each armored block (BEGIN to END line) on its own; the whole input if it has none (binary keys).</summary>
    private static IEnumerable<byte[]> Blocks(byte[] data)
    {
        // Latin-1 maps bytes one to one, so indexes in the string are indexes in the bytes.
        var text = Encoding.Latin1.GetString(data);
        var start = text.IndexOf(BeginMarker, StringComparison.Ordinal);
        if (start < 0)
        {
            yield return data;
            yield break;
        }
        while (start >= 0)
        {
            var end = text.IndexOf("-----END PGP ", start, StringComparison.Ordinal);
            var endOfLine = end < 0 ? -1 : text.IndexOf('\n', end);
            var stop = end < 0 ? text.Length : endOfLine < 0 ? text.Length : endOfLine + 1;
            yield return data[start..stop];
            start = text.IndexOf(BeginMarker, stop, StringComparison.Ordinal);
        }
    }
}
