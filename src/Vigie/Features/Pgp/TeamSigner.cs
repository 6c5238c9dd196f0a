using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Vigie.Core;
using Vigie.Features.TeamProfile;

namespace Vigie.Features.Pgp;

/// <summary>
/// Signs the team's public documents (RFC 2350 text, security.txt) with the team's OpenPGP key:
/// cleartext signatures (RFC 9580 §7, what <c>gpg --clearsign</c> writes) and detached armored
/// signatures over the exact bytes served (<c>gpg --verify file.sig file</c>).
/// The key is the keyring's signing key for the team's incident address (else its only signing key).
/// </summary>
public sealed class TeamSigner(PgpKeyring keyring, Microsoft.Extensions.Options.IOptions<TeamProfileOptions> profile)
{
    /// <summary>The team's signing key, or null when the keyring holds none (the documents are then served unsigned).</summary>
    public TeamKey? Key
    {
        get
        {
            var snapshot = keyring.Current;
            return Find(snapshot) is { } found ? TeamKey.From(found.Ring, snapshot) : null;
        }
    }

    /// <summary>
    /// The cleartext-signed form of <paramref name="text"/> (LF line ends), or null without a team key.
    /// Lines starting with '-' are dash-escaped; trailing spaces and tabs are not part of what is signed
    /// (RFC 9580 §7.2), so documents should not carry any.
    /// </summary>
    public string? ClearSign(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var snapshot = keyring.Current;
        if (Find(snapshot) is not { } found)
        {
            return null;
        }
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        if (lines.Length > 1 && lines[^1].Length == 0)
        {
            // A final line end is the one before the signature armor: not part of the signed text.
            lines = lines[..^1];
        }
        // RFC 9580 §7.2: the signed text is the lines without trailing white space, joined by CR LF.
        var canonical = string.Join("\r\n", lines.Select(l => l.TrimEnd(' ', '\t')));
        var signature = Sign(found.Key, PgpSignature.CanonicalTextDocument, Encoding.UTF8.GetBytes(canonical));

        var output = new StringBuilder();
        output.Append("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n");
        foreach (var line in lines)
        {
            // RFC 9580 §7.1: dash-escaping.
            output.Append(line.StartsWith('-') ? "- " : "").Append(line).Append('\n');
        }
        output.Append(Armor(signature));
        return output.ToString();
    }

    /// <summary>An armored detached signature of <paramref name="content"/> as bytes (binary document), or null without a team key.</summary>
    public string? DetachedSign(ReadOnlySpan<byte> content)
    {
        var snapshot = keyring.Current;
        return Find(snapshot) is { } found ? Armor(Sign(found.Key, PgpSignature.BinaryDocument, content.ToArray())) : null;
    }

    private (PgpSecretKeyRing Ring, UnlockedKey Key)? Find(KeyringSnapshot snapshot) =>
        snapshot.FindSigningKey(EmailAddress.TryNormalize(profile.Value.IncidentEmail, out var email, out _) ? email : null, keyring.Now);

    private PgpSignature Sign(UnlockedKey key, int type, byte[] data)
    {
        var generator = new PgpSignatureGenerator(key.Unprotected.PublicKey.Algorithm, HashAlgorithmTag.Sha512);
        generator.InitSign(type, key.Private);
        var hashed = new PgpSignatureSubpacketGenerator();
        hashed.SetSignatureCreationTime(false, keyring.Now.UtcDateTime);
        hashed.SetIssuerFingerprint(false, key.Unprotected.PublicKey);
        generator.SetHashedSubpackets(hashed.Generate());
        var unhashed = new PgpSignatureSubpacketGenerator();
        unhashed.SetIssuerKeyID(false, key.KeyId);
        generator.SetUnhashedSubpackets(unhashed.Generate());
        generator.Update(data);
        return generator.Generate();
    }

    /// <summary>An armor writer without BouncyCastle's "Version:" header: what we publish need not advertise the library and its version.</summary>
    internal static ArmoredOutputStream NewArmor(Stream output) => ArmoredOutputStream.Build().SetVersion(null).Build(output);

    private static string Armor(PgpSignature signature)
    {
        using var buffer = new MemoryStream();
        using (var armored = NewArmor(buffer))
        {
            signature.Encode(armored);
        }
        return Encoding.ASCII.GetString(buffer.ToArray()).Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}

/// <summary>The team's public key as published: fingerprint, key id, user ids and the armored public key block.</summary>
public sealed record TeamKey(string Fingerprint, string KeyId, IReadOnlyList<string> UserIds, DateTimeOffset Created, DateTimeOffset? Expires, string Armored)
{
    /// <summary>The fingerprint in groups of four, as printed in documents.</summary>
    public string GroupedFingerprint => Group(Fingerprint);

    /// <summary>The key id in groups of four.</summary>
    public string GroupedKeyId => Group(KeyId);

    internal static TeamKey From(PgpSecretKeyRing secret, KeyringSnapshot snapshot)
    {
        var primary = secret.GetPublicKey();
        // The public ring holds the certifications gathered at import; the secret ring's copy may be older.
        var ring = snapshot.Public.GetPublicKeyRing(primary.KeyId) ?? KeyParser.PublicRing(secret);
        var info = KeyFacts.Describe(ring, hasSecret: true);
        using var buffer = new MemoryStream();
        using (var armored = TeamSigner.NewArmor(buffer))
        {
            ring.Encode(armored);
        }
        var text = Encoding.ASCII.GetString(buffer.ToArray()).Replace("\r\n", "\n", StringComparison.Ordinal);
        return new TeamKey(info.Fingerprint, info.Fingerprint[^16..], info.UserIds, info.Created, info.Expires, text);
    }

    /// <summary>Hex digits in groups of four, as fingerprints and key ids are printed ("7A29 DA83 …").</summary>
    public static string Group(string hex) =>
        string.Join(' ', Enumerable.Range(0, (hex.Length + 3) / 4).Select(i => hex.Substring(i * 4, Math.Min(4, hex.Length - (i * 4)))));
}
