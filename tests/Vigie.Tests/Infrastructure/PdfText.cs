using System.Diagnostics;

namespace Vigie.Tests.Infrastructure;

/// <summary>The text of a PDF as poppler's pdftotext (Debian poppler-utils) reads it; pages are separated by form feeds.</summary>
public static class PdfText
{
    public static async Task<string> ReadAsync(string file, CancellationToken ct)
    {
        using var process = Process.Start(new ProcessStartInfo("pdftotext", ["-enc", "UTF-8", file, "-"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var text = await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        Assert.Equal(0, process.ExitCode);
        return text;
    }

    public static async Task<string> ReadAsync(byte[] pdf, CancellationToken ct)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, pdf, ct);
            return await ReadAsync(file, ct);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
