using NodaTime;
using NodaTime.Extensions;
using Vigie.Core.Incidents;
using Vigie.Core.Metrics;
using Vigie.Core.Sla;

namespace Vigie.Core.Tests.Metrics;

public sealed class SlaMetricsTests
{
    private static readonly BusinessCalendar Calendar = BusinessCalendar.Create("Europe/Paris",
        new[] { IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday }
            .Select(d => (d, new OpeningHours(new LocalTime(9, 0), new LocalTime(18, 0)))),
        FrenchHolidays.For).Value!;

    // Friday 6 November 2026, 17:00 in Paris (UTC+1).
    private static readonly DateTimeOffset Friday17 = new(2026, 11, 6, 16, 0, 0, TimeSpan.Zero);

    private static readonly Instant Now = new DateTimeOffset(2026, 12, 15, 12, 0, 0, TimeSpan.Zero).ToInstant();

    private static SlaFacts Facts(DateTimeOffset received, IncidentState state = IncidentState.Open, DateTimeOffset? ack = null,
        DateTimeOffset? answered = null, DateTimeOffset? contained = null, DateTimeOffset? resolved = null, DateTimeOffset? firstDue = null,
        DateTimeOffset? resolutionDue = null, bool firstBreached = false, bool resolutionBreached = false, Priority priority = Priority.P2,
        string? rsit = "intrusions", Guid? constituent = null) =>
        new("CERT-2026-00001", "t", priority, rsit, constituent, state, Tlp.Amber, received, ack, answered, contained, resolved, firstDue,
            resolutionDue, firstBreached, resolutionBreached);

    [Fact]
    public void Times_count_business_hours_skipping_nights_weekends_and_holidays_and_clock_time_in_full()
    {
        // Acknowledged Monday 10:00; resolved Thursday 12 November 10:00, after Armistice Day (Wednesday 11, closed).
        var m = SlaMetrics.Measure(Facts(Friday17, IncidentState.Resolved, ack: new(2026, 11, 9, 9, 0, 0, TimeSpan.Zero),
            contained: new(2026, 11, 9, 16, 30, 0, TimeSpan.Zero), resolved: new(2026, 11, 12, 9, 0, 0, TimeSpan.Zero)), Calendar, Now);

        Assert.Equal(new YearMonth(2026, 11), m.Month);
        Assert.Equal(new TimeTo(Duration.FromHours(2), Duration.FromHours(65)), m.Acknowledge);
        // Friday 1 h + Monday 17:30 → 8.5 h of Monday's 9 h.
        Assert.Equal(new TimeTo(Duration.FromMinutes(9 * 60 + 30), Duration.FromMinutes(72 * 60 + 30)), m.Containment);
        // Friday 1 h + Monday 9 h + Tuesday 9 h + Wednesday holiday 0 + Thursday 1 h.
        Assert.Equal(new TimeTo(Duration.FromHours(20), Duration.FromHours(137)), m.Resolution);
        Assert.Null(m.FirstResponse);
    }

