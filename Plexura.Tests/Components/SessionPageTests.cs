using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Consent;
using Plexura.Core.Consent.RecordConsent;
using Plexura.Core.Consent.RevokeConsent;
using Plexura.Core.Identity;
using Plexura.Core.Sessions;
using Plexura.Core.Sessions.StartRecording;
using Plexura.Core.Transcription;
using Plexura.Core.Transcription.CorrectSegmentText;
using Plexura.Web.Components.Pages;
using Plexura.Web.Components.Pages.Clients;
using Plexura.Web.Components.Pages.Sessions;

namespace Plexura.Tests.Components;

/// <summary>The session page's states, its growing transcript, corrections and speaker names; the client's sessions list and the home day.</summary>
public sealed class SessionPageTests : ClientPagesTestBase
{
    private readonly StubTranscription _transcription = new();

    public SessionPageTests()
    {
        Context.Services.RemoveAll<ITranscriptionService>();
        Context.Services.AddSingleton<ITranscriptionService>(_transcription);
    }

    [Fact]
    public async Task Transcribing_TranscriptGrowsOnPoll_InOrderAndAcrossAGap_WithOnePhiViewAudit()
    {
        UseTranscription(configured: true);
        var (practiceId, clientId, session) = await NewSessionAsync();
        await MoveAsync(practiceId, session, s => s.MoveTo(ClinicalSessionStatus.Stopped).MoveTo(ClinicalSessionStatus.Transcribing) with { StoppedAt = Time.GetUtcNow(), ChunkCount = 24 });
        await SaveAsync(practiceId, session, 0, ("How was your week?", "A"));

        var cut = Render(session);

        cut.WaitForAssertion(() => Assert.Equal("Transcribing", cut.Find("#session-status").TextContent));
        Assert.Equal("Session with Dana Reyes", cut.Find("#session-title").TextContent);
        Assert.Contains("Speaker A:", cut.Find("#line-0-0").TextContent, StringComparison.Ordinal);
        Assert.Contains("How was your week?", cut.Find("#line-0-0").TextContent, StringComparison.Ordinal);
        Assert.Equal("polite", cut.Find("#transcript").GetAttribute("aria-live"));
        Assert.Empty(cut.FindAll("#session-not-configured"));
        Assert.Contains("The recording is kept until the transcript is complete.", cut.Find("#session-audio").TextContent, StringComparison.Ordinal);

        await SaveAsync(practiceId, session, 2, ("Third minute.", "B"));
        await cut.InvokeAsync(cut.Instance.PollAsync);
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#segment-2")));
        await SaveAsync(practiceId, session, 1, ("Second minute.", "A"));
        await cut.InvokeAsync(cut.Instance.PollAsync);

        cut.WaitForAssertion(() => Assert.Equal(
            ["segment-0", "segment-1", "segment-2"], cut.FindAll("#transcript section").Select(e => e.Id)));
        Assert.Contains("1:00", cut.Find("#line-1-0").TextContent, StringComparison.Ordinal);
        var views = (await Get<IAuditStore>().QueryAsync(practiceId, new AuditQuery(Action: AuditAction.PhiViewed), Ct))
            .Where(e => e.TargetType == SessionTranscriptAccess.TranscriptTarget).ToList();
        Assert.Single(views);
        Assert.Equal(clientId.ToString(), views[0].ClientId);
    }

    [Fact]
    public async Task TranscriptionFailed_ShowsWhy_AndRetryMovesItBackToTranscribing()
    {
        UseTranscription(configured: true);
        var (practiceId, _, session) = await NewSessionAsync();
        await FailAsync(practiceId, session, "transcription-failed");

        var cut = Render(session);

        cut.WaitForAssertion(() => Assert.Equal("Transcription failed", cut.Find("#session-status").TextContent));
        Assert.Contains("The recording is kept", cut.Find("#session-transcription-failed").TextContent, StringComparison.Ordinal);
        cut.Find("#session-retry").Click();

        cut.WaitForAssertion(() => Assert.Equal("Transcribing", cut.Find("#session-status").TextContent));
        Assert.Empty(cut.FindAll("#session-failure"));
        Assert.Equal(ClinicalSessionStatus.Transcribing, (await Get<IClinicalSessionRepository>().GetAsync(practiceId, session, Ct))!.Status);
    }

