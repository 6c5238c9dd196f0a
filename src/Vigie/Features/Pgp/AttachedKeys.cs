using MimeKit;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Vigie.Features.Pgp;

/// <summary>
/// Public keys attached to a mail as <c>application/pgp-keys</c> parts (RFC 3156 §7). They are used to
/// check a signature by a sender not in the keyring (<see cref="SignatureOutcome.GoodUnverifiedKey"/>),
/// never imported: anyone can attach any key. Collected only when a signature needs them.
/// </summary>
internal sealed class AttachedKeys(IEnumerable<MimeEntity> roots)
{
    private const int MaxParts = 10;
    private const int MaxPartBytes = 1024 * 1024;
    private const int MaxDepth = 32;

    private readonly List<MimeEntity> _roots = [.. roots];
    private PgpPublicKeyRingBundle? _bundle;
    private bool _collected;

    /// <summary>Adds a tree to look in (e.g. the decrypted content, where senders often put their key).</summary>
    public void Add(MimeEntity root)
    {
        _roots.Add(root);
        _collected = false;
    }

    public PgpPublicKeyRingBundle? Bundle()
    {
        if (_collected)
        {
            return _bundle;
        }
        _collected = true;
        var rings = new Dictionary<long, PgpPublicKeyRing>();
        foreach (var part in _roots.SelectMany(r => KeyParts(r, 0)).Take(MaxParts))
        {
            try
            {
                using var content = new MemoryStream();
                part.Content?.DecodeTo(content);
                if (content.Length is 0 or > MaxPartBytes)
                {
                    continue;
                }
                foreach (var ring in KeyParser.Parse(content.ToArray()).Public)
                {
                    // An RSA key that came with the mail is checked in full before any use (see RsaChecks).
                    foreach (var key in ring.GetPublicKeys())
                    {
                        RsaChecks.Validate(key);
                    }
                    rings.TryAdd(ring.GetPublicKey().KeyId, ring);
                }
            }
            catch (Exception e) when (e is PgpImportException || PgpMessageReader.IsBadData(e))
            {
                // A broken or unsafe attached key is simply not used.
            }
        }
        _bundle = rings.Count == 0 ? null : new PgpPublicKeyRingBundle(rings.Values);
        return _bundle;
    }

    private static IEnumerable<MimePart> KeyParts(MimeEntity entity, int depth)
    {
        if (depth > MaxDepth)
        {
            yield break;
        }
        switch (entity)
        {
            case Multipart multipart:
                foreach (var child in multipart)
                {
                    foreach (var part in KeyParts(child, depth + 1))
                    {
                        yield return part;
                    }
                }
                break;
            case MimePart part when part.ContentType.IsMimeType("application", "pgp-keys"):
                yield return part;
                break;
            default:
                break;
        }
    }
}
