using Plexura.Core.Access;
using Plexura.Core.Access.GrantClientAccess;
using Plexura.Core.Auditing;
using Plexura.Core.Clients;
using Plexura.Core.Clients.CreateClient;
using Plexura.Core.Common;
using Plexura.Core.Consent;
using Plexura.Core.Consent.RecordConsent;
using Plexura.Core.Consent.RevokeConsent;
using Plexura.Core.Jobs;
using Plexura.Core.Memberships;
using Plexura.Core.Sessions;
using Plexura.Core.Sessions.Audio;
using Plexura.Core.Sessions.StartRecording;
using Plexura.Core.Transcription;
using Plexura.Core.Transcription.GetTranscript;
using Plexura.Core.Transcription.RetryTranscription;
using Plexura.Tests.Persistence;
using Plexura.Tests.Unit.Practices;

namespace Plexura.Tests.Unit.Transcription;

/// <summary>The Retry action of a failed session, and the transcript view's unaudited continuation, on the real storage and job queue.</summary>
public sealed class RetryTranscriptionTests(SqliteStorageFixture fixture) : PracticeUseCaseTestBase(fixture)
{
    private static readonly ClientDetails Dana = new("Dana Reyes", new DateOnly(1990, 4, 2), "she/her");

    [Fact]
    public async Task Retry_FailedSession_MovesToTranscribing_RequeuesItsFailedJobsOnly_AndIsAudited()
    {
        var (owner, clientId, session) = await NewSessionAsync();
        var failed = await FailedJobAsync(owner.PracticeId, session, 0);
        var otherSessionJob = await FailedJobAsync(owner.PracticeId, ClinicalSessionId.New(), 0);
        await FailAsync(owner.PracticeId, session, RetryTranscriptionHandler.TranscriptionFailed);

        var retried = await As<RetryTranscriptionHandler>(owner).HandleAsync(new RetryTranscriptionCommand(session), Client, Ct);

        Assert.Equal((ClinicalSessionStatus.Transcribing, null), (retried.Status, retried.FailureCode));
        var stored = await Fixture.Get<IClinicalSessionRepository>().GetAsync(owner.PracticeId, session, Ct);
        Assert.Equal(ClinicalSessionStatus.Transcribing, stored!.Status);
        Assert.Equal(JobStatus.Pending, (await Fixture.Get<IJobStore>().GetAsync(failed, Ct))!.Status);
        Assert.Equal(JobStatus.Failed, (await Fixture.Get<IJobStore>().GetAsync(otherSessionJob, Ct))!.Status);
        var audit = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.Updated), e => e.Details.GetValueOrDefault("change") == "transcription-retried");
        Assert.Equal((AuditResult.Success, session.ToString(), clientId.ToString(), "1", "transcription-failed"),
            (audit.Result, audit.TargetId, audit.ClientId, audit.Details["jobs"], audit.Details["previous-failure"]));
    }

    [Fact]
    public async Task Retry_SessionNotFailed_ChangesNothing()
    {
        var (owner, _, session) = await NewSessionAsync();

        var same = await As<RetryTranscriptionHandler>(owner).HandleAsync(new RetryTranscriptionCommand(session), Client, Ct);

        Assert.Equal(ClinicalSessionStatus.Recording, same.Status);
        Assert.DoesNotContain(await AuditAsync(owner.PracticeId, AuditAction.Updated), e => e.Details.GetValueOrDefault("change") == "transcription-retried");
    }

    [Fact]
    public async Task Retry_ConsentRevoked_IsRefusedUntilTheConsentIsActiveAgain()
    {
        var (owner, clientId, session) = await NewSessionAsync();
        var job = await FailedJobAsync(owner.PracticeId, session, 0);
        var consents = await Fixture.Get<IClientConsentRepository>().ListForClientAsync(owner.PracticeId, clientId, Ct);
        await As<RevokeConsentHandler>(owner).HandleAsync(
            new RevokeConsentCommand(clientId, consents.Single(c => c.Kind == ConsentKind.AiProcessing).Id, "Client asked"), Client, Ct);
        await FailAsync(owner.PracticeId, session, RetryTranscriptionHandler.ConsentRevoked);

        var refused = await Assert.ThrowsAsync<TranscriptionRetryRefusedException>(() =>
            As<RetryTranscriptionHandler>(owner).HandleAsync(new RetryTranscriptionCommand(session), Client, Ct));

        Assert.Equal((RetryTranscriptionHandler.ConsentRevoked, RetryTranscriptionHandler.ConsentStillMissingMessage), (refused.Code, refused.Message));
        Assert.Equal(ClinicalSessionStatus.Failed, (await Fixture.Get<IClinicalSessionRepository>().GetAsync(owner.PracticeId, session, Ct))!.Status);
        Assert.Equal(JobStatus.Failed, (await Fixture.Get<IJobStore>().GetAsync(job, Ct))!.Status);
        Assert.Contains(await AuditAsync(owner.PracticeId, AuditAction.Updated), e => e.Result == AuditResult.Failed && e.Details.GetValueOrDefault("reason") == "consent-revoked");

        await As<RecordConsentHandler>(owner).HandleAsync(
            new RecordConsentCommand(clientId, new ConsentDetails(ConsentKind.AiProcessing, ConsentMethod.Written, Now, null)), Client, Ct);
        var retried = await As<RetryTranscriptionHandler>(owner).HandleAsync(new RetryTranscriptionCommand(session), Client, Ct);

        Assert.Equal((ClinicalSessionStatus.Transcribing, null), (retried.Status, retried.FailureCode));
        Assert.Equal(JobStatus.Pending, (await Fixture.Get<IJobStore>().GetAsync(job, Ct))!.Status);
    }

    [Fact]
    public async Task Retry_NeedsEdit_ViewOnlyClinicianIsDenied_AnotherPracticeGetsNotFound_BothAudited()
    {
        var (owner, clientId, session) = await NewSessionAsync();
        await FailAsync(owner.PracticeId, session, RetryTranscriptionHandler.TranscriptionFailed);
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        await As<GrantClientAccessHandler>(owner).HandleAsync(
            new GrantClientAccessCommand(clinician.MembershipId, clientId, new ClientPermissions(View: true, Edit: false, Push: false, Export: false)), Client, Ct);
        var stranger = await NewVerifiedPracticeAsync();

        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<RetryTranscriptionHandler>(clinician).HandleAsync(new RetryTranscriptionCommand(session), Client, Ct));
        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            As<RetryTranscriptionHandler>(stranger).HandleAsync(new RetryTranscriptionCommand(session), Client, Ct));

        Assert.Equal(ClinicalSessionStatus.Failed, (await Fixture.Get<IClinicalSessionRepository>().GetAsync(owner.PracticeId, session, Ct))!.Status);
        Assert.Contains(await AuditAsync(owner.PracticeId), e => e.Result == AuditResult.Denied && e.ActorUserId == clinician.UserId);
        Assert.Contains(await AuditAsync(stranger.PracticeId), e => e.Result == AuditResult.Denied && e.Details.GetValueOrDefault("reason") == "unknown-session");
    }

    [Fact]
    public async Task TranscriptContinuation_ReturnsOnlyLaterSegments_AndIsNotAuditedAgain()
    {
        var (owner, _, session) = await NewSessionAsync();
        await SaveAsync(owner, session, 0, "First minute.");
        var get = As<GetTranscriptHandler>(owner);
        var opened = await get.HandleAsync(new GetTranscriptCommand(session), Client, Ct);
        await SaveAsync(owner, session, 1, "Second minute.");

        var more = await get.HandleAsync(new GetTranscriptCommand(session, FromIndex: 1, ContinuingView: true), Client, Ct);

        Assert.Equal([0], opened.Segments.Select(s => s.Index));
        Assert.Equal("Second minute.", Assert.Single(more.Segments).Lines.Single().Text);
        Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.PhiViewed), e => e.TargetType == SessionTranscriptAccess.TranscriptTarget);
        var stranger = await NewVerifiedPracticeAsync();
        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            As<GetTranscriptHandler>(stranger).HandleAsync(new GetTranscriptCommand(session, 0, ContinuingView: true), Client, Ct));
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

    /// <summary>Moves the session through stopped to failed with <paramref name="code"/>, as the transcription job does.</summary>
    private async Task FailAsync(PracticeId practiceId, ClinicalSessionId sessionId, string code)
    {
        var sessions = Fixture.Get<IClinicalSessionRepository>();
        var session = (await sessions.GetAsync(practiceId, sessionId, Ct))!;
        var stopped = await sessions.UpdateAsync(practiceId, session.MoveTo(ClinicalSessionStatus.Stopped) with { StoppedAt = Now, ChunkCount = 0 }, Ct);
        await sessions.UpdateAsync(practiceId, stopped.MoveTo(ClinicalSessionStatus.Failed) with { FailureCode = code }, Ct);
    }

    /// <summary>A transcribe-segment job of the session that ran and failed permanently.</summary>
    private async Task<JobId> FailedJobAsync(PracticeId practiceId, ClinicalSessionId sessionId, int index)
    {
        var key = SegmentScheduler.DedupeKey(sessionId, index);
        await Fixture.Get<IJobQueue>().EnqueueAsync(new JobRequest(SegmentScheduler.JobKind, practiceId, "{}", key), Ct);
        var store = Fixture.Get<IJobStore>();
        var job = (await store.FindByDedupeKeyAsync(key, Ct))!;
        var claimed = await store.UpdateAsync(job.Claim("runner-test", Fixture.Time.GetUtcNow(), TimeSpan.FromMinutes(1)), Ct);
        await store.UpdateAsync(claimed.Failed(Fixture.Time.GetUtcNow(), "400 invalid_audio"), Ct);
        return job.Id;
    }

    private Task<bool> SaveAsync(Member owner, ClinicalSessionId session, int index, string text) =>
        Fixture.Get<TranscriptProtector>().SaveMachineTextAsync(
            owner.PracticeId, session, index, TimeSpan.FromSeconds(60 * index), TimeSpan.FromSeconds(60 * (index + 1)),
            new TranscriptionResult([new TranscribedSpan(TimeSpan.Zero, TimeSpan.FromSeconds(5), text, "A")], "gpt-4o-transcribe-diarize"),
            Ct);
}
