using System.CommandLine;
using Microsoft.Extensions.Options;
using Vigie.Cli;
using Vigie.Features.TeamProfile;

// One binary: `vigie serve` runs the web host; every other command works on the same services.
// With no arguments it serves (this is also how WebApplicationFactory starts it in tests).
if (args.Length == 0)
{
    args = ["serve"];
}

try
{
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
