using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Vigie.Core.Reports;
using Vigie.Data;
using Vigie.Features.Incidents;

namespace Vigie.Bench;

/// <summary>
/// End-to-end intake throughput (docs/performance.md): the real host with its SMTP listener on a
/// loopback port and SQLite in a fresh data directory; generated reports of 1–3 KB (French and
/// English text with observables in constituents' scopes, 10% replies carrying an incident's subject
/// tag; 400 distinct reporters, so most senders were already answered within the day, as in a real queue) sent by concurrent MailKit clients. Timing runs from the first MAIL FROM to the moment every
/// report is read (parsed, decrypted, observables, routing, answers queued). With <c>--pgp</c> every
/// message is PGP/MIME signed and encrypted (RSA-3072) to the team key, made up front by MimeKit.
/// </summary>
public static class IntakeBench
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private sealed record Options(int Messages, int Clients, bool Pgp, string DataRoot, bool AcceptOnly = false);

    public static async Task<int> RunAsync(string[] args)
    {
        var o = new Options(10_000, 8, false, Path.Combine(AppContext.BaseDirectory, "../../../../.data"));
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--messages": o = o with { Messages = int.Parse(args[++i], Inv) }; break;
                case "--clients": o = o with { Clients = int.Parse(args[++i], Inv) }; break;
                case "--pgp": o = o with { Pgp = true }; break;
                case "--accept-only": o = o with { AcceptOnly = true }; break;
                default:
                    Console.Error.WriteLine("usage: intake [--messages N] [--clients N] [--pgp] [--accept-only]");
                    return 2;
            }
        }

        var dataDir = Path.GetFullPath(Path.Combine(o.DataRoot, "intake-" + Guid.NewGuid().ToString("N")[..8]));
        Directory.CreateDirectory(dataDir);
        try
        {
            return await RunAsync(o, dataDir);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task<int> RunAsync(Options o, string dataDir)
    {
        var port = FreePort();
        PgpSetup? pgp = o.Pgp ? await PgpSetup.CreateAsync(dataDir) : null;
        var overrides = new Dictionary<string, string?>
        {
            ["Vigie:DataDirectory"] = dataDir,
            ["Vigie:Database:Provider"] = "Sqlite",
            ["Vigie:Smtp:Port"] = port.ToString(Inv),
            ["Vigie:Pgp:PassphraseFile"] = pgp?.PassphraseFile,
            ["urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Vigie:Intake:WorkerEnabled"] = o.AcceptOnly ? "false" : "true",
        };
        var app = Vigie.VigieHost.BuildApp(Vigie.VigieHost.CreateBuilder([], overrides));
        await Vigie.Data.DbCommands.MigrateOnStartAsync(app, CancellationToken.None);
        var world = await SeedAsync(app.Services);
        pgp?.ImportInto(app.Services);
        await app.StartAsync();

        Console.WriteLine($"generating {o.Messages:N0} messages{(o.Pgp ? " (PGP/MIME signed+encrypted, RSA-3072)" : "")}…");
        var generateClock = Stopwatch.StartNew();
        var messages = Generate(o.Messages, world, pgp);
        Console.WriteLine($"generated in {generateClock.Elapsed.TotalSeconds:F1} s, mean size {messages.Average(m => m.Size) / 1024:F1} KB");

        var acks = new double[messages.Count];
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, o.Clients), new ParallelOptions { MaxDegreeOfParallelism = o.Clients }, async (c, ct) =>
        {
            using var client = new SmtpClient();
            await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None, ct);
            for (var i = c; i < messages.Count; i += o.Clients)
            {
                var started = Stopwatch.GetTimestamp();
                await client.SendAsync(messages[i].Message, ct);
                acks[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
            await client.DisconnectAsync(true, ct);
        });
        var accepted = clock.Elapsed;

        int processed = o.AcceptOnly ? messages.Count : 0;
        while (processed < messages.Count && clock.Elapsed < TimeSpan.FromMinutes(30))
        {
            await Task.Delay(100);
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            processed = await db.Reports.CountAsync(r => r.Status == ReportStatus.Processed || r.Status == ReportStatus.Failed);
        }
        var total = clock.Elapsed;

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            Console.WriteLine($"stored: {await db.Reports.CountAsync():N0} reports");
            var failed = await db.Reports.CountAsync(r => r.Status == ReportStatus.Failed);
            var replies = await db.Reports.CountAsync(r => r.Kind == ReportKind.Reply);
            var routed = await db.Reports.CountAsync(r => r.SuggestedConstituentId != null);
            var decrypted = await db.Reports.CountAsync(r => r.Decryption == DecryptionStatus.Decrypted);
            var good = await db.Reports.CountAsync(r => r.Signature == SignatureStatus.Good);
            var observables = await db.ReportObservables.CountAsync();
            Console.WriteLine($"checks: {processed:N0} read, {failed} failed, {replies:N0} threaded replies, {routed:N0} routed to a constituent, " +
                $"{observables:N0} observables, {decrypted:N0} decrypted, {good:N0} good signatures");
        }
        await app.StopAsync();
        await app.DisposeAsync();

        Array.Sort(acks);
        var p50 = acks[(int)(acks.Length * 0.50)];
        var p99 = acks[Math.Min(acks.Length - 1, (int)(acks.Length * 0.99))];
        Console.WriteLine($"accept: {messages.Count:N0} msgs in {accepted.TotalSeconds:F1} s = {messages.Count / accepted.TotalSeconds:F0} msg/s (SMTP 250 after durable store), p50 ack {p50:F1} ms");
        Console.WriteLine(string.Create(Inv,
            $"intake: {messages.Count} msgs in {total.TotalSeconds:F1} s = {messages.Count / total.TotalSeconds:F0} msg/s, p99 ack {p99:F1} ms"));
        return processed >= messages.Count ? 0 : 1;
    }

    // --- the world: constituents with scopes and contacts, open incidents to reply to --------------

    private sealed record World(List<(string Name, string Email, string Cidr, string Domain)> Constituents, List<string> IncidentNumbers, string TeamTag);

    private static async Task<World> SeedAsync(IServiceProvider services)
    {
        var constituents = new List<(string, string, string, string)>();
        await using (var scope = services.CreateAsyncScope())
        {
            var service = scope.ServiceProvider.GetRequiredService<Vigie.Features.Constituents.ConstituentService>();
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            for (var i = 0; i < 50; i++)
            {
                var name = $"Client {i:D2}";
                var email = $"soc@client{i:D2}.example";
                var cidr = $"198.{18 + i / 200}.{i % 200}.0/24";
                var domain = $"client{i:D2}.example";
                var built = service.Build(new Vigie.Features.Constituents.ConstituentRequest(name, "client",
                    new Vigie.Features.Constituents.ContractDto($"C-{i:D3}", "standard", false), null,
                    [new Vigie.Features.Constituents.ContactRequest("SOC", email, "security", null, null)],
                    [new Vigie.Features.Constituents.ScopeRequest("cidr", cidr), new Vigie.Features.Constituents.ScopeRequest("domain", domain)]));
                db.Constituents.Add(built.Value!);
                constituents.Add((name, email, cidr, domain));
            }
            await db.SaveChangesAsync();
        }
        var numbers = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            await using var scope = services.CreateAsyncScope();
            var incidents = scope.ServiceProvider.GetRequiredService<IncidentService>();
            var created = await incidents.CreateAsync(new CreateIncidentRequest($"Seeded incident {i}", null, null, null, null, null, null, null,
                null, null), "bench", CancellationToken.None);
            numbers.Add(created.Value!.Number);
        }
        var tag = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Vigie.Features.Intake.Answers.AnswerOptions>>().Value.SubjectTag;
        return new World(constituents, numbers, tag);
    }

    // --- messages ---------------------------------------------------------------------------------

    private sealed record Generated(MimeMessage Message, long Size);

    private static readonly string[] s_subjectsFr =
    [
        "Hameçonnage hébergé sur {0}", "Tentatives de connexion par force brute depuis {1}", "Logiciel malveillant sur {0}",
        "Balayage de ports depuis {1}", "Signalement : compromission possible de {0}",
    ];

    private static readonly string[] s_subjectsEn =
    [
        "Phishing site hosted at {0}", "SSH brute force from {1}", "Malware download from {0}", "Port scan from {1}",
        "Possible compromise of {0}",
    ];

    private static List<Generated> Generate(int count, World world, PgpSetup? pgp)
    {
        var result = new Generated[count];
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var random = new Random(i * 7919 + 17);
            var target = world.Constituents[random.Next(world.Constituents.Count)];
            var prefix = target.Cidr[..target.Cidr.LastIndexOf('.')];
            var ip = $"{prefix}.{random.Next(1, 254)}";
            var url = $"hxxps://www[.]{target.Domain}/login/{random.Next(100000):D5}.php";
            var reporter = pgp?.From ?? $"analyst{random.Next(10)}@partner{random.Next(40)}.example";
            var french = random.Next(2) == 0;
            var message = new MimeMessage();
            message.From.Add(new MailboxAddress("Reporter", reporter));
            message.To.Add(MailboxAddress.Parse("incident-csirt-cc@cegedim.com"));
            message.MessageId = $"{Guid.NewGuid():N}@partner.example";
            message.Date = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero).AddSeconds(i);
            var template = (french ? s_subjectsFr : s_subjectsEn)[random.Next(5)];
            var subject = string.Format(Inv, template, url, ip);
            if (i % 10 == 0)
            {
                subject = $"Re: {subject} [{world.TeamTag} #{world.IncidentNumbers[random.Next(world.IncidentNumbers.Count)]}]";
            }
            message.Subject = subject;
            var text = Body(random, french, ip, url, target.Domain);
            MimeEntity body = new TextPart("plain") { Text = text };
            if (pgp is not null)
            {
                body = pgp.SignAndEncrypt(body, reporter);
            }
            message.Body = body;
            using var measure = new MemoryStream();
            message.WriteTo(measure);
            result[i] = new Generated(message, measure.Length);
        });
        return [.. result];
    }

    private static string Body(Random random, bool french, string ip, string url, string domain)
    {
        var sb = new StringBuilder();
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(random.Next())));
        if (french)
        {
            sb.AppendLine("Bonjour,").AppendLine()
              .AppendLine($"Nous avons observé une activité suspecte depuis l'adresse {ip.Replace(".", "[.]", StringComparison.Ordinal)} vers nos serveurs, ")
              .AppendLine($"ainsi qu'une page d'hameçonnage à l'adresse {url}. Le fichier déposé a pour empreinte SHA-256 {hash}.")
              .AppendLine($"Le domaine {domain} semble concerné. Pourriez-vous prendre les mesures nécessaires ?");
        }
        else
        {
            sb.AppendLine("Hello,").AppendLine()
              .AppendLine($"We have seen suspicious activity from {ip.Replace(".", "[.]", StringComparison.Ordinal)} against our servers, ")
              .AppendLine($"and a phishing page at {url}. The dropped file has SHA-256 {hash}.")
              .AppendLine($"The domain {domain} seems to be involved. Could you please take the necessary action?");
        }
        sb.AppendLine().AppendLine("Log excerpt:");
        var lines = random.Next(8, 35);
        for (var l = 0; l < lines; l++)
        {
            sb.AppendLine(string.Create(Inv, $"2026-11-27T09:{l % 60:D2}:{random.Next(60):D2}Z sshd[{random.Next(1000, 9999)}]: Failed password for root from {ip} port {random.Next(1024, 65535)} ssh2"));
        }
        sb.AppendLine().AppendLine(french ? "Cordialement," : "Best regards,").AppendLine("-- ").AppendLine("Partner SOC");
        return sb.ToString();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// Keys for the <c>--pgp</c> run, made by the real gpg: the team's RSA-3072 key (with a passphrase,
