using System.Text.Json;
using Plexura.Core.Access;
using Plexura.Core.Access.GrantClientAccess;
using Plexura.Core.Auditing;
using Plexura.Core.Clients;
using Plexura.Core.Clients.CreateClient;
using Plexura.Core.Common;
using Plexura.Core.Consent;
using Plexura.Core.Consent.RecordConsent;
using Plexura.Core.Memberships;
using Plexura.Core.Sessions.StartRecording;
using Plexura.Core.Transcription;
using Plexura.Core.Transcription.CorrectSegmentText;
using Plexura.Core.Transcription.GetSegmentHistory;
using Plexura.Core.Transcription.GetTranscript;
using Plexura.Core.Transcription.NameSpeaker;
using Plexura.Tests.Persistence;
using Plexura.Tests.Unit.Practices;

namespace Plexura.Tests.Unit.Transcription;

/// <summary>The transcript use cases on the real storage, encryption, access gate and audit log.</summary>
public sealed class TranscriptUseCaseTests(SqliteStorageFixture fixture) : PracticeUseCaseTestBase(fixture)
{
    private static readonly ClientDetails Dana = new("Dana Reyes", new DateOnly(1990, 4, 2), "she/her");

    [Fact]
    public async Task MachineText_SavedTwice_IsStoredOnceEncrypted_AndTheTranscriptJoinsSegmentsOnTheTimeline()
    {
        var (owner, _, session) = await NewSessionAsync();

        Assert.True(await SaveAsync(owner, session, 1, 60, 120, ("Second minute words.", "B")));
        Assert.True(await SaveAsync(owner, session, 0, 0, 60, ("How was your week?", "A"), ("Calm, mostly.", "B")));
        Assert.False(await SaveAsync(owner, session, 0, 0, 60, ("A different run's text.", "A")));

        var transcript = await As<GetTranscriptHandler>(owner).HandleAsync(new GetTranscriptCommand(session), Client, Ct);

        Assert.Equal([0, 1], transcript.Segments.Select(s => s.Index));
        Assert.Equal(
            ["How was your week?", "Calm, mostly.", "Second minute words."],
            transcript.Segments.SelectMany(s => s.Lines).Select(l => l.Text));
        var secondMinute = transcript.Segments[1].Lines.Single();
        Assert.Equal((TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(70)), (secondMinute.Start, secondMinute.End));
        Assert.All(transcript.Segments, s => Assert.Equal(0, s.Revision));
        var stored = await Fixture.Get<ITranscriptRepository>().ListSegmentsAsync(owner.PracticeId, session, Ct);
        Assert.All(stored, s => Assert.DoesNotContain("week", JsonSerializer.Serialize(s), StringComparison.Ordinal));
        var viewed = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.PhiViewed), e => e.TargetType == SessionTranscriptAccess.TranscriptTarget);
        Assert.Equal((AuditResult.Success, session.ToString(), "2"), (viewed.Result, viewed.TargetId, viewed.Details["segments"]));
    }

    [Fact]
    public async Task Corrections_AreNewRevisionsWithWhoAndWhen_HistoryKeepsEveryVersion_AndAStaleOneConflicts()
    {
        var (owner, clientId, session) = await NewSessionAsync();
        await SaveAsync(owner, session, 0, 0, 60, ("How was your weak?", "A"), ("Calm, mostly.", "B"));
        var correct = As<CorrectSegmentTextHandler>(owner);

        Assert.Equal(1, await correct.HandleAsync(new CorrectSegmentTextCommand(session, 0, 0, "How was your week?", 0), Client, Ct));
        Fixture.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(2, await correct.HandleAsync(new CorrectSegmentTextCommand(session, 0, 1, "Calm, mostly. Quiet.", 1), Client, Ct));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            correct.HandleAsync(new CorrectSegmentTextCommand(session, 0, 0, "Stale edit", 1), Client, Ct));
        Assert.Equal(2, await correct.HandleAsync(new CorrectSegmentTextCommand(session, 0, 1, "Calm, mostly. Quiet.", 2), Client, Ct));

        var history = await As<GetSegmentHistoryHandler>(owner).HandleAsync(new GetSegmentHistoryCommand(session, 0), Client, Ct);
        Assert.Equal([0, 1, 2], history.Select(r => r.Number));
        Assert.Equal([null, owner.UserId, owner.UserId], history.Select(r => r.EditedBy));
        Assert.Equal(Now, history[2].At);
        Assert.Equal(["How was your weak?", "How was your week?", "How was your week?"], history.Select(r => r.Lines[0].Text));
        Assert.Equal(["Calm, mostly.", "Calm, mostly.", "Calm, mostly. Quiet."], history.Select(r => r.Lines[1].Text));
        Assert.Equal("B", history[2].Lines[1].SpeakerLabel);
        var transcript = await As<GetTranscriptHandler>(owner).HandleAsync(new GetTranscriptCommand(session), Client, Ct);
        Assert.Equal((2, owner.UserId), (transcript.Segments[0].Revision, transcript.Segments[0].EditedBy));

        var corrections = (await AuditAsync(owner.PracticeId, AuditAction.Updated)).Where(e => e.TargetType == CorrectSegmentTextHandler.TargetType).ToList();
        Assert.Equal(["1", "2"], corrections.Where(e => e.Result == AuditResult.Success).OrderBy(e => e.Sequence).Select(e => e.Details["revision"]));
        Assert.All(corrections, e => Assert.Equal(clientId.ToString(), e.ClientId));
        Assert.All(await AuditAsync(owner.PracticeId), e => Assert.DoesNotContain("week", string.Join(' ', e.Details.Values), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Correction_WithControlCharacters_OrAMissingSpan_IsRefused()
    {
        var (owner, _, session) = await NewSessionAsync();
        await SaveAsync(owner, session, 0, 0, 60, ("Words.", null));
        var correct = As<CorrectSegmentTextHandler>(owner);

        await Assert.ThrowsAsync<ValidationFailedException>(() =>
            correct.HandleAsync(new CorrectSegmentTextCommand(session, 0, 0, "Bad\u202Etext", 0), Client, Ct));
        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            correct.HandleAsync(new CorrectSegmentTextCommand(session, 0, 5, "Text", 0), Client, Ct));
        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            correct.HandleAsync(new CorrectSegmentTextCommand(session, 7, 0, "Text", 0), Client, Ct));

        Assert.Single((await Fixture.Get<ITranscriptRepository>().GetSegmentAsync(owner.PracticeId, session, 0, Ct))!.Revisions);
        Assert.Contains(await AuditAsync(owner.PracticeId, AuditAction.Updated), e => e.Result == AuditResult.Failed && e.Details["reason"] == "invalid-input");
    }

    [Fact]
    public async Task NameSpeaker_AppliesTheNameToEveryLine_KeepsEveryNaming_AndRefusesALabelNotInTheTranscript()
    {
        var (owner, _, session) = await NewSessionAsync();
        await SaveAsync(owner, session, 0, 0, 60, ("How was your week?", "A"), ("Calm.", "B"));
        await SaveAsync(owner, session, 1, 60, 120, ("Good.", "A"));
        var name = As<NameSpeakerHandler>(owner);

        await name.HandleAsync(new NameSpeakerCommand(session, "A", SpeakerRole.Client), Client, Ct);
        await name.HandleAsync(new NameSpeakerCommand(session, "A", SpeakerRole.Clinician), Client, Ct);
        await name.HandleAsync(new NameSpeakerCommand(session, "A", SpeakerRole.Clinician), Client, Ct);
        await name.HandleAsync(new NameSpeakerCommand(session, "B", SpeakerRole.Client), Client, Ct);
        var error = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            name.HandleAsync(new NameSpeakerCommand(session, "Z", SpeakerRole.Other), Client, Ct));

        Assert.Equal(NameSpeakerHandler.UnknownLabelMessage, error.Message);
        var transcript = await As<GetTranscriptHandler>(owner).HandleAsync(new GetTranscriptCommand(session), Client, Ct);
        Assert.Equal(
            [SpeakerRole.Clinician, SpeakerRole.Client, SpeakerRole.Clinician],
            transcript.Segments.SelectMany(s => s.Lines).Select(l => l.Speaker));
        Assert.Equal(
            [("A", SpeakerRole.Client), ("A", SpeakerRole.Clinician), ("B", SpeakerRole.Client)],
            transcript.SpeakerNamings.Select(n => (n.Label, n.Role)));
        Assert.All(transcript.SpeakerNamings, n => Assert.Equal(owner.UserId, n.By));
        var named = (await AuditAsync(owner.PracticeId, AuditAction.Updated)).Where(e => e.TargetType == NameSpeakerHandler.TargetType && e.Result == AuditResult.Success).OrderBy(e => e.Sequence);
        Assert.Equal(["client", "clinician", "client"], named.Select(e => e.Details["role"]));
    }

    [Fact]
    public async Task ClinicianWithViewOnlyGrant_MayReadButNotCorrectOrName()
    {
        var (owner, clientId, session) = await NewSessionAsync();
        await SaveAsync(owner, session, 0, 0, 60, ("Words.", "A"));
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        await As<GrantClientAccessHandler>(owner).HandleAsync(
            new GrantClientAccessCommand(clinician.MembershipId, clientId, new ClientPermissions(View: true, Edit: false, Push: false, Export: false)), Client, Ct);

        var transcript = await As<GetTranscriptHandler>(clinician).HandleAsync(new GetTranscriptCommand(session), Client, Ct);
        Assert.Equal("Words.", transcript.Segments.Single().Lines.Single().Text);
        Assert.False(transcript.Permissions.Edit);
        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<CorrectSegmentTextHandler>(clinician).HandleAsync(new CorrectSegmentTextCommand(session, 0, 0, "Changed", 0), Client, Ct));
        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<NameSpeakerHandler>(clinician).HandleAsync(new NameSpeakerCommand(session, "A", SpeakerRole.Client), Client, Ct));

        Assert.Single((await Fixture.Get<ITranscriptRepository>().GetSegmentAsync(owner.PracticeId, session, 0, Ct))!.Revisions);
        Assert.Null(await Fixture.Get<ITranscriptRepository>().GetSpeakersAsync(owner.PracticeId, session, Ct));
        Assert.Contains(await AuditAsync(owner.PracticeId, AuditAction.Updated), e => e.Result == AuditResult.Denied && e.ActorUserId == clinician.UserId);
    }

    [Fact]
    public async Task ClinicianWithoutAccess_AndComplianceMember_AreDeniedTheTranscript()
    {
        var (owner, _, session) = await NewSessionAsync();
        await SaveAsync(owner, session, 0, 0, 60, ("Words.", null));
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var compliance = await AddMemberAsync(owner.PracticeId, PracticeRole.Compliance);

        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<GetTranscriptHandler>(clinician).HandleAsync(new GetTranscriptCommand(session), Client, Ct));
        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<GetSegmentHistoryHandler>(compliance).HandleAsync(new GetSegmentHistoryCommand(session, 0), Client, Ct));

        Assert.DoesNotContain(await AuditAsync(owner.PracticeId, AuditAction.PhiViewed), e => e.Result == AuditResult.Success);
    }

    [Fact]
    public async Task AnotherPracticesSession_IsNotFoundForEveryUseCase_AndAudited()
    {
        var (owner, _, session) = await NewSessionAsync();
        await SaveAsync(owner, session, 0, 0, 60, ("Words.", "A"));
        var stranger = await NewVerifiedPracticeAsync();

        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            As<GetTranscriptHandler>(stranger).HandleAsync(new GetTranscriptCommand(session), Client, Ct));
        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            As<GetSegmentHistoryHandler>(stranger).HandleAsync(new GetSegmentHistoryCommand(session, 0), Client, Ct));
        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            As<CorrectSegmentTextHandler>(stranger).HandleAsync(new CorrectSegmentTextCommand(session, 0, 0, "Mine now", 0), Client, Ct));
        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            As<NameSpeakerHandler>(stranger).HandleAsync(new NameSpeakerCommand(session, "A", SpeakerRole.Client), Client, Ct));

        Assert.Single((await Fixture.Get<ITranscriptRepository>().GetSegmentAsync(owner.PracticeId, session, 0, Ct))!.Revisions);
        var refusals = (await AuditAsync(stranger.PracticeId)).Where(e => e.Details.GetValueOrDefault("reason") == "unknown-session").ToList();
        Assert.Equal(4, refusals.Count);
        Assert.All(refusals, e => Assert.Equal(AuditResult.Denied, e.Result));
    }

    private async Task<(Member Owner, ClientId ClientId, ClinicalSessionId Session)> NewSessionAsync()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clientId = await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(Dana), Client, Ct);
        foreach (var kind in new[] { ConsentKind.Recording, ConsentKind.AiProcessing })
        {
            await As<RecordConsentHandler>(owner).HandleAsync(
                new RecordConsentCommand(clientId, new ConsentDetails(kind, ConsentMethod.Verbal, Now, null)), Client, Ct);
        }

        var session = await As<StartRecordingHandler>(owner).HandleAsync(new StartRecordingCommand(clientId), Client, Ct);
        return (owner, clientId, session);
    }

    /// <summary>Stores a segment's machine transcript; each span takes 10 s from the segment's start.</summary>
    private Task<bool> SaveAsync(Member owner, ClinicalSessionId session, int index, int startSeconds, int endSeconds, params (string Text, string? Speaker)[] spans) =>
        Fixture.Get<TranscriptProtector>().SaveMachineTextAsync(
            owner.PracticeId, session, index, TimeSpan.FromSeconds(startSeconds), TimeSpan.FromSeconds(endSeconds),
            new TranscriptionResult(
                [.. spans.Select((s, i) => new TranscribedSpan(TimeSpan.FromSeconds(10 * i), TimeSpan.FromSeconds(10 * (i + 1)), s.Text, s.Speaker))],
                "gpt-4o-transcribe-diarize"),
            Ct);
}
