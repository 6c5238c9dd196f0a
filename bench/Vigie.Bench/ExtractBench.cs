using System.Diagnostics;
using System.Globalization;
using System.Text;
using Vigie.Core.Observables;

namespace Vigie.Bench;

/// <summary>
/// Observable extraction throughput (issue 3 §4, target ≥ 20 MB/s): generated abuse-report texts of 1–4 KB
/// (English and French prose, sshd log lines, Received headers, defanged URLs and addresses, hashes, CVE ids;
/// about one observable per 90 characters) run through <see cref="ObservableExtractor.Extract"/> on one
/// thread, then one text of <see cref="ObservableExtractor.MaxTextLength"/> characters. MB are UTF-8 bytes.
/// </summary>
public static class ExtractBench
{
    private const int Seed = 20_260_115;

    public static int Run(string[] args)
    {
        var megabytes = 16;
        var seconds = 3.0;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--mb" when i + 1 < args.Length:
                    megabytes = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--seconds" when i + 1 < args.Length:
                    seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                default:
                    Console.Error.WriteLine($"extract: unknown argument '{args[i]}' (use [--mb N] [--seconds S])");
                    return 2;
            }
        }

        var random = new Random(Seed);
        var reports = new List<string>();
        long bytes = 0;
        while (bytes < megabytes * 1_000_000L)
        {
            var report = GenerateReport(random);
            reports.Add(report);
            bytes += Encoding.UTF8.GetByteCount(report);
        }

        var perPass = Pass(reports); // warm-up: tier-1 code
        long passes = 0;
        var clock = Stopwatch.StartNew();
        do
        {
            _ = Pass(reports);
            passes++;
        }
        while (clock.Elapsed.TotalSeconds < seconds);
        clock.Stop();

        var big = new StringBuilder(ObservableExtractor.MaxTextLength);
        foreach (var report in reports)
        {
            if (big.Length + report.Length > ObservableExtractor.MaxTextLength)
            {
                break;
            }

            big.Append(report);
        }

        var bigText = big.ToString();
        _ = ObservableExtractor.Extract(bigText, int.MaxValue);
        var bigClock = Stopwatch.StartNew();
        var bigFound = ObservableExtractor.Extract(bigText, int.MaxValue).Count;
        bigClock.Stop();

        var inv = CultureInfo.InvariantCulture;
        var mbPerSecond = bytes * passes / 1e6 / clock.Elapsed.TotalSeconds;
        var observablesPerSecond = perPass * passes / clock.Elapsed.TotalSeconds;
        var bigMbPerSecond = Encoding.UTF8.GetByteCount(bigText) / 1e6 / bigClock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(inv, $"{reports.Count} reports, {bytes / 1e6:F1} MB, {perPass} observables per pass, {passes} passes in {clock.Elapsed.TotalSeconds:F2} s"));
        Console.WriteLine(string.Create(inv, $"one text of {bigText.Length} chars: {bigFound} observables in {bigClock.Elapsed.TotalMilliseconds:F0} ms ({bigMbPerSecond:F1} MB/s)"));
        RunAdversarial();
        Console.WriteLine(string.Create(inv, $"extract: {mbPerSecond:F1} MB/s, {observablesPerSecond:F0} observables/s (reports of {bytes / reports.Count} bytes on average)"));
        return 0;
    }

    // Dense or degenerate inputs of MaxTextLength characters, every observable kept (no maxResults cap):
    // the time must stay linear in the length, whatever the shape of the text.
    private static void RunAdversarial()
    {
        string[] patterns =
        [
            "a.bc ", "1.1.1.1 ", "::1 ", "2001:db8::/32 ", "a@b.cd ", "http://a.bc/ ", "hxxp://", "[.]", "(at)", "a.", "1.",
            "::::", "@@", "d41d8cd98f00b204e9800998ecf8427e ", "CVE-2021-44228 ", "((((", "a..b", "\\.",
        ];
        var worst = (Rate: double.MaxValue, Pattern: "");
        foreach (var pattern in patterns)
        {
            var text = new StringBuilder(ObservableExtractor.MaxTextLength + pattern.Length);
            while (text.Length < ObservableExtractor.MaxTextLength)
            {
                text.Append(pattern);
            }

            var input = text.ToString(0, ObservableExtractor.MaxTextLength);
            var clock = Stopwatch.StartNew();
            var found = ObservableExtractor.Extract(input, int.MaxValue).Count;
            clock.Stop();
            var rate = input.Length / 1e6 / clock.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  adversarial '{pattern}' x {input.Length / pattern.Length}: {found} observables in {clock.Elapsed.TotalMilliseconds:F0} ms ({rate:F1} MB/s)"));
            if (rate < worst.Rate)
            {
                worst = (rate, pattern);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"adversarial worst: {worst.Rate:F1} MB/s on '{worst.Pattern}'"));
    }

    private static long Pass(List<string> reports)
    {
        long found = 0;
        foreach (var report in reports)
        {
            found += ObservableExtractor.Extract(report).Count;
        }

        return found;
    }

    private static readonly string[] Prose =
    [
        "We have detected suspicious activity originating from your network.",
        "Please investigate and take the necessary measures to stop this abuse.",
        "This message was generated after a manual review by our security team.",
        "Nous avons constaté une activité malveillante en provenance de votre réseau.",
        "Merci de prendre les mesures nécessaires et de nous tenir informés.",
        "Le serveur semble avoir été compromis ; les journaux sont joints ci-dessous.",
        "If you are not the right contact, please forward this report to the owner of the address.",
        "Timestamps are in UTC. The attached file contains the full logs (report.txt).",
    ];

    private static string GenerateReport(Random random)
    {
        var text = new StringBuilder();
        var target = random.Next(1_000, 4_000);
        text.Append(random.Next(2) == 0 ? "Dear abuse team,\n\n" : "Bonjour,\n\n");
        while (text.Length < target)
        {
            switch (random.Next(9))
            {
                case 0:
                case 1:
                    text.Append(Prose[random.Next(Prose.Length)]).Append(' ');
                    break;
                case 2:
                    text.Append(CultureInfo.InvariantCulture, $"\n2026-01-15T10:{random.Next(60):D2}:{random.Next(60):D2}Z sshd[{random.Next(1000, 99999)}]: Failed password for root from {Ip(random)} port {random.Next(1024, 65535)} ssh2");
                    break;
                case 3:
                    text.Append(CultureInfo.InvariantCulture, $"\nReceived: from mail.{Domain(random)} (mail.{Domain(random)} [{Ip(random)}]) by mx.example.net with ESMTPS id {random.NextInt64():x}; Thu, 15 Jan 2026 10:20:30 +0100\n");
                    break;
                case 4:
                    text.Append(CultureInfo.InvariantCulture, $"Phishing URL: hxxps://{Domain(random).Replace(".", "[.]", StringComparison.Ordinal)}/login/{random.Next():x}?session={random.Next()} (still online). ");
                    break;
                case 5:
                    text.Append(CultureInfo.InvariantCulture, $"The page is hosted at {Ip(random).Replace(".", "[.]", StringComparison.Ordinal)} and sends credentials to drop{random.Next(100)}@{Domain(random)}. ");
                    break;
                case 6:
                    text.Append("SHA256: ").Append(Hex(random, 32)).Append(", MD5 ").Append(Hex(random, 16)).Append('\n');
                    break;
                case 7:
                    text.Append(CultureInfo.InvariantCulture, $"The host at 2001:db8:{random.Next(0xffff):x}::{random.Next(0xffff):x} is vulnerable to CVE-{random.Next(2015, 2026)}-{random.Next(1000, 50000)}. ");
                    break;
                default:
                    text.Append(CultureInfo.InvariantCulture, $"Our network {Ip(random)[..^2]}.0/24 was scanned on 12:34:56 (version 1.2.3). ");
                    break;
            }
        }

        text.Append("\n\nRegards,\n-- \nAbuse desk, https://www.example.org/abuse\n");
        return text.ToString();
    }

    private static string Ip(Random random) =>
        string.Create(CultureInfo.InvariantCulture, $"{random.Next(1, 224)}.{random.Next(256)}.{random.Next(256)}.{random.Next(10, 100)}");

    private static string Domain(Random random) =>
        string.Create(CultureInfo.InvariantCulture, $"{Word(random)}{random.Next(100)}.{(random.Next(3) == 0 ? "fr" : "com")}");

    private static string Word(Random random) =>
        new(Enumerable.Range(0, random.Next(4, 10)).Select(_ => (char)('a' + random.Next(26))).ToArray());

    private static string Hex(Random random, int bytes)
    {
        var buffer = new byte[bytes];
        random.NextBytes(buffer);
        return Convert.ToHexStringLower(buffer);
    }
}