/// imported into Vigie like an operator would) and one reporter's RSA-3072 key that signs every message.
/// </summary>
internal sealed class PgpSetup
{
    private const string Passphrase = "bench-passphrase";
    private const string Reporter = "soc@client00.example";
    private const string Team = "incident-csirt-cc@cegedim.com";

    private readonly string _teamSecret;
    private readonly string _reporterPublic;
    private readonly string _contextDir;
    private readonly ThreadLocal<BenchPgpContext> _contexts;

    private PgpSetup(string dir, string teamSecret, string reporterPublic, string reporterSecret, string teamPublic)
    {
        _teamSecret = teamSecret;
        _reporterPublic = reporterPublic;
        PassphraseFile = Path.Combine(dir, "passphrase");
        File.WriteAllText(PassphraseFile, Passphrase);
        _contextDir = Path.Combine(dir, "bench-pgp");
        _contexts = new ThreadLocal<BenchPgpContext>(() =>
        {
            var ctx = new BenchPgpContext(Path.Combine(_contextDir, Guid.NewGuid().ToString("N")));
            using (var pub = new MemoryStream(System.Text.Encoding.ASCII.GetBytes(teamPublic)))
            {
                ctx.Import(pub);
            }
            using var sec = new MemoryStream(System.Text.Encoding.ASCII.GetBytes(reporterSecret));
            ctx.Import(new Org.BouncyCastle.Bcpg.OpenPgp.PgpSecretKeyRingBundle(Org.BouncyCastle.Bcpg.OpenPgp.PgpUtilities.GetDecoderStream(sec)));
            return ctx;
        });
    }

