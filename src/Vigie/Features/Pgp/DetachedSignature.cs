using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Vigie.Features.Pgp;

/// <summary>
/// Checks a detached OpenPGP signature (a <c>.asc</c> file, as CSAF providers publish beside each document) against
/// one published key, pinned by its fingerprint: the key file must hold a ring with exactly that primary fingerprint,
/// neither revoked nor expired, and the signature must be by that key or one of its subkeys and match the bytes.
/// </summary>
public static class DetachedSignature
{
    /// <summary>The key ring of <paramref name="armoredKey"/> whose primary key has <paramref name="fingerprint"/>, or why not.</summary>
    public static (PgpPublicKeyRing? Ring, string? Error) ReadKey(byte[] armoredKey, string fingerprint)
    {
        KeyParser.Parsed parsed;
        try
        {
            parsed = KeyParser.Parse(armoredKey);
        }
        catch (PgpImportException e)
        {
            return (null, e.Message);
        }
        var ring = parsed.Public.FirstOrDefault(r => Convert.ToHexString(r.GetPublicKey().GetFingerprint()) == fingerprint);
        if (ring is null)
        {
            var found = string.Join(", ", parsed.Public.Select(r => Convert.ToHexString(r.GetPublicKey().GetFingerprint())));
            return (null, $"the key file holds {found}, not the key {fingerprint} the provider lists");
        }
        return ring.GetPublicKey().HasRevocation() ? (null, $"the key {fingerprint} is revoked") : (ring, null);
    }

    /// <summary>Null when the signature is good; otherwise what is wrong with it.</summary>
    public static string? Check(byte[] content, byte[] armoredSignature, PgpPublicKeyRing ring, DateTimeOffset now)
    {
        try
        {
            using var decoder = PgpUtilities.GetDecoderStream(new MemoryStream(armoredSignature));
            var signatures = new PgpObjectFactory(decoder).NextPgpObject() switch
            {
                PgpSignatureList list => Enumerable.Range(0, list.Count).Select(i => list[i]).ToList(),
                PgpCompressedData compressed => new PgpObjectFactory(compressed.GetDataStream()).NextPgpObject() is PgpSignatureList l
                    ? Enumerable.Range(0, l.Count).Select(i => l[i]).ToList() : [],
                _ => [],
            };
            if (signatures.Count == 0)
            {
                return "the signature file holds no OpenPGP signature";
            }
            var errors = new List<string>();
            foreach (var signature in signatures)
            {
                var key = ring.GetPublicKey(signature.KeyId);
                if (key is null)
                {
                    errors.Add($"signed by key {signature.KeyId:X16}, not by the provider's key");
                    continue;
                }
                var expires = key.GetValidSeconds() is > 0 and var seconds ? key.CreationTime.AddSeconds(seconds) : (DateTime?)null;
                if (expires is { } e && new DateTimeOffset(DateTime.SpecifyKind(e, DateTimeKind.Utc)) < now)
                {
                    errors.Add($"the signing key {signature.KeyId:X16} expired on {e:yyyy-MM-dd}");
                    continue;
                }
                if (!PlatformRsa.TryVerify(signature, key, content, out var valid))
                {
                    signature.InitVerify(key);
                    signature.Update(content);
                    valid = signature.Verify();
                }
                if (valid)
                {
                    return null;
                }
                errors.Add("the signature does not match the document: changed after signing, or forged");
            }
            return string.Join("; ", errors);
        }
        catch (Exception e) when (PgpMessageReader.IsBadData(e))
        {
            return $"the signature cannot be read: {e.Message}";
        }
    }
}
