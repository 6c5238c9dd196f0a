using System.CommandLine;
using Microsoft.Extensions.Options;
using Vigie.Cli;
using Vigie.Features.TeamProfile;

// One binary: `vigie serve` runs the web host; every other command works on the same services.
// With no arguments, or only host settings (--Key=value, which is how WebApplicationFactory and
// some process managers pass configuration), it serves with those settings.
try
{
    if (args.All(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal)))
    {
        return await VigieCli.ServeAsync(args, new Dictionary<string, string?>(), CancellationToken.None);
    }
    return await VigieCli.Build().Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (OptionsValidationException e)
{
    await Console.Error.WriteLineAsync(e.OptionsType == typeof(TeamProfileOptions)
        ? TeamProfileSetup.Describe(e)
        : "Invalid configuration:\n - " + string.Join("\n - ", e.Failures));
    return 1;
}

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
