using System.Collections.Concurrent;
using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;

namespace Vigie.Features.Pgp;

/// <summary>
/// One secret (sub)key, unlocked once with the passphrase: the S2K key derivation (hundreds of
/// milliseconds by design) then never runs again while the keyring stays loaded. Immutable, shared
/// by every worker.
/// </summary>
internal sealed class UnlockedKey
{
    private readonly ConcurrentBag<RSA> _rsa = [];
    private readonly RSAParameters? _rsaParameters;

    public UnlockedKey(PgpSecretKey unprotected, PgpPrivateKey privateKey)
    {
        Unprotected = unprotected;
        Private = privateKey;
        Fingerprint = Convert.ToHexString(unprotected.PublicKey.GetFingerprint());
        if (privateKey.Key is RsaPrivateCrtKeyParameters rsa)
        {
            _rsaParameters = ToParameters(rsa);
        }
    }

    public long KeyId => Private.KeyId;

    public string Fingerprint { get; }

    /// <summary>The secret key re-wrapped without a passphrase, in memory only, for MimeKit's signing path.</summary>
    public PgpSecretKey Unprotected { get; }

    public PgpPrivateKey Private { get; }

    public bool IsRsa => _rsaParameters is not null;

    /// <summary>
    /// RSA private-key operation through the platform (OpenSSL): about 2 ms for RSA-3072 where
    /// BouncyCastle's managed big integers take about 25 ms. Instances are pooled, one per concurrent caller.
    /// </summary>
    public byte[] RsaDecryptPkcs1(byte[] data)
    {
        if (!_rsa.TryTake(out var rsa))
        {
            rsa = RSA.Create();
            rsa.ImportParameters(_rsaParameters!.Value);
        }
        try
        {
            return rsa.Decrypt(data, RSAEncryptionPadding.Pkcs1);
        }
        finally
        {
            _rsa.Add(rsa);
        }
    }

    public int RsaModulusBytes => _rsaParameters?.Modulus!.Length ?? 0;

    private static RSAParameters ToParameters(RsaPrivateCrtKeyParameters k)
    {
        var n = (k.Modulus.BitLength + 7) / 8;
        var half = (n + 1) / 2;
        return new RSAParameters
        {
            Modulus = Unsigned(k.Modulus, n),
            Exponent = k.PublicExponent.ToByteArrayUnsigned(),
            D = Unsigned(k.Exponent, n),
            P = Unsigned(k.P, half),
            Q = Unsigned(k.Q, half),
            DP = Unsigned(k.DP, half),
            DQ = Unsigned(k.DQ, half),
            InverseQ = Unsigned(k.QInv, half),
        };
    }

    private static byte[] Unsigned(BigInteger value, int length)
    {
        var bytes = value.ToByteArrayUnsigned();
        if (bytes.Length == length)
        {
            return bytes;
        }
        var padded = new byte[length];
        bytes.CopyTo(padded, length - bytes.Length);
        return padded;
    }
}

/// <summary>The files a snapshot was loaded from, to notice an import made by another process (the CLI).</summary>
internal readonly record struct KeyringStamp(long PublicLength, DateTime PublicWritten, long SecretLength, DateTime SecretWritten)
{
    public static KeyringStamp Of(string publicPath, string secretPath)
    {
        var pub = new FileInfo(publicPath);
        var sec = new FileInfo(secretPath);
        return new KeyringStamp(
            pub.Exists ? pub.Length : -1, pub.Exists ? pub.LastWriteTimeUtc : default,
            sec.Exists ? sec.Length : -1, sec.Exists ? sec.LastWriteTimeUtc : default);
    }
}

/// <summary>
/// An immutable view of the keyring. Imports build a new snapshot and swap it in, so readers never
/// lock and never see a half-imported key.
/// </summary>
internal sealed class KeyringSnapshot
{
    private readonly Lazy<(IReadOnlyDictionary<long, UnlockedKey> Unlocked, IReadOnlyDictionary<long, string> Locked)> _secrets;

