using BenchmarkDotNet.Running;

namespace Vigie.Bench;

/// <summary>
/// Named end-to-end benchmarks print one summary line each (docs/performance.md);
/// anything else goes to BenchmarkDotNet's switcher.
/// </summary>
public static class BenchProgram
{
    public static async Task<int> Main(string[] args) => args.FirstOrDefault() switch
    {
        "lookup" => LookupBench.Run(args[1..]),
        "extract" => ExtractBench.Run(args[1..]),
        "incidents-list" => await IncidentsListBench.RunAsync(args[1..]),
        "intake" => await IntakeBench.RunAsync(args[1..]),
        "pgp" => PgpBench.Run(args[1..]),
        "workspace" => await WorkspaceBench.RunAsync(args[1..]),
        "sla-calendar" => SlaCalendarBench.Run(args[1..]),
        "audit" => await AuditBench.RunAsync(args[1..]),
        "match" => VulnBench.Match(args[1..]),
        "vulns-import" => await VulnBench.ImportAsync(args[1..]),
        _ => await Task.FromResult(RunBenchmarkDotNet(args)),
    };

    private static int RunBenchmarkDotNet(string[] args)
    {
        BenchmarkSwitcher.FromAssembly(typeof(BenchProgram).Assembly).Run(args);
        return 0;
    }
}
