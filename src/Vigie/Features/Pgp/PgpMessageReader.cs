using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Vigie.Features.Pgp;

/// <summary>An OpenPGP message read: the literal content and the signatures over it (not yet checked), or why it failed.</summary>
internal sealed record PgpMessage(bool Encrypted, byte[]? Content, IReadOnlyList<PgpSignature> Signatures, string? Error)
{
    public bool Ok => Error is null && Content is not null;

    public static PgpMessage Failed(bool encrypted, string error) => new(encrypted, null, [], error);
}

/// <summary>
/// Reads an OpenPGP message (RFC 4880 §11.3), armored or binary: decrypts it with the team's unlocked
/// keys if it is encrypted, unwraps compression, and returns the literal data with its signatures.
/// RSA session keys are decrypted by the platform (see <see cref="UnlockedKey.RsaDecryptPkcs1"/>) and the
/// integrity-protected data (§5.13) by the code below; other key types (Cv25519/ECDH, ElGamal) go
/// through BouncyCastle with the cached private key. Never throws for bad input: the failure is the result.
/// </summary>
internal static class PgpMessageReader
{
    private const int MdcLength = 22; // packet 19: 0xD3 0x14 + SHA-1 (RFC 4880 §5.14)

    public static PgpMessage Read(byte[] message, KeyringSnapshot keys, int maxBytes, bool assumeEncrypted)
    {
        byte[] binary;
        try
        {
            using var decoder = PgpUtilities.GetDecoderStream(new MemoryStream(message));
            using var buffer = new MemoryStream();
            decoder.CopyTo(buffer);
            binary = buffer.ToArray();
        }
        catch (Exception e) when (IsBadData(e))
        {
            return PgpMessage.Failed(assumeEncrypted, $"The OpenPGP data is damaged: {e.Message}");
        }

        try
        {
            return ReadPackets(binary, keys, maxBytes, assumeEncrypted);
        }
        catch (Exception e) when (IsBadData(e))
        {
            return PgpMessage.Failed(assumeEncrypted, $"The OpenPGP data is damaged: {e.Message}");
        }
    }

    private static PgpMessage ReadPackets(byte[] binary, KeyringSnapshot keys, int maxBytes, bool assumeEncrypted)
    {
        var input = new BcpgInputStream(new MemoryStream(binary));
        var sessions = new List<PublicKeyEncSessionPacket>();
        var passwordOnly = false;
        while (true)
        {
            var tag = input.SkipMarkerPackets();
            switch (tag)
            {
                case PacketTag.PublicKeyEncryptedSession:
                    sessions.Add((PublicKeyEncSessionPacket)input.ReadPacket());
                    break;
                case PacketTag.SymmetricKeyEncryptedSessionKey:
                    input.ReadPacket();
                    passwordOnly = true;
                    break;
                case PacketTag.SymmetricEncryptedIntegrityProtected:
                    return Decrypt(binary, sessions, passwordOnly, (SymmetricEncIntegrityPacket)input.ReadPacket(), keys, maxBytes);
                case PacketTag.SymmetricKeyEncrypted:
                    return PgpMessage.Failed(true, "The message is encrypted without integrity protection (no modification "
                        + "detection code, RFC 4880 §5.7), so it could have been altered; Vigie refuses it. Ask the sender for a current OpenPGP program.");
                case PacketTag.AeadEncData:
                    return PgpMessage.Failed(true, "The message uses AEAD encryption (OpenPGP v5/v6), which Vigie cannot read yet.");
                default:
                    if (sessions.Count > 0 || passwordOnly)
                    {
                        return PgpMessage.Failed(true, "The encrypted message holds no encrypted data.");
                    }
                    // Not encrypted: a signed (or plain literal) message, e.g. an inline "BEGIN PGP MESSAGE" made by gpg --sign.
                    var plain = Unwrap(new MemoryStream(binary), maxBytes, encrypted: false);
                    return assumeEncrypted && plain.Ok ? plain with { Encrypted = false } : plain;
            }
        }
    }

