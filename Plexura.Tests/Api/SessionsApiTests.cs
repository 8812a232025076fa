using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Jobs;
using Plexura.Core.Sessions;
using Plexura.Core.Sessions.Audio;
using Plexura.Core.Sessions.StartRecording;
using Plexura.Core.Sessions.StoreAudioChunk;
using Plexura.Core.Transcription.RetryTranscription;
using Plexura.Tests.Fakes;
using Plexura.Tests.Web;
using Plexura.Web.Endpoints;

namespace Plexura.Tests.Api;

/// <summary>The recorder's HTTP contract: sessions, audio chunks, pause, resume, stop, and every kind of bad input.</summary>
public sealed class SessionsApiTests(SessionsApiTests.Factory factory) : IClassFixture<SessionsApiTests.Factory>
{
    private const string Sessions = "/api/v1/sessions";
    private const int ChunkSamples = 5 * PcmWav.SampleRate;

    // ---- happy path ----

    [Fact]
    public async Task RecordPauseResumeStop_ChunksStoredOnceAndTheLastSegmentQueuedWhenTheLastChunkArrives()
    {
        var (a, _) = await factory.SharedPairAsync();
        var (clientId, id) = await StartedSessionAsync(a);

        var first = await PutChunkAsync(a.Owner.Token, id, 0, Chunk(0));
        var second = await PutChunkAsync(a.Owner.Token, id, 1, Chunk(1));
        var resent = await PutChunkAsync(a.Owner.Token, id, 1, Chunk(1));
        var paused = await SendAsync(HttpMethod.Post, $"{Sessions}/{id}/pause", a.Owner.Token);
        var resumed = await SendAsync(HttpMethod.Post, $"{Sessions}/{id}/resume", a.Owner.Token);
        var stopped = await SendAsync(HttpMethod.Post, $"{Sessions}/{id}/stop", a.Owner.Token, new { chunkCount = 3 });
        var beforeLast = await JsonAsync(await SendAsync(HttpMethod.Get, $"{Sessions}/{id}", a.Owner.Token));
        var last = await PutChunkAsync(a.Owner.Token, id, 2, Chunk(2));
        var after = await JsonAsync(await SendAsync(HttpMethod.Get, $"{Sessions}/{id}", a.Owner.Token));

        Assert.Equal((HttpStatusCode.OK, false), (first.StatusCode, (await JsonAsync(first)).GetProperty("duplicate").GetBoolean()));
        Assert.Equal(1, (await JsonAsync(second)).GetProperty("sequence").GetInt32());
        Assert.Equal((HttpStatusCode.OK, true), (resent.StatusCode, (await JsonAsync(resent)).GetProperty("duplicate").GetBoolean()));
        Assert.Equal("paused", (await JsonAsync(paused)).GetProperty("status").GetString());
        Assert.Equal("recording", (await JsonAsync(resumed)).GetProperty("status").GetString());
        Assert.Equal("stopped", (await JsonAsync(stopped)).GetProperty("status").GetString());
        Assert.Equal((2, 2, 3), (beforeLast.GetProperty("storedChunks").GetInt32(), beforeLast.GetProperty("nextSequence").GetInt32(), beforeLast.GetProperty("chunkCount").GetInt32()));
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        Assert.Equal(("transcribing", 3, clientId.ToString()), (after.GetProperty("status").GetString(), after.GetProperty("nextSequence").GetInt32(), after.GetProperty("clientId").GetString()));
        var job = Assert.Single(factory.Jobs.WithPrefix($"{SegmentScheduler.JobKind}/{id}/"));
        Assert.Equal((SegmentScheduler.JobKind, a.PracticeId, $"{SegmentScheduler.JobKind}/{id}/0"), (job.Kind, job.PracticeId, job.DedupeKey));
        var payload = JsonDocument.Parse(job.Payload).RootElement;
        Assert.Equal((id, 0, 0L, 3L * ChunkSamples), (payload.GetProperty("sessionId").GetString(), payload.GetProperty("index").GetInt32(), payload.GetProperty("startSample").GetInt64(), payload.GetProperty("endSample").GetInt64()));

        var changes = (await AuditAsync(a.PracticeId, AuditResult.Success)).Where(e => e.TargetId == id).ToList();
        Assert.Equal(
            ["recording-paused", "recording-resumed", "recording-stopped"],
            changes.Where(e => e.Action == AuditAction.Updated).Select(e => e.Details["change"]).Order(StringComparer.Ordinal));
        Assert.Single(changes, e => e.Action == AuditAction.Created);
        Assert.Equal(4, changes.Count);
    }

