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
catch (Exception e) when (e is OptionsValidationException || e is AggregateException { InnerExceptions: var all } && all.All(x => x is OptionsValidationException))
{
    // Several option groups can fail at once (start-up validation aggregates them): say every one.
    var failures = e is AggregateException aggregate ? aggregate.InnerExceptions.Cast<OptionsValidationException>() : [(OptionsValidationException)e];
    foreach (var failure in failures)
    {
        await Console.Error.WriteLineAsync(failure.OptionsType == typeof(TeamProfileOptions)
            ? TeamProfileSetup.Describe(failure)
            : "Invalid configuration:\n - " + string.Join("\n - ", failure.Failures));
    }
    return 1;
}

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
