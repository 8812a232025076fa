using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Jobs;
using Plexura.Core.Practices;
using Plexura.Core.Practices.SetAudioRetention;
using Plexura.Core.Sessions;
using Plexura.Core.Sessions.Audio;
using Plexura.Core.Transcription;
using Plexura.Core.Transcription.TranscribeSegment;
using Plexura.Tests.Fakes;
using Plexura.Tests.Support;
using Plexura.Tests.Web;

namespace Plexura.Tests.Api;

/// <summary>
/// The whole path from recorder to transcript on the real app: chunks uploaded through the API, the segment queued as a
/// durable job, the job runner sending it through the OpenAI SDK to a local server in OpenAI's wire format, the text
/// stored encrypted, the session transcribed and its audio deleted as the practice's retention says.
/// </summary>
public sealed class TranscriptionPipelineTests(TranscriptionPipelineTests.Fixture fixture) : IClassFixture<TranscriptionPipelineTests.Fixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task RecordedSpeech_AfterStop_IsTranscribedOnceAndItsAudioDeleted()
    {
        var factory = fixture.Factory;
        var (a, _) = await factory.SharedPairAsync();
        var (_, id) = await SessionArrange.StartedSessionAsync(factory, a);
        var speech = await TestAudio.SpeechWavAsync("The client said the week went better than the one before, and sleep has improved.");
        var chunks = Split(speech);
        var before = fixture.OpenAi.Transcribed.Count;

        for (var i = chunks.Count - 1; i >= 0; i--)
        {
            Assert.Equal(HttpStatusCode.OK, (await SessionArrange.PutChunkAsync(factory, a.Owner.Token, id, i, chunks[i])).StatusCode);
        }

        var stopped = await SessionArrange.SendAsync(factory, HttpMethod.Post, $"{SessionArrange.Sessions}/{id}/stop", a.Owner.Token, new { chunkCount = chunks.Count });
        Assert.Equal(HttpStatusCode.OK, stopped.StatusCode);
        var session = await WaitForAsync(a.PracticeId, id, s => s.Status == ClinicalSessionStatus.Transcribed && s.AudioDeletedAt is not null);

        // One request, carrying the whole recording as decodable, non-silent audio.
        var sent = Assert.Single(fixture.OpenAi.Transcribed.Skip(before));
        Assert.Equal(TestAudio.DurationOf(speech).TotalSeconds, sent.Duration.TotalSeconds, 1);
        Assert.False(sent.IsSilent);
        Assert.Equal(speech[44..], sent.Pcm);

        // The text is stored once, encrypted, and the audio is gone with its key.
        var transcripts = factory.Services.GetRequiredService<ITranscriptRepository>();
        var segment = Assert.Single(await transcripts.ListSegmentsAsync(a.PracticeId, session.Id, CancellationToken.None));
        Assert.DoesNotContain($"segment-{sent.Number}", Assert.Single(segment.Revisions).ProtectedSpans, StringComparison.Ordinal);
        var text = await factory.Services.GetRequiredService<TranscriptProtector>().RevealAsync(segment, segment.Revisions[0], CancellationToken.None);
        Assert.Equal($"segment-{sent.Number}", Assert.Single(text).Text);
        Assert.Null(session.FailureCode);
        var audio = factory.Services.GetRequiredService<ISessionAudioStore>();
        Assert.Equal(0, (await audio.GetStatusAsync(a.PracticeId, session.Id, CancellationToken.None)).StoredChunks);

        var audit = await factory.Services.GetRequiredService<IAuditStore>().QueryAsync(a.PracticeId, new AuditQuery(Limit: 1000), CancellationToken.None);
        Assert.Single(audit, e => e.TargetId == id && e.TargetType == "session-audio" && e.Action == AuditAction.Deleted);
        Assert.Single(audit, e => e.TargetId == id && e.TargetType == "session-transcript" && e.Details.GetValueOrDefault("event") == "transcript-complete");
    }

    [Fact]
    public async Task KeptAudio_IsDeletedByTheRecurringSweep_OnlyOnceItsRetentionEnded()
    {
        var factory = fixture.Factory;
        var practice = await PracticeArrange.CreateAsync(factory);
        await PracticeArrange.RunAsAsync(factory.Services, practice.Owner.Token, sp => sp.GetRequiredService<SetAudioRetentionHandler>()
            .HandleAsync(new SetAudioRetentionCommand(AudioRetention.OneDay), ClientInfo.Unknown, CancellationToken.None));
        var (_, id) = await SessionArrange.StartedSessionAsync(factory, practice);
        var chunks = Split(await TestAudio.SpeechWavAsync("We planned two short walks before the next session."));
        for (var i = 0; i < chunks.Count; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SessionArrange.PutChunkAsync(factory, practice.Owner.Token, id, i, chunks[i])).StatusCode);
        }

        await SessionArrange.SendAsync(factory, HttpMethod.Post, $"{SessionArrange.Sessions}/{id}/stop", practice.Owner.Token, new { chunkCount = chunks.Count });
        var kept = await WaitForAsync(practice.PracticeId, id, s => s.Status == ClinicalSessionStatus.Transcribed);
        Assert.Null(kept.AudioDeletedAt);
        var keptUntil = Assert.NotNull(kept.AudioKeptUntil);

        async Task SweepAtAsync(DateTimeOffset now)
        {
            using var scope = factory.Services.CreateScope();
            var sp = scope.ServiceProvider;
            var sweep = new AudioRetentionSweepJob(
                sp.GetRequiredService<ISessionAudioStore>(), sp.GetRequiredService<IClinicalSessionRepository>(), sp.GetRequiredService<TranscriptCompletion>(), new FakeTimeProvider(now));
            Assert.Equal(JobOutcome.Done, await sweep.RunAsync(new JobContext(JobId.New(), AudioRetentionSweepJob.JobKind, null, "{}", 1), CancellationToken.None));
        }

        var audio = factory.Services.GetRequiredService<ISessionAudioStore>();
        await SweepAtAsync(keptUntil.AddMinutes(-1));
        Assert.NotEqual(0, (await audio.GetStatusAsync(practice.PracticeId, kept.Id, CancellationToken.None)).StoredChunks);
        Assert.Null((await factory.Services.GetRequiredService<IClinicalSessionRepository>().GetAsync(practice.PracticeId, kept.Id, CancellationToken.None))!.AudioDeletedAt);

        await SweepAtAsync(keptUntil.AddMinutes(1));
        await SweepAtAsync(keptUntil.AddMinutes(2));
        Assert.Equal(0, (await audio.GetStatusAsync(practice.PracticeId, kept.Id, CancellationToken.None)).StoredChunks);
        var deleted = await factory.Services.GetRequiredService<IClinicalSessionRepository>().GetAsync(practice.PracticeId, kept.Id, CancellationToken.None);
        Assert.NotNull(deleted!.AudioDeletedAt);
        var audit = await factory.Services.GetRequiredService<IAuditStore>().QueryAsync(practice.PracticeId, new AuditQuery(Limit: 1000), CancellationToken.None);
        Assert.Single(audit, e => e.TargetId == id && e.TargetType == "session-audio" && e.Action == AuditAction.Deleted);
    }

    [Fact]
    public async Task TransientOpenAiFailures_AreRetried_UntilTheTranscriptIsComplete()
    {
        var factory = fixture.Factory;
        var (a, _) = await factory.SharedPairAsync();
        var (_, id) = await SessionArrange.StartedSessionAsync(factory, a);
        var speech = await TestAudio.SpeechWavAsync("We talked about the new job and how the commute feels.");
        var chunks = Split(speech);
        fixture.OpenAi.FailNextWithRateLimit(1, "0").FailNext(1, 500);
        var before = fixture.OpenAi.Requests.Count;

        for (var i = 0; i < chunks.Count; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SessionArrange.PutChunkAsync(factory, a.Owner.Token, id, i, chunks[i])).StatusCode);
        }

        await SessionArrange.SendAsync(factory, HttpMethod.Post, $"{SessionArrange.Sessions}/{id}/stop", a.Owner.Token, new { chunkCount = chunks.Count });
        var session = await WaitForAsync(a.PracticeId, id, s => s.Status == ClinicalSessionStatus.Transcribed);

        var requests = fixture.OpenAi.Requests.Skip(before).ToList();
        Assert.Equal([429, 500, 200], requests.Select(r => r.Status));
        Assert.Single(await factory.Services.GetRequiredService<ITranscriptRepository>().ListSegmentsAsync(a.PracticeId, session.Id, CancellationToken.None));
    }

    [Fact]
    public async Task TransientFailuresUntilTheLastAttempt_FailTheSessionWithARetryableReason()
    {
        var factory = fixture.Factory;
        var (a, _) = await factory.SharedPairAsync();
        var (_, id) = await SessionArrange.StartedSessionAsync(factory, a);
        var chunks = Split(await TestAudio.SpeechWavAsync("A session the service keeps failing on."));
        fixture.OpenAi.FailNext(Fixture.MaxAttempts, 503, "overloaded");
        for (var i = 0; i < chunks.Count; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SessionArrange.PutChunkAsync(factory, a.Owner.Token, id, i, chunks[i])).StatusCode);
        }

        await SessionArrange.SendAsync(factory, HttpMethod.Post, $"{SessionArrange.Sessions}/{id}/stop", a.Owner.Token, new { chunkCount = chunks.Count });
        var session = await WaitForAsync(a.PracticeId, id, s => s.Status == ClinicalSessionStatus.Failed);

        Assert.Equal("transcription-failed", session.FailureCode);
        Assert.Null(session.AudioDeletedAt);
    }

    [Fact]
    public async Task ConsentRevokedBeforeTheJobRuns_NoAudioGoesToOpenAi_AndTheSessionSaysWhy()
    {
        var factory = fixture.Factory;
        var (a, _) = await factory.SharedPairAsync();
        var (clientId, id) = await SessionArrange.StartedSessionAsync(factory, a);
        var speech = await TestAudio.SpeechWavAsync("Short check-in.");
        var chunks = Split(speech);
        for (var i = 0; i < chunks.Count; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SessionArrange.PutChunkAsync(factory, a.Owner.Token, id, i, chunks[i])).StatusCode);
        }

        await SessionArrange.RevokeAiConsentAsync(factory, a, clientId);
        var before = fixture.OpenAi.Requests.Count;
        await SessionArrange.SendAsync(factory, HttpMethod.Post, $"{SessionArrange.Sessions}/{id}/stop", a.Owner.Token, new { chunkCount = chunks.Count });
        var session = await WaitForAsync(a.PracticeId, id, s => s.Status == ClinicalSessionStatus.Failed);

        Assert.Equal("consent-revoked", session.FailureCode);
        Assert.Equal(before, fixture.OpenAi.Requests.Count);
        Assert.Null(session.AudioDeletedAt);
        var audio = factory.Services.GetRequiredService<ISessionAudioStore>();
        Assert.Equal(chunks.Count, (await audio.GetStatusAsync(a.PracticeId, session.Id, CancellationToken.None)).StoredChunks);
    }

    /// <summary>The speech cut into 5-second WAV chunks, the last one shorter.</summary>
    private static List<byte[]> Split(byte[] wav)
    {
        var pcm = wav.AsSpan(44);
        const int size = 5 * PcmWav.SampleRate * 2;
        var chunks = new List<byte[]>();
        for (var offset = 0; offset < pcm.Length; offset += size)
        {
            chunks.Add(PcmWav.Write(pcm.Slice(offset, Math.Min(size, pcm.Length - offset))));
        }

        return chunks;
    }

    private async Task<ClinicalSession> WaitForAsync(PracticeId practiceId, string id, Func<ClinicalSession, bool> condition)
    {
        var sessions = fixture.Factory.Services.GetRequiredService<IClinicalSessionRepository>();
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var session = await sessions.GetAsync(practiceId, ClinicalSessionId.Parse(id, null), CancellationToken.None);
            if (session is not null && condition(session))
            {
                return session;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The session did not reach the expected state; it is {session?.Status} ({session?.FailureCode}).");
            await Task.Delay(50);
        }
    }

    /// <summary>The app with a local OpenAI server and quick job retries.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        /// <summary>Attempts per job here: enough for the test that fails twice and then succeeds.</summary>
        public const int MaxAttempts = 3;

        public FakeOpenAiServer OpenAi { get; private set; } = null!;

        public PracticeArrangeFactory Factory { get; } = new();

        public async Task InitializeAsync()
        {
            OpenAi = await FakeOpenAiServer.StartAsync();
            Factory.Settings["Plexura:OpenAI:ApiKey"] = "sk-test-pipeline";
            Factory.Settings["Plexura:OpenAI:Endpoint"] = OpenAi.Endpoint.ToString();
            Factory.Settings["Plexura:Jobs:RetryBaseDelay"] = "00:00:00.050";
            Factory.Settings["Plexura:Jobs:RetryMaxDelay"] = "00:00:00.200";
            Factory.Settings["Plexura:Jobs:PollInterval"] = "00:00:00.200";
            Factory.Settings["Plexura:Jobs:MaxAttempts"] = MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        public async Task DisposeAsync()
        {
            await Factory.DisposeAsync();
            await OpenAi.DisposeAsync();
        }
    }
}
