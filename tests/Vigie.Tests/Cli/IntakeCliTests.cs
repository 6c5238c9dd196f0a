using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Core.Reports;
using Vigie.Data;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Cli;

/// <summary>
/// <c>vigie intake import</c> and <c>vigie intake reprocess</c> as an operator runs them: the built
/// binary against the test host's database, on a directory holding .eml files and an mbox.
/// </summary>
public abstract class IntakeCliTests(VigieApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<(int Code, string Out, string Err)> Vigie(params string[] args) => CliTests.Run(app.Settings(), null, args);

    private static string Mail(string id, string subject) =>
        $"From: <abuse@isp.example>\nTo: <incident-csirt-cc@cegedim.com>\nSubject: {subject}\nMessage-ID: <{id}>\n" +
        "Date: Mon, 09 Mar 2026 09:00:00 +0100\nAuto-Submitted: auto-generated\n\nBot traffic from 203.0.113.77 to hxxp://bad[.]example/x\n";

    [Fact]
    public async Task Import_stores_each_message_once_and_reads_them_and_reprocess_reads_again()
    {
        app.SkipIfUnavailable();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var dir = Directory.CreateTempSubdirectory("vigie-import-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "one.eml"), Mail($"1-{tag}@isp.example", $"one {tag}"), Ct);
            Directory.CreateDirectory(Path.Combine(dir, "sub"));
            await File.WriteAllTextAsync(Path.Combine(dir, "sub", "two.eml"), Mail($"2-{tag}@isp.example", $"two {tag}"), Ct);
            var mbox = new StringBuilder();
            foreach (var n in new[] { 3, 4, 5 })
            {
                mbox.Append("From abuse@isp.example Mon Mar  9 09:00:00 2026\n").Append(Mail($"{n}-{tag}@isp.example", $"mbox {n} {tag}")).Append('\n');
            }
            await File.WriteAllTextAsync(Path.Combine(dir, "archive.mbox"), mbox.ToString(), Ct);

            var (code, output, error) = await Vigie("intake", "import", dir);
            Assert.True(code == 0, error + output);
            Assert.Contains("5 message(s) in 3 file(s): 5 new report(s), 0 already stored.", output, StringComparison.Ordinal);
            Assert.Contains("0 failed", output, StringComparison.Ordinal);

            (code, output, error) = await Vigie("intake", "import", dir);
            Assert.True(code == 0, error + output);
            Assert.Contains("5 message(s) in 3 file(s): 0 new report(s), 5 already stored.", output, StringComparison.Ordinal);

            await using (var scope = app.Scope())
            {
                var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
                // The test host's own worker may have claimed some of them before the command did: wait for it.
                List<Report> reports = [];
                for (var i = 0; i < 300; i++)
                {
                    reports = await db.Reports.AsNoTracking().Include(r => r.Observables)
                        .Where(r => r.Subject!.Contains(tag)).ToListAsync(Ct);
                    if (reports.All(r => r.Status == ReportStatus.Processed))
                    {
                        break;
                    }
                    await Task.Delay(100, Ct);
                }
                Assert.Equal(5, reports.Count);
                Assert.All(reports, r =>
                {
                    Assert.Equal(ReportStatus.Processed, r.Status);
                    Assert.Equal(ReportSource.Import, r.Source);
                    Assert.Contains(r.Observables, o => o.Value == "http://bad.example/x");
                    // Auto-generated mail is never answered.
                    Assert.StartsWith("Not answered", r.AnswerNote, StringComparison.Ordinal);
                });
                // The mbox messages are stored with their own bytes, without the "From " separator line.
                var third = reports.Single(r => r.MessageId == $"3-{tag}@isp.example");
                await using var raw = scope.ServiceProvider.GetRequiredService<BlobStore>().OpenRead(third.Sha256);
                using var reader = new StreamReader(raw);
                Assert.StartsWith("From: <abuse@isp.example>", await reader.ReadToEndAsync(Ct), StringComparison.Ordinal);

                (code, output, error) = await Vigie("intake", "reprocess", third.Id.ToString());
                Assert.True(code == 0, error + output);
                Assert.Contains("1 report(s) queued to be read again.", output, StringComparison.Ordinal);
                // Read by the command, or by the test host's own worker if it polled first (that one may
                // still be at it): either way read again, which gives the observables new ids.
                Assert.Contains("0 failed", output, StringComparison.Ordinal);
                var before = third.Observables.Select(o => o.Id).ToHashSet();
                Report? again = null;
                for (var i = 0; i < 300 && again is null; i++)
                {
                    await using var look = app.Scope();
                    var candidate = await look.ServiceProvider.GetRequiredService<VigieDb>().Reports.AsNoTracking()
                        .Include(r => r.Observables).SingleAsync(r => r.Id == third.Id, Ct);
                    if (candidate.Status == ReportStatus.Processed && !candidate.Observables.Any(o => before.Contains(o.Id)))
                    {
                        again = candidate;
                    }
                    else
                    {
                        await Task.Delay(100, Ct);
                    }
                }
                Assert.NotNull(again);
                Assert.Contains(again.Observables, o => o.Value == "http://bad.example/x");
            }

            (code, _, error) = await Vigie("intake", "reprocess");
            Assert.Equal(2, code);
            Assert.Contains("exactly one of ID, --failed or --all", error, StringComparison.Ordinal);
            (code, _, error) = await Vigie("intake", "import", Path.Combine(dir, "missing.eml"));
            Assert.Equal(2, code);
            Assert.Contains("does not exist", error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

public sealed class IntakeCliSqliteTests(SqliteApp app) : IntakeCliTests(app), IClassFixture<SqliteApp>;

public sealed class IntakeCliPostgresTests(PostgresApp app) : IntakeCliTests(app), IClassFixture<PostgresApp>;
