using Bunit;
using Plexura.Core.Practices;
using Plexura.Web.Components.Pages.Practice;
using Plexura.Web.Components.Shared;
using Plexura.Web.Time;

namespace Plexura.Tests.Components;

/// <summary>Dates on pages: in the practice's time zone, readable, with the full form on hover.</summary>
public sealed class PracticeTimeTests : AppComponentTestBase
{
    [Theory]
    [InlineData("America/New_York", "Mon 23 Nov, 02:00")]
    [InlineData("UTC", "Mon 23 Nov, 07:00")]
    [InlineData("Asia/Kolkata", "Mon 23 Nov, 12:30")]
    public async Task PracticeTime_PracticeZone_ShowsTheMomentInThatZone(string zone, string expected)
    {
        await SignInNewOwnerAsync(zone);

        var cut = Context.Render<PracticeTime>(p => p.Add(c => c.At, new DateTimeOffset(2026, 11, 23, 7, 0, 0, TimeSpan.Zero)));

        cut.WaitForAssertion(() => Assert.Equal(expected, cut.Find("time").TextContent));
        Assert.Equal("2026-11-23T07:00:00Z", cut.Find("time").GetAttribute("datetime"));
        Assert.Contains($"({zone})", cut.Find("time").GetAttribute("title"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PracticeTime_Relative_SaysHowLongAgoWithTheMomentAsTitle()
    {
        await SignInNewOwnerAsync("America/New_York");

        var cut = Context.Render<PracticeTime>(p => p
            .Add(c => c.At, Time.GetUtcNow().AddHours(-2))
            .Add(c => c.Format, DateStyle.Relative));

        cut.WaitForAssertion(() => Assert.Equal("2 hours ago", cut.Find("time").TextContent));
        Assert.Equal("Mon 23 Nov 2026, 02:00 (America/New_York)", cut.Find("time").GetAttribute("title"));
    }

    [Fact]
    public void PracticeTime_NobodySignedIn_ShowsUtc()
    {
        var cut = Context.Render<PracticeTime>(p => p.Add(c => c.At, new DateTimeOffset(2026, 11, 23, 7, 0, 0, TimeSpan.Zero)));

        cut.WaitForAssertion(() => Assert.Equal("Mon 23 Nov, 07:00", cut.Find("time").TextContent));
    }

    [Fact]
    public async Task SignUp_UnknownBrowserZone_StartsThePracticeInUtc()
    {
        var (signUp, _) = await SignInNewOwnerAsync("Mars/Olympus_Mons");

        Assert.Equal(PracticeTimeZone.Default, (await Get<IPracticeRepository>().GetAsync(signUp.PracticeId, Ct))!.TimeZoneId);
    }

    [Fact]
    public async Task PracticeSettings_OwnerPicksAZone_StoresItAndShowsTimesInIt()
    {
        var (signUp, _) = await SignInNewOwnerAsync();
        await EnrollMfaAsync();
        var cut = Context.Render<PracticeSettings>();
        cut.WaitForElement("#time-zone-save");

        await cut.InvokeAsync(() => cut.FindComponent<MudBlazor.MudAutocomplete<string>>().Instance.SelectOptionAsync("America/New_York"));
        cut.Find("#time-zone-save").Click();

        cut.WaitForAssertion(() => Assert.Contains("America/New_York", cut.Find("#time-zone-card").TextContent, StringComparison.Ordinal));
        Assert.Equal("America/New_York", (await Get<IPracticeRepository>().GetAsync(signUp.PracticeId, Ct))!.TimeZoneId);
        Assert.Equal("America/New_York", (await Get<PracticeClock>().ZoneAsync()).Id);
    }

    [Fact]
    public async Task PracticeSettings_OwnerChoosesAudioRetention_StoresItAndSaysSo()
    {
        var (signUp, _) = await SignInNewOwnerAsync();
        await EnrollMfaAsync();
        var cut = Context.Render<PracticeSettings>();
        cut.WaitForElement("#audio-retention-save");
        Assert.True(cut.Find("#audio-retention-save").HasAttribute("disabled"));

        cut.Find("input#audio-retention-7-days").Click();
        cut.WaitForAssertion(() => Assert.False(cut.Find("#audio-retention-save").HasAttribute("disabled")));
        cut.Find("#audio-retention-save").Click();

        cut.WaitForAssertion(() => Assert.True(cut.Find("#audio-retention-save").HasAttribute("disabled")));
        Assert.Equal(AudioRetention.SevenDays, (await Get<IPracticeRepository>().GetAsync(signUp.PracticeId, Ct))!.AudioRetention);
    }

    [Fact]
    public async Task PracticeSettings_AdminOrOwnerWithoutMfa_SaysWhyAndOffersNoChange()
    {
        await SignInNewOwnerAsync();

        var cut = Context.Render<PracticeSettings>();

        cut.WaitForAssertion(() => Assert.False(string.IsNullOrWhiteSpace(cut.Find("#settings-denied").TextContent)));
        Assert.Empty(cut.FindAll("#time-zone-save"));
        Assert.Empty(cut.FindAll("#audio-retention-save"));
    }
}
