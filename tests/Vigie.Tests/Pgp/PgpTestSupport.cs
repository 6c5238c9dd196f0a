using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;
using Vigie.Features.Pgp;

namespace Vigie.Tests.Pgp;

/// <summary>Keeps every log line written through it (to check that secrets never reach the logs).</summary>
internal sealed class ListLogger<T> : Microsoft.Extensions.Logging.ILogger<T>
{
    public System.Collections.Concurrent.ConcurrentQueue<string> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state,
        Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue($"{logLevel}: {formatter(state, exception)} {exception}");
}

/// <summary>The test-only keys in TestData/pgp (see its README): files, fingerprints, addresses.</summary>
internal static class TestKeys
{
    public const string TeamPassphrase = "team-test-passphrase";
    public const string TeamFingerprint = "7A29DA837DE7A3043FBBB7BDB8CFD9AFA5FE34CC";
    public const string TeamEdFingerprint = "1B2CDE331AA150324E39109DF454D9BECD14E19B";
    public const string AliceFingerprint = "FA49B99137224404F7BAF92CC7D65731BEC6C9B8";
    public const string BobFingerprint = "00360F3FB4F7850307A40834D1BC55C6818EEFC9";
    public const string MalloryFingerprint = "5F7BD269B611CD9FAF05CEC32F6F153D98517AFF";

    public static string Dir => Path.Combine(AppContext.BaseDirectory, "TestData", "pgp");

    public static string File(string name) => Path.Combine(Dir, name);

    public static string Mail(string name) => Path.Combine(Dir, "mail", name);

    public static PgpKeyring NewKeyring(string dataDirectory, string? passphraseFile, Microsoft.Extensions.Logging.ILogger<PgpKeyring>? logger = null) => new(
        Options.Create(new VigieOptions { DataDirectory = dataDirectory }),
        Options.Create(new PgpOptions { PassphraseFile = passphraseFile }),
        TimeProvider.System,
        logger ?? NullLogger<PgpKeyring>.Instance);

    public static IReadOnlyList<PgpKeyInfo> Import(this PgpKeyring keyring, string file, bool secret = false)
    {
        using var stream = System.IO.File.OpenRead(File(file));
        return keyring.Import(stream, secret);
    }

    /// <summary>CRLF everywhere, as on the wire (MimeKit writes LF on Linux).</summary>
    public static string Crlf(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);

    public static MimeMessage Load(string raw) => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(Crlf(raw))));

    public static void WriteCrlf(MimeMessage message, string path)
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        message.WriteTo(options, path);
    }
}

/// <summary>
/// Vigie's side: a keyring in a temporary data directory holding the two team secret keys
/// (RSA-3072 and Ed25519/Cv25519) and the public keys of Alice and Bob, the known contacts.
/// Mallory is unknown. Created once per test class (unlocking RSA keys takes a moment).
/// </summary>
public sealed class TeamKeyring : IDisposable
{
    public TeamKeyring()
    {
        DataDirectory = Directory.CreateTempSubdirectory("vigie-pgp-").FullName;
        Keyring = TestKeys.NewKeyring(DataDirectory, TestKeys.File("team.passphrase"));
        Keyring.Import("team.sec.asc", secret: true);
        Keyring.Import("team-ed.sec.asc", secret: true);
        Keyring.Import("alice.pub.asc");
        Keyring.Import("bob.pub.asc");
        Crypto = new MailCrypto(Keyring, NullLogger<MailCrypto>.Instance);
    }

    public string DataDirectory { get; }

    public PgpKeyring Keyring { get; }

    public MailCrypto Crypto { get; }

    public void Dispose() => Directory.Delete(DataDirectory, recursive: true);
}

