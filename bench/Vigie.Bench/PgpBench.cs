using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;
using Vigie.Features.Pgp;

namespace Vigie.Bench;

/// <summary>
/// OpenPGP cost per inbound message (docs/performance.md): a 2 KB PGP/MIME report signed with an
/// RSA-3072 contact key and encrypted to the team's RSA-3072 key, opened by <see cref="MailCrypto.Open(MimeMessage)"/>
/// (MIME parse + decrypt + verify), on one thread and on every core. Uses the test-only keys of
/// tests/Vigie.Tests/TestData/pgp.
/// </summary>
public static class PgpBench
{
    public static int Run(string[] args)
    {
        var messages = 2000;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--messages" when i + 1 < args.Length:
                    messages = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                default:
                    Console.Error.WriteLine($"pgp: unknown argument '{args[i]}' (use --messages N)");
                    return 2;
            }
        }
        var keys = FindKeys();
        var root = Directory.CreateTempSubdirectory("vigie-pgp-bench-").FullName;
        try
        {
            // The team (receiving) side and a contact (sending) side, each with its own keyring.
            var team = Keyring(Path.Combine(root, "team"), Path.Combine(keys, "team.passphrase"));
            Import(team, Path.Combine(keys, "team.sec.asc"), secret: true);
            Import(team, Path.Combine(keys, "bob.pub.asc"), secret: false);
            var sender = Keyring(Path.Combine(root, "bob"), null);
            Import(sender, Path.Combine(keys, "bob.sec.asc"), secret: true);
            Import(sender, Path.Combine(keys, "team.pub.asc"), secret: false);
            var crypto = new MailCrypto(team, NullLogger<MailCrypto>.Instance);
            var bob = new MailCrypto(sender, NullLogger<MailCrypto>.Instance);

            // Distinct messages (own session keys); opening cycles through them.
            var raw = Enumerable.Range(0, 64).Select(i => Encrypted(bob, i)).ToArray();
            Console.WriteLine($"pgp: message size {raw.Average(r => r.Length) / 1024:F1} KB on the wire (2 KB text, signed by RSA-3072, encrypted to RSA-3072)");

            for (var i = 0; i < 50; i++)
            {
                Check(crypto.Open(Load(raw[i % raw.Length])));
            }

            // CPU time as well as wall time: on a shared machine the wall clock also counts other processes.
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var single = Stopwatch.StartNew();
            for (var i = 0; i < messages; i++)
            {
                Check(crypto.Open(Load(raw[i % raw.Length])));
            }
            single.Stop();
            process.Refresh();
            var cpuPerOp = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / messages;

            var threads = Environment.ProcessorCount;
            var parallel = Stopwatch.StartNew();
            Parallel.For(0, messages, new ParallelOptions { MaxDegreeOfParallelism = threads }, i => Check(crypto.Open(Load(raw[i % raw.Length]))));
            parallel.Stop();

            var msPerOp = single.Elapsed.TotalMilliseconds / messages;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"pgp: decrypt+verify {messages} msgs: {msPerOp:F2} ms/op on 1 thread ({1000 / msPerOp:F0} msg/s, {cpuPerOp:F2} ms CPU/op), "
                + $"{messages / parallel.Elapsed.TotalSeconds:F0} msg/s on {threads} threads"));
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static byte[] Encrypted(MailCrypto sender, int n)
    {
        var text = new StringBuilder($"Hello CERT team,\n\nReport #{n}: the hosts below attacked our network.\n\n");
        for (var line = 0; text.Length < 2048; line++)
        {
            text.Append(CultureInfo.InvariantCulture, $"2026-03-09T10:{line % 60:D2}:00Z 203.0.113.{(n + line) % 250 + 1} -> 198.51.100.{line % 250 + 1}:22 ssh brute force\n");
        }
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Bob Partner", "bob@partner.test"));
        message.To.Add(new MailboxAddress("CSIRT", "cert@csirt.test"));
        message.Subject = $"Incident report {n}";
        message.Body = new TextPart("plain") { Text = text.ToString() };
        var protectedMessage = sender.Protect(message, new MailboxAddress("Bob", "bob@partner.test"), new MailboxAddress("CSIRT", "cert@csirt.test"));
        if (protectedMessage.Body is not MimeKit.Cryptography.MultipartEncrypted)
        {
            throw new InvalidOperationException("The bench message was not encrypted.");
        }
        using var buffer = new MemoryStream();
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        protectedMessage.WriteTo(options, buffer);
        return buffer.ToArray();
    }

    private static MimeMessage Load(byte[] raw) => MimeMessage.Load(new MemoryStream(raw, writable: false));

    private static void Check(OpenedMail opened)
    {
        if (opened.Decryption != DecryptionOutcome.Decrypted || opened.Signature != SignatureOutcome.Good)
        {
            throw new InvalidOperationException($"Bench message not opened: {opened.Decryption} {opened.DecryptionError} / {opened.Signature} {opened.SignatureError}");
        }
    }

    private static PgpKeyring Keyring(string dataDirectory, string? passphraseFile) => new(
        Options.Create(new VigieOptions { DataDirectory = dataDirectory }),
        Options.Create(new PgpOptions { PassphraseFile = passphraseFile }),
        TimeProvider.System,
        NullLogger<PgpKeyring>.Instance);

    private static void Import(PgpKeyring keyring, string path, bool secret)
    {
        using var file = File.OpenRead(path);
        keyring.Import(file, secret);
    }

    private static string FindKeys()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var keys = Path.Combine(dir.FullName, "tests", "Vigie.Tests", "TestData", "pgp");
            if (File.Exists(Path.Combine(keys, "team.sec.asc")))
            {
                return keys;
            }
        }
        throw new InvalidOperationException("tests/Vigie.Tests/TestData/pgp not found above the bench binary: run it from the repository.");
    }
}