    private static PgpMessage Decrypt(byte[] binary, List<PublicKeyEncSessionPacket> sessions, bool passwordOnly,
        SymmetricEncIntegrityPacket data, KeyringSnapshot keys, int maxBytes)
    {
        // A recipient key id of 0 is a hidden recipient (gpg --throw-keyids): any of our keys may fit.
        var candidates = new List<(PublicKeyEncSessionPacket Session, UnlockedKey Key)>();
        foreach (var session in sessions)
        {
            if (session.KeyId == 0)
            {
                candidates.AddRange(keys.Unlocked.Values.Select(k => (session, k)));
            }
            else if (keys.Unlocked.TryGetValue(session.KeyId, out var key))
            {
                candidates.Add((session, key));
            }
        }
        if (candidates.Count == 0)
        {
            if (sessions.Select(s => s.KeyId).FirstOrDefault(keys.Locked.ContainsKey) is var lockedId and not 0)
            {
                return PgpMessage.Failed(true, keys.Locked[lockedId]);
            }
            if (sessions.Count == 0)
            {
                return PgpMessage.Failed(true, passwordOnly
                    ? "The message is encrypted with a password, not to the team's key: Vigie cannot decrypt it."
                    : "The encrypted message names no recipient key.");
            }
            var recipients = string.Join(", ", sessions.Select(s => Recipient(s.KeyId, keys)));
            return PgpMessage.Failed(true, $"No secret key for key id {recipients}: the message is not encrypted to a key of the team.");
        }

        string? lastError = null;
        foreach (var (session, key) in candidates)
        {
            var result = key.IsRsa && session.Algorithm is PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaEncrypt
                ? DecryptWithRsa(session, key, data, maxBytes)
                : DecryptWithBouncyCastle(binary, session, key, maxBytes);
            if (result.Ok || session.KeyId != 0)
            {
                return result;
            }
            lastError = result.Error;
        }
        return PgpMessage.Failed(true, lastError ?? "None of the team's keys decrypts the message.");
    }

    private static string Recipient(long keyId, KeyringSnapshot keys) =>
        keys.FindRing(keyId) is { } ring ? $"0x{KeyFacts.KeyId(keyId)} ({ring.GetPublicKey().GetUserIds().FirstOrDefault()})" : $"0x{KeyFacts.KeyId(keyId)}";

    private static PgpMessage DecryptWithRsa(PublicKeyEncSessionPacket session, UnlockedKey key, SymmetricEncIntegrityPacket data, int maxBytes)
    {
        // RFC 4880 §5.1: one MPI, m^e mod n, whose PKCS#1 v1.5 payload is: algorithm, session key, two-octet checksum.
        var mpi = session.GetEncSessionKey()[0];
        var value = mpi.AsSpan(2);
        var modulus = key.RsaModulusBytes;
        if (value.Length > modulus)
        {
            return PgpMessage.Failed(true, "The encrypted session key is longer than the key's modulus: the message is damaged.");
        }
        var block = new byte[modulus];
        value.CopyTo(block.AsSpan(modulus - value.Length));
        byte[] info;
        try
        {
            info = key.RsaDecryptPkcs1(block);
        }
        catch (CryptographicException)
        {
            return PgpMessage.Failed(true, $"The session key does not decrypt with the team's key 0x{KeyFacts.KeyId(key.KeyId)}: the message is damaged.");
        }
        if (info.Length < 4)
        {
            return PgpMessage.Failed(true, "The decrypted session key is too short: the message is damaged.");
        }
        var algorithm = (SymmetricKeyAlgorithmTag)info[0];
        var sessionKey = info.AsSpan(1, info.Length - 3);
        var sum = 0;
        foreach (var b in sessionKey)
        {
            sum += b;
        }
        if ((sum & 0xFFFF) != ((info[^2] << 8) | info[^1]))
        {
            return PgpMessage.Failed(true, "The session key checksum is wrong: the message is damaged.");
        }

        string cipherName;
        try
        {
            cipherName = PgpUtilities.GetSymmetricCipherName(algorithm);
            if (cipherName is null || PgpUtilities.GetKeySize(algorithm) / 8 != sessionKey.Length)
            {
                return PgpMessage.Failed(true, $"The session key does not fit its cipher ({algorithm}): the message is damaged.");
            }
        }
        catch (PgpException)
        {
            return PgpMessage.Failed(true, $"The message is encrypted with an unknown cipher (algorithm {info[0]}).");
        }

        // §5.13: CFB with a zero IV over a random prefix (block size + 2 octets, the last two repeating
        // the two before them), the content, and the MDC packet over prefix and content.
        var cipher = CipherUtilities.GetCipher(cipherName + "/CFB/NoPadding");
        var blockSize = cipher.GetBlockSize();
        cipher.Init(false, new ParametersWithIV(PgpUtilities.MakeKey(algorithm, sessionKey.ToArray()), new byte[blockSize]));
        var encrypted = data.GetInputStream().ReadAll();
        if (encrypted.Length > (long)maxBytes * 2)
        {
            return PgpMessage.Failed(true, $"The encrypted content is larger than {maxBytes / (1024 * 1024)} MB.");
        }
        var plain = cipher.DoFinal(encrypted);
        if (plain.Length < blockSize + 2 + MdcLength)
        {
            return PgpMessage.Failed(true, "The encrypted content is truncated.");
        }
        if (plain[blockSize - 2] != plain[blockSize] || plain[blockSize - 1] != plain[blockSize + 1])
        {
            return PgpMessage.Failed(true, "The session key does not decrypt the content: the message is damaged.");
        }
        var mdcStart = plain.Length - MdcLength;
        var expected = SHA1.HashData(plain.AsSpan(0, mdcStart + 2));
        if (plain[mdcStart] != 0xD3 || plain[mdcStart + 1] != 0x14 || !CryptographicOperations.FixedTimeEquals(expected, plain.AsSpan(mdcStart + 2)))
        {
            return PgpMessage.Failed(true, "The message was modified after it was encrypted: the integrity check (MDC) failed.");
        }
        return Unwrap(new MemoryStream(plain, blockSize + 2, mdcStart - blockSize - 2), maxBytes, encrypted: true);
    }

