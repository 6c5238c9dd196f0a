using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Vigie.Features.Pgp;

/// <summary>
/// RSA signature verification through the platform (OpenSSL): about 0.05 ms for RSA-3072 where
/// BouncyCastle takes about 1 ms, on every signed inbound message. The OpenPGP framing stays
/// BouncyCastle's (RFC 4880 §5.2.4: the hash covers the content, then the signature's hashed trailer).
/// </summary>
internal static class PlatformRsa
{
    /// <summary>True with the verdict in <paramref name="valid"/> when the platform can check this signature; false to fall back to BouncyCastle.</summary>
    public static bool TryVerify(PgpSignature signature, PgpPublicKey key, byte[] content, out bool valid)
    {
        valid = false;
        if (key.Algorithm is not (PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaSign)
            || signature.KeyAlgorithm is not (PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaSign)
            || signature.Version != 4
            || signature.SignatureType is not (PgpSignature.BinaryDocument or PgpSignature.CanonicalTextDocument)
            || HashName(signature.HashAlgorithm) is not { } hashName
            || key.PublicKeyPacket.Key is not RsaPublicBcpgKey rsaKey)
        {
            return false;
        }

        using var hash = IncrementalHash.CreateHash(hashName);
        if (signature.SignatureType == PgpSignature.CanonicalTextDocument)
        {
            AppendCanonical(hash, content);
        }
        else
        {
            hash.AppendData(content);
        }
        hash.AppendData(signature.GetSignatureTrailer());
        var digest = hash.GetHashAndReset();

        var modulus = rsaKey.Modulus.ToByteArrayUnsigned();
        var value = signature.GetSignature();
        if (value.Length > modulus.Length)
        {
            return true; // not a valid signature for this key
        }
        var padded = new byte[modulus.Length];
        value.CopyTo(padded, modulus.Length - value.Length);
        using var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters { Modulus = modulus, Exponent = rsaKey.PublicExponent.ToByteArrayUnsigned() });
        valid = rsa.VerifyHash(digest, padded, hashName, RSASignaturePadding.Pkcs1);
        return true;
    }

    private static HashAlgorithmName? HashName(HashAlgorithmTag tag) => tag switch
    {
        HashAlgorithmTag.Sha1 => HashAlgorithmName.SHA1,
        HashAlgorithmTag.Sha256 => HashAlgorithmName.SHA256,
        HashAlgorithmTag.Sha384 => HashAlgorithmName.SHA384,
        HashAlgorithmTag.Sha512 => HashAlgorithmName.SHA512,
        _ => null,
    };

    /// <summary>
    /// RFC 4880 §5.2.1 signature type 0x01: line endings are hashed as CR LF. As in GnuPG, a line ends at
    /// LF; an LF without CR before it gets one, and a CR elsewhere is content.
    /// </summary>
    private static void AppendCanonical(IncrementalHash hash, byte[] content)
    {
        ReadOnlySpan<byte> crlf = [(byte)'\r', (byte)'\n'];
        var start = 0;
        for (var i = 0; i < content.Length; i++)
        {
            if (content[i] != '\n' || (i > 0 && content[i - 1] == '\r'))
            {
                continue;
            }
            hash.AppendData(content.AsSpan(start, i - start));
            hash.AppendData(crlf);
            start = i + 1;
        }
        hash.AppendData(content.AsSpan(start));
    }
}
