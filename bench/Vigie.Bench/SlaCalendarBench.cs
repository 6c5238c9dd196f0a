using System.Diagnostics;
using System.Globalization;
using NodaTime;
using Vigie.Core.Sla;

namespace Vigie.Bench;

/// <summary>
/// Cost of the business-calendar arithmetic behind every SLA clock (docs/performance.md, "SLA"): the
/// team's calendar (Europe/Paris, Monday–Friday 09:00–18:00, French holidays), random instants over
/// 2016–2036, one warm-up pass then a timed pass per operation; prints ns per call.
/// </summary>
public static class SlaCalendarBench
{
    public static int Run(string[] args)
    {
        var n = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var given) ? given : 200_000;
        var hours = new OpeningHours(new LocalTime(9, 0), new LocalTime(18, 0));
        var calendar = BusinessCalendar.Create("Europe/Paris",
            new[] { IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday }.Select(d => (d, hours)),
            FrenchHolidays.For).Value!;
        var random = new Random(20261128);
        var start = Instant.FromUtc(2016, 1, 1, 0, 0).ToUnixTimeSeconds();
        var end = Instant.FromUtc(2036, 1, 1, 0, 0).ToUnixTimeSeconds();
        var instants = Enumerable.Range(0, n).Select(_ => Instant.FromUnixTimeSeconds(random.NextInt64(start, end))).ToArray();
        var spans = instants.Select(i => i + Duration.FromMinutes(random.Next(0, 30 * 24 * 60))).ToArray();
        var target = new SlaTarget(1, SlaUnit.BusinessDays);

        Console.WriteLine($"calls per operation: {n:N0}; machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Measure("IsOpen", n, i => calendar.IsOpen(instants[i]) ? 1 : 0);
        Measure("NextOpening", n, i => calendar.NextOpening(instants[i]).ToUnixTimeTicks());
        Measure("AddBusinessDays(1)", n, i => calendar.AddBusinessDays(instants[i], 1).ToUnixTimeTicks());
        Measure("AddBusinessTime(4 h)", n, i => calendar.AddBusinessTime(instants[i], Duration.FromHours(4)).ToUnixTimeTicks());
        Measure("AddBusinessTime(10 days of hours)", n, i => calendar.AddBusinessTime(instants[i], Duration.FromHours(90)).ToUnixTimeTicks());
        Measure("BusinessTimeBetween (0–30 days)", n, i => calendar.BusinessTimeBetween(instants[i], spans[i]).TotalTicks is var t ? (long)t : 0);
        Measure("SlaReading.Read (1bd clock)", n, i =>
        {
            var due = target.DueFrom(calendar, instants[i]);
            return (long)SlaReading.Read(target, calendar, target.ClockStart(calendar, instants[i]), due, null, null, spans[i], 0.75).Used;
        });
        return 0;
    }

    private static void Measure(string name, int n, Func<int, long> op)
    {
        long sink = 0;
        for (var i = 0; i < Math.Min(n, 20_000); i++)
        {
            sink += op(i);
        }
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < n; i++)
        {
            sink += op(i);
        }
        clock.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-36} {clock.Elapsed.TotalNanoseconds / n,10:F0} ns/call  (checksum {sink % 997})"));
    }
}