    public string PassphraseFile { get; }

    public static async Task<PgpSetup> CreateAsync(string dataDir)
    {
        var dir = Path.Combine(dataDir, "gpg-bench");
        var home = Path.Combine(dir, "home");
        Directory.CreateDirectory(home);
        await GpgAsync(home, null, "--quick-gen-key", $"Team <{Team}>", "rsa3072", "default", "never");
        await GpgAsync(home, null, "--quick-add-key", await FingerprintAsync(home, Team), "rsa3072", "encr", "never");
        await GpgAsync(home, null, "--quick-gen-key", $"Reporter <{Reporter}>", "rsa3072", "default", "never");
        await GpgAsync(home, null, "--quick-add-key", await FingerprintAsync(home, Reporter), "rsa3072", "encr", "never");
        return new PgpSetup(dir,
            await GpgAsync(home, null, "--armor", "--export-secret-keys", Team),
            await GpgAsync(home, null, "--armor", "--export", Reporter),
            await GpgAsync(home, null, "--armor", "--export-secret-keys", Reporter),
            await GpgAsync(home, null, "--armor", "--export", Team));
    }

    /// <summary>Imports the team secret key and the reporter's public key, and records it as the contact's key.</summary>
    public void ImportInto(IServiceProvider services)
    {
        var keyring = services.GetRequiredService<Vigie.Features.Pgp.PgpKeyring>();
        using (var team = new MemoryStream(System.Text.Encoding.ASCII.GetBytes(_teamSecret)))
        {
            keyring.Import(team, allowSecret: true);
        }
        using var reporter = new MemoryStream(System.Text.Encoding.ASCII.GetBytes(_reporterPublic));
        keyring.Import(reporter, allowSecret: false);
    }

    public string From => Reporter;

    public MimeEntity SignAndEncrypt(MimeEntity body, string _)
    {
        var ctx = _contexts.Value!;
        return MimeKit.Cryptography.MultipartEncrypted.SignAndEncrypt(ctx, new MailboxAddress("Reporter", Reporter), MimeKit.Cryptography.DigestAlgorithm.Sha256,
            [new MailboxAddress("Team", Team)], body);
    }

    private static async Task<string> FingerprintAsync(string home, string uid)
    {
        var colons = await GpgAsync(home, null, "--with-colons", "--list-keys", uid);
        return colons.Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
    }

    private static async Task<string> GpgAsync(string home, string? input, params string[] args)
    {
        var psi = new ProcessStartInfo("gpg")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
        };
        foreach (var a in new[] { "--homedir", home, "--batch", "--pinentry-mode", "loopback", "--passphrase", Passphrase }.Concat(args))
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"gpg {string.Join(' ', args)} failed: {await error}");
        }
        return await output;
    }

    private sealed class BenchPgpContext(string dir) : MimeKit.Cryptography.GnuPGContext(dir)
    {
        protected override string GetPasswordForKey(Org.BouncyCastle.Bcpg.OpenPgp.PgpSecretKey key) => Passphrase;
    }
}