    [Fact]
    public async Task ConsentRevoked_NamesTheConsent_SaysNothingMoreGoesToOpenAi_AndOffersNoRetry()
    {
        UseTranscription(configured: true);
        var (practiceId, clientId, session) = await NewSessionAsync();
        var consents = await Get<IClientConsentRepository>().ListForClientAsync(practiceId, clientId, Ct);
        await Get<RevokeConsentHandler>().HandleAsync(
            new RevokeConsentCommand(clientId, consents.Single(c => c.Kind == ConsentKind.AiProcessing).Id, "Client asked"), ClientInfo.Unknown, Ct);
        await FailAsync(practiceId, session, "consent-revoked");

        var cut = Render(session);

        cut.WaitForAssertion(() => Assert.Equal("Stopped: consent withdrawn", cut.Find("#session-status").TextContent));
        var text = cut.Find("#session-consent-revoked").TextContent;
        Assert.Contains("consent to AI processing was withdrawn", text, StringComparison.Ordinal);
        Assert.Contains("Nothing more from this session is sent to OpenAI", text, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("#session-retry"));
    }

    [Fact]
    public async Task NotConfigured_RecordingSession_SaysRecordingsWaitForAKey()
    {
        UseTranscription(configured: false);
        var (_, _, session) = await NewSessionAsync();

        var cut = Render(session);

        cut.WaitForAssertion(() => Assert.Equal(
            "Transcription is not set up: recordings wait and are transcribed once an OpenAI key is configured.",
            cut.Find("#session-not-configured").TextContent.Trim()));
        Assert.Equal("Recording", cut.Find("#session-status").TextContent);
        Assert.NotNull(cut.Find("#session-open-recorder"));
    }

