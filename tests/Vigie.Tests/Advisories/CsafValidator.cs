using System.Diagnostics;
using System.Text.Json;

namespace Vigie.Tests.Advisories;

/// <summary>
/// The OASIS-listed CSAF validator (@secvisogram/csaf-validator-lib, strict schema + every mandatory test), run by node
/// over a batch of files (tests/csaf-validator/validate.mjs; scripts/test.sh installs it with npm ci). Under CI a missing
/// node or package fails the test; elsewhere it skips with the reason.
/// </summary>
internal static class CsafValidator
{
    public sealed record Outcome(string File, bool IsValid, int Tests, IReadOnlyList<string> Errors);

    private static string? Script()
    {
        if (Environment.GetEnvironmentVariable("VIGIE_CSAF_VALIDATOR") is { Length: > 0 } set)
        {
            return set;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "csaf-validator", "validate.mjs");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    public static void SkipUnlessAvailable()
    {
        var script = Script();
        var ready = script is not null && Directory.Exists(Path.Combine(Path.GetDirectoryName(script)!, "node_modules", "@secvisogram"));
        if (!ready)
        {
            const string reason = "the CSAF validator is not installed (npm ci --prefix tests/csaf-validator; scripts/test.sh does it)";
            if (Environment.GetEnvironmentVariable("CI") == "true")
            {
                Assert.Fail(reason);
            }
            Assert.Skip(reason);
        }
    }

    public static async Task<IReadOnlyList<Outcome>> ValidateAsync(IReadOnlyList<string> files, CancellationToken ct)
    {
        var script = Script()!;
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        foreach (var f in files)
        {
            start.ArgumentList.Add(f);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        Assert.True(process.ExitCode == 0, await error);
        return [.. (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var o = JsonDocument.Parse(line).RootElement;
            return new Outcome(o.GetProperty("file").GetString()!, o.GetProperty("isValid").GetBoolean(), o.GetProperty("tests").GetInt32(),
                [.. o.GetProperty("errors").EnumerateArray().Select(e => $"{e.GetProperty("test").GetString()} {e.GetProperty("instancePath").GetString()}: {e.GetProperty("message").GetString()}")]);
        })];
    }
}
