using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Spectre.Console;
using Vigie.Cli;
using Vigie.Core;
using Vigie.Core.Reports;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Features.Reports;

namespace Vigie.Features.Intake;

/// <summary><c>vigie intake import</c> and <c>vigie intake reprocess</c>.</summary>
public static class IntakeCommands
{
    public static Command Build() => new("intake", "Feed messages into intake, or read stored reports again.")
    {
        ImportCommand(),
        ReprocessCommand(),
    };

    private static Command ImportCommand()
    {
        var paths = new Argument<string[]>("PATH")
        {
            Description = ".eml files, mbox files, or directories of them (read recursively).",
            Arity = ArgumentArity.OneOrMore,
        };
        var recipient = new Option<string?>("--recipient")
        {
            Description = "The team address these messages were sent to (default: the incident address; the general address makes them requests).",
        };
        var noProcess = new Option<bool>("--no-process") { Description = "Only store the messages; the server's worker reads them later." };
        var import = new Command("import", "Store messages as reports (each once, however often imported), then read them.")
        {
            paths, recipient, noProcess,
        };
        import.SetAction(async (parse, ct) =>
        {
            var files = new List<string>();
            foreach (var path in parse.GetValue(paths)!)
            {
                if (Directory.Exists(path))
                {
                    files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
                }
                else if (File.Exists(path))
                {
                    files.Add(path);
                }
                else
                {
                    return IdentityCommands.Fail($"{Path.GetFullPath(path)} does not exist.");
                }
            }
            string? to = null;
            if (parse.GetValue(recipient) is { } given && !EmailAddress.TryNormalize(given, out to, out var error))
            {
                return IdentityCommands.Fail($"--recipient: {error}");
            }

            await using var app = VigieCli.BuildHost(parse);
            await DbCommands.MigrateOnStartAsync(app, ct);
            var submittedBy = "import:" + Environment.UserName;
            int created = 0, known = 0;
            var failures = new List<string>();
            await AnsiConsole.Progress().AutoClear(false).StartAsync(async progress =>
            {
                var task = progress.AddTask("Importing", maxValue: Math.Max(1, files.Count));
                foreach (var file in files)
                {
                    try
                    {
                        await foreach (var message in MessagesIn(file, ct))
                        {
                            await using var scope = app.Services.CreateAsyncScope();
                            var intake = scope.ServiceProvider.GetRequiredService<ReportIntake>();
                            var (_, isNew) = await intake.AcceptAsync(message, ReportSource.Import, submittedBy, to, ct);
                            _ = isNew ? created++ : known++;
                        }
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException or BlobTooLargeException)
                    {
                        failures.Add($"{file}: {e.Message}");
                    }
                    task.Increment(1);
                }
            });
            Console.WriteLine($"{created + known} message(s) in {files.Count} file(s): {created} new report(s), {known} already stored.");
            foreach (var failure in failures)
            {
                Console.Error.WriteLine("error: " + failure);
            }
            if (!parse.GetValue(noProcess))
            {
                await ReadPendingAsync(app, ct);
            }
            return failures.Count == 0 ? 0 : 1;
        });
        return import;
    }

