using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Access;
using Plexura.Core.Access.GrantClientAccess;
using Plexura.Core.Auditing;
using Plexura.Core.Clients;
using Plexura.Core.Clients.CreateClient;
using Plexura.Core.Common;
using Plexura.Core.Consent;
using Plexura.Core.Consent.RecordConsent;
using Plexura.Core.Jobs;
using Plexura.Core.Memberships;
using Plexura.Core.Notes;
using Plexura.Core.Notes.Drafting;
using Plexura.Core.Notes.EditNote;
using Plexura.Core.Notes.GetNote;
using Plexura.Core.Notes.Psychotherapy;
using Plexura.Core.Notes.SignNote;
using Plexura.Core.Notes.StartNote;
using Plexura.Core.Notes.Versions;
using Plexura.Core.Sessions.StartRecording;
using Plexura.Core.Transcription;
using Plexura.Tests.Drafting;
using Plexura.Tests.Fakes;
using Plexura.Tests.Persistence;
using Plexura.Tests.Unit.Practices;

namespace Plexura.Tests.Unit.Notes;

/// <summary>The note use cases on the real storage, encryption, access gate and audit log (fake risk scanner and evidence verifier).</summary>
public sealed class NoteUseCaseTests(SqliteStorageFixture fixture) : PracticeUseCaseTestBase(fixture)
{
    private static readonly ClientDetails Dana = new("Dana Reyes", new DateOnly(1990, 4, 2), "she/her");

