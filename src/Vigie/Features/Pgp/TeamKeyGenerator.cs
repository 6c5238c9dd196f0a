using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Vigie.Features.Pgp;

/// <summary>
/// Creates the team's OpenPGP key (<c>vigie pgp init-team-key</c>): an RSA-3072 primary key that certifies and
/// signs (the RFC 2350 document, security.txt, answers) and an RSA-3072 subkey that encrypts (reports sent to
/// the team), both protected by the passphrase with AES-256 under an iterated and salted SHA-256 S2K
/// (RFC 9580 §3.7.1.3, §5.5.3, usage 254: SHA-1 integrity check of the secret material, as gpg writes it).
/// Self-signatures use SHA-512 and state the preferences gpg expects (AES, SHA-2, MDC).
/// </summary>
public static class TeamKeyGenerator
{
    /// <summary>
    /// S2K iteration count, coded (RFC 9580 §3.7.1.3): 0xF0 = 16 × 2^21 = 32 MiB hashed per unlock, about what
    /// gpg calibrates to on a current machine. Vigie unlocks the key once per process.
    /// </summary>
    internal const byte S2kCount = 0xF0;

    private const int RsaBits = 3072;

    /// <summary>The generated key: the armored secret key ring (for <see cref="PgpKeyring.Import"/>) and its facts.</summary>
    public sealed record Generated(string ArmoredSecretKey, string Fingerprint, string KeyId, string UserId, DateTimeOffset Created, DateTimeOffset? Expires);

