using Bunit;
using Microsoft.AspNetCore.Components;
using Plexura.Core.Common;
using Plexura.Core.Consent;
using Plexura.Core.Consent.RecordConsent;
using Plexura.Web.Components.Pages.Clients;
using Plexura.Web.Components.Pages.Sessions;

namespace Plexura.Tests.Components;

/// <summary>"Start session" on the client page and the recorder page's states (the module itself is proven in Chromium).</summary>
public sealed class SessionPagesTests : ClientPagesTestBase
{
    [Fact]
    public async Task StartSession_WithoutConsents_NamesBothMissingConsents()
    {
        await SignInVerifiedOwnerAsync();
        var id = await CreateClientAsync(Dana);
        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, id.ToString()));

        cut.WaitForElement("#client-start-session").Click();

        cut.WaitForAssertion(() => Assert.Contains(
            "consent to recording and consent to AI processing", cut.Find("#client-start-session-error").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain("/record", Get<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartSession_WithRecordingConsentOnly_NamesTheAiProcessingConsent()
    {
        await SignInVerifiedOwnerAsync();
        var id = await CreateClientAsync(Dana);
        await ConsentAsync(id, ConsentKind.Recording);
        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, id.ToString()));

        cut.WaitForElement("#client-start-session").Click();

        cut.WaitForAssertion(() => Assert.Contains(
            "consent to AI processing (transcription and notes) is missing", cut.Find("#client-start-session-error").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartSession_WithBothConsents_OpensTheRecorder()
    {
        await SignInVerifiedOwnerAsync();
        var id = await CreateClientAsync(Dana);
        await ConsentAsync(id, ConsentKind.Recording);
        await ConsentAsync(id, ConsentKind.AiProcessing);
        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, id.ToString()));

        cut.WaitForElement("#client-start-session").Click();

        cut.WaitForAssertion(() => Assert.Matches("/sessions/[0-9a-f-]{36}/record$", Get<NavigationManager>().Uri));
    }

    [Fact]
    public async Task RecorderPage_States_ShowTimerUploadHealthAndMessages()
    {
        await SignInVerifiedOwnerAsync();
        var cut = Context.Render<RecorderPage>(p => p.Add(c => c.Id, ClinicalSessionId.New().ToString()));
        cut.WaitForElement("#recorder-start");
        Assert.Equal("0:00", cut.Find("#recorder-timer").TextContent);
        Assert.Equal("meter", cut.Find("#recorder-meter").GetAttribute("role"));
        Assert.Equal("polite", cut.Find("#recorder-status").GetAttribute("aria-live"));

        await cut.InvokeAsync(() => cut.Instance.OnRecorderState(new RecorderPage.RecorderState("recording", 3725.4, 12, 1, false)));
        cut.WaitForAssertion(() => Assert.Equal("1:02:05", cut.Find("#recorder-timer").TextContent));
        Assert.Equal("Recording", cut.Find("#recorder-phase").TextContent);
        Assert.Equal("12 chunks sent, 1 chunk waiting on this computer (offline).", cut.Find("#recorder-upload").TextContent);
        Assert.NotNull(cut.Find("#recorder-pause"));
        Assert.Empty(cut.FindAll("#recorder-start"));

        await cut.InvokeAsync(() => cut.Instance.OnRecorderState(new RecorderPage.RecorderState(
            "refused", 3725, 12, 0, true, null, "The client revoked consent to AI processing.", "error")));
        cut.WaitForAssertion(() => Assert.Equal("The client revoked consent to AI processing.", cut.Find("#recorder-message").TextContent.Trim()));
        Assert.Empty(cut.FindAll("#recorder-start"));
        Assert.Empty(cut.FindAll("#recorder-stop"));
        Assert.Equal($"/sessions/{cut.Instance.Id}", cut.Find("#recorder-open-session").GetAttribute("href"));
    }

    [Fact]
    public async Task RecorderPage_NotAnId_SaysNotFound()
    {
        await SignInVerifiedOwnerAsync();
        var cut = Context.Render<RecorderPage>(p => p.Add(c => c.Id, "not-an-id"));

        cut.WaitForElement("#recorder-not-found");
    }

    private Task<ClientConsentId> ConsentAsync(ClientId clientId, ConsentKind kind) =>
        Get<RecordConsentHandler>().HandleAsync(
            new RecordConsentCommand(clientId, new ConsentDetails(kind, ConsentMethod.Verbal, Time.GetUtcNow())), Plexura.Core.Identity.ClientInfo.Unknown, Ct);
}