    /// <param name="publicRings">Every public ring.</param>
    /// <param name="secretRings">The team's secret rings, as stored.</param>
    /// <param name="unlock">Unlocks the secret keys, on first need only: listing keys or importing a
    /// contact's key never runs the (slow) key derivation, nor needs the passphrase.</param>
    /// <param name="stamp">The files this snapshot was read from.</param>
    public KeyringSnapshot(
        PgpPublicKeyRingBundle publicRings,
        PgpSecretKeyRingBundle secretRings,
        Func<(IReadOnlyDictionary<long, UnlockedKey> Unlocked, IReadOnlyDictionary<long, string> Locked)> unlock,
        KeyringStamp stamp)
    {
        Public = publicRings;
        Secret = secretRings;
        _secrets = new(unlock, LazyThreadSafetyMode.ExecutionAndPublication);
        Stamp = stamp;
        var secretPrimaries = secretRings.GetKeyRings().Select(r => r.GetPublicKey().KeyId).ToHashSet();
        Keys = [.. publicRings.GetKeyRings().Select(r => KeyFacts.Describe(r, secretPrimaries.Contains(r.GetPublicKey().KeyId)))];
    }

    public static KeyringSnapshot Empty(KeyringStamp stamp) => new(
        new PgpPublicKeyRingBundle(Array.Empty<PgpPublicKeyRing>()), new PgpSecretKeyRingBundle(Array.Empty<PgpSecretKeyRing>()),
        () => (new Dictionary<long, UnlockedKey>(), new Dictionary<long, string>()), stamp);

    /// <summary>Every public key ring: contacts' keys and the public halves of the team's keys.</summary>
    public PgpPublicKeyRingBundle Public { get; }

    /// <summary>The team's secret key rings, as stored (passphrase-protected).</summary>
    public PgpSecretKeyRingBundle Secret { get; }

    /// <summary>Secret (sub)keys by key id, unlocked.</summary>
    public IReadOnlyDictionary<long, UnlockedKey> Unlocked => _secrets.Value.Unlocked;

    /// <summary>Secret (sub)keys that could not be unlocked, by key id, with the reason (never the passphrase).</summary>
    public IReadOnlyDictionary<long, string> Locked => _secrets.Value.Locked;

    public KeyringStamp Stamp { get; }

    public IReadOnlyList<PgpKeyInfo> Keys { get; }

    /// <summary>The public ring holding this (sub)key id, if the ring knows it.</summary>
    public PgpPublicKeyRing? FindRing(long keyId) => Public.GetPublicKeyRing(keyId);

    /// <summary>Public rings with a user id for this (normalised) address, newest first.</summary>
    public IEnumerable<PgpPublicKeyRing> RingsFor(string normalizedEmail) => Public.GetKeyRings()
        .Where(r => KeyFacts.HasEmail(r.GetPublicKey(), normalizedEmail))
        .OrderByDescending(r => r.GetPublicKey().CreationTime);

    /// <summary>
    /// The team's signing key: an unlocked, usable signing (sub)key of a secret ring whose user ids
    /// include <paramref name="teamEmail"/>, else of the first secret ring that has one.
    /// </summary>
    public (PgpSecretKeyRing Ring, UnlockedKey Key)? FindSigningKey(string? teamEmail, DateTimeOffset now)
    {
        (PgpSecretKeyRing, UnlockedKey)? Signer(PgpSecretKeyRing ring)
        {
            var primary = ring.GetPublicKey();
            if (!KeyFacts.IsValid(primary, now))
            {
                return null;
            }
            var key = ring.GetSecretKeys()
                .Where(k => KeyFacts.CanSign(k.PublicKey) && KeyFacts.IsValid(k.PublicKey, now) && Unlocked.ContainsKey(k.KeyId))
                .OrderByDescending(k => k.PublicKey.CreationTime)
                .FirstOrDefault();
            return key is null ? null : (ring, Unlocked[key.KeyId]);
        }

        var rings = Secret.GetKeyRings().ToList();
        if (teamEmail is not null)
        {
            foreach (var ring in rings.Where(r => KeyFacts.HasEmail(r.GetPublicKey(), teamEmail)))
            {
                if (Signer(ring) is { } found)
                {
                    return found;
                }
            }
        }
        return rings.Select(Signer).FirstOrDefault(s => s is not null);
    }
}