    [Fact]
    public void The_month_is_the_team_zones_and_rejected_incidents_have_no_time_to_resolution()
    {
        // 31 October 23:30 UTC is 1 November 00:30 in Paris.
        var m = SlaMetrics.Measure(Facts(new(2026, 10, 31, 23, 30, 0, TimeSpan.Zero), IncidentState.Rejected,
            resolved: new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero), resolutionDue: new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero)), Calendar, Now);
        Assert.Equal(new YearMonth(2026, 11), m.Month);
        Assert.Null(m.Resolution);
        Assert.Equal(SlaOutcome.NotApplicable, m.ResolutionOutcome);
    }

    [Fact]
    public void First_response_outcomes_follow_the_documented_rules()
    {
        var due = Friday17.AddHours(3);
        SlaOutcome Outcome(SlaFacts f) => SlaMetrics.FirstResponseOutcome(f, Now);
        Assert.Equal(SlaOutcome.Met, Outcome(Facts(Friday17, answered: due, firstDue: due)));
        Assert.Equal(SlaOutcome.Missed, Outcome(Facts(Friday17, answered: due.AddSeconds(1), firstDue: due)));
        // Still open, no answer: missed once past due, pending before.
        Assert.Equal(SlaOutcome.Missed, Outcome(Facts(Friday17, firstDue: due)));
        Assert.Equal(SlaOutcome.Pending, SlaMetrics.FirstResponseOutcome(Facts(Friday17, firstDue: due), due.AddMinutes(-1).ToInstant()));
        // Recorded as breached counts as missed even if "now" says otherwise.
        Assert.Equal(SlaOutcome.Missed, SlaMetrics.FirstResponseOutcome(Facts(Friday17, firstDue: due, firstBreached: true), Friday17.ToInstant()));
        // Rejected without an answer: not counted; resolved without answer: missed only when resolved after the due time.
        Assert.Equal(SlaOutcome.NotApplicable, Outcome(Facts(Friday17, IncidentState.Rejected, firstDue: due)));
        Assert.Equal(SlaOutcome.NotApplicable, Outcome(Facts(Friday17, IncidentState.Closed, resolved: due.AddHours(-1), firstDue: due)));
        Assert.Equal(SlaOutcome.Missed, Outcome(Facts(Friday17, IncidentState.Closed, resolved: due.AddHours(1), firstDue: due)));
        Assert.Equal(SlaOutcome.NotApplicable, Outcome(Facts(Friday17)));
    }

    [Fact]
    public void Resolution_outcomes_follow_the_documented_rules()
    {
        var due = Friday17.AddDays(5);
        SlaOutcome Outcome(SlaFacts f) => SlaMetrics.ResolutionOutcome(f, Now);
        Assert.Equal(SlaOutcome.Met, Outcome(Facts(Friday17, IncidentState.Resolved, resolved: due, resolutionDue: due)));
        Assert.Equal(SlaOutcome.Missed, Outcome(Facts(Friday17, IncidentState.Closed, resolved: due.AddMinutes(1), resolutionDue: due)));
        Assert.Equal(SlaOutcome.Missed, Outcome(Facts(Friday17, resolutionDue: due)));
        Assert.Equal(SlaOutcome.Pending, SlaMetrics.ResolutionOutcome(Facts(Friday17, resolutionDue: due), Friday17.ToInstant()));
        Assert.Equal(SlaOutcome.Missed, SlaMetrics.ResolutionOutcome(Facts(Friday17, resolutionDue: due, resolutionBreached: true), Friday17.ToInstant()));
        Assert.Equal(SlaOutcome.NotApplicable, Outcome(Facts(Friday17, IncidentState.Rejected, resolutionDue: due)));
        Assert.Equal(SlaOutcome.NotApplicable, Outcome(Facts(Friday17, IncidentState.Resolved, resolved: due)));
    }

    [Fact]
    public void Summary_gives_mean_median_and_nearest_rank_90th_percentile()
    {
        var even = SlaMetrics.Summary([Duration.FromHours(10), Duration.FromHours(1), Duration.FromHours(3), Duration.FromHours(2)])!;
        Assert.Equal(Duration.FromHours(4), even.Mean);
        Assert.Equal(Duration.FromMinutes(150), even.Median);
        Assert.Equal(Duration.FromHours(10), even.P90);

        var ten = SlaMetrics.Summary(Enumerable.Range(1, 10).Select(i => Duration.FromMinutes(i)))!;
        Assert.Equal(Duration.FromSeconds(330), ten.Mean);
        Assert.Equal(Duration.FromSeconds(330), ten.Median);
        Assert.Equal(Duration.FromMinutes(9), ten.P90);

        var odd = SlaMetrics.Summary([Duration.FromSeconds(1), Duration.FromSeconds(2), Duration.FromSeconds(2)])!;
        Assert.Equal(Duration.FromSeconds(2), odd.Median);
        Assert.Equal(Duration.FromSeconds(2), odd.Mean); // 5/3 s rounds to 2 s
        Assert.Null(SlaMetrics.Summary([]));
    }

    [Fact]
    public void Groups_keep_every_month_of_the_range_and_compliance_ignores_pending_clocks()
    {
        var due = Friday17.AddHours(3);
        var lilas = Guid.CreateVersion7();
        var measures = new[]
        {
            Facts(Friday17, answered: due.AddHours(-1), firstDue: due, priority: Priority.P1, constituent: lilas),
            Facts(Friday17, answered: due.AddHours(1), firstDue: due, priority: Priority.P2, rsit: null),
            Facts(Friday17, answered: due, firstDue: due, priority: Priority.P1, constituent: lilas),
            Facts(new(2026, 12, 15, 11, 0, 0, TimeSpan.Zero), firstDue: new(2026, 12, 15, 14, 0, 0, TimeSpan.Zero), priority: Priority.P3),
        }.Select(f => SlaMetrics.Measure(f, Calendar, Now)).ToList();

        var months = SlaMetrics.Group(measures, SlaGrouping.Month, SlaMetrics.Months(new YearMonth(2026, 10), new YearMonth(2026, 12)));
        Assert.Equal(["2026-10", "2026-11", "2026-12"], months.Select(g => g.Key));
        Assert.Equal([0, 3, 1], months.Select(g => g.Incidents));
        Assert.Equal(new Compliance(2, 1, 0), months[1].FirstResponseCompliance);
        Assert.Equal(66.7, months[1].FirstResponseCompliance.Percent);
        Assert.Equal(new Compliance(0, 0, 1), months[2].FirstResponseCompliance);
        Assert.Null(months[2].FirstResponseCompliance.Percent);
        Assert.Null(months[0].FirstResponse.Business);

        var byPriority = SlaMetrics.Group(measures, SlaGrouping.Priority);
        Assert.Equal(["P1", "P2", "P3"], byPriority.Select(g => g.Key));
        Assert.Equal(100.0, byPriority[0].FirstResponseCompliance.Percent);
        // P1: answered after 2 h and 3 h of clock time, both within Friday 17:00–18:00 then Monday: business 1 h and 1 h + Monday 1 h.
        Assert.Equal(2, byPriority[0].FirstResponse.Count);

        Assert.Equal(["intrusions", "none"], SlaMetrics.Group(measures, SlaGrouping.Class).Select(g => g.Key));
        Assert.Equal([lilas.ToString(), "none"], SlaMetrics.Group(measures, SlaGrouping.Constituent).Select(g => g.Key));
    }

    [Theory]
    [InlineData("2026-11", 2026, 11)]
    [InlineData("2000-01", 2000, 1)]
    public void Months_parse(string text, int year, int month) => Assert.Equal(new YearMonth(year, month), SlaMetrics.ParseMonth(text));

    [Theory]
    [InlineData(null)]
    [InlineData("2026-13")]
    [InlineData("2026-00")]
    [InlineData("2026-1")]
    [InlineData("26-11-01")]
    [InlineData("+026-11")]
    [InlineData("1999-12")]
    public void Bad_months_do_not_parse(string? text) => Assert.Null(SlaMetrics.ParseMonth(text));

    [Fact]
    public void Month_bounds_are_local_midnights()
    {
        var (start, end) = SlaMetrics.Bounds(new YearMonth(2026, 3), new YearMonth(2026, 10), Calendar.Zone);
        Assert.Equal(Instant.FromUtc(2026, 2, 28, 23, 0), start);
        Assert.Equal(Instant.FromUtc(2026, 10, 31, 23, 0), end);
        Assert.Equal(8, SlaMetrics.MonthCount(new YearMonth(2026, 3), new YearMonth(2026, 10)));
        Assert.Equal(0, SlaMetrics.MonthCount(new YearMonth(2026, 3), new YearMonth(2026, 2)));
    }
}