    private static PgpMessage DecryptWithBouncyCastle(byte[] binary, PublicKeyEncSessionPacket session, UnlockedKey key, int maxBytes)
    {
        var factory = new PgpObjectFactory(new MemoryStream(binary));
        var list = Enumerate(factory).OfType<PgpEncryptedDataList>().FirstOrDefault();
        var encrypted = list?.GetEncryptedDataObjects().OfType<PgpPublicKeyEncryptedData>()
            .FirstOrDefault(d => d.KeyId == session.KeyId);
        if (encrypted is null)
        {
            return PgpMessage.Failed(true, "The encrypted message holds no encrypted data.");
        }
        if (!encrypted.IsIntegrityProtected())
        {
            return PgpMessage.Failed(true, "The message is encrypted without integrity protection; Vigie refuses it.");
        }
        byte[] packets;
        try
        {
            using var clear = encrypted.GetDataStream(key.Private);
            using var buffer = new MemoryStream();
            clear.CopyTo(buffer);
            packets = buffer.ToArray();
        }
        catch (PgpException e)
        {
            return PgpMessage.Failed(true, $"The session key does not decrypt with the team's key 0x{KeyFacts.KeyId(key.KeyId)}: {e.Message}");
        }
        if (!encrypted.Verify())
        {
            return PgpMessage.Failed(true, "The message was modified after it was encrypted: the integrity check (MDC) failed.");
        }
        return Unwrap(new MemoryStream(packets), maxBytes, encrypted: true);
    }

    /// <summary>Compressed data (one level), one literal data packet, signatures (one-pass or not).</summary>
    private static PgpMessage Unwrap(Stream packets, int maxBytes, bool encrypted)
    {
        var factory = new PgpObjectFactory(packets);
        var signatures = new List<PgpSignature>();
        byte[]? content = null;
        var decompressed = false;
        while (factory.NextPgpObject() is { } obj)
        {
            switch (obj)
            {
                case PgpCompressedData compressed:
                    if (decompressed)
                    {
                        return PgpMessage.Failed(encrypted, "The message nests compressed data inside compressed data; Vigie refuses it.");
                    }
                    decompressed = true;
                    factory = new PgpObjectFactory(compressed.GetDataStream());
                    break;
                case PgpLiteralData literal:
                    if (content is not null)
                    {
                        return PgpMessage.Failed(encrypted, "The message holds more than one literal data packet.");
                    }
                    content = ReadLimited(literal.GetInputStream(), maxBytes);
                    if (content is null)
                    {
                        return PgpMessage.Failed(encrypted, $"The content is larger than {maxBytes / (1024 * 1024)} MB once decompressed; Vigie stopped reading it.");
                    }
                    break;
                case PgpSignatureList list:
                    for (var i = 0; i < list.Count; i++)
                    {
                        signatures.Add(list[i]);
                    }
                    break;
                case PgpEncryptedDataList:
                    return PgpMessage.Failed(encrypted, "The message is encrypted twice; Vigie reads one layer only.");
                default:
                    // One-pass signature headers and markers: the trailing signature packets are what gets checked.
                    break;
            }
        }
        return content is null
            ? PgpMessage.Failed(encrypted, "The OpenPGP message holds no content (no literal data packet).")
            : new PgpMessage(encrypted, content, signatures, null);
    }

    private static IEnumerable<object> Enumerate(PgpObjectFactory factory)
    {
        while (factory.NextPgpObject() is { } obj)
        {
            yield return obj;
        }
    }

    private static byte[]? ReadLimited(Stream stream, int maxBytes)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>What BouncyCastle throws on malformed input (no crash of the worker, a readable failure instead).</summary>
    internal static bool IsBadData(Exception e) => e is IOException or PgpException or ArgumentException or InvalidOperationException
        or NotSupportedException or IndexOutOfRangeException or OverflowException or InvalidCastException or FormatException
        or Org.BouncyCastle.Crypto.CryptoException or Org.BouncyCastle.Security.SecurityUtilityException;
}
