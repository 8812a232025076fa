using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Consent;
using Plexura.Core.Consent.RecordConsent;
using Plexura.Core.Identity;
using Plexura.Core.Notes;
using Plexura.Core.Notes.Drafting;
using Plexura.Core.Notes.EditNote;
using Plexura.Core.Notes.GetNote;
using Plexura.Core.Notes.SignNote;
using Plexura.Core.Notes.StartNote;
using Plexura.Core.Sessions;
using Plexura.Core.Sessions.StartRecording;
using Plexura.Core.Transcription;
using Plexura.Tests.Drafting;
using Plexura.Web.Components.Pages.Notes;
using Plexura.Web.Components.Pages.Sessions;

namespace Plexura.Tests.Components;

/// <summary>The note page on the real use cases, storage and drafting feed: a drafted note, saves and conflicts, live drafting, tenancy, a signed note; the session page's note link.</summary>
public sealed class NotePageTests : ClientPagesTestBase
{
    private readonly ScriptedNoteDrafter _drafter = new();

    public NotePageTests()
    {
        Context.Services.RemoveAll<INoteDrafter>();
        Context.Services.AddSingleton<INoteDrafter>(_drafter);
    }

    [Fact]
    public async Task DraftedNote_ShowsItsSectionsStatementsAndRiskItems_WithOnePhiViewAudit()
    {
        var (practiceId, _, _, note) = await NewDraftedNoteAsync();

        var cut = Render(note);

        cut.WaitForAssertion(() => Assert.Equal("Drafted: review it, then sign", cut.Find("#note-status").TextContent));
        Assert.Equal("Progress note for Dana Reyes", cut.Find("#note-title").TextContent);
        Assert.Equal(["presentation", "interventions", "response", "plan"], cut.FindAll("[data-section-key]").Select(e => e.GetAttribute("data-section-key")));
        var presentation = cut.Find("[data-section-key=presentation]");
        Assert.Equal("Client says the week was calm and sleep improved.", Text(presentation.QuerySelectorAll("textarea")[0]));
        Assert.Contains("Check this drafted statement", presentation.TextContent, StringComparison.Ordinal);
        Assert.Contains("Suicidal thoughts", cut.Find("#note-risks").TextContent, StringComparison.Ordinal);
        Assert.Contains("killing myself", cut.Find("#note-risks").TextContent, StringComparison.Ordinal);
        Assert.Contains("How was your week?", cut.Find("#transcript-pane").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("#note-retry"));
        Assert.Contains("Before you can sign", cut.Find("#note-sign").TextContent, StringComparison.Ordinal);

        // Selecting a statement marks the passages it cites.
        cut.Find("[data-section-key=presentation] [id^=statement-select-]").Click();
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("#passage-0-2").GetAttribute("data-cited")));

        var views = (await Get<IAuditStore>().QueryAsync(practiceId, new AuditQuery(Action: AuditAction.PhiViewed), Ct))
            .Where(e => e.TargetType == NoteAccess.TargetType).ToList();
        Assert.Single(views);
    }

    [Fact]
    public async Task Save_StoresANewVersion_AndAStaleSaveShowsTheConflictAndNeverOverwrites()
    {
        var (_, _, _, note) = await NewDraftedNoteAsync();
        var cut = Render(note);
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-section-key=presentation] textarea")));

        var first = cut.Find("[data-section-key=presentation] textarea");
        first.Input("Client says the week was calm.");
        cut.Find("[data-section-key=presentation] textarea").Blur();

        cut.WaitForAssertion(() => Assert.Equal("Saved", cut.Find("#section-save-text-presentation").TextContent));
        var stored = await ReadAsync(note);
        Assert.Equal("Client says the week was calm.", stored.Content.Sections[0].Statements[0].Text);
        var version = stored.Note.CurrentVersion;

        // Another tab saves the plan meanwhile.
        await Get<SaveSectionHandler>().HandleAsync(
            new SaveSectionCommand(note, "plan", [new StatementInput(null, "Meet again next week.")], version), ClientInfo.Unknown, Ct);

        cut.Find("[data-section-key=presentation] textarea").Input("Client says the week was very calm.");
        cut.Find("[data-section-key=presentation] textarea").Blur();

        cut.WaitForAssertion(() => Assert.Contains(
            "This note was changed in another tab or by someone else — reload to see it", cut.Find("#section-save-error-presentation").TextContent, StringComparison.Ordinal));
        Assert.NotNull(cut.Find("#note-conflict"));
        var after = await ReadAsync(note);
        Assert.Equal(version + 1, after.Note.CurrentVersion);
        Assert.Equal("Client says the week was calm.", after.Content.Sections[0].Statements[0].Text);

        cut.Find("#note-reload").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#note-conflict")));
        Assert.Contains("Meet again next week.", cut.FindAll("[data-section-key=plan] textarea").Select(Text));
    }

    [Fact]
    public async Task AcceptAndConfirm_ResolveTheFlagsAndRiskItems_AndRedraftQueuesASection()
    {
        var (_, _, _, note) = await NewDraftedNoteAsync();
        var cut = Render(note);
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[id^=statement-accept-]")));

        for (var left = cut.FindAll("[id^=statement-accept-]").Count; left > 0; left--)
        {
            cut.FindAll("[id^=statement-accept-]")[0].Click();
            cut.WaitForAssertion(() => Assert.Equal(left - 1, cut.FindAll("[id^=statement-accept-]").Count));
        }

        for (var left = cut.FindAll("[id^=risk-confirm-]").Count; left > 0; left--)
        {
            cut.FindAll("[id^=risk-confirm-]")[0].Click();
            cut.WaitForAssertion(() => Assert.Equal(left - 1, cut.FindAll("[id^=risk-confirm-]").Count));
        }

        var view = await ReadAsync(note);
        Assert.DoesNotContain(view.Content.Sections.SelectMany(s => s.Statements), s => s.NeedsReview);
        Assert.All(view.Content.Risks, r => Assert.Equal(RiskReview.Confirmed, r.Review));
        Assert.Empty(cut.FindAll("#sign-blocker-flagged"));
        Assert.Empty(cut.FindAll("#sign-blocker-risks"));

        cut.Find("#section-redraft-plan").Click();
        cut.WaitForAssertion(() => Assert.Equal("Drafting queued", cut.Find("#note-status").TextContent));
        Assert.Equal("plan", (await ReadAsync(note)).Note.DraftSection);
    }

    [Fact]
    public async Task Streaming_FeedShowsThePartialStatement_ThenTheStoredDraftWhenComplete()
    {
        var (practiceId, _, _, note) = await NewQueuedNoteAsync();
        var cut = Render(note);
        cut.WaitForAssertion(() => Assert.Equal("Drafting queued", cut.Find("#note-status").TextContent));
        Assert.NotNull(cut.Find("#draft-stream"));

        var partial = new NoteDraft([new DraftedSection("presentation", [new DraftedStatement("Client says the week", [], false)])], "gpt-test");
        Get<INoteDraftFeed>().Publish(practiceId, note, new DraftProgress(null, partial, false, null, Time.GetUtcNow()));

        cut.WaitForAssertion(() => Assert.Contains("Client says the week", cut.Find("#draft-statement-presentation-0").TextContent, StringComparison.Ordinal));
        Assert.Equal("true", cut.Find("#draft-statement-presentation-0").GetAttribute("data-partial"));

        var payload = new DraftNotePayload(note, null, 1);
        var store = Get<INoteDraftingStore>();
        Assert.NotNull(await store.BeginAsync(practiceId, payload, Ct));
        await store.ApplyAsync(practiceId, payload, Draft(), Ct);
        Get<INoteDraftFeed>().Publish(practiceId, note, new DraftProgress(null, Draft(), true, null, Time.GetUtcNow()));

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#draft-stream")));
        Assert.Equal("Drafted: review it, then sign", cut.Find("#note-status").TextContent);
        Assert.Equal("Client says the week was calm and sleep improved.", Text(cut.Find("[data-section-key=presentation] textarea")));
    }

    [Fact]
    public async Task Polling_ReadsADraftStoredByAnotherInstance()
    {
        var (practiceId, _, _, note) = await NewQueuedNoteAsync();
        var cut = Render(note);
        cut.WaitForAssertion(() => Assert.Equal("Drafting queued", cut.Find("#note-status").TextContent));

        var payload = new DraftNotePayload(note, null, 1);
        var store = Get<INoteDraftingStore>();
        await store.BeginAsync(practiceId, payload, Ct);
        await store.ApplyAsync(practiceId, payload, Draft(), Ct);
        await cut.InvokeAsync(cut.Instance.PollAsync);

        cut.WaitForAssertion(() => Assert.Equal("Drafted: review it, then sign", cut.Find("#note-status").TextContent));
    }

    [Fact]
    public async Task FailedDrafting_SaysSo_AndRetryQueuesItAgain()
    {
        var (practiceId, _, _, note) = await NewQueuedNoteAsync();
        await Get<INoteDraftingStore>().FailAsync(practiceId, new DraftNotePayload(note, null, 1), "model-429", Ct);
        var cut = Render(note);

        cut.WaitForAssertion(() => Assert.Equal("Drafting failed", cut.Find("#note-status").TextContent));
        Assert.DoesNotContain("model-429", cut.Markup, StringComparison.Ordinal);
        cut.Find("#note-retry").Click();

        cut.WaitForAssertion(() => Assert.Equal("Drafting queued", cut.Find("#note-status").TextContent));
        Assert.Equal(2, (await ReadAsync(note)).Note.DraftRequest);
    }

    [Fact]
    public async Task DraftingOff_SaysWriteTheNoteYourself_WithoutRetryOrRedraft()
    {
        _drafter.IsConfigured = false;
        var (_, _, _, note) = await NewQueuedNoteAsync();
        var cut = Render(note);

        cut.WaitForAssertion(() => Assert.Equal("Drafting is off: write the note yourself", cut.Find("#note-status").TextContent));
        Assert.Empty(cut.FindAll("#note-retry"));
        Assert.Empty(cut.FindAll("[id^=section-redraft-]"));
        Assert.Empty(cut.FindAll("#draft-stream"));
    }

    [Fact]
    public async Task AnotherPracticesNote_IsNotFound()
    {
        var (_, _, _, note) = await NewDraftedNoteAsync();
        await SignInVerifiedOwnerAsync();

        var cut = Render(note);

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#note-not-found")));
        Assert.DoesNotContain("Client says", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignedNote_IsReadOnly_ShowsTheSignature_AndVerifies()
    {
        var (_, _, _, note) = await NewDraftedNoteAsync();
        await SignAsync(note);

        var cut = Render(note);

        cut.WaitForAssertion(() => Assert.Equal("Signed and locked", cut.Find("#note-status").TextContent));
        Assert.Empty(cut.FindAll("[data-section-key] textarea"));
        Assert.Empty(cut.FindAll("[id^=risk-confirm-]"));
        Assert.Empty(cut.FindAll("[id^=section-redraft-]"));
        Assert.Contains("Client says the week was calm and sleep improved.", cut.Find("[data-section-key=presentation]").TextContent, StringComparison.Ordinal);
        Assert.StartsWith("Signed by", cut.Find("#sign-signed-by").TextContent, StringComparison.Ordinal);
        Assert.Equal((await ReadAsync(note)).Note.Signature!.ContentHash, cut.Find("#sign-hash-full").TextContent);

        cut.Find("#sign-verify").Click();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#sign-verified")));
    }

    [Fact]
    public async Task SessionPage_OffersWriteNote_ThenOpenNote()
    {
        var (practiceId, _, session) = await NewTranscribedSessionAsync();
        var page = RenderSession(session);

        page.WaitForElement("#session-write-note").Click();

        var note = await Get<INoteRepository>().FindForSessionAsync(practiceId, session, Ct);
        Assert.NotNull(note);
        Assert.EndsWith($"/notes/{note.Id}", Get<NavigationManager>().Uri, StringComparison.Ordinal);
        var again = RenderSession(session);
        again.WaitForAssertion(() => Assert.Equal($"/notes/{note.Id}", again.Find("#session-note-link").GetAttribute("href")));
        Assert.Empty(again.FindAll("#session-write-note"));
    }

    private IRenderedComponent<NotePage> Render(NoteId note) =>
        Context.Render<NotePage>(p => p.Add(c => c.Id, note.ToString()).Add(c => c.PollInterval, TimeSpan.Zero));

    private IRenderedComponent<SessionPage> RenderSession(ClinicalSessionId session) =>
        Context.Render<SessionPage>(p => p.Add(c => c.Id, session.ToString()).Add(c => c.PollInterval, TimeSpan.Zero));

    private static string Text(IElement field) => field.GetAttribute("value") ?? field.TextContent;

    private Task<NoteView> ReadAsync(NoteId note) => Get<GetNoteHandler>().HandleAsync(new GetNoteCommand(note, ContinuingView: true), ClientInfo.Unknown, Ct);

    private static NoteDraft Draft() => new(
        [
            new DraftedSection("presentation",
            [
                new DraftedStatement("Client says the week was calm and sleep improved.", [new PassageRef(0, 2)], false),
                new DraftedStatement("Client reports a new medication.", [new PassageRef(9, 9)], false),
            ]),
            new DraftedSection("plan", [new DraftedStatement("Meet again in two weeks.", [new PassageRef(0, 0)], false)]),
        ],
        "gpt-test");

    /// <summary>Resolves every flag, writes every required section, confirms every risk item and signs.</summary>
    private async Task SignAsync(NoteId note)
    {
        var view = await ReadAsync(note);
        foreach (var flagged in view.Content.Sections.SelectMany(s => s.Statements).Where(s => s.NeedsReview).ToList())
        {
            view = await ReadAsync(note);
            await Get<ResolveStatementHandler>().HandleAsync(
                new ResolveStatementCommand(note, flagged.Id, StatementDecision.Accept, null, view.Note.CurrentVersion), ClientInfo.Unknown, Ct);
        }

        foreach (var section in (await ReadAsync(note)).Content.Sections.Where(s => s.Statements.Count == 0).ToList())
        {
            view = await ReadAsync(note);
            await Get<SaveSectionHandler>().HandleAsync(
                new SaveSectionCommand(note, section.Key, [new StatementInput(null, $"Written for {section.Title}.")], view.Note.CurrentVersion), ClientInfo.Unknown, Ct);
        }

        foreach (var risk in (await ReadAsync(note)).Content.Risks.ToList())
        {
            view = await ReadAsync(note);
            await Get<ResolveRiskHandler>().HandleAsync(
                new ResolveRiskCommand(note, risk.Id, RiskDecision.Confirm, null, null, null, view.Note.CurrentVersion), ClientInfo.Unknown, Ct);
        }

        view = await ReadAsync(note);
        await Get<SignNoteHandler>().HandleAsync(new SignNoteCommand(note, true, view.Note.CurrentVersion), ClientInfo.Unknown, Ct);
    }

    private async Task<(PracticeId PracticeId, ClientId ClientId, ClinicalSessionId Session, NoteId Note)> NewDraftedNoteAsync()
    {
        var (practiceId, clientId, session, note) = await NewQueuedNoteAsync();
        var payload = new DraftNotePayload(note, null, 1);
        var store = Get<INoteDraftingStore>();
        Assert.NotNull(await store.BeginAsync(practiceId, payload, Ct));
        await store.ApplyAsync(practiceId, payload, Draft(), Ct);
        return (practiceId, clientId, session, note);
    }

    /// <summary>A transcribed session's note as the transcript's completion starts it (drafting queued when the drafter is configured).</summary>
    private async Task<(PracticeId PracticeId, ClientId ClientId, ClinicalSessionId Session, NoteId Note)> NewQueuedNoteAsync()
    {
        var (practiceId, clientId, session) = await NewTranscribedSessionAsync();
        var note = await Get<SessionNoteStarter>().StartAsync(practiceId, session, Ct);
        return (practiceId, clientId, session, note!.Id);
    }

    private async Task<(PracticeId PracticeId, ClientId ClientId, ClinicalSessionId Session)> NewTranscribedSessionAsync()
    {
        var (practiceId, _, _) = await SignInVerifiedOwnerAsync();
        var clientId = await CreateClientAsync(Dana);
        foreach (var kind in new[] { ConsentKind.Recording, ConsentKind.AiProcessing })
        {
            await Get<RecordConsentHandler>().HandleAsync(
                new RecordConsentCommand(clientId, new ConsentDetails(kind, ConsentMethod.Verbal, Time.GetUtcNow())), ClientInfo.Unknown, Ct);
        }

        var session = await Get<StartRecordingHandler>().HandleAsync(new StartRecordingCommand(clientId), ClientInfo.Unknown, Ct);
        await Get<TranscriptProtector>().SaveMachineTextAsync(
            practiceId, session, 0, TimeSpan.Zero, TimeSpan.FromSeconds(60),
            new TranscriptionResult(
                [
                    new TranscribedSpan(TimeSpan.Zero, TimeSpan.FromSeconds(5), "How was your week?", "A"),
                    new TranscribedSpan(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), "Some nights I thought about killing myself.", "B"),
                    new TranscribedSpan(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15), "Otherwise the week was calm and my sleep improved.", "B"),
                ],
                "gpt-4o-transcribe-diarize"),
            Ct);
        var sessions = Get<IClinicalSessionRepository>();
        var stored = (await sessions.GetAsync(practiceId, session, Ct))!;
        await sessions.UpdateAsync(
            practiceId, stored.MoveTo(ClinicalSessionStatus.Stopped).MoveTo(ClinicalSessionStatus.Transcribed) with { StoppedAt = Time.GetUtcNow(), ChunkCount = 1 }, Ct);
        return (practiceId, clientId, session);
    }
}