    /// <param name="userId">e.g. <c>CSIRT Team &lt;cert@example.org&gt;</c>.</param>
    /// <param name="created">Creation time (the injected clock's now).</param>
    /// <param name="validFor">Validity of both keys from <paramref name="created"/>, or null for no expiry.</param>
    /// <param name="passphrase">Protects the secret keys (UTF-8, as gpg reads it).</param>
    public static Generated Generate(string userId, DateTimeOffset created, TimeSpan? validFor, ReadOnlySpan<char> passphrase)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        if (passphrase.IsEmpty)
        {
            throw new ArgumentException("The team key must be protected by a passphrase.", nameof(passphrase));
        }
        var random = new SecureRandom();
        // OpenPGP times are whole seconds.
        var time = DateTimeOffset.FromUnixTimeSeconds(created.ToUnixTimeSeconds()).UtcDateTime;
        var primary = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, NewRsa(), time);
        var subkey = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, NewRsa(), time);
        var seconds = validFor is { } v ? (long)Math.Ceiling(v.TotalSeconds) : 0;

        var primaryPackets = new PgpSignatureSubpacketGenerator();
        primaryPackets.SetKeyFlags(false, PgpKeyFlags.CanCertify | PgpKeyFlags.CanSign);
        primaryPackets.SetPreferredSymmetricAlgorithms(false,
            [(int)SymmetricKeyAlgorithmTag.Aes256, (int)SymmetricKeyAlgorithmTag.Aes192, (int)SymmetricKeyAlgorithmTag.Aes128]);
        primaryPackets.SetPreferredHashAlgorithms(false,
            [(int)HashAlgorithmTag.Sha512, (int)HashAlgorithmTag.Sha384, (int)HashAlgorithmTag.Sha256]);
        primaryPackets.SetPreferredCompressionAlgorithms(false,
            [(int)CompressionAlgorithmTag.ZLib, (int)CompressionAlgorithmTag.BZip2, (int)CompressionAlgorithmTag.Zip, (int)CompressionAlgorithmTag.Uncompressed]);
        primaryPackets.SetFeature(false, Org.BouncyCastle.Bcpg.Sig.Features.FEATURE_MODIFICATION_DETECTION);
        primaryPackets.SetIssuerFingerprint(false, primary.PublicKey);
        primaryPackets.SetPrimaryUserId(false, true);
        if (seconds > 0)
        {
            primaryPackets.SetKeyExpirationTime(false, seconds);
        }
        var subkeyPackets = new PgpSignatureSubpacketGenerator();
        subkeyPackets.SetKeyFlags(false, PgpKeyFlags.CanEncryptCommunications | PgpKeyFlags.CanEncryptStorage);
        subkeyPackets.SetIssuerFingerprint(false, primary.PublicKey);
        if (seconds > 0)
        {
            subkeyPackets.SetKeyExpirationTime(false, seconds);
        }

        // BouncyCastle protects secret keys with a SHA-1 S2K of 65,536 bytes only: generate them unprotected,
        // then protect each secret packet here with SHA-256 and a gpg-like count.
        var generator = new PgpKeyRingGenerator(PgpSignature.PositiveCertification, primary, userId, SymmetricKeyAlgorithmTag.Null,
            HashAlgorithmTag.Sha512, utf8PassPhrase: true, passPhrase: [], useSha1: true, primaryPackets.Generate(), null, random);
        generator.AddSubKey(subkey, subkeyPackets.Generate(), null, HashAlgorithmTag.Sha512);
        var publicRing = generator.GeneratePublicKeyRing();

        var passphraseBytes = Encoding.UTF8.GetBytes(passphrase.ToArray());
        try
        {
            var secretRing = Protect(publicRing, new Dictionary<long, AsymmetricKeyParameter>
            {
                [primary.KeyId] = primary.PrivateKey.Key,
                [subkey.KeyId] = subkey.PrivateKey.Key,
            }, passphraseBytes, random);
            using var buffer = new MemoryStream();
            using (var armored = TeamSigner.NewArmor(buffer))
            {
                secretRing.Encode(armored);
            }
            var key = publicRing.GetPublicKey();
            return new Generated(
                Encoding.ASCII.GetString(buffer.ToArray()).Replace("\r\n", "\n", StringComparison.Ordinal),
                KeyFacts.Fingerprint(key),
                KeyFacts.KeyId(key.KeyId),
                userId,
                KeyFacts.Created(key),
                KeyFacts.Expires(key));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passphraseBytes);
        }
    }

    /// <summary>An RSA key pair from the platform (OpenSSL): its generation is much faster than BouncyCastle's.</summary>
    private static AsymmetricCipherKeyPair NewRsa()
    {
        using var rsa = RSA.Create(RsaBits);
        return DotNetUtilities.GetRsaKeyPair(rsa.ExportParameters(includePrivateParameters: true));
    }

    /// <summary>
    /// The secret key ring: each public key packet of <paramref name="publicRing"/> replaced by a secret key packet
    /// (RFC 9580 §5.5.3) holding its private MPIs, encrypted; user ids and signatures kept as they are.
    /// </summary>
    private static PgpSecretKeyRing Protect(PgpPublicKeyRing publicRing, Dictionary<long, AsymmetricKeyParameter> privateKeys, byte[] passphrase, SecureRandom random)
    {
        using var output = new MemoryStream();
        using (var packets = new BcpgOutputStream(output))
        {
            var primary = publicRing.GetPublicKey();
            Secret(primary.PublicKeyPacket, isSubkey: false).Encode(packets);
            foreach (var userId in primary.GetUserIds())
            {
                new UserIdPacket(userId).Encode(packets);
                foreach (var signature in primary.GetSignaturesForId(userId))
                {
                    signature.Encode(packets);
                }
            }
            foreach (var sub in publicRing.GetPublicKeys().Where(k => !k.IsMasterKey))
            {
                Secret(sub.PublicKeyPacket, isSubkey: true).Encode(packets);
                foreach (var signature in sub.GetSignatures())
                {
                    signature.Encode(packets);
                }
            }
        }
        return new PgpSecretKeyRing(output.ToArray());

        SecretKeyPacket Secret(PublicKeyPacket pub, bool isSubkey)
        {
            var keyId = new PgpPublicKey(pub).KeyId;
            var rsa = (RsaPrivateCrtKeyParameters)privateKeys[keyId];
            var material = new RsaSecretBcpgKey(rsa.Exponent, rsa.P, rsa.Q).GetEncoded();
            // s2k usage 254: the cleartext is the MPIs followed by their SHA-1 (RFC 9580 §5.5.3).
            var cleartext = material.Concat(SHA1.HashData(material)).ToArray();
            var s2k = new S2k(HashAlgorithmTag.Sha256, SecureRandom.GetNextBytes(random, 8), S2kCount);
            var key = PgpUtilities.MakeKeyFromPassPhraseRaw(SymmetricKeyAlgorithmTag.Aes256, s2k, passphrase);
            var iv = SecureRandom.GetNextBytes(random, 16);
            var cipher = CipherUtilities.GetCipher("AES/CFB/NoPadding");
            cipher.Init(true, new ParametersWithIV(key, iv));
            var encrypted = cipher.DoFinal(cleartext);
            CryptographicOperations.ZeroMemory(cleartext);
            return isSubkey
                ? new SecretSubkeyPacket(pub, SymmetricKeyAlgorithmTag.Aes256, SecretKeyPacket.UsageSha1, s2k, iv, encrypted)
                : new SecretKeyPacket(pub, SymmetricKeyAlgorithmTag.Aes256, SecretKeyPacket.UsageSha1, s2k, iv, encrypted);
        }
    }
}
