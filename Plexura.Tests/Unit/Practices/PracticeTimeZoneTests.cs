using Plexura.Core.Practices;

namespace Plexura.Tests.Unit.Practices;

/// <summary>Which zones a practice may use, and when a day picked as a date ends there.</summary>
public sealed class PracticeTimeZoneTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [Theory]
    [InlineData(2026, 1, 15, "2026-01-16T04:59:59.9990000+00:00")] // EST, UTC-5
    [InlineData(2026, 7, 15, "2026-07-16T03:59:59.9990000+00:00")] // EDT, UTC-4
    [InlineData(2026, 3, 8, "2026-03-09T03:59:59.9990000+00:00")] // clocks went forward at 02:00 that day: ends in EDT
    [InlineData(2026, 3, 7, "2026-03-08T04:59:59.9990000+00:00")] // the day before, still EST
    [InlineData(2026, 11, 1, "2026-11-02T04:59:59.9990000+00:00")] // clocks went back at 02:00 that day: ends in EST
    public void EndOfDay_NewYork_IsTheLastMillisecondOfThatDayThere(int year, int month, int day, string expected)
    {
        var end = PracticeTimeZone.EndOfDay(new DateOnly(year, month, day), NewYork);

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), end);
        Assert.Equal(TimeSpan.Zero, end.Offset);
        Assert.Equal(new DateOnly(year, month, day), DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(end, NewYork).DateTime));
        Assert.NotEqual(new DateOnly(year, month, day), DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(end.AddMilliseconds(1), NewYork).DateTime));
    }

    [Fact]
    public void EndOfDay_Utc_Is235959999Utc() =>
        Assert.Equal(new DateTimeOffset(2026, 12, 31, 23, 59, 59, 999, TimeSpan.Zero), PracticeTimeZone.EndOfDay(new DateOnly(2026, 12, 31), TimeZoneInfo.Utc));

    [Fact]
    public void EndOfDay_AheadOfUtc_EndsTheDayBeforeInUtc() =>
        Assert.Equal(
            new DateTimeOffset(2026, 12, 31, 12, 59, 59, 999, TimeSpan.Zero), // AEDT, UTC+11
            PracticeTimeZone.EndOfDay(new DateOnly(2026, 12, 31), TimeZoneInfo.FindSystemTimeZoneById("Australia/Sydney")));

    [Theory]
    [InlineData("America/New_York")]
    [InlineData("Europe/London")]
    [InlineData("UTC")]
    public void IsValid_KnownIanaZone_IsAccepted(string id) => Assert.True(PracticeTimeZone.IsValid(id));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("../../etc/passwd")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("America/New_York ")]
    public void IsValid_UnknownOrMalformedZone_IsRefused(string? id) => Assert.False(PracticeTimeZone.IsValid(id));

    [Theory]
    [InlineData(null, "UTC")]
    [InlineData("Mars/Olympus_Mons", "UTC")]
    [InlineData(" Europe/Paris ", "Europe/Paris")]
    public void OrDefault_BrowserValue_IsKeptWhenValidElseUtc(string? id, string expected) =>
        Assert.Equal(expected, PracticeTimeZone.OrDefault(id));
}
