using System.Text;
using System.Text.RegularExpressions;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Vigie.Core;

namespace Vigie.Features.Pgp;

/// <summary>Reads capabilities, validity and addresses out of BouncyCastle key objects.</summary>
internal static partial class KeyFacts
{
    // RFC 4880 §5.2.3.21 key flags.
    private const int FlagSign = 0x02;
    private const int FlagEncrypt = 0x04 | 0x08;

    private static readonly int[] SelfCertifications =
    [
        PgpSignature.PositiveCertification, PgpSignature.CasualCertification,
        PgpSignature.NoCertification, PgpSignature.DefaultCertification, PgpSignature.DirectKey,
    ];

    public static string Fingerprint(PgpPublicKey key) => Convert.ToHexString(key.GetFingerprint());

    public static string KeyId(long keyId) => keyId.ToString("X16", System.Globalization.CultureInfo.InvariantCulture);

    public static DateTimeOffset Created(PgpPublicKey key) =>
        new(DateTime.SpecifyKind(key.CreationTime, DateTimeKind.Utc));

    public static DateTimeOffset? Expires(PgpPublicKey key)
    {
        var seconds = key.GetValidSeconds();
        return seconds > 0 ? Created(key).AddSeconds(seconds) : null;
    }

    public static bool IsExpired(PgpPublicKey key, DateTimeOffset now) => Expires(key) is { } e && e <= now;

    /// <summary>Usable now: neither revoked nor expired (a subkey also needs its primary key usable).</summary>
    public static bool IsValid(PgpPublicKey key, DateTimeOffset now) => !key.HasRevocation() && !IsExpired(key, now);

    /// <summary>
    /// The key flags of the newest self-signature (subkey binding for a subkey, certification or
    /// direct-key signature for a primary key), or null when none carries flags (old keys).
    /// </summary>
    public static int? Flags(PgpPublicKey key)
    {
        var signatures = key.IsMasterKey
            ? key.GetSignatures().Where(s => s.KeyId == key.KeyId && SelfCertifications.Contains(s.SignatureType))
            : key.GetSignaturesOfType(PgpSignature.SubkeyBinding);
        return signatures
            .Where(s => s.HasSubpackets && s.GetHashedSubPackets().HasSubpacket(SignatureSubpacketTag.KeyFlags))
            .OrderByDescending(s => s.CreationTime)
            .Select(s => (int?)s.GetHashedSubPackets().GetKeyFlags())
            .FirstOrDefault();
    }

    public static bool CanEncrypt(PgpPublicKey key) =>
        // BouncyCastle (and MimeKit, which checks IsEncryptionKey) must also accept the algorithm.
        key.IsEncryptionKey && (Flags(key) is not { } f || (f & FlagEncrypt) != 0);

    public static bool CanSign(PgpPublicKey key) =>
        IsSigningAlgorithm(key.Algorithm) && (Flags(key) is not { } f || (f & FlagSign) != 0);

    private static bool IsSigningAlgorithm(PublicKeyAlgorithmTag algorithm) => algorithm is
        PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaSign or PublicKeyAlgorithmTag.Dsa
        or PublicKeyAlgorithmTag.ECDsa or PublicKeyAlgorithmTag.EdDsa_Legacy or PublicKeyAlgorithmTag.Ed25519
        or PublicKeyAlgorithmTag.Ed448;

    /// <summary>The newest usable encryption key of a ring (gpg's choice too), if any.</summary>
    public static PgpPublicKey? EncryptionKey(PgpPublicKeyRing ring, DateTimeOffset now)
    {
        var primary = ring.GetPublicKey();
        if (!IsValid(primary, now))
        {
            return null;
        }
        return ring.GetPublicKeys()
            .Where(k => CanEncrypt(k) && IsValid(k, now))
            .OrderByDescending(k => k.CreationTime)
            .FirstOrDefault();
    }

    public static IReadOnlyList<string> UserIds(PgpPublicKey primary) => [.. primary.GetUserIds()];

    /// <summary>Addresses of the user ids (<c>Name (comment) &lt;addr&gt;</c> or a bare address), normalised, distinct.</summary>
    public static IReadOnlyList<string> Emails(IEnumerable<string> userIds)
    {
        var emails = new List<string>();
        foreach (var uid in userIds)
        {
            var match = AngleAddress().Match(uid);
            var candidate = match.Success ? match.Groups[1].Value : uid.Trim();
            if (EmailAddress.TryNormalize(candidate, out var normalized, out _) && !emails.Contains(normalized))
            {
                emails.Add(normalized);
            }
        }
        return emails;
    }

    public static bool HasEmail(PgpPublicKey primary, string normalizedEmail) =>
        Emails(primary.GetUserIds()).Contains(normalizedEmail, StringComparer.Ordinal);

    public static PgpKeyInfo Describe(PgpPublicKeyRing ring, bool hasSecret)
    {
        var primary = ring.GetPublicKey();
        var keys = ring.GetPublicKeys().Where(k => !k.HasRevocation()).ToList();
        var userIds = UserIds(primary);
        return new PgpKeyInfo(
            Fingerprint(primary),
            KeyId(primary.KeyId),
            userIds,
            Emails(userIds),
            hasSecret,
            keys.Any(CanEncrypt),
            keys.Any(CanSign),
            Created(primary),
            Expires(primary),
            primary.HasRevocation());
    }

    /// <summary>A short readable name for messages: <c>0x1234ABCD… (Name &lt;addr&gt;)</c>.</summary>
    public static string Label(PgpPublicKey primary)
    {
        var sb = new StringBuilder("0x").Append(KeyId(primary.KeyId));
        if (primary.GetUserIds().FirstOrDefault() is { } uid)
        {
            sb.Append(" (").Append(uid).Append(')');
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"<([^<>\s]+@[^<>\s]+)>")]
    private static partial Regex AngleAddress();
}
