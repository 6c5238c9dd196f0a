using Microsoft.Extensions.Options;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Security;
using Vigie.Core;

namespace Vigie.Features.Pgp;

/// <summary>
/// The team's OpenPGP keyring: contacts' public keys and the team's secret keys, stored in
/// <c>&lt;DataPath&gt;/pgp/</c> (secret keys stay protected by their passphrase on disk) and held in memory
/// as an immutable snapshot. Secret keys are unlocked once, when the keyring is loaded or a key is imported;
/// every operation then reads the snapshot without locking. An import made by another process
/// (<c>vigie pgp import-key</c> while the server runs) is picked up within <see cref="RecheckInterval"/>.
/// </summary>
public sealed class PgpKeyring
{
    /// <summary>How often the key files are checked for an import made by another process.</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(2);

    internal const string PublicFileName = "public-keys.pgp";
    internal const string SecretFileName = "secret-keys.pgp";
    private const int MaxImportBytes = 8 * 1024 * 1024;

    private readonly IOptions<VigieOptions> _vigie;
    private readonly IOptions<PgpOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PgpKeyring> _logger;
    private readonly Lock _gate = new();

    // Unlocked secret (sub)keys by fingerprint, kept across snapshots: each key's S2K runs once per process.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, UnlockedKey> _unlocked = new(StringComparer.Ordinal);
    private volatile KeyringSnapshot? _snapshot;
    private long _nextCheck;
    private readonly Vigie.Data.SecretValues? _secrets;

