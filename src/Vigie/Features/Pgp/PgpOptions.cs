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
    /// File holding the team key passphrase (a trailing newline is trimmed), e.g. a container secret
    /// mounted at <c>/run/secrets/vigie-pgp</c>. Else <c>VIGIE_PGP_PASSPHRASE</c>; else no passphrase.
    /// </summary>
    public string? PassphraseFile { get; set; }

    /// <summary>
    /// Largest decrypted content accepted, in bytes (default 64 MiB): a small compressed OpenPGP packet
    /// can expand enormously, so decryption stops there and reports a failure instead.
    /// </summary>
    public int MaxDecryptedBytes { get; set; } = 64 * 1024 * 1024;
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