    [Fact]
    public async Task Chunks_OutOfOrder_NextSequenceIsTheFirstMissingOne()
    {
        var (a, _) = await factory.SharedPairAsync();
        var (_, id) = await StartedSessionAsync(a);

        await PutChunkAsync(a.Owner.Token, id, 2, Chunk(2));
        await PutChunkAsync(a.Owner.Token, id, 0, Chunk(0));
        var gap = await JsonAsync(await SendAsync(HttpMethod.Get, $"{Sessions}/{id}", a.Owner.Token));
        await PutChunkAsync(a.Owner.Token, id, 1, Chunk(1));
        var filled = await JsonAsync(await SendAsync(HttpMethod.Get, $"{Sessions}/{id}", a.Owner.Token));

        Assert.Equal((1, 2), (gap.GetProperty("nextSequence").GetInt32(), gap.GetProperty("storedChunks").GetInt32()));
        Assert.Equal((3, 3), (filled.GetProperty("nextSequence").GetInt32(), filled.GetProperty("storedChunks").GetInt32()));
    }

    [Fact]
    public async Task LongRecording_SegmentQueuedWhileRecordingAtThePause()
    {
        var (a, _) = await factory.SharedPairAsync();
        var (_, id) = await StartedSessionAsync(a);

        for (var i = 0; i < 14; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await PutChunkAsync(a.Owner.Token, id, i, Chunk(i, pauseAt: 62.0))).StatusCode);
        }

        var job = Assert.Single(factory.Jobs.WithPrefix($"{SegmentScheduler.JobKind}/{id}/"));
        var end = JsonDocument.Parse(job.Payload).RootElement.GetProperty("endSample").GetInt64();
        Assert.InRange(end, 62 * PcmWav.SampleRate, (long)(62.5 * PcmWav.SampleRate));
        var session = await JsonAsync(await SendAsync(HttpMethod.Get, $"{Sessions}/{id}", a.Owner.Token));
        Assert.Equal(("recording", 1), (session.GetProperty("status").GetString(), session.GetProperty("segmentCount").GetInt32()));
    }

    [Fact]
    public async Task Unfinished_ListsOnlyTheMembersRecordingOrPausedSessions()
    {
        var (a, _) = await factory.SharedPairAsync();
        var (_, open) = await StartedSessionAsync(a);
        var (_, done) = await StartedSessionAsync(a);
        await SendAsync(HttpMethod.Post, $"{Sessions}/{done}/stop", a.Owner.Token, new { chunkCount = 0 });

        var mine = (await JsonAsync(await SendAsync(HttpMethod.Get, $"{Sessions}/unfinished", a.Owner.Token))).EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToList();
        var admins = (await JsonAsync(await SendAsync(HttpMethod.Get, $"{Sessions}/unfinished", a.Admin.Token))).EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToList();
        var doneNow = await JsonAsync(await SendAsync(HttpMethod.Get, $"{Sessions}/{done}", a.Owner.Token));

        Assert.Contains(open, mine);
        Assert.DoesNotContain(done, mine);
        Assert.DoesNotContain(open, admins);
        Assert.Equal("transcribed", doneNow.GetProperty("status").GetString());
    }

    [Fact]
    public async Task MyDayAndClientSessions_ListWhatTheMemberMayView()
    {
        var (a, _) = await factory.SharedPairAsync();
        var (clientId, id) = await StartedSessionAsync(a);

        var ownerDay = await JsonAsync(await SendAsync(HttpMethod.Get, $"{Sessions}/my-day", a.Owner.Token));
        var adminDay = await JsonAsync(await SendAsync(HttpMethod.Get, $"{Sessions}/my-day", a.Admin.Token));
        var clinicianDay = await JsonAsync(await SendAsync(HttpMethod.Get, $"{Sessions}/my-day", a.Clinician.Token));
        var forClient = await JsonAsync(await SendAsync(HttpMethod.Get, $"/api/v1/clients/{clientId}/sessions", a.Owner.Token));

        Assert.Contains(ownerDay.EnumerateArray(), s => s.GetProperty("id").GetString() == id);
        Assert.Contains(adminDay.EnumerateArray(), s => s.GetProperty("id").GetString() == id);
        Assert.DoesNotContain(clinicianDay.EnumerateArray(), s => s.GetProperty("id").GetString() == id);
        Assert.Equal(id, Assert.Single(forClient.EnumerateArray()).GetProperty("id").GetString());
    }

    // ---- bad input ----

    [Fact]
    public async Task Start_WithoutConsent_Is422SayingWhichConsentIsMissing()
    {
        var (a, _) = await factory.SharedPairAsync();
        var clientId = await PracticeArrange.CreateClientAsync(factory, a);

        var response = await SendAsync(HttpMethod.Post, $"/api/v1/clients/{clientId}/sessions", a.Owner.Token);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(StartRecordingHandler.ConsentRequiredMessage, (await JsonAsync(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task PutChunk_GarbageOrWrongFormat_Is415AndStoresNothing()
    {
        var (a, _) = await factory.SharedPairAsync();
        var (_, id) = await StartedSessionAsync(a);
        var stereo = Chunk(0);
        stereo[22] = 2;

        var garbage = await PutChunkAsync(a.Owner.Token, id, 0, "this is not audio at all, not even close to a WAV header"u8.ToArray());
        var wrongFormat = await PutChunkAsync(a.Owner.Token, id, 0, stereo);
        var wrongType = await PutChunkAsync(a.Owner.Token, id, 0, Chunk(0), "application/octet-stream");
        var noType = await PutChunkAsync(a.Owner.Token, id, 0, Chunk(0), null);

        Assert.All([garbage, wrongFormat, wrongType, noType], r => Assert.Equal(HttpStatusCode.UnsupportedMediaType, r.StatusCode));
        Assert.Equal("application/problem+json", garbage.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, (await JsonAsync(await SendAsync(HttpMethod.Get, $"{Sessions}/{id}", a.Owner.Token))).GetProperty("storedChunks").GetInt32());
    }

    [Fact]
    public async Task PutChunk_200MegabytesDeclared_Is413FromTheDeclaredLength()
    {
        var (a, _) = await factory.SharedPairAsync();
        var (_, id) = await StartedSessionAsync(a);

        // The in-memory test server does not stream, so only 64 KB are sent: the answer comes from Content-Length alone.
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{Sessions}/{id}/audio/0") { Content = new ByteArrayContent(new byte[64 * 1024]) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        request.Content.Headers.ContentLength = 200L * 1024 * 1024;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", a.Owner.Token);

        var response = await factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, (await JsonAsync(await SendAsync(HttpMethod.Get, $"{Sessions}/{id}", a.Owner.Token))).GetProperty("storedChunks").GetInt32());
    }

    [Fact]
    public async Task PutChunk_LargerThanTheLimitWithoutADeclaredLength_Is413()
    {
        var (a, _) = await factory.SharedPairAsync();
        var (_, id) = await StartedSessionAsync(a);
        var samples = new byte[SessionEndpoints.MaxChunkBytes];
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{Sessions}/{id}/audio/0") { Content = new StreamContent(new MemoryStream(PcmWav.Write(samples))) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", a.Owner.Token);

        var response = await factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task PutChunk_SequenceFarAheadIs422AndDifferentBytesUnderAStoredSequenceIs409()
    {
        var (a, _) = await factory.SharedPairAsync();
        var (_, id) = await StartedSessionAsync(a);
        await PutChunkAsync(a.Owner.Token, id, 0, Chunk(0));

        var ahead = await PutChunkAsync(a.Owner.Token, id, 1 + StoreAudioChunkHandler.MaxAhead + 1, Chunk(3));
        var justWithin = await PutChunkAsync(a.Owner.Token, id, 1 + StoreAudioChunkHandler.MaxAhead, Chunk(3));
        var different = await PutChunkAsync(a.Owner.Token, id, 0, Chunk(7));
        var negative = await PutChunkAsync(a.Owner.Token, id, -1, Chunk(0));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, ahead.StatusCode);
        Assert.Equal(HttpStatusCode.OK, justWithin.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, different.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
        Assert.Equal(2, (await JsonAsync(await SendAsync(HttpMethod.Get, $"{Sessions}/{id}", a.Owner.Token))).GetProperty("storedChunks").GetInt32());
    }

    [Fact]
    public async Task PutChunk_AfterStopBeyondTheChunkCount_Is409AndBelowItIsTaken()
    {
        var (a, _) = await factory.SharedPairAsync();
        var (_, id) = await StartedSessionAsync(a);
        await PutChunkAsync(a.Owner.Token, id, 0, Chunk(0));
        await SendAsync(HttpMethod.Post, $"{Sessions}/{id}/stop", a.Owner.Token, new { chunkCount = 2 });

        var beyond = await PutChunkAsync(a.Owner.Token, id, 2, Chunk(2));
        var within = await PutChunkAsync(a.Owner.Token, id, 1, Chunk(1));
        var afterAll = await PutChunkAsync(a.Owner.Token, id, 5, Chunk(5));
        var stopAgainOtherCount = await SendAsync(HttpMethod.Post, $"{Sessions}/{id}/stop", a.Owner.Token, new { chunkCount = 4 });
        var resume = await SendAsync(HttpMethod.Post, $"{Sessions}/{id}/resume", a.Owner.Token);

        Assert.Equal(HttpStatusCode.Conflict, beyond.StatusCode);
        Assert.Equal(HttpStatusCode.OK, within.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, afterAll.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, stopAgainOtherCount.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, resume.StatusCode);
        Assert.Equal("transcribing", (await JsonAsync(await SendAsync(HttpMethod.Get, $"{Sessions}/{id}", a.Owner.Token))).GetProperty("status").GetString());
    }

    [Fact]
    public async Task PutChunk_ConsentRevokedMidSession_Is409ConsentRevoked()
    {
        var (a, _) = await factory.SharedPairAsync();
        var (clientId, id) = await StartedSessionAsync(a);
        await PutChunkAsync(a.Owner.Token, id, 0, Chunk(0));
        await RevokeAiConsentAsync(a, clientId);

        var refused = await PutChunkAsync(a.Owner.Token, id, 1, Chunk(1));

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await JsonAsync(refused);
        Assert.Equal(SessionEndpoints.ConsentRevokedType, problem.GetProperty("type").GetString());
        Assert.Equal(StoreAudioChunkHandler.ConsentRevokedMessage, problem.GetProperty("detail").GetString());
        Assert.Equal(1, (await JsonAsync(await SendAsync(HttpMethod.Get, $"{Sessions}/{id}", a.Owner.Token))).GetProperty("storedChunks").GetInt32());
    }

    [Fact]
    public async Task PutChunk_AnotherClinicianOrPractice_Is404AuditedAndStoresNothing()
    {
        var (a, b) = await factory.SharedPairAsync();
        var (clientId, id) = await StartedSessionAsync(a);

        var colleague = await PutChunkAsync(a.Admin.Token, id, 0, Chunk(0));
        var stranger = await PutChunkAsync(b.Owner.Token, id, 0, Chunk(0));
        var strangerStop = await SendAsync(HttpMethod.Post, $"{Sessions}/{id}/stop", b.Owner.Token, new { chunkCount = 0 });
        var strangerRead = await SendAsync(HttpMethod.Get, $"{Sessions}/{id}", b.Owner.Token);

        Assert.All([colleague, stranger, strangerStop, strangerRead], r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        var inA = (await AuditAsync(a.PracticeId, AuditResult.Denied)).Where(e => e.TargetId == id).ToList();
        var inB = (await AuditAsync(b.PracticeId, AuditResult.Denied)).Where(e => e.TargetId == id).ToList();
        Assert.Contains(inA, e => e.ActorUserId == a.Admin.UserId && e.Details["reason"] == "not-own-session" && e.Details["operation"] == "audio-upload" && e.ClientId == clientId.ToString());
        Assert.Contains(inB, e => e.ActorUserId == b.Owner.UserId && e.Details["reason"] == "unknown-session" && e.Details["operation"] == "audio-upload");
        Assert.Equal(0, (await JsonAsync(await SendAsync(HttpMethod.Get, $"{Sessions}/{id}", a.Owner.Token))).GetProperty("storedChunks").GetInt32());
    }

    [Fact]
    public async Task Sessions_ComplianceIsRefusedByTheRoute()
    {
        var (a, _) = await factory.SharedPairAsync();
        var (clientId, id) = await StartedSessionAsync(a);

        var read = await SendAsync(HttpMethod.Get, $"{Sessions}/{id}", a.Compliance.Token);
        var start = await SendAsync(HttpMethod.Post, $"/api/v1/clients/{clientId}/sessions", a.Compliance.Token);

        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, start.StatusCode);
    }

    [Fact]
    public async Task Retry_FailedSession_IsTranscribingAgain_ConsentRevokedIs409_AnotherPracticeIs404()
    {
        var (a, b) = await factory.SharedPairAsync();
        var (_, id) = await StartedSessionAsync(a);
        await FailAsync(a, id, "transcription-failed");
        var (revokedClient, revoked) = await StartedSessionAsync(a);
        await RevokeAiConsentAsync(a, revokedClient);
        await FailAsync(a, revoked, "consent-revoked");

        var stranger = await SendAsync(HttpMethod.Post, $"{Sessions}/{id}/retry", b.Owner.Token);
        var retried = await SendAsync(HttpMethod.Post, $"{Sessions}/{id}/retry", a.Owner.Token);
        var again = await SendAsync(HttpMethod.Post, $"{Sessions}/{id}/retry", a.Owner.Token);
        var refused = await SendAsync(HttpMethod.Post, $"{Sessions}/{revoked}/retry", a.Owner.Token);

        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        Assert.Equal((HttpStatusCode.OK, "transcribing"), (retried.StatusCode, (await JsonAsync(retried)).GetProperty("status").GetString()));
        Assert.Equal((HttpStatusCode.OK, "transcribing"), (again.StatusCode, (await JsonAsync(again)).GetProperty("status").GetString()));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(RetryTranscriptionHandler.ConsentStillMissingMessage, (await JsonAsync(refused)).GetProperty("detail").GetString());
        Assert.Equal("no-store", retried.Headers.CacheControl?.ToString());
        Assert.Single(await AuditAsync(a.PracticeId, AuditResult.Success), e => e.TargetId == id && e.Details.GetValueOrDefault("change") == "transcription-retried");
        Assert.Contains(await AuditAsync(b.PracticeId, AuditResult.Denied), e => e.TargetId == id);
    }

    // ---- helpers ----

    /// <summary>A 5-second chunk: loud pseudo-speech, different for each <paramref name="sequence"/>, silent around <paramref name="pauseAt"/> seconds of the recording.</summary>
    private static byte[] Chunk(int sequence, double? pauseAt = null)
    {
        var samples = new short[ChunkSamples];
        var random = new Random(sequence + 1);
        for (var i = 0; i < samples.Length; i++)
        {
            var t = (long)sequence * ChunkSamples + i;
            var quiet = pauseAt is { } p && t >= p * PcmWav.SampleRate && t < (p + 0.4) * PcmWav.SampleRate;
            samples[i] = quiet ? (short)random.Next(-30, 30) : (short)((Math.Sin(t * 2 * Math.PI * 180 / PcmWav.SampleRate) * 7000) + random.Next(-2500, 2500));
        }

        return PcmWav.Write(samples);
    }

    /// <summary>Stops the session and marks it failed with <paramref name="code"/>, as the transcription job does.</summary>
    private async Task FailAsync(Practice practice, string sessionId, string code)
    {
        var sessions = factory.Services.GetRequiredService<IClinicalSessionRepository>();
        var id = ClinicalSessionId.Parse(sessionId, null);
        var session = (await sessions.GetAsync(practice.PracticeId, id, CancellationToken.None))!;
        await sessions.UpdateAsync(
            practice.PracticeId,
            session.MoveTo(ClinicalSessionStatus.Stopped).MoveTo(ClinicalSessionStatus.Failed) with { StoppedAt = DateTimeOffset.UtcNow, ChunkCount = 0, FailureCode = code },
            CancellationToken.None);
    }

    private Task<(ClientId ClientId, string SessionId)> StartedSessionAsync(Practice practice) => SessionArrange.StartedSessionAsync(factory, practice);

    private Task RevokeAiConsentAsync(Practice practice, ClientId clientId) => SessionArrange.RevokeAiConsentAsync(factory, practice, clientId);

    private Task<HttpResponseMessage> PutChunkAsync(string token, string sessionId, int sequence, byte[] wav, string? contentType = "audio/wav") =>
        SessionArrange.PutChunkAsync(factory, token, sessionId, sequence, wav, contentType);

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, object? body = null) =>
        SessionArrange.SendAsync(factory, method, path, token, body);

    private static Task<JsonElement> JsonAsync(HttpResponseMessage response) => SessionArrange.JsonAsync(response);

    private async Task<IReadOnlyList<AuditEvent>> AuditAsync(PracticeId practiceId, AuditResult result) =>
        await factory.Services.GetRequiredService<IAuditStore>().QueryAsync(practiceId, new AuditQuery(Result: result, Limit: 1000), CancellationToken.None);

    public sealed class Factory : PracticeArrangeFactory
    {
        public Factory()
        {
            TestServices = services => services.Replace(ServiceDescriptor.Singleton<IJobQueue>(Jobs));
        }

        /// <summary>What the app enqueued.</summary>
        public RecordingJobQueue Jobs { get; } = new();
    }
}
