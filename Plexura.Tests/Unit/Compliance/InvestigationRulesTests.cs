using Plexura.Core.Compliance;
using Plexura.Core.Practices;

namespace Plexura.Tests.Unit.Compliance;

/// <summary>The dashboard's card rules and the practice calendar they count with (days, working hours, DST).</summary>
public sealed class InvestigationRulesTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [Theory]
    [InlineData(new long[] { }, 0)]
    [InlineData(new long[] { 4 }, 4)]
    [InlineData(new long[] { 5, 1, 3 }, 3)]
    [InlineData(new long[] { 2, 8, 4, 6 }, 5)]
    public void Median_OddAndEvenCounts(long[] values, double expected) => Assert.Equal(expected, InvestigationRules.Median(values));

    [Theory]
    [InlineData(12, 4, true)] // 3 x 4 = 12, and at least the minimum
    [InlineData(11, 4, false)] // under 3 x the usual day
    [InlineData(9, 2, false)] // far above a quiet member's usual day, but under the minimum of 10
    [InlineData(10, 2, true)]
    public void JudgeClientOpenings_WithBaseline_NeedsBothTheFactorAndTheMinimum(long recent, long usualDay, bool unusual)
    {
        var history = Enumerable.Repeat(usualDay, InvestigationRules.MinBaselineDays).ToArray();

        var verdict = InvestigationRules.JudgeClientOpenings(recent, history);

        Assert.Equal(unusual, verdict.IsUnusual);
        Assert.Equal(usualDay, verdict.Baseline);
    }

    [Fact]
    public void JudgeClientOpenings_BaselineIsTheMedianSoOneBusyDayDoesNotRaiseIt()
    {
        var verdict = InvestigationRules.JudgeClientOpenings(15, [3, 4, 5, 4, 60]);

        Assert.True(verdict.IsUnusual);
        Assert.Equal(4, verdict.Baseline);
    }

    [Theory]
    [InlineData(19, false)]
    [InlineData(20, true)]
    public void JudgeClientOpenings_TooLittleHistory_UsesTheFixedThreshold(long recent, bool unusual)
    {
        var verdict = InvestigationRules.JudgeClientOpenings(recent, [1, 1, 1, 1]);

        Assert.Equal(unusual, verdict.IsUnusual);
        Assert.Null(verdict.Baseline);
    }

    [Fact]
    public void Thresholds_AreTheDocumentedOnes()
    {
        Assert.Equal(5, InvestigationRules.FailedSignInsPerAccount);
        Assert.Equal(TimeSpan.FromHours(24), InvestigationRules.RecentWindow);
        Assert.True(InvestigationRules.FailedSignInsPerIp >= InvestigationRules.FailedSignInsPerAccount);
    }

    [Fact]
    public void AuditDays_Boundaries_FollowLocalMidnightsAcrossBothDstChanges()
    {
        // 2026 in New York: clocks go forward on 8 March, back on 1 November.
        var spring = new AuditDays(new DateOnly(2026, 3, 7), 3, "America/New_York").Boundaries();
        var autumn = new AuditDays(new DateOnly(2026, 10, 31), 3, "America/New_York").Boundaries();

        Assert.Equal(["2026-03-07T05:00:00Z", "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z", "2026-03-10T04:00:00Z"], spring.Select(Iso));
        Assert.Equal(TimeSpan.FromHours(23), spring[2] - spring[1]);
        Assert.Equal(["2026-10-31T04:00:00Z", "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z", "2026-11-03T05:00:00Z"], autumn.Select(Iso));
        Assert.Equal(TimeSpan.FromHours(25), autumn[2] - autumn[1]);
    }

    [Fact]
    public void AuditDays_OutsideOneToAYear_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AuditDays(new DateOnly(2026, 1, 1), 0, "UTC").Boundaries());
        Assert.Throws<ArgumentOutOfRangeException>(() => new AuditDays(new DateOnly(2026, 1, 1), AuditDays.MaxCount + 1, "UTC").Boundaries());
    }

    [Fact]
    public void StartOfDay_MidnightSkippedByDst_IsTheInstantTheClocksJumped()
    {
        // Chile (America/Santiago) moved its clocks forward at local midnight on 7 September 2025: 00:00 did not exist.
        var santiago = TimeZoneInfo.FindSystemTimeZoneById("America/Santiago");
        var start = PracticeCalendar.StartOfDay(new DateOnly(2025, 9, 7), santiago);

        Assert.Equal("2025-09-07T04:00:00Z", Iso(start));
        Assert.Equal(new DateOnly(2025, 9, 7), PracticeCalendar.DateOf(start, santiago));
        Assert.Equal(new DateOnly(2025, 9, 6), PracticeCalendar.DateOf(start.AddMilliseconds(-1), santiago));
    }

    [Theory]
    [InlineData("2026-03-02", 7)] // an ordinary week
    [InlineData("2026-03-05", 7)] // the week clocks go forward
    [InlineData("2026-10-29", 7)] // the week clocks go back
    public void OutsideHours_AgreesWithWorkingHoursContainsForEveryMinute(string firstDay, int days)
    {
        var hours = WorkingHours.Weekdays;
        var from = PracticeCalendar.StartOfDay(DateOnly.Parse(firstDay, System.Globalization.CultureInfo.InvariantCulture), NewYork).AddMinutes(7);
        var to = from.AddDays(days).AddMinutes(-13);

        var windows = PracticeCalendar.OutsideHours(hours, NewYork, from, to);

        Assert.All(windows.Zip(windows.Skip(1)), pair => Assert.True(pair.First.To < pair.Second.From));
        for (var at = from; at < to; at = at.AddMinutes(1))
        {
            var instant = at;
            var outside = windows.Any(w => w.From <= instant && instant < w.To);
            Assert.True(outside == !hours.Contains(instant, NewYork), $"{Iso(instant)}: outside={outside}");
        }
    }

    [Fact]
    public void OutsideHours_OpeningInsideTheSpringGap_StartsWhenTheClocksJump()
    {
        var hours = new WorkingHours([DayOfWeek.Sunday], new TimeOnly(2, 30), new TimeOnly(5, 0));
        var day = new DateOnly(2026, 3, 8);
        var from = PracticeCalendar.StartOfDay(day, NewYork);

        var windows = PracticeCalendar.OutsideHours(hours, NewYork, from, PracticeCalendar.StartOfDay(day.AddDays(1), NewYork));

        // 00:00 EST = 05:00Z; the gap 02:00-03:00 ends at 07:00Z; 05:00 EDT = 09:00Z.
        Assert.Equal([("2026-03-08T05:00:00Z", "2026-03-08T07:00:00Z"), ("2026-03-08T09:00:00Z", "2026-03-09T04:00:00Z")], windows.Select(w => (Iso(w.From), Iso(w.To))));
    }

    [Fact]
    public void OutsideHours_InvalidHours_IsTheWholeRange()
    {
        var from = DateTimeOffset.UnixEpoch;
        var broken = new WorkingHours([], new TimeOnly(9, 0), new TimeOnly(17, 0));

        Assert.Equal([new AuditTimeWindow(from, from.AddDays(1))], PracticeCalendar.OutsideHours(broken, TimeZoneInfo.Utc, from, from.AddDays(1)));
    }

    [Fact]
    public void MergeWindows_OverlappingAndTouching_BecomeOne()
    {
        var t = DateTimeOffset.UnixEpoch;

        var merged = AuditWindows.Merge([new(t.AddHours(5), t.AddHours(6)), new(t, t.AddHours(2)), new(t.AddHours(1), t.AddHours(3)), new(t.AddHours(3), t.AddHours(4))]);

        Assert.Equal([new AuditTimeWindow(t, t.AddHours(4)), new AuditTimeWindow(t.AddHours(5), t.AddHours(6))], merged);
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