    private static Command ReprocessCommand()
    {
        var id = new Argument<Guid?>("ID") { Description = "The report to read again.", Arity = ArgumentArity.ZeroOrOne };
        var failed = new Option<bool>("--failed") { Description = "Every report whose reading failed." };
        var all = new Option<bool>("--all") { Description = "Every report (after a rule or parser change). Answers already sent are not sent again." };
        var reprocess = new Command("reprocess", "Read stored reports again from their raw bytes (also reads any waiting report).")
        {
            id, failed, all,
        };
        reprocess.SetAction(async (parse, ct) =>
        {
            var one = parse.GetValue(id);
            var choices = (one is null ? 0 : 1) + (parse.GetValue(failed) ? 1 : 0) + (parse.GetValue(all) ? 1 : 0);
            if (choices != 1)
            {
                Console.Error.WriteLine("error: give exactly one of ID, --failed or --all.");
                return 2;
            }
            await using var app = VigieCli.BuildHost(parse);
            await DbCommands.MigrateOnStartAsync(app, ct);
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
                var query = db.Reports.AsQueryable();
                query = one is { } single ? query.Where(r => r.Id == single)
                    : parse.GetValue(failed) ? query.Where(r => r.Status == ReportStatus.Failed)
                    : query.Where(r => r.Status != ReportStatus.Received && r.Status != ReportStatus.Processing);
                var reports = await query.ToListAsync(ct);
                if (one is not null && reports.Count == 0)
                {
                    return IdentityCommands.Fail($"No report has the id {one}.");
                }
                foreach (var report in reports)
                {
                    report.Requeue();
                }
                await db.SaveChangesAsync(ct);
                Console.WriteLine($"{reports.Count} report(s) queued to be read again.");
            }
            return await ReadPendingAsync(app, ct) ? 0 : 1;
        });
        return reprocess;
    }

    /// <summary>Reads every waiting report with a progress bar; false when some failed.</summary>
    private static async Task<bool> ReadPendingAsync(WebApplication app, CancellationToken ct)
    {
        var worker = ActivatorUtilities.CreateInstance<IntakeWorker>(app.Services);
        int waiting;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            waiting = await scope.ServiceProvider.GetRequiredService<VigieDb>().Reports.CountAsync(r => r.Status == ReportStatus.Received, ct);
        }
        var read = 0;
        await AnsiConsole.Progress().AutoClear(false).StartAsync(async progress =>
        {
            var task = progress.AddTask("Reading", maxValue: Math.Max(1, waiting));
            read = await worker.DrainAsync(ct, new Progress<int>(n => task.Increment(n)));
            task.Value = task.MaxValue;
        });
        await using var check = app.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<VigieDb>();
        var failed = await db.Reports.AsNoTracking().Where(r => r.Status == ReportStatus.Failed)
            .OrderBy(r => r.ReceivedAt).Select(r => new { r.Id, r.FailureReason }).ToListAsync(ct);
        var flagged = await db.Reports.CountAsync(r => r.Flagged && r.Status == ReportStatus.Processed, ct);
        Console.WriteLine($"{read} report(s) read; {flagged} flagged in total, {failed.Count} failed.");
        foreach (var f in failed)
        {
            Console.Error.WriteLine($"failed: {f.Id}: {f.FailureReason}");
        }
        return failed.Count == 0;
    }

    /// <summary>
    /// The messages of one file, each as its exact bytes: a whole .eml, or each message of an mbox
    /// (a file starting with a "From " line). mbox escapes (">From ") are kept as they are.
    /// </summary>
    internal static async IAsyncEnumerable<Stream> MessagesIn(string path, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var head = new byte[5];
        int n;
        await using (var probe = File.OpenRead(path))
        {
            n = await probe.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        }
        if (n < 5 || !head.AsSpan().SequenceEqual("From "u8))
        {
            await using var single = File.OpenRead(path);
            yield return single;
            yield break;
        }

        var bounds = new List<(long Begin, long End)>();
        await using (var stream = File.OpenRead(path))
        {
            var parser = new MimeParser(stream, MimeFormat.Mbox);
            parser.MimeMessageEnd += (_, e) => bounds.Add((e.BeginOffset, e.EndOffset));
            while (!parser.IsEndOfStream)
            {
                ct.ThrowIfCancellationRequested();
                try
                {
                    await parser.ParseMessageAsync(ct);
                }
                catch (FormatException)
                {
                    // The rest of the mbox is not readable as mbox; what was delimited so far is kept.
                    break;
                }
            }
        }
        await using var file = File.OpenRead(path);
        foreach (var (begin, end) in bounds)
        {
            file.Position = begin;
            var bytes = new byte[end - begin];
            await file.ReadExactlyAsync(bytes, ct);
            yield return new MemoryStream(bytes, writable: false);
        }
    }
}