    [Fact]
    public async Task AudioRetention_KeptUntilAndDeletedOn_AreShownInThePracticeZone()
    {
        UseTranscription(configured: true);
        var (practiceId, _, session) = await NewSessionAsync();
        var kept = new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
        await MoveAsync(practiceId, session, s => s.MoveTo(ClinicalSessionStatus.Stopped).MoveTo(ClinicalSessionStatus.Transcribed) with { AudioKeptUntil = kept });

        var cut = Render(session);
        cut.WaitForAssertion(() => Assert.StartsWith("The recording is kept until", cut.Find("#session-audio").TextContent.Trim(), StringComparison.Ordinal));
        Assert.Equal("2026-11-30T09:00:00Z", cut.Find("#session-audio time").GetAttribute("datetime"));
        Assert.Equal("Transcript ready", cut.Find("#session-status").TextContent);

        await MoveAsync(practiceId, session, s => s with { AudioDeletedAt = kept });
        var again = Render(session);
        again.WaitForAssertion(() => Assert.StartsWith("The recording was deleted on", again.Find("#session-audio").TextContent.Trim(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Correction_IsSavedAsANewRevisionWithHistory_AndAnotherTabsChangeIsShownAsAConflict()
    {
        UseTranscription(configured: true);
        var (practiceId, _, session) = await NewSessionAsync();
        await SaveAsync(practiceId, session, 0, ("How was your weak?", "A"));
        var cut = Render(session);

        cut.WaitForElement("#correct-0-0").Click();
        Input(cut, "#edit-0-0").Change("How was your week?");
        cut.Find("#save-0-0").Click();

        cut.WaitForAssertion(() => Assert.Contains("How was your week?", cut.Find("#line-0-0").TextContent, StringComparison.Ordinal));
        Assert.Equal("1", cut.Find("#segment-0").GetAttribute("data-revision"));
        cut.Find("#history-0").Click();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("#history-list-0 li").Count));
        Assert.Contains("Machine transcript", cut.FindAll("#history-list-0 li")[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("Corrected by", cut.FindAll("#history-list-0 li")[1].TextContent, StringComparison.Ordinal);

        await Get<CorrectSegmentTextHandler>().HandleAsync(new CorrectSegmentTextCommand(session, 0, 0, "Another tab's words.", 1), ClientInfo.Unknown, Ct);
        cut.Find("#correct-0-0").Click();
        Input(cut, "#edit-0-0").Change("My stale words.");
        cut.Find("#save-0-0").Click();

        cut.WaitForAssertion(() => Assert.Contains("Someone else corrected this part", cut.Find("#edit-error-0").TextContent, StringComparison.Ordinal));
        Assert.Contains("Another tab's words.", cut.Find("#line-0-0").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NamingASpeaker_ShowsTheNameOnEveryLine()
    {
        UseTranscription(configured: true);
        var (practiceId, _, session) = await NewSessionAsync();
        await SaveAsync(practiceId, session, 0, ("How was your week?", "A"), ("Calm.", "B"));
        await SaveAsync(practiceId, session, 1, ("Good to hear.", "A"));
        var cut = Render(session);
        cut.WaitForElement("#speaker-A");

        var select = cut.FindComponents<MudSelect<SpeakerRole?>>().Single(s => s.Instance.Label == "Speaker A");
        await cut.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(SpeakerRole.Clinician));

        cut.WaitForAssertion(() => Assert.Contains("Clinician:", cut.Find("#line-1-0").TextContent, StringComparison.Ordinal));
        Assert.Contains("Clinician:", cut.Find("#line-0-0").TextContent, StringComparison.Ordinal);
        Assert.Contains("Speaker B:", cut.Find("#line-0-1").TextContent, StringComparison.Ordinal);
        var names = await Get<ITranscriptRepository>().GetSpeakersAsync(practiceId, session, Ct);
        Assert.Equal(SpeakerRole.Clinician, names!.Current["A"]);
    }

    [Fact]
    public async Task ClientPage_ListsTheClientsSessions_WithStateAndLinks()
    {
        UseTranscription(configured: true);
        var (practiceId, clientId, session) = await NewSessionAsync();
        Time.Advance(TimeSpan.FromHours(1));
        var failed = await Get<StartRecordingHandler>().HandleAsync(new StartRecordingCommand(clientId), ClientInfo.Unknown, Ct);
        await FailAsync(practiceId, failed, "transcription-failed");

        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, clientId.ToString()));

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("#client-sessions li").Count));
        var items = cut.FindAll("#client-sessions li");
        Assert.Equal(failed.ToString(), items[0].GetAttribute("data-session"));
        Assert.Contains("Transcription failed", items[0].TextContent, StringComparison.Ordinal);
        Assert.Equal($"/sessions/{failed}", cut.Find($"#session-link-{failed}").GetAttribute("href"));
        Assert.Contains("Recording", items[1].TextContent, StringComparison.Ordinal);
        Assert.Equal($"/sessions/{session}/record", cut.Find($"#session-recorder-{session}").GetAttribute("href"));
        Assert.Empty(cut.FindAll($"#session-recorder-{failed}"));
    }

    [Fact]
    public async Task Home_ShowsTodaysAndRecentSessions_AndTheUnfinishedRecording()
    {
        UseTranscription(configured: true);
        var (practiceId, clientId, earlier) = await NewSessionAsync();
        await FailAsync(practiceId, earlier, "transcription-failed");
        Time.Advance(TimeSpan.FromDays(2));
        var today = await Get<StartRecordingHandler>().HandleAsync(new StartRecordingCommand(clientId), ClientInfo.Unknown, Ct);
        Authorization.SetPolicies(Plexura.Web.Security.Policies.ClientRecords);

        var cut = Context.Render<Home>();

        cut.WaitForElement("#home-day");
        Assert.Equal(today.ToString(), Assert.Single(cut.FindAll("#home-today li")).GetAttribute("data-session"));
        Assert.Contains("Dana Reyes", cut.Find("#home-today li").TextContent, StringComparison.Ordinal);
        Assert.Contains("Recording", cut.Find("#home-today li").TextContent, StringComparison.Ordinal);
        var recent = Assert.Single(cut.FindAll("#home-recent li"));
        Assert.Contains("Transcription failed", recent.TextContent, StringComparison.Ordinal);
        Assert.Contains("Dana Reyes", cut.Find("#home-unfinished").TextContent, StringComparison.Ordinal);
        Assert.Equal($"/sessions/{today}/record", cut.Find("#home-unfinished-open").GetAttribute("href"));
    }

    private IRenderedComponent<SessionPage> Render(ClinicalSessionId session) =>
        Context.Render<SessionPage>(p => p.Add(c => c.Id, session.ToString()).Add(c => c.PollInterval, TimeSpan.Zero));

    private void UseTranscription(bool configured) => _transcription.IsConfigured = configured;

    private async Task<(PracticeId PracticeId, ClientId ClientId, ClinicalSessionId Session)> NewSessionAsync()
    {
        var (practiceId, _, _) = await SignInVerifiedOwnerAsync();
        var clientId = await CreateClientAsync(Dana);
        foreach (var kind in new[] { ConsentKind.Recording, ConsentKind.AiProcessing })
        {
            await Get<RecordConsentHandler>().HandleAsync(
                new RecordConsentCommand(clientId, new ConsentDetails(kind, ConsentMethod.Verbal, Time.GetUtcNow())), ClientInfo.Unknown, Ct);
        }

        var session = await Get<StartRecordingHandler>().HandleAsync(new StartRecordingCommand(clientId), ClientInfo.Unknown, Ct);
        return (practiceId, clientId, session);
    }

    private async Task MoveAsync(PracticeId practiceId, ClinicalSessionId sessionId, Func<ClinicalSession, ClinicalSession> change)
    {
        var sessions = Get<IClinicalSessionRepository>();
        await sessions.UpdateAsync(practiceId, change((await sessions.GetAsync(practiceId, sessionId, Ct))!), Ct);
    }

    private Task FailAsync(PracticeId practiceId, ClinicalSessionId sessionId, string code) =>
        MoveAsync(practiceId, sessionId, s => s.MoveTo(ClinicalSessionStatus.Stopped).MoveTo(ClinicalSessionStatus.Failed) with
        {
            StoppedAt = Time.GetUtcNow(),
            ChunkCount = 0,
            FailureCode = code,
        });

    /// <summary>Stores a segment's machine transcript (one minute per index; each span 10 s).</summary>
    private Task<bool> SaveAsync(PracticeId practiceId, ClinicalSessionId session, int index, params (string Text, string? Speaker)[] spans) =>
        Get<TranscriptProtector>().SaveMachineTextAsync(
            practiceId, session, index, TimeSpan.FromMinutes(index), TimeSpan.FromMinutes(index + 1),
            new TranscriptionResult(
                [.. spans.Select((s, i) => new TranscribedSpan(TimeSpan.FromSeconds(10 * i), TimeSpan.FromSeconds(10 * (i + 1)), s.Text, s.Speaker))],
                "gpt-4o-transcribe-diarize"),
            Ct);

    /// <summary>A transcription service that is configured or not and is never called here.</summary>
    private sealed class StubTranscription : ITranscriptionService
    {
        public bool IsConfigured { get; set; }

        public Task<TranscriptionResult> TranscribeAsync(TranscriptionRequest request, CancellationToken ct) =>
            throw new InvalidOperationException("Not used by the pages.");
    }
}
