using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Data.Sqlite;
using MimeKit;
using static Vigie.Tests.Mail.MailTestKit;

namespace Vigie.Tests.Mail;

/// <summary>
/// Durability of the listener, on the real binary: a burst of mail from concurrent clients, the
/// process killed with SIGKILL in the middle, and every message that got a 250 must be a report
/// with its bytes intact when the database is opened again.
/// </summary>
public sealed partial class SmtpCrashTests
{
    private sealed class Server : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Server(string dataDir)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = Path.GetTempPath(),
            };
            foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "vigie.dll"), "serve", "--data-dir", dataDir, "--urls", "http://127.0.0.1:0" })
            {
                start.ArgumentList.Add(a);
            }
            start.Environment["DOTNET_ENVIRONMENT"] = "Production";
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            start.Environment["Vigie__Smtp__Port"] = "0";
            start.Environment["Logging__Console__FormatterName"] = "simple";
            _process = Process.Start(start)!;
            _process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { } line && ListenerLine().Match(line) is { Success: true } m)
                {
                    _port.TrySetResult(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
                }
            };
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public Task<int> PortAsync() => _port.Task.WaitAsync(TimeSpan.FromSeconds(90), Ct);

        /// <summary>SIGKILL: no shutdown code runs.</summary>
        public void Kill() => _process.Kill(entireProcessTree: true);

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            await _process.WaitForExitAsync(CancellationToken.None);
            _process.Dispose();
        }
    }

    [GeneratedRegex(@"SMTP listener on 127\.0\.0\.1:(\d+)")]
    private static partial Regex ListenerLine();

    [Fact]
    public async Task A_kill_9_in_the_middle_of_a_burst_loses_no_message_that_got_250()
    {
        const int Clients = 8;
        const int PerClient = 40; // 320 in all
        const int KillAfter = 120;
        var data = Directory.CreateTempSubdirectory("vigie-crash-").FullName;
        var acked = new ConcurrentDictionary<string, string>(); // sha → Message-ID
        var latencies = new ConcurrentBag<double>();
        try
        {
            int port;
            await using (var server = new Server(data))
            {
                port = await server.PortAsync();
                var killed = 0;
                var clients = Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
                {
                    using var client = new SmtpClient();
                    await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None, Ct);
                    for (var i = 0; i < PerClient; i++)
                    {
                        var tag = $"burst-{c}-{i}-{Guid.NewGuid():N}";
                        // About 1.5 KB, lines short enough that MailKit sends the bytes unchanged.
                        var bytes = Sample(tag, body: $"Burst message {i} of client {c}.\r\n" + string.Concat(Enumerable.Repeat(new string('x', 76) + "\r\n", 16)));
                        var started = Stopwatch.GetTimestamp();
                        try
                        {
                            await client.SendAsync(Mime(bytes), MailboxAddress.Parse($"client{c}@partner.example"),
                                [MailboxAddress.Parse(SmtpApp.Incident)], Ct);
                        }
                        catch (Exception e) when (e is IOException or SmtpProtocolException or MailKit.ServiceNotConnectedException or SmtpCommandException)
                        {
                            return; // the server is gone: whatever had no 250 may be lost
                        }
                        latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                        acked[Sha(bytes)] = $"{tag}@isp.example";
                        if (acked.Count >= KillAfter && Interlocked.Exchange(ref killed, 1) == 0)
                        {
                            server.Kill();
                        }
                    }
                }, Ct)).ToArray();
                await Task.WhenAll(clients);
                Assert.Equal(1, killed);
            }

            Assert.InRange(acked.Count, KillAfter, Clients * PerClient - 1);
            var sorted = latencies.Order().ToArray();
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{acked.Count} messages acknowledged before the kill; SMTP accept latency p50 {sorted[sorted.Length / 2]:F1} ms, " +
                $"p99 {sorted[(int)(sorted.Length * 0.99)]:F1} ms, max {sorted[^1]:F1} ms");

            // Every acknowledged message is a committed report whose blob holds exactly its bytes.
            await using (var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(data, "vigie.db"), Pooling = false }.ToString()))
            {
                await db.OpenAsync(Ct);
                foreach (var (sha, messageId) in acked)
                {
                    await using var query = db.CreateCommand();
                    query.CommandText = "SELECT MessageId, Source, Recipient FROM reports WHERE Sha256 = $sha";
                    query.Parameters.AddWithValue("$sha", sha);
                    await using var row = await query.ExecuteReaderAsync(Ct);
                    Assert.True(await row.ReadAsync(Ct), $"acknowledged message {messageId} has no report");
                    Assert.Equal(messageId, row.GetString(0));
                    Assert.Equal("Smtp", row.GetString(1));
                    Assert.Equal(SmtpApp.Incident, row.GetString(2));
                    var blob = Path.Combine(data, "blobs", sha[..2], sha[2..4], sha);
                    Assert.Equal(sha, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(blob, Ct))));
                }
            }

            // And the same data directory serves again.
            await using (var again = new Server(data))
            {
                var next = await again.PortAsync();
                using var client = new SmtpClient();
                await client.ConnectAsync("127.0.0.1", next, SecureSocketOptions.None, Ct);
                await client.SendAsync(Mime(Sample(Guid.NewGuid().ToString("N"))), MailboxAddress.Parse("after@partner.example"),
                    [MailboxAddress.Parse(SmtpApp.Incident)], Ct);
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }
}