    public PgpKeyring(IOptions<VigieOptions> vigie, IOptions<PgpOptions> options, TimeProvider time, ILogger<PgpKeyring> logger,
        Vigie.Data.SecretValues? secrets = null)
    {
        _secrets = secrets;
        _vigie = vigie;
        _options = options;
        // Validate now (a missing passphrase file), also in CLI commands, where no host start runs ValidateOnStart.
        _ = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Where the key files live: <c>&lt;DataPath&gt;/pgp</c>.</summary>
    public string KeyringDirectory => Path.Combine(_vigie.Value.DataPath, "pgp");

    private string PublicPath => Path.Combine(KeyringDirectory, PublicFileName);

    private string SecretPath => Path.Combine(KeyringDirectory, SecretFileName);

    internal PgpOptions Options => _options.Value;

    internal DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>The current snapshot, loaded on first use and reloaded when the files changed.</summary>
    internal KeyringSnapshot Current
    {
        get
        {
            var snapshot = _snapshot;
            var tick = Environment.TickCount64;
            if (snapshot is not null && tick < Volatile.Read(ref _nextCheck))
            {
                return snapshot;
            }
            lock (_gate)
            {
                Volatile.Write(ref _nextCheck, tick + (long)RecheckInterval.TotalMilliseconds);
                var stamp = KeyringStamp.Of(PublicPath, SecretPath);
                if (_snapshot is null || _snapshot.Stamp != stamp)
                {
                    try
                    {
                        _snapshot = Load(stamp);
                    }
                    catch (PgpImportException e)
                    {
                        // Keep working with what was loaded before (or nothing): mail is still stored and
                        // can be reprocessed once the operator fixes the file.
                        _logger.LogError("The OpenPGP keyring in {Directory} cannot be read: {Reason}", KeyringDirectory, e.Message);
                        _snapshot ??= KeyringSnapshot.Empty(stamp);
                    }
                }
                return _snapshot;
            }
        }
    }

    /// <summary>
    /// Imports armored public and/or secret keys. Re-importing a known key merges it with the stored
    /// copy (new user ids, subkeys, signatures, revocations) and never fails as a duplicate. Secret keys
    /// only when <paramref name="allowSecret"/>; the configured passphrase must unlock them (checked here,
    /// with a clear error otherwise). Returns the keys imported, as now stored.
    /// </summary>
    /// <exception cref="PgpImportException">The input holds no valid key, a secret key without
    /// <paramref name="allowSecret"/>, an unsafe RSA key, or a secret key the passphrase does not unlock.</exception>
    public IReadOnlyList<PgpKeyInfo> Import(Stream armored, bool allowSecret)
    {
        ArgumentNullException.ThrowIfNull(armored);
        var parsed = KeyParser.Parse(ReadLimited(armored));
        if (parsed.Secret.Count > 0 && !allowSecret)
        {
            throw new PgpImportException(
                "The input holds a secret (private) key. A contact's key must be public only; "
                + "import the team's own keys with --secret.");
        }
        var publicRings = parsed.Public.Concat(parsed.Secret.Select(KeyParser.PublicRing)).ToList();
        // Keys already in the ring were checked when they came in: re-importing (e.g. syncing every
        // contact's key) skips the RSA primality tests, about 50 ms per RSA-3072 key.
        var known = Current.Public;
        foreach (var ring in publicRings)
        {
            CheckKeys(ring, known);
        }

        // Unlock outside the lock: the S2K derivation is slow, and a wrong passphrase must stop the import before any write.
        var unlocked = new List<UnlockedKey>();
        if (parsed.Secret.Count > 0)
        {
            var passphrase = ReadPassphrase();
            foreach (var ring in parsed.Secret)
            {
                foreach (var key in ring.GetSecretKeys())
                {
                    if (Unlock(key, ring.GetPublicKey(), passphrase, out var reason) is { } u)
                    {
                        unlocked.Add(u);
                    }
                    else if (reason is not null)
                    {
                        throw new PgpImportException(reason);
                    }
                }
            }
        }

        lock (_gate)
        {
            using var fileLock = LockFiles();
            var stamp = KeyringStamp.Of(PublicPath, SecretPath);
            var current = _snapshot is { } s && s.Stamp == stamp ? s : Load(stamp);
            var pub = current.Public;
            var sec = current.Secret;
            foreach (var ring in parsed.Secret)
            {
                if (sec.GetSecretKeyRing(ring.GetPublicKey().KeyId) is { } old && old.GetPublicKey().KeyId == ring.GetPublicKey().KeyId)
                {
                    sec = PgpSecretKeyRingBundle.RemoveSecretKeyRing(sec, old);
                }
                sec = PgpSecretKeyRingBundle.AddSecretKeyRing(sec, ring);
            }
            foreach (var ring in publicRings)
            {
                pub = Merge(pub, ring);
            }

            Directory.CreateDirectory(KeyringDirectory);
            WriteAtomically(PublicPath, pub.GetEncoded(), secret: false);
            if (parsed.Secret.Count > 0)
            {
                WriteAtomically(SecretPath, sec.GetEncoded(), secret: true);
            }

            foreach (var key in unlocked)
            {
                _unlocked[key.Fingerprint] = key;
            }
            var next = NewSnapshot(pub, sec, KeyringStamp.Of(PublicPath, SecretPath));
            _snapshot = next;
            Volatile.Write(ref _nextCheck, Environment.TickCount64 + (long)RecheckInterval.TotalMilliseconds);

            var imported = publicRings.Select(r => KeyFacts.Fingerprint(r.GetPublicKey())).ToHashSet();
            var result = next.Keys.Where(k => imported.Contains(k.Fingerprint)).ToList();
            foreach (var key in result)
            {
                _logger.LogInformation("Imported OpenPGP key {Fingerprint} {UserIds} (secret: {HasSecret})",
                    key.Fingerprint, string.Join(", ", key.UserIds), key.HasSecret);
            }
            return result;
        }
    }

    /// <summary>Every key in the keyring.</summary>
    public IReadOnlyList<PgpKeyInfo> List() => Current.Keys;

    /// <summary>Parses armored keys WITHOUT importing them (to validate a contact's key field).</summary>
    /// <exception cref="PgpImportException">No valid key in <paramref name="armored"/>.</exception>
    public static IReadOnlyList<PgpKeyInfo> Inspect(string armored)
    {
        ArgumentNullException.ThrowIfNull(armored);
        var parsed = KeyParser.Parse(System.Text.Encoding.UTF8.GetBytes(armored));
        return
        [
            .. parsed.Public.Select(r => KeyFacts.Describe(r, hasSecret: false)),
            .. parsed.Secret.Select(r => KeyFacts.Describe(KeyParser.PublicRing(r), hasSecret: true)),
        ];
    }

    /// <summary>A usable (not expired or revoked, encryption-capable) public key for this address, if any.</summary>
    public PgpKeyInfo? FindEncryptionKey(string email)
    {
        var snapshot = Current;
        return FindEncryptionRing(snapshot, email) is { } found ? Describe(snapshot, found.Ring) : null;
    }

    /// <summary>The team's signing key (a secret key whose user ids include <paramref name="teamAddress"/>, else the first secret signing key), if any.</summary>
    public PgpKeyInfo? FindTeamSigningKey(string teamAddress)
    {
        var snapshot = Current;
        var email = EmailAddress.TryNormalize(teamAddress, out var n, out _) ? n : null;
        return snapshot.FindSigningKey(email, Now) is { } found
            ? Describe(snapshot, snapshot.Public.GetPublicKeyRing(found.Ring.GetPublicKey().KeyId) ?? KeyParser.PublicRing(found.Ring))
            : null;
    }

    internal (PgpPublicKeyRing Ring, PgpPublicKey Key)? FindEncryptionRing(KeyringSnapshot snapshot, string email)
    {
        if (!EmailAddress.TryNormalize(email, out var normalized, out _))
        {
            return null;
        }
        var now = Now;
        foreach (var ring in snapshot.RingsFor(normalized))
        {
            if (KeyFacts.EncryptionKey(ring, now) is { } key)
            {
                return (ring, key);
            }
        }
        return null;
    }

    private static PgpKeyInfo Describe(KeyringSnapshot snapshot, PgpPublicKeyRing ring) =>
        snapshot.Keys.FirstOrDefault(k => k.Fingerprint == KeyFacts.Fingerprint(ring.GetPublicKey()))
        ?? KeyFacts.Describe(ring, hasSecret: false);

    private KeyringSnapshot Load(KeyringStamp stamp)
    {
        PgpPublicKeyRingBundle pub;
        PgpSecretKeyRingBundle sec;
        try
        {
            pub = new PgpPublicKeyRingBundle(File.Exists(PublicPath) ? File.ReadAllBytes(PublicPath) : []);
            sec = new PgpSecretKeyRingBundle(File.Exists(SecretPath) ? File.ReadAllBytes(SecretPath) : []);
        }
        catch (Exception e) when (e is IOException or PgpException or UnauthorizedAccessException)
        {
            throw new PgpImportException($"The keyring files in {KeyringDirectory} cannot be read ({e.Message}); restore them from a backup or remove them and import the keys again.", e);
        }
        _logger.LogInformation("OpenPGP keyring loaded from {Directory}: {Public} public key(s), {Secret} secret key(s).",
            KeyringDirectory, pub.Count, sec.Count);
        return NewSnapshot(pub, sec, stamp);
    }

    private KeyringSnapshot NewSnapshot(PgpPublicKeyRingBundle pub, PgpSecretKeyRingBundle sec, KeyringStamp stamp) =>
        new(pub, sec, () => UnlockAll(sec), stamp);

    /// <summary>
    /// Unlocks every secret (sub)key of the bundle, reusing keys unlocked before. Never throws: a key
    /// that cannot be unlocked is listed with the reason, which decryption failures then report.
    /// </summary>
    private (IReadOnlyDictionary<long, UnlockedKey>, IReadOnlyDictionary<long, string>) UnlockAll(PgpSecretKeyRingBundle sec)
    {
        var unlocked = new Dictionary<long, UnlockedKey>();
        var locked = new Dictionary<long, string>();
        char[]? passphrase = null;
        string? passphraseProblem = null;
        foreach (var ring in sec.GetKeyRings())
        {
            foreach (var key in ring.GetSecretKeys())
            {
                if (_unlocked.TryGetValue(Convert.ToHexString(key.PublicKey.GetFingerprint()), out var known))
                {
                    unlocked[key.KeyId] = known;
                    continue;
                }
                if (passphrase is null && passphraseProblem is null)
                {
                    try
                    {
                        passphrase = ReadPassphrase();
                    }
                    catch (PgpImportException e)
                    {
                        passphraseProblem = e.Message;
                    }
                }
                string? reason = passphraseProblem;
                if (passphrase is not null && Unlock(key, ring.GetPublicKey(), passphrase, out reason) is { } u)
                {
                    unlocked[key.KeyId] = _unlocked.GetOrAdd(u.Fingerprint, u);
                }
                else if (reason is not null)
                {
                    locked[key.KeyId] = reason;
                }
            }
        }
        foreach (var reason in locked.Values.Distinct())
        {
            _logger.LogWarning("{Reason} Mail encrypted to this key cannot be decrypted.", reason);
        }
        if (unlocked.Count > 0)
        {
            _logger.LogInformation("OpenPGP: {Count} secret (sub)key(s) of the team unlocked.", unlocked.Count);
        }
        return (unlocked, locked);
    }

    /// <summary>
    /// Unlocks a secret (sub)key: re-wraps it without a passphrase, in memory only, so that no later
    /// operation runs the S2K again. Null with a null reason for a key with no secret material
    /// (a gpg stub for an offline primary key).
    /// </summary>
    private static UnlockedKey? Unlock(PgpSecretKey key, PgpPublicKey primary, char[] passphrase, out string? reason)
    {
        reason = null;
        if (key.IsPrivateKeyEmpty)
        {
            return null;
        }
        try
        {
            // UTF-8, as gpg encodes passphrases (the legacy overload keeps only the low byte of each character).
            var copy = PgpSecretKey.CopyWithNewPasswordUtf8(key, passphrase, null, SymmetricKeyAlgorithmTag.Null, new SecureRandom());
            return new UnlockedKey(copy, copy.ExtractPrivateKey(null));
        }
        catch (PgpException)
        {
            // BouncyCastle says "Checksum mismatch": a wrong passphrase. The message names the key, never the passphrase.
            reason = $"The configured passphrase does not unlock the team's secret key {KeyFacts.Label(primary)}. "
                + $"Put the passphrase in the file named by {PgpOptions.Section}:PassphraseFile, or in the environment variable {PgpOptions.PassphraseEnvironmentVariable}.";
            return null;
        }
    }

    /// <summary>Refuses keys that are unusable or unsafe before they enter the ring.</summary>
    private static void CheckKeys(PgpPublicKeyRing ring, PgpPublicKeyRingBundle known)
    {
        foreach (var key in ring.GetPublicKeys())
        {
            if (known.GetPublicKey(key.GetFingerprint()) is not null)
            {
                continue;
            }
            try
            {
                RsaChecks.Validate(key);
            }
            catch (Exception e) when (e is ArgumentException or PgpException)
            {
                throw new PgpImportException($"The key {KeyFacts.Label(ring.GetPublicKey())} is unsafe and was not imported: {e.Message}", e);
            }
        }
        if (!ring.GetPublicKey().GetUserIds().Any())
        {
            throw new PgpImportException($"The key 0x{KeyFacts.KeyId(ring.GetPublicKey().KeyId)} has no user id, so no address to match mail against.");
        }
    }

    /// <summary>Adds a ring, or merges it into the stored ring with the same primary key (BouncyCastle refuses duplicates).</summary>
    private static PgpPublicKeyRingBundle Merge(PgpPublicKeyRingBundle bundle, PgpPublicKeyRing ring)
    {
        var primaryId = ring.GetPublicKey().KeyId;
        var existing = bundle.GetPublicKeyRing(primaryId);
        if (existing is null || existing.GetPublicKey().KeyId != primaryId)
        {
            return PgpPublicKeyRingBundle.AddPublicKeyRing(bundle, ring);
        }
        PgpPublicKeyRing merged;
        try
        {
            merged = PgpPublicKeyRing.Join(existing, ring, false, false) ?? ring;
        }
        catch (Exception e) when (e is PgpException or ArgumentException or InvalidOperationException)
        {
            merged = ring;
        }
        return PgpPublicKeyRingBundle.AddPublicKeyRing(PgpPublicKeyRingBundle.RemovePublicKeyRing(bundle, existing), merged);
    }

    private char[] ReadPassphrase()
    {
        var source = PgpOptions.Locate(_options.Value, _vigie.Value.DataPath);
        if (source.Kind == PassphraseSourceKind.Environment)
        {
            return Reveal(Environment.GetEnvironmentVariable(PgpOptions.PassphraseEnvironmentVariable)!, PgpOptions.PassphraseEnvironmentVariable);
        }
        if (source.Kind == PassphraseSourceKind.DefaultFile && !File.Exists(source.Path))
        {
            return [];
        }
        try
        {
            return Reveal(File.ReadAllText(source.Path!).TrimEnd('\r', '\n'), source.Path!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PgpImportException($"The passphrase file '{source.Path}' cannot be read: {e.Message}", e);
        }
    }

    /// <summary>A passphrase written protected (<c>vigie secret protect</c>) is decrypted; an unreadable one is a passphrase problem, named.</summary>
    private char[] Reveal(string value, string where)
    {
        if (!Vigie.Data.SecretValues.IsProtected(value))
        {
            return value.ToCharArray();
        }
        if (_secrets is null)
        {
            throw new PgpImportException($"{where}: the passphrase is protected, but no DataProtection keys are available here.");
        }
        try
        {
            return _secrets.Reveal(value, where).ToCharArray();
        }
        catch (Vigie.Data.SecretUnreadableException e)
        {
            throw new PgpImportException(e.Message, e);
        }
    }

    private static byte[] ReadLimited(Stream stream)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxImportBytes)
            {
                throw new PgpImportException($"The input is larger than {MaxImportBytes / (1024 * 1024)} MB: that is not a key file.");
            }
        }
        return buffer.ToArray();
    }

    /// <summary>Serialises imports across processes (the CLI and a running server share the files).</summary>
    private FileStream LockFiles()
    {
        Directory.CreateDirectory(KeyringDirectory);
        var path = Path.Combine(KeyringDirectory, ".lock");
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 100)
            {
                Thread.Sleep(100);
            }
        }
    }

    private static void WriteAtomically(string path, byte[] bytes, bool secret)
    {
        var temp = path + ".tmp";
        File.Delete(temp);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = secret ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
        }
        using (var file = new FileStream(temp, options))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }
}
