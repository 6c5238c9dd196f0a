using Microsoft.Extensions.Options;

namespace Vigie.Features.Pgp;

/// <summary>
/// OpenPGP settings (section <c>Vigie:Pgp</c>). The keyring itself lives in <c>&lt;DataPath&gt;/pgp/</c>
/// (<see cref="VigieOptions.DataPath"/>); only the team key passphrase is configured, never stored by Vigie.
/// </summary>
public sealed class PgpOptions
{
    public const string Section = "Vigie:Pgp";

    /// <summary>Environment variable read for the passphrase when <see cref="PassphraseFile"/> is not set.</summary>
    public const string PassphraseEnvironmentVariable = "VIGIE_PGP_PASSPHRASE";

    /// <summary>
    /// The passphrase file <c>vigie pgp init-team-key</c> writes when neither <see cref="PassphraseFile"/> nor
    /// <c>VIGIE_PGP_PASSPHRASE</c> is set, relative to the data directory (directory mode 0700, file 0600).
    /// </summary>
    public const string DefaultPassphraseFile = "secrets/pgp-passphrase";

    /// <summary>
    /// File holding the team key passphrase (a trailing newline is trimmed), e.g. a container secret
    /// mounted at <c>/run/secrets/vigie-pgp</c>. Else <c>VIGIE_PGP_PASSPHRASE</c> (when not empty); else
    /// <c>&lt;DataPath&gt;/secrets/pgp-passphrase</c> when it exists (<see cref="DefaultPassphraseFile"/>); else no passphrase.
    /// </summary>
    public string? PassphraseFile { get; set; }

    /// <summary>Where the team key passphrase comes from, in the order above (the keyring and init-team-key share it).</summary>
    internal static PassphraseSource Locate(PgpOptions options, string dataPath)
    {
        if (!string.IsNullOrWhiteSpace(options.PassphraseFile))
        {
            return new PassphraseSource(PassphraseSourceKind.ConfiguredFile, Path.GetFullPath(options.PassphraseFile));
        }
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(PassphraseEnvironmentVariable)))
        {
            return new PassphraseSource(PassphraseSourceKind.Environment, null);
        }
        return new PassphraseSource(PassphraseSourceKind.DefaultFile, Path.Combine(dataPath, DefaultPassphraseFile));
    }

    /// <summary>
    /// Largest decrypted content accepted, in bytes (default 64 MiB): a small compressed OpenPGP packet
    /// can expand enormously, so decryption stops there and reports a failure instead.
    /// </summary>
    public int MaxDecryptedBytes { get; set; } = 64 * 1024 * 1024;
}

internal enum PassphraseSourceKind
{
    ConfiguredFile,
    Environment,
    DefaultFile,
}

/// <summary>Where the passphrase is: a file (configured, or the default one in the data directory) or the environment.</summary>
internal sealed record PassphraseSource(PassphraseSourceKind Kind, string? Path)
{
    /// <summary>For messages: where the passphrase is, never the passphrase itself.</summary>
    public string Describe() => Kind == PassphraseSourceKind.Environment
        ? $"the environment variable {PgpOptions.PassphraseEnvironmentVariable}"
        : $"the file {Path}";
}

/// <summary>Start-up check: a configured passphrase file must exist (its content is never read here, nor shown).</summary>
internal sealed class PgpOptionsValidator : IValidateOptions<PgpOptions>
{
    public ValidateOptionsResult Validate(string? name, PgpOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.PassphraseFile) && !File.Exists(options.PassphraseFile))
        {
            failures.Add($"{PgpOptions.Section}:PassphraseFile: the file '{Path.GetFullPath(options.PassphraseFile)}' does not exist.");
        }
        if (options.MaxDecryptedBytes <= 0)
        {
            failures.Add($"{PgpOptions.Section}:MaxDecryptedBytes must be a positive number of bytes.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
