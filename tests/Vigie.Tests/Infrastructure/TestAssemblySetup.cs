using System.Runtime.CompilerServices;

namespace Vigie.Tests.Infrastructure;

/// <summary>
/// Test classes that measure process-wide figures (allocations) run alone: a parallel class would
/// count in their numbers.
/// </summary>
[CollectionDefinition(nameof(AllocationMeasuring), DisableParallelization = true)]
public sealed class AllocationMeasuring;

internal static class TestAssemblySetup
{
    /// <summary>
    /// Legacy charsets (ISO-2022-JP…) before anything touches MimeKit: its charset table is built once,
    /// and a test that parses an address before the host registered the code pages would otherwise
    /// leave those charsets missing for every later test (order-dependent failures).
    /// </summary>
    [ModuleInitializer]
    internal static void RegisterEncodings() => Vigie.Features.Intake.Parsing.MailParsing.EnsureEncodings();
}
