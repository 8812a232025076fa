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
    public async Task RecorderPage_LinkWhileRecording_AsksFirstAndStaysOrLeaves()
    {
        await SignInVerifiedOwnerAsync();
        var navigation = Get<NavigationManager>();
        var cut = Context.Render<RecorderPage>(p => p.Add(c => c.Id, ClinicalSessionId.New().ToString()));
        cut.WaitForElement("#recorder-start");
        var recorderUri = navigation.Uri;
        await cut.InvokeAsync(() => cut.Instance.OnRecorderState(new RecorderPage.RecorderState("recording", 65, 12, 2, true)));
        cut.WaitForElement("#recorder-pause");

        // A link inside the app is held until the clinician answers; the microphone keeps running meanwhile.
        await cut.InvokeAsync(() => navigation.NavigateTo("/clients"));
        var question = cut.WaitForElement("#recorder-leave-confirm");
        Assert.Equal(recorderUri, navigation.Uri);
        Assert.Contains("You are recording. If you leave this page, the microphone stops.", question.TextContent, StringComparison.Ordinal);
        Assert.Contains("2 chunks not sent yet wait on this computer", question.TextContent, StringComparison.Ordinal);
        Assert.Equal("Keep recording", cut.Find("#recorder-leave-stay").TextContent.Trim());

        cut.Find("#recorder-leave-stay").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#recorder-leave-confirm")));
        Assert.Equal(recorderUri, navigation.Uri);

        // Asked again, the clinician leaves: the navigation goes where the link pointed.
        await cut.InvokeAsync(() => navigation.NavigateTo("/clients"));
        cut.WaitForElement("#recorder-leave-yes").Click();
        cut.WaitForAssertion(() => Assert.EndsWith("/clients", navigation.Uri, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RecorderPage_LinkWithAudioWaitingAfterStop_AsksFirst_AndNothingWaiting_LeavesAtOnce()
    {
        await SignInVerifiedOwnerAsync();
        var navigation = Get<NavigationManager>();
        var cut = Context.Render<RecorderPage>(p => p.Add(c => c.Id, ClinicalSessionId.New().ToString()));
        cut.WaitForElement("#recorder-start");
        var recorderUri = navigation.Uri;

        await cut.InvokeAsync(() => cut.Instance.OnRecorderState(new RecorderPage.RecorderState("stopping", 65, 12, 1, false)));
        await cut.InvokeAsync(() => navigation.NavigateTo("/"));
        var question = cut.WaitForElement("#recorder-leave-confirm");
        Assert.Equal(recorderUri, navigation.Uri);
        Assert.StartsWith("1 chunk of audio not sent yet. If you leave, it waits on this computer", question.TextContent.Trim(), StringComparison.Ordinal);
        cut.Find("#recorder-leave-stay").Click();

        // Everything sent: no question.
        await cut.InvokeAsync(() => cut.Instance.OnRecorderState(new RecorderPage.RecorderState("stopped", 65, 13, 0, true)));
        await cut.InvokeAsync(() => navigation.NavigateTo("/clients"));
        cut.WaitForAssertion(() => Assert.EndsWith("/clients", navigation.Uri, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("#recorder-leave-confirm"));
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
