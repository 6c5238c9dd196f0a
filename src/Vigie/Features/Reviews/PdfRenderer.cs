using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Options;

namespace Vigie.Features.Reviews;

/// <summary>PDF rendering with headless Chromium (<c>Vigie:Pdf</c> section; docs/evidence-and-review.md).</summary>
public sealed class PdfOptions
{
    public const string Section = "Vigie:Pdf";

    /// <summary>The Chromium (or Chrome) executable. Default <c>/usr/bin/chromium</c> (Debian's package).</summary>
    public string Chromium { get; set; } = "/usr/bin/chromium";

    /// <summary>How long one rendering may take before Chromium is killed. Default 60 s.</summary>
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>How many Chromium processes may run at once (each takes ~150 MB). Default 2.</summary>
    public int MaxConcurrent { get; set; } = 2;
}

public enum PdfFailure
{
    /// <summary>No executable at <see cref="PdfOptions.Chromium"/>.</summary>
    ChromiumMissing,

    /// <summary>Chromium ran but produced no PDF.</summary>
    Failed,

    /// <summary>Chromium took longer than <see cref="PdfOptions.TimeoutSeconds"/> and was killed.</summary>
    TimedOut,
}

public sealed record PdfOutcome(byte[]? Pdf, PdfFailure? Failure)
{
    public bool IsSuccess => Pdf is not null;
}

/// <summary>
/// Prints an HTML document to PDF with headless Chromium, from a private temporary directory
/// (the document, the output and Chromium's throwaway profile), deleted afterwards whatever happens.
/// The document must be self-contained: Chromium is started without network services and the
/// document's own CSP forbids every load.
/// </summary>
public sealed class PdfRenderer(IOptions<PdfOptions> options, ILogger<PdfRenderer> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(Math.Max(1, options.Value.MaxConcurrent));

    public string Executable => options.Value.Chromium;

    public bool IsAvailable => File.Exists(Executable);

    public async Task<PdfOutcome> RenderAsync(string html, CancellationToken ct)
    {
        if (!IsAvailable)
        {
            return new(null, PdfFailure.ChromiumMissing);
        }
        await _gate.WaitAsync(ct);
        var dir = Directory.CreateTempSubdirectory("vigie-pdf-");
        try
        {
            var input = Path.Combine(dir.FullName, "report.html");
            var output = Path.Combine(dir.FullName, "report.pdf");
            await File.WriteAllTextAsync(input, html, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), ct);
            var start = new ProcessStartInfo(Executable)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = dir.FullName,
            };
            foreach (var arg in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                "--disable-extensions", "--disable-sync", "--disable-breakpad", "--disable-component-update", "--mute-audio",
                "--user-data-dir=" + Path.Combine(dir.FullName, "profile"),
                "--no-pdf-header-footer", "--print-to-pdf-no-header",
                "--print-to-pdf=" + output,
                new Uri(input).AbsoluteUri,
            })
            {
                start.ArgumentList.Add(arg);
            }
            // Chromium writes caches and crash dumps under $HOME: keep them in the directory we delete.
            start.Environment["HOME"] = dir.FullName;
            start.Environment["XDG_CONFIG_HOME"] = dir.FullName;
            start.Environment["XDG_CACHE_HOME"] = dir.FullName;

            Process process;
            try
            {
                process = Process.Start(start) ?? throw new Win32Exception("Process.Start returned no process.");
            }
            catch (Win32Exception e)
            {
                logger.LogError(e, "Chromium could not be started from {Path}", Executable);
                return new(null, PdfFailure.ChromiumMissing);
            }
            using (process)
            {
                var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
                var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, options.Value.TimeoutSeconds)));
                try
                {
                    await process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync(CancellationToken.None);
                    ct.ThrowIfCancellationRequested();
                    logger.LogError("Chromium took longer than {Seconds} s to print a PDF and was stopped", options.Value.TimeoutSeconds);
                    return new(null, PdfFailure.TimedOut);
                }
                var errors = await stderr;
                await stdout;
                var pdf = File.Exists(output) ? await File.ReadAllBytesAsync(output, ct) : null;
                if (process.ExitCode != 0 || pdf is null || !pdf.AsSpan().StartsWith("%PDF"u8))
                {
                    logger.LogError("Chromium exited with {Code} without a PDF: {Errors}", process.ExitCode, Tail(errors));
                    return new(null, PdfFailure.Failed);
                }
                return new(pdf, null);
            }
        }
        finally
        {
            _gate.Release();
            try
            {
                dir.Delete(recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning(e, "Could not delete the PDF work directory {Dir}", dir.FullName);
            }
        }
    }

    private static string Tail(string text) => text.Length > 2000 ? text[^2000..] : text;

    public void Dispose() => _gate.Dispose();
}
