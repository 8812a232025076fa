using Plexura.Web.Time;

namespace Plexura.Tests.Components;

/// <summary>UX rule 3: "Tue 3 Dec, 14:05", the year only outside the current one, relative where it helps, "48 min".</summary>
public sealed class DateDisplayTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly DateTimeOffset Now = new(2025, 12, 3, 21, 5, 0, TimeSpan.Zero);

    [Fact]
    public void Moment_SameYear_OmitsTheYear() =>
        Assert.Equal("Wed 3 Dec, 14:05", DateDisplay.Moment(new DateTimeOffset(2025, 12, 3, 19, 5, 0, TimeSpan.Zero), NewYork, Now));

    [Fact]
    public void Moment_AnotherYearInThePracticeZone_ShowsTheYear() =>
        Assert.Equal("Wed 31 Dec 2025, 22:00", DateDisplay.Moment(new DateTimeOffset(2026, 1, 1, 3, 0, 0, TimeSpan.Zero), NewYork, new DateTimeOffset(2026, 1, 1, 6, 0, 0, TimeSpan.Zero)));

    [Theory]
    [InlineData(-20, "just now")]
    [InlineData(-300, "5 min ago")]
    [InlineData(-7200, "2 hours ago")]
    [InlineData(-3600, "1 hour ago")]
    [InlineData(432000, "in 5 days")]
    [InlineData(-86400, "1 day ago")]
    [InlineData(30, "in less than a minute")]
    public void Relative_WithinAMonth_SaysHowFar(int seconds, string expected) =>
        Assert.Equal(expected, DateDisplay.Relative(Now.AddSeconds(seconds), NewYork, Now));

    [Fact]
    public void Relative_BeyondAMonth_ShowsTheMoment() =>
        Assert.Equal("Sun 2 Nov, 16:05", DateDisplay.Relative(Now.AddDays(-31), NewYork, Now));

    [Theory]
    [InlineData(48 * 60, "48 min")]
    [InlineData(65 * 60, "1 h 5 min")]
    [InlineData(120 * 60, "2 h")]
    [InlineData(40, "40 s")]
    public void Duration_AsPeopleSayIt(int seconds, string expected) =>
        Assert.Equal(expected, DateDisplay.Duration(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void IsEndOfDay_ExpiryPickedAsADate_IsRecognizedInThePracticeZone()
    {
        var endOfDay = Core.Practices.PracticeTimeZone.EndOfDay(new DateOnly(2025, 12, 31), NewYork);

        Assert.True(DateDisplay.IsEndOfDay(endOfDay, NewYork));
        Assert.False(DateDisplay.IsEndOfDay(endOfDay, TimeZoneInfo.Utc));
        Assert.Equal("Wed 31 Dec", DateDisplay.Day(endOfDay, NewYork, Now));
    }
}
