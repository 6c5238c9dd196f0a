using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Vigie.Features.Pgp;

/// <summary>
/// MimeKit's OpenPGP context over one keyring snapshot (plus, when verifying, the keys attached to the
/// mail). Built per operation and disposed after it, so workers share nothing mutable; never registered
/// process-wide. Keys are imported through <see cref="PgpKeyring"/>, not through this context.
/// </summary>
internal sealed class VigiePgpContext : OpenPgpContext
{
    private readonly KeyringSnapshot _keys;
    private readonly Func<PgpPublicKeyRingBundle?>? _attached;
    private readonly PgpKeyring _keyring;

    public VigiePgpContext(PgpKeyring keyring, KeyringSnapshot keys, Func<PgpPublicKeyRingBundle?>? attached = null)
    {
        _keyring = keyring;
        _keys = keys;
        _attached = attached;
        DefaultEncryptionAlgorithm = EncryptionAlgorithm.Aes256;
    }

    /// <summary>The secret keys handed out are unlocked in-memory copies: no passphrase.</summary>
    protected override string GetPasswordForKey(PgpSecretKey key) => "";

    protected override PgpPublicKeyRing? GetPublicKeyRing(long keyId, CancellationToken cancellationToken) =>
        _keys.FindRing(keyId) ?? _attached?.Invoke()?.GetPublicKeyRing(keyId);

    protected override Task<PgpPublicKeyRing?> GetPublicKeyRingAsync(long keyId, CancellationToken cancellationToken) =>
        Task.FromResult(GetPublicKeyRing(keyId, cancellationToken));

    protected override PgpSecretKey GetSecretKey(long keyId, CancellationToken cancellationToken) =>
        _keys.Unlocked.TryGetValue(keyId, out var key)
            ? key.Unprotected
            : throw new PrivateKeyNotFoundException(keyId, $"No secret key for key id 0x{KeyFacts.KeyId(keyId)}.");

    public override IList<PgpPublicKey> GetPublicKeys(IEnumerable<MailboxAddress> mailboxes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mailboxes);
        return
        [
            .. mailboxes.Select(m => _keyring.FindEncryptionRing(_keys, m.Address)?.Key
                ?? throw new PublicKeyNotFoundException(m, $"No usable OpenPGP key for {m.Address}.")),
        ];
    }

    public override PgpSecretKey GetSigningKey(MailboxAddress mailbox, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        return _keys.FindSigningKey(mailbox.Address.ToLowerInvariant(), _keyring.Now)?.Key.Unprotected
            ?? throw new PrivateKeyNotFoundException(mailbox, $"The team holds no signing key for {mailbox.Address}.");
    }

    public override bool CanSign(MailboxAddress signer, CancellationToken cancellationToken = default) =>
        _keys.FindSigningKey(signer?.Address.ToLowerInvariant(), _keyring.Now) is not null;

    public override bool CanEncrypt(MailboxAddress mailbox, CancellationToken cancellationToken = default) =>
        mailbox is not null && _keyring.FindEncryptionRing(_keys, mailbox.Address) is not null;

    public override void Import(PgpPublicKeyRing keyring, CancellationToken cancellationToken = default) => throw ImportNotHere();

    public override void Import(PgpPublicKeyRingBundle bundle, CancellationToken cancellationToken = default) => throw ImportNotHere();

    public override void Import(PgpSecretKeyRing keyring, CancellationToken cancellationToken = default) => throw ImportNotHere();

    public override void Import(PgpSecretKeyRingBundle bundle, CancellationToken cancellationToken = default) => throw ImportNotHere();

    public override void Export(IEnumerable<MailboxAddress> mailboxes, Stream stream, bool armor, CancellationToken cancellationToken = default) =>
        Export(GetPublicKeys(mailboxes, cancellationToken), stream, armor, cancellationToken);

    public override Task ExportAsync(IEnumerable<MailboxAddress> mailboxes, Stream stream, bool armor, CancellationToken cancellationToken = default) =>
        ExportAsync(GetPublicKeys(mailboxes, cancellationToken), stream, armor, cancellationToken);

    public override MimePart Export(IEnumerable<MailboxAddress> mailboxes, CancellationToken cancellationToken = default) =>
        Export(GetPublicKeys(mailboxes, cancellationToken), cancellationToken);

    public override Task<MimePart> ExportAsync(IEnumerable<MailboxAddress> mailboxes, CancellationToken cancellationToken = default) =>
        ExportAsync(GetPublicKeys(mailboxes, cancellationToken), cancellationToken);

    private static NotSupportedException ImportNotHere() =>
        new("Keys enter Vigie through PgpKeyring.Import (vigie pgp import-key), not through a MimeKit context.");
}
