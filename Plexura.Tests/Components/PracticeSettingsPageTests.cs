using AngleSharp.Dom;
using Bunit;
using Plexura.Core.Practices;
using Plexura.Web.Components.Pages.Practice;

namespace Plexura.Tests.Components;

/// <summary>The practice settings page on the real use cases: each change saved by its own button, audited by Core.</summary>
public sealed class PracticeSettingsPageTests : AppComponentTestBase
{
    [Fact]
    public async Task Owner_RenamesThePracticeAndSetsTheEmergencyWindow_StoresBoth()
    {
        var (signUp, _) = await SignInNewOwnerAsync();
        await EnrollMfaAsync();
        var cut = Context.Render<PracticeSettings>();
        cut.WaitForElement("#settings-name-save");
        Assert.Empty(cut.FindAll("#settings-admins-manage[disabled]"));

        Input(cut, "#settings-name").Change("Harbor Family Therapy");
        cut.Find("#settings-name-save").Click();
        Input(cut, "#settings-emergency-minutes").Change("90");
        cut.Find("#settings-emergency-minutes-save").Click();

        await WaitStoredAsync(signUp.PracticeId, p => p.Name == "Harbor Family Therapy" && p.EmergencyAccessMinutes == 90);
    }

    [Fact]
    public async Task Owner_EmergencyWindowBelowTheMinimum_IsHeldToTheMinimum()
    {
        var (signUp, _) = await SignInNewOwnerAsync();
        await EnrollMfaAsync();
        var cut = Context.Render<PracticeSettings>();
        cut.WaitForElement("#settings-emergency-minutes-save");

        Input(cut, "#settings-emergency-minutes").Change("2");
        cut.Find("#settings-emergency-minutes-save").Click();

        // The field holds the value to the rule's range; Core refuses anything outside it (PracticeSettingsHandlersTests).
        await WaitStoredAsync(signUp.PracticeId, p => p.EmergencyAccessMinutes == Practice.MinEmergencyAccessMinutes);
    }

    private async Task WaitStoredAsync(Core.Common.PracticeId practiceId, Func<Practice, bool> done)
    {
        for (var i = 0; i < 200; i++)
        {
            if (done((await Get<IPracticeRepository>().GetAsync(practiceId, Ct))!))
            {
                return;
            }

            await Task.Delay(25);
        }

        Assert.Fail("The settings were not stored.");
    }

    private static IElement Input(IRenderedComponent<PracticeSettings> cut, string selector)
    {
        var element = cut.Find(selector);
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }
}