/// <summary>
/// The other side: a real GnuPG home (temporary) holding the secret keys of Alice (Ed25519), Bob
/// (RSA-3072) and Mallory, and the team's public keys — what a reporter's mail client would have.
/// </summary>
public sealed class GpgHome : IDisposable
{
    public GpgHome()
    {
        Home = Directory.CreateTempSubdirectory("vigie-gpg-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            System.IO.File.SetUnixFileMode(Home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        foreach (var file in new[] { "alice.sec.asc", "bob.sec.asc", "mallory.sec.asc", "team.pub.asc", "team-ed.pub.asc" })
        {
            var (code, _, error) = RunAsync(["--import", TestKeys.File(file)], CancellationToken.None).GetAwaiter().GetResult();
            if (code != 0)
            {
                throw new InvalidOperationException($"gpg --import {file} failed: {error}");
            }
        }
    }

    public string Home { get; }

    /// <summary>A fresh file path inside the home, for gpg's input and output.</summary>
    public string NewPath(string extension) => Path.Combine(Home, $"{Guid.NewGuid():N}.{extension}");

    public async Task<(int Code, string Out, string Err)> RunAsync(IEnumerable<string> args, CancellationToken ct)
    {
        var start = new ProcessStartInfo("gpg")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--homedir", Home, "--batch", "--yes", "--no-tty", "--trust-model", "always",
                     "--pinentry-mode", "loopback", "--passphrase", "" }.Concat(args))
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Checks a PGP/MIME signature (RFC 3156 §5: part 1 in canonical CRLF form against part 2) with gpg; returns its exit code, status and errors.</summary>
    public async Task<(int Code, string Status, string Error)> VerifyPgpMimeAsync(MimeKit.Cryptography.MultipartSigned signed, CancellationToken ct)
    {
        var contentPath = NewPath("txt");
        var signaturePath = NewPath("asc");
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        await using (var content = File.Create(contentPath))
        {
            signed[0].WriteTo(options, content, ct);
        }
        await using (var signature = File.Create(signaturePath))
        {
            ((MimePart)signed[1]).Content!.DecodeTo(signature, ct);
        }
        return await RunAsync(["--status-fd", "1", "--verify", signaturePath, contentPath], ct);
    }

    /// <summary>
    /// Decrypts a PGP/MIME message as its recipient's mail client would (RFC 3156 §4: part 2 is the
    /// OpenPGP message); returns gpg's status lines and the MIME entity inside.
    /// </summary>
    public async Task<(string Status, MimeEntity Inner)> DecryptPgpMimeAsync(MimeKit.Cryptography.MultipartEncrypted encrypted, CancellationToken ct)
    {
        var input = NewPath("asc");
        await using (var file = System.IO.File.Create(input))
        {
            await ((MimePart)encrypted[1]).Content!.DecodeToAsync(file, ct);
        }
        var output = NewPath("eml");
        var (code, status, error) = await RunAsync(["--status-fd", "1", "--output", output, "--decrypt", input], ct);
        Assert.True(code == 0, error);
        await using var decrypted = System.IO.File.OpenRead(output);
        return (status, await MimeEntity.LoadAsync(decrypted, ct));
    }

    /// <summary>Runs gpg on <paramref name="input"/> (written as is) and returns what it wrote to --output.</summary>
    public async Task<string> TransformAsync(string input, CancellationToken ct, params string[] args)
    {
        var inPath = NewPath("in");
        var outPath = NewPath("out");
        await System.IO.File.WriteAllTextAsync(inPath, input, new UTF8Encoding(false), ct);
        var (code, _, error) = await RunAsync([.. args, "--output", outPath, inPath], ct);
        Assert.True(code == 0, $"gpg {string.Join(' ', args)} failed: {error}");
        return await System.IO.File.ReadAllTextAsync(outPath, ct);
    }

    public void Dispose()
    {
        try
        {
            using var kill = Process.Start(new ProcessStartInfo("gpgconf", ["--homedir", Home, "--kill", "gpg-agent"]) { UseShellExecute = false });
            kill?.WaitForExit(10_000);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No gpgconf: no agent either.
        }
        Directory.Delete(Home, recursive: true);
    }
}