    [Fact]
    public async Task Start_FromTheTranscript_CreatesOneEncryptedNoteWithEmptySectionsAndTheRiskItems()
    {
        var (owner, clientId, session) = await NewTranscribedSessionAsync();
        var starter = Handler<SessionNoteStarter>();

        var note = await starter.StartAsync(owner.PracticeId, session, Ct);
        var again = await starter.StartAsync(owner.PracticeId, session, Ct);

        Assert.NotNull(note);
        Assert.Equal(note.Id, again!.Id);
        Assert.Equal((NoteKind.Progress, NoteStatus.Draft, DraftingState.Off, 1, "progress"), (note.Kind, note.Status, note.Drafting, note.CurrentVersion, note.TemplateKey));
        var view = await As<GetNoteHandler>(owner).HandleAsync(new GetNoteCommand(note.Id), Client, Ct);
        Assert.Equal(["presentation", "interventions", "response", "plan"], view.Content.Sections.Select(s => s.Key));
        Assert.All(view.Content.Sections, s => Assert.Empty(s.Statements));
        var risk = Assert.Single(view.Content.Risks);
        Assert.Equal((RiskCategory.SuicidalIdeation, RiskPolarity.Endorsed, new PassageRef(0, 1), RiskReview.Pending), (risk.Category, risk.Polarity, risk.Passage, risk.Review));
        var stored = await Fixture.Get<INoteRepository>().ListVersionsAsync(owner.PracticeId, note.Id, Ct);
        Assert.DoesNotContain("myself", JsonSerializer.Serialize(stored), StringComparison.Ordinal);
        var created = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.Created), e => e.TargetType == NoteAccess.TargetType);
        Assert.Equal(("system:jobs", clientId.ToString()), (created.ActorEmail, created.ClientId));
    }

    [Fact]
    public async Task Drafting_QueuedOnStart_AppliedWithVerifiedCitations_Idempotent_AndKeepsASectionTheClinicianEdited()
    {
        var (owner, _, session) = await NewTranscribedSessionAsync();
        var queue = new RecordingJobQueue();
        var note = (await Handler<SessionNoteStarter>(queue, new ScriptedNoteDrafter()).StartAsync(owner.PracticeId, session, Ct))!;
        var job = Assert.Single(queue.Jobs);
        Assert.Equal((DraftNotePayload.JobKind, $"draft-note/{note.Id}/1"), (job.Kind, job.DedupeKey));
        var payload = JsonSerializer.Deserialize<DraftNotePayload>(job.Payload, JsonSerializerOptions.Web)!;
        var store = Fixture.Services.CreateScope().ServiceProvider.GetRequiredService<INoteDraftingStore>();

        var work = await store.BeginAsync(owner.PracticeId, payload, Ct);
        Assert.NotNull(work);
        Assert.Equal(4, work.Sections.Count);
        Assert.Equal("How was your week?", work.Transcript[0].Text);

        // The clinician writes the plan while the model drafts.
        await As<SaveSectionHandler>(owner).HandleAsync(new SaveSectionCommand(note.Id, "plan", [new StatementInput(null, "Meet again next week.")], 1), Client, Ct);
        var draft = new NoteDraft(
            [
                new DraftedSection("presentation",
                [
                    new DraftedStatement("Client says the week was calm and sleep improved.", [new PassageRef(0, 2)], false),
                    new DraftedStatement("Client reports a new medication.", [new PassageRef(9, 9)], false),
                ]),
                new DraftedSection("plan", [new DraftedStatement("Plan drafted by the model.", [new PassageRef(0, 0)], false)]),
            ],
            "gpt-test");
        await store.ApplyAsync(owner.PracticeId, payload, draft, Ct);
        await store.ApplyAsync(owner.PracticeId, payload, draft, Ct);

        var view = await As<GetNoteHandler>(owner).HandleAsync(new GetNoteCommand(note.Id), Client, Ct);
        Assert.Equal((3, DraftingState.Drafted), (view.Note.CurrentVersion, view.Note.Drafting));
        var presentation = view.Content.Sections[0].Statements;
        Assert.Equal([EvidenceStrength.Supported, EvidenceStrength.None], presentation.Select(s => s.Evidence));
        Assert.Equal([false, true], presentation.Select(s => s.NeedsReview));
        Assert.Equal(["Meet again next week."], view.Content.Sections[3].Statements.Select(s => s.Text));
        Assert.Null(await store.BeginAsync(owner.PracticeId, payload, Ct));
        var versions = await As<ListNoteVersionsHandler>(owner).HandleAsync(new ListNoteVersionsCommand(note.Id), Client, Ct);
        Assert.Equal([(1, (UserId?)null, "created"), (2, owner.UserId, "edited"), (3, null, "drafted")], versions.Select(v => (v.Number, v.By, v.Reason)));
    }

    [Fact]
    public async Task Drafting_FailedThenRetried_IsANewRequest_AndARedraftKeepsTheClinicianStatements()
    {
        var (owner, _, session) = await NewTranscribedSessionAsync();
        var queue = new RecordingJobQueue();
        var options = new ScriptedNoteDrafter();
        var note = (await Handler<SessionNoteStarter>(queue, options).StartAsync(owner.PracticeId, session, Ct))!;
        var store = Fixture.Services.CreateScope().ServiceProvider.GetRequiredService<INoteDraftingStore>();
        var first = new DraftNotePayload(note.Id, null, 1);

        await store.FailAsync(owner.PracticeId, first, "model-429", Ct);
        var failed = await As<GetNoteHandler>(owner).HandleAsync(new GetNoteCommand(note.Id, ContinuingView: true), Client, Ct);
        Assert.Equal((DraftingState.Failed, "model-429"), (failed.Note.Drafting, failed.Note.DraftingFailureCode));

        var requests = Requests(owner, queue, options);
        Assert.Equal(2, await new RetryDraftingHandler(requests).HandleAsync(new RetryDraftingCommand(note.Id), Client, Ct));
        Assert.Null(await store.BeginAsync(owner.PracticeId, first, Ct));
        var retry = new DraftNotePayload(note.Id, null, 2);
        await store.ApplyAsync(owner.PracticeId, retry, new NoteDraft([new DraftedSection("plan", [new DraftedStatement("Drafted plan.", [new PassageRef(0, 0)], true)])], "m"), Ct);
        var drafted = await As<GetNoteHandler>(owner).HandleAsync(new GetNoteCommand(note.Id, ContinuingView: true), Client, Ct);
        await As<SaveSectionHandler>(owner).HandleAsync(
            new SaveSectionCommand(note.Id, "plan", [new StatementInput(drafted.Content.Sections[3].Statements[0].Id, "Drafted plan."), new StatementInput(null, "Mine.")], drafted.Note.CurrentVersion),
            Client, Ct);

        Assert.Equal(3, await new RequestRedraftHandler(requests).HandleAsync(new RequestRedraftCommand(note.Id, "plan"), Client, Ct));
        await store.ApplyAsync(owner.PracticeId, new DraftNotePayload(note.Id, "plan", 3), new NoteDraft([new DraftedSection("plan", [new DraftedStatement("Redrafted plan.", [], false)])], "m"), Ct);

        var view = await As<GetNoteHandler>(owner).HandleAsync(new GetNoteCommand(note.Id, ContinuingView: true), Client, Ct);
        Assert.Equal(["Redrafted plan.", "Mine."], view.Content.Sections[3].Statements.Select(s => s.Text));
        Assert.Equal(["draft-note/" + note.Id + "/1", "draft-note/" + note.Id + "/2", "draft-note/" + note.Id + "/3"], queue.Jobs.Select(j => j.DedupeKey));
        Assert.Contains(await AuditAsync(owner.PracticeId, AuditAction.Updated), e => e.Result == AuditResult.Failed && e.Details.GetValueOrDefault("event") == "drafting-failed");
    }

    [Fact]
    public async Task SaveSection_KeepsIdsTracksEditsAddsClinicianStatements_OneVersionPerSave_AndAStaleSaveConflicts()
    {
        var (owner, _, note) = await NewNoteAsync();
        var save = As<SaveSectionHandler>(owner);

        var saved = await save.HandleAsync(new SaveSectionCommand(note, "presentation", [new StatementInput(null, "Client says the week was calm."), new StatementInput(null, "Second.")], 1), Client, Ct);
        var view = await As<GetNoteHandler>(owner).HandleAsync(new GetNoteCommand(note, ContinuingView: true), Client, Ct);
        var statements = view.Content.Sections[0].Statements;
        Assert.Equal(2, saved.VersionNumber);
        Assert.All(statements, s => Assert.Equal((StatementOrigin.Clinician, StatementReview.Accepted), (s.Origin, s.Review)));
        Assert.Equal([new PassageRef(0, 2)], statements[0].Citations);

        var unchanged = await save.HandleAsync(new SaveSectionCommand(note, "presentation", [.. statements.Select(s => new StatementInput(s.Id, s.Text))], 2), Client, Ct);
        Assert.Equal(2, unchanged.VersionNumber);
        var reordered = await save.HandleAsync(new SaveSectionCommand(note, "presentation", [new StatementInput(statements[1].Id, "Second, edited.")], 2), Client, Ct);
        Assert.Equal(3, reordered.VersionNumber);
        var after = (await As<GetNoteHandler>(owner).HandleAsync(new GetNoteCommand(note, ContinuingView: true), Client, Ct)).Content.Sections[0].Statements;
        Assert.Equal([(statements[1].Id, "Second, edited.")], after.Select(s => (s.Id, s.Text)));

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            save.HandleAsync(new SaveSectionCommand(note, "presentation", [new StatementInput(null, "Other tab.")], 2), Client, Ct));
        Assert.Equal(3, (await Fixture.Get<INoteRepository>().GetAsync(owner.PracticeId, note, Ct))!.CurrentVersion);
        var refused = (await AuditAsync(owner.PracticeId, AuditAction.Updated)).First(e => e.Result == AuditResult.Failed);
        Assert.Equal("stale-version", refused.Details["reason"]);
        Assert.All(await AuditAsync(owner.PracticeId), e => Assert.DoesNotContain("calm", string.Join(' ', e.Details.Values), StringComparison.Ordinal));
    }

    [Fact]
    public async Task SaveSection_OverTheLimits_IsRefusedClearly_AndNothingIsStored()
    {
        var (owner, _, note) = await NewNoteAsync();
        var save = As<SaveSectionHandler>(owner);

        await Assert.ThrowsAsync<ValidationFailedException>(() =>
            save.HandleAsync(new SaveSectionCommand(note, "presentation", [new StatementInput(null, new string('a', 4_001))], 1), Client, Ct));
        await Assert.ThrowsAsync<ValidationFailedException>(() =>
            save.HandleAsync(new SaveSectionCommand(note, "presentation", [.. Enumerable.Range(0, 201).Select(i => new StatementInput(null, "x"))], 1), Client, Ct));
        await Assert.ThrowsAsync<ValidationFailedException>(() =>
            save.HandleAsync(new SaveSectionCommand(note, "presentation", [.. Enumerable.Range(0, 6).Select(i => new StatementInput(null, new string('b', 4_000)))], 1), Client, Ct));
        await Assert.ThrowsAsync<ValidationFailedException>(() =>
            save.HandleAsync(new SaveSectionCommand(note, "nope", [], 1), Client, Ct));

        Assert.Single(await Fixture.Get<INoteRepository>().ListVersionsAsync(owner.PracticeId, note, Ct));
    }

    [Fact]
    public async Task ResolveSignVerifyAmend_TheWholeReview_LocksTheNote_AndAddendaAreHashedVersions()
    {
        var (owner, _, note) = await NewNoteAsync();
        foreach (var key in new[] { "presentation", "interventions", "plan" })
        {
            var current = (await Fixture.Get<INoteRepository>().GetAsync(owner.PracticeId, note, Ct))!.CurrentVersion;
            await As<SaveSectionHandler>(owner).HandleAsync(new SaveSectionCommand(note, key, [new StatementInput(null, $"Written {key}.")], current), Client, Ct);
        }

        var sign = As<SignNoteHandler>(owner);
        var pending = await Assert.ThrowsAsync<NoteSigningRefusedException>(() => sign.HandleAsync(new SignNoteCommand(note, true, 4), Client, Ct));
        Assert.Equal("risks-pending", pending.Refusal.Code);
        var view = await As<GetNoteHandler>(owner).HandleAsync(new GetNoteCommand(note, ContinuingView: true), Client, Ct);
        var resolved = await As<ResolveRiskHandler>(owner).HandleAsync(
            new ResolveRiskCommand(note, view.Content.Risks[0].Id, RiskDecision.Correct, null, RiskPolarity.Hypothetical, "Spoken of as a past thought.", 4), Client, Ct);
        Assert.Equal(5, resolved.VersionNumber);
        Assert.Equal("no-attestation", (await Assert.ThrowsAsync<NoteSigningRefusedException>(() => sign.HandleAsync(new SignNoteCommand(note, false, 5), Client, Ct))).Refusal.Code);

        var signature = await sign.HandleAsync(new SignNoteCommand(note, true, 5), Client, Ct);

        Assert.Equal((owner.UserId, 5, NoteSigningRules.AttestationText), (signature.SignerUserId, signature.VersionNumber, signature.Attestation));
        await Assert.ThrowsAsync<NoteStateConflictException>(() =>
            As<SaveSectionHandler>(owner).HandleAsync(new SaveSectionCommand(note, "plan", [new StatementInput(null, "Late change.")], 5), Client, Ct));
        Assert.Equal(5, (await Fixture.Get<INoteRepository>().GetAsync(owner.PracticeId, note, Ct))!.CurrentVersion);
        var check = await As<VerifyNoteSignatureHandler>(owner).HandleAsync(new VerifyNoteSignatureCommand(note), Client, Ct);
        Assert.True(check.IsValid);
        Assert.Equal(signature.ContentHash, check.ComputedHash);

        var amended = await As<AmendNoteHandler>(owner).HandleAsync(new AmendNoteCommand(note, "Late entry", "The client phoned on Tuesday."), Client, Ct);
        Assert.Equal(6, amended.VersionNumber);
        var signed = await As<GetNoteHandler>(owner).HandleAsync(new GetNoteCommand(note, ContinuingView: true), Client, Ct);
        var addendum = Assert.Single(signed.Addenda);
        Assert.Equal(("Late entry", "The client phoned on Tuesday.", 6), (addendum.Reason, addendum.Text, addendum.VersionNumber));
        Assert.Equal(NoteStatus.Signed, signed.Note.Status);
        var verified = await As<VerifyNoteSignatureHandler>(owner).HandleAsync(new VerifyNoteSignatureCommand(note), Client, Ct);
        Assert.True(verified.IsValid);
        Assert.Single(verified.Addenda);
        var events = (await AuditAsync(owner.PracticeId, AuditAction.Updated)).Where(e => e.Result == AuditResult.Success).Select(e => e.Details.GetValueOrDefault("event")).ToList();
        Assert.Contains("signed", events);
        Assert.Contains("amended", events);
        Assert.Contains("risk-resolved", events);
    }

    [Fact]
    public async Task Sign_ByAMemberWhoMayOnlyView_IsDeniedAndAudited_AndTheNoteStaysUnsigned()
    {
        var (owner, clientId, note) = await NewNoteAsync();
        var viewer = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        await As<GrantClientAccessHandler>(owner).HandleAsync(new GrantClientAccessCommand(viewer.MembershipId, clientId, new ClientPermissions(true, false, false, false)), Client, Ct);

        await As<GetNoteHandler>(viewer).HandleAsync(new GetNoteCommand(note), Client, Ct);
        await Assert.ThrowsAsync<AccessDeniedException>(() => As<SignNoteHandler>(viewer).HandleAsync(new SignNoteCommand(note, true, 1), Client, Ct));

        Assert.Equal(NoteStatus.Draft, (await Fixture.Get<INoteRepository>().GetAsync(owner.PracticeId, note, Ct))!.Status);
        Assert.Contains(await AuditAsync(owner.PracticeId), e => e.ActorUserId == viewer.UserId && e.Result == AuditResult.Denied);
    }

    [Fact]
    public async Task ResolveStatement_AndRestore_AreNewVersions_AndVersionsCanBeCompared()
    {
        var (owner, _, note) = await NewNoteAsync();
        await As<SaveSectionHandler>(owner).HandleAsync(new SaveSectionCommand(note, "plan", [new StatementInput(null, "First plan.")], 1), Client, Ct);
        var id = (await As<GetNoteHandler>(owner).HandleAsync(new GetNoteCommand(note, true), Client, Ct)).Content.Sections[3].Statements[0].Id;

        Assert.Equal(3, (await As<ResolveStatementHandler>(owner).HandleAsync(new ResolveStatementCommand(note, id, StatementDecision.Edit, "Second plan.", 2), Client, Ct)).VersionNumber);
        Assert.Equal(4, (await As<ResolveStatementHandler>(owner).HandleAsync(new ResolveStatementCommand(note, id, StatementDecision.Delete, null, 3), Client, Ct)).VersionNumber);
        Assert.Equal(5, (await As<RestoreNoteVersionHandler>(owner).HandleAsync(new RestoreNoteVersionCommand(note, 2, 4), Client, Ct)).VersionNumber);

        var compared = await As<GetNoteVersionsHandler>(owner).HandleAsync(new GetNoteVersionsCommand(note, [3, 5]), Client, Ct);
        Assert.Equal(["Second plan.", "First plan."], compared.Select(v => v.Content.Sections[3].Statements.Single().Text));
        Assert.Equal("restored", compared[1].Summary.Reason);
        Assert.Equal(compared[1].Summary.ContentHash, (await Fixture.Get<INoteRepository>().GetVersionAsync(owner.PracticeId, note, 2, Ct))!.ContentHash);
    }

    [Fact]
    public async Task WriteNote_OnAnotherPracticesSession_IsNotFoundAndAudited_AndCreatesNothing()
    {
        var (_, _, theirs) = await NewTranscribedSessionAsync();
        var me = await NewVerifiedPracticeAsync();

        await Assert.ThrowsAsync<RecordNotFoundException>(() => As<WriteNoteHandler>(me).HandleAsync(new WriteNoteCommand(theirs), Client, Ct));

        Assert.Contains(await AuditAsync(me.PracticeId), e => e.Result == AuditResult.Denied);
    }

    [Fact]
    public async Task PsychotherapyNotes_OnlyTheirAuthorSeesOrChangesThem_EvenOwnersGetNotFound()
    {
        var (owner, clientId, _) = await NewTranscribedSessionAsync();
        var author = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        await As<GrantClientAccessHandler>(owner).HandleAsync(new GrantClientAccessCommand(author.MembershipId, clientId, new ClientPermissions(true, true, false, false)), Client, Ct);

        var note = await As<CreatePsychotherapyNoteHandler>(author).HandleAsync(new CreatePsychotherapyNoteCommand(clientId), Client, Ct);
        await As<SaveSectionHandler>(author).HandleAsync(new SaveSectionCommand(note, "process", [new StatementInput(null, "My process thoughts.")], 1), Client, Ct);

        var mine = await As<GetNoteHandler>(author).HandleAsync(new GetNoteCommand(note), Client, Ct);
        Assert.Equal((NoteKind.Psychotherapy, DraftingState.NotRequested), (mine.Note.Kind, mine.Note.Drafting));
        Assert.Equal(note, Assert.Single(await As<ListPsychotherapyNotesHandler>(author).HandleAsync(new ListPsychotherapyNotesCommand(clientId), Client, Ct)).NoteId);
        Assert.Empty(await As<ListPsychotherapyNotesHandler>(owner).HandleAsync(new ListPsychotherapyNotesCommand(clientId), Client, Ct));
        await Assert.ThrowsAsync<RecordNotFoundException>(() => As<GetNoteHandler>(owner).HandleAsync(new GetNoteCommand(note), Client, Ct));
        await Assert.ThrowsAsync<RecordNotFoundException>(() => As<ListNoteVersionsHandler>(owner).HandleAsync(new ListNoteVersionsCommand(note), Client, Ct));
        await Assert.ThrowsAsync<RecordNotFoundException>(() => As<SignNoteHandler>(owner).HandleAsync(new SignNoteCommand(note, true, 2), Client, Ct));
        Assert.Contains(await AuditAsync(owner.PracticeId), e => e.ActorUserId == owner.UserId && e.Result == AuditResult.Denied && e.Details.GetValueOrDefault("reason") == "unknown-note");
        var queue = new RecordingJobQueue();
        await Assert.ThrowsAsync<NoteStateConflictException>(() =>
            new RetryDraftingHandler(Requests(author, queue, new ScriptedNoteDrafter())).HandleAsync(new RetryDraftingCommand(note), Client, Ct));
        Assert.Empty(queue.Jobs);
    }

    [Fact]
    public async Task PsychotherapyNotes_NeverReachSessionViewsOrAnotherReader_AndARedraftIsRefused()
    {
        var (owner, clientId, session) = await NewTranscribedSessionAsync();
        var author = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        await As<GrantClientAccessHandler>(owner).HandleAsync(new GrantClientAccessCommand(author.MembershipId, clientId, new ClientPermissions(true, true, false, false)), Client, Ct);
        var note = await As<CreatePsychotherapyNoteHandler>(author).HandleAsync(new CreatePsychotherapyNoteCommand(clientId), Client, Ct);

        // The session views: no note before the progress note exists, and only the progress note after, for the author and the owner alike.
        Assert.Null(await As<GetSessionNoteHandler>(author).HandleAsync(new GetSessionNoteCommand(session), Client, Ct));
        Assert.Null(await As<GetSessionNoteHandler>(owner).HandleAsync(new GetSessionNoteCommand(session), Client, Ct));
        var progress = await As<WriteNoteHandler>(owner).HandleAsync(new WriteNoteCommand(session), Client, Ct);
        foreach (var member in new[] { author, owner })
        {
            var seen = await As<GetSessionNoteHandler>(member).HandleAsync(new GetSessionNoteCommand(session), Client, Ct);
            Assert.Equal((progress, NoteKind.Progress), (seen!.Note.Id, seen.Note.Kind));
        }

        // Any other path to the reader (a list of the client's notes) still refuses anyone but the author.
        var stored = (await Fixture.Get<INoteRepository>().ListForClientAsync(owner.PracticeId, clientId, Ct)).Single(n => n.Kind == NoteKind.Psychotherapy);
        var ownerAccess = await As<ClientAccessGate>(owner).RequireAsync(clientId, ClientPermission.View, Client, Ct);
        await Assert.ThrowsAsync<RecordNotFoundException>(() => As<NoteReader>(owner).ReadAsync(ownerAccess, stored, false, Client, Ct));
        var authorAccess = await As<ClientAccessGate>(author).RequireAsync(clientId, ClientPermission.View, Client, Ct);
        Assert.Equal(note, (await As<NoteReader>(author).ReadAsync(authorAccess, stored, false, Client, Ct)).Note.Id);

        // Never drafted: the author's redraft is refused, anyone else's is "not found"; nothing is queued.
        var queue = new RecordingJobQueue();
        var refusal = await Assert.ThrowsAsync<NoteStateConflictException>(() =>
            new RequestRedraftHandler(Requests(author, queue, new ScriptedNoteDrafter())).HandleAsync(new RequestRedraftCommand(note, "process"), Client, Ct));
        Assert.Equal("Psychotherapy notes are never drafted.", refusal.Message);
        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            new RequestRedraftHandler(Requests(owner, queue, new ScriptedNoteDrafter())).HandleAsync(new RequestRedraftCommand(note, "process"), Client, Ct));
        Assert.Empty(queue.Jobs);
        Assert.Equal(DraftingState.NotRequested, (await Fixture.Get<INoteRepository>().GetAsync(owner.PracticeId, note, Ct))!.Drafting);

        var entries = await AuditAsync(owner.PracticeId);
        Assert.DoesNotContain(entries, e => e.ActorUserId == owner.UserId && e.TargetId == note.ToString() && e.Result == AuditResult.Success);
        Assert.Contains(entries, e => e.ActorUserId == owner.UserId && e.TargetId == note.ToString() && e.Action == AuditAction.PhiViewed && e.Result == AuditResult.Denied);
    }

    private NoteDraftRequests Requests(Member member, IJobQueue queue, INoteDrafter options) =>
        new(As<NoteAccess>(member), Fixture.Get<INoteRepository>(), Fixture.Get<NoteWriter>(), queue, options, Fixture.Get<IAuditLog>(), Fixture.Time, As<Plexura.Core.Billing.BillingGuard>(member));

    private async Task<(Member Owner, ClientId ClientId, NoteId Note)> NewNoteAsync()
    {
        var (owner, clientId, session) = await NewTranscribedSessionAsync();
        return (owner, clientId, await As<WriteNoteHandler>(owner).HandleAsync(new WriteNoteCommand(session), Client, Ct));
    }

    private async Task<(Member Owner, ClientId ClientId, ClinicalSessionId Session)> NewTranscribedSessionAsync()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clientId = await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(Dana), Client, Ct);
        foreach (var kind in new[] { ConsentKind.Recording, ConsentKind.AiProcessing })
        {
            await As<RecordConsentHandler>(owner).HandleAsync(new RecordConsentCommand(clientId, new ConsentDetails(kind, ConsentMethod.Verbal, Now, null)), Client, Ct);
        }

        var session = await As<StartRecordingHandler>(owner).HandleAsync(new StartRecordingCommand(clientId), Client, Ct);
        await Fixture.Get<TranscriptProtector>().SaveMachineTextAsync(
            owner.PracticeId, session, 0, TimeSpan.Zero, TimeSpan.FromSeconds(60),
            new TranscriptionResult(
                [
                    new TranscribedSpan(TimeSpan.Zero, TimeSpan.FromSeconds(5), "How was your week?", "A"),
                    new TranscribedSpan(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), "Some nights I thought about killing myself.", "B"),
                    new TranscribedSpan(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15), "Otherwise the week was calm and my sleep improved.", "B"),
                ],
                "gpt-4o-transcribe-diarize"),
            Ct);
        return (owner, clientId, session);
    }
}
