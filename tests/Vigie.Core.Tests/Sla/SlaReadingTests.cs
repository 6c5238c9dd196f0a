using Vigie.Core.Sla;
using static Vigie.Core.Tests.Sla.Calendars;

namespace Vigie.Core.Tests.Sla;

/// <summary>
/// <see cref="SlaReading.Read"/> on the standard calendar with the at-risk share at 75 %. Remaining is
/// business time for business targets (so it does not move while the team is closed) and clock time
/// otherwise; negative when late. 24 November 2026 is a Tuesday.
/// </summary>
public class SlaReadingTests
{
    [Theory]
    // 4bh received Tuesday 09:00 → due 13:00.
    // 1 h of 4 used.
    [InlineData("4bh", "2026-11-24 09:00", "2026-11-24 13:00+01:00", null, null, "2026-11-24 10:00", SlaStatus.Running, "3:00", 0.25)]
    // 2 h 59 of 4: just under 75 %.
    [InlineData("4bh", "2026-11-24 09:00", "2026-11-24 13:00+01:00", null, null, "2026-11-24 11:59", SlaStatus.Running, "1:01", 0.745833)]
    // Exactly 75 %: at risk.
    [InlineData("4bh", "2026-11-24 09:00", "2026-11-24 13:00+01:00", null, null, "2026-11-24 12:00", SlaStatus.AtRisk, "1:00", 0.75)]
    [InlineData("4bh", "2026-11-24 09:00", "2026-11-24 13:00+01:00", null, null, "2026-11-24 12:59", SlaStatus.AtRisk, "0:01", 0.995833)]
    // At the due instant the clock is breached (an answer at that instant would still be met, see below).
    [InlineData("4bh", "2026-11-24 09:00", "2026-11-24 13:00+01:00", null, null, "2026-11-24 13:00", SlaStatus.Breached, "0:00", 1.0)]
    [InlineData("4bh", "2026-11-24 09:00", "2026-11-24 13:00+01:00", null, null, "2026-11-24 14:30", SlaStatus.Breached, "-1:30", 1.375)]
    // After closing: late by the 5 business hours 13:00–18:00, not by the clock's 6.
    [InlineData("4bh", "2026-11-24 09:00", "2026-11-24 13:00+01:00", null, null, "2026-11-24 19:00", SlaStatus.Breached, "-5:00", 2.25)]
    // 4bh received Friday 16:00 → 2 h Friday + 2 h Monday → due Monday 11:00.
    // Saturday: half used, and nothing moves over the weekend.
    [InlineData("4bh", "2026-11-27 16:00", "2026-11-30 11:00+01:00", null, null, "2026-11-28 10:00", SlaStatus.Running, "2:00", 0.5)]
    [InlineData("4bh", "2026-11-27 16:00", "2026-11-30 11:00+01:00", null, null, "2026-11-30 10:00", SlaStatus.AtRisk, "1:00", 0.75)]
    [InlineData("4bh", "2026-11-27 16:00", "2026-11-30 11:00+01:00", null, null, "2026-11-30 12:00", SlaStatus.Breached, "-1:00", 1.25)]
    // Tuesday morning: late by Monday 11:00–18:00.
    [InlineData("4bh", "2026-11-27 16:00", "2026-11-30 11:00+01:00", null, null, "2026-12-01 09:00", SlaStatus.Breached, "-7:00", 2.75)]
    // 1bd received Saturday → Monday 09:00–18:00; Monday 15:45 is 6 h 45 of 9 = 75 %.
    [InlineData("1bd", "2026-11-28 03:00", "2026-11-30 18:00+01:00", null, null, "2026-11-30 15:45", SlaStatus.AtRisk, "2:15", 0.75)]
    [InlineData("1bd", "2026-11-28 03:00", "2026-11-30 18:00+01:00", null, null, "2026-11-30 12:00", SlaStatus.Running, "6:00", 0.333333)]
    // Due at Monday's close; Tuesday 08:00 is past it but no business time has run since: breached, 0 remaining.
    [InlineData("1bd", "2026-11-28 03:00", "2026-11-30 18:00+01:00", null, null, "2026-12-01 08:00", SlaStatus.Breached, "0:00", 1.0)]
    // Paused at 10:00 (waiting for the constituent): read as of the pause, whatever now is.
    [InlineData("4bh", "2026-11-24 09:00", "2026-11-24 13:00+01:00", null, "2026-11-24 10:00", "2026-11-24 12:30", SlaStatus.Paused, "3:00", 0.25)]
    [InlineData("4bh", "2026-11-24 09:00", "2026-11-24 13:00+01:00", null, "2026-11-24 10:00", "2026-11-26 12:30", SlaStatus.Paused, "3:00", 0.25)]
    // Paused after the due time: paused, already 1 h late.
    [InlineData("4bh", "2026-11-24 09:00", "2026-11-24 13:00+01:00", null, "2026-11-24 14:00", "2026-11-24 15:00", SlaStatus.Paused, "-1:00", 1.25)]
    // A pause stamped after the reading instant: read at now, still shown paused.
    [InlineData("4bh", "2026-11-24 09:00", "2026-11-24 13:00+01:00", null, "2026-11-24 11:00", "2026-11-24 10:00", SlaStatus.Paused, "3:00", 0.25)]
    // Stopped before due: met with the business time it had left; exactly at due: met; later: missed.
    [InlineData("4bh", "2026-11-24 09:00", "2026-11-24 13:00+01:00", "2026-11-24 12:00", null, "2026-11-26 10:00", SlaStatus.Met, "1:00", 1.0)]
    [InlineData("4bh", "2026-11-24 09:00", "2026-11-24 13:00+01:00", "2026-11-24 13:00", null, "2026-11-26 10:00", SlaStatus.Met, "0:00", 1.0)]
    [InlineData("4bh", "2026-11-24 09:00", "2026-11-24 13:00+01:00", "2026-11-24 15:00", null, "2026-11-26 10:00", SlaStatus.Missed, "-2:00", 1.0)]
    // Missed by Tuesday 13:00–18:00 + Wednesday 09:00–10:00.
    [InlineData("4bh", "2026-11-24 09:00", "2026-11-24 13:00+01:00", "2026-11-25 10:00", null, "2026-11-26 10:00", SlaStatus.Missed, "-6:00", 1.0)]
    // A stop wins over a pause.
    [InlineData("4bh", "2026-11-24 09:00", "2026-11-24 13:00+01:00", "2026-11-24 11:00", "2026-11-24 10:00", "2026-11-26 10:00", SlaStatus.Met, "2:00", 1.0)]
    // A clock target (1h) received on Sunday 03:00 runs at once, due 04:00; remaining is clock time.
    [InlineData("1h", "2026-11-29 03:00", "2026-11-29 04:00+01:00", null, null, "2026-11-29 03:30", SlaStatus.Running, "0:30", 0.5)]
    [InlineData("1h", "2026-11-29 03:00", "2026-11-29 04:00+01:00", null, null, "2026-11-29 03:45", SlaStatus.AtRisk, "0:15", 0.75)]
    [InlineData("1h", "2026-11-29 03:00", "2026-11-29 04:00+01:00", null, null, "2026-11-29 05:00", SlaStatus.Breached, "-1:00", 2.0)]
    [InlineData("1h", "2026-11-29 03:00", "2026-11-29 04:00+01:00", "2026-11-29 03:59", null, "2026-11-29 05:00", SlaStatus.Met, "0:01", 1.0)]
    // The share used is capped at 10 (30m clock read 10 days later).
    [InlineData("30m", "2026-11-24 10:00", "2026-11-24 10:30+01:00", null, null, "2026-12-04 10:00", SlaStatus.Breached, "-239:30", 10.0)]
    public void Read(string target, string received, string expectedDue, string? stoppedAt, string? pausedSince, string now,
        SlaStatus status, string remaining, double used)
    {
        var t = SlaTarget.Parse(target, "t").Value;
        var due = t.DueFrom(Standard, At(received));
        Assert.Equal(expectedDue, Show(due));

        var reading = SlaReading.Read(t, Standard, At(received), due, stoppedAt is null ? null : At(stoppedAt),
            pausedSince is null ? null : At(pausedSince), At(now), 0.75);

        Assert.Equal(status, reading.Status);
        Assert.Equal(due, reading.Due);
        Assert.Equal(remaining, Show(reading.Remaining));
        Assert.Equal(used, reading.Used, 5);
        Assert.Equal(status is SlaStatus.Breached or SlaStatus.Missed, reading.IsLate);
    }

    [Fact]
    public void A_clock_due_at_its_start_is_fully_used()
    {
        // A due time extended by nothing and equal to the start (e.g. a stored 0-length clock): used = 1, breached.
        var t = new SlaTarget(1, SlaUnit.BusinessHours);
        var reading = SlaReading.Read(t, Standard, At("2026-11-24 10:00"), At("2026-11-24 10:00"), null, null, At("2026-11-24 10:00"), 0.75);

        Assert.Equal((SlaStatus.Breached, 1.0), (reading.Status, reading.Used));
    }
}
