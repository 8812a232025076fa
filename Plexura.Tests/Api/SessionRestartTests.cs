using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Common;
using Plexura.Core.Sessions;
using Plexura.Core.Sessions.Audio;
using Plexura.Tests.Fakes;
using Plexura.Tests.Support;
using Plexura.Tests.Web;

namespace Plexura.Tests.Api;

/// <summary>
/// A recording goes on across a restart of the app: the first app stores some chunks and is disposed, a second app on
/// the same SQLite file and master key tells the recorder where to go on, takes the rest (and a re-sent chunk once),
/// and the transcript of the stopped session holds all of the audio.
/// </summary>
public sealed class SessionRestartTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>What the second app must share with the first to read its data and accept its tokens.</summary>
    private static readonly string[] SharedKeys = [PlexuraWebFactory.MasterKeySetting, "Plexura:Security:MasterKeyId", "Plexura:Auth:SigningKey"];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "plexura-tests", "restart-" + Guid.NewGuid().ToString("N"));
    private FakeOpenAiServer _openAi = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _openAi = await FakeOpenAiServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _openAi.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task SessionContinuedAfterRestart_OnTheSameStorage_IsTranscribedWithAllItsAudio()
    {
        var speech = await TestAudio.SpeechWavAsync("We picked up where we left off last week, and the client described a calmer month at work.");
        var chunks = Split(speech);
        Assert.True(chunks.Count >= 4, "The speech is long enough for chunks on both sides of the restart.");
        var firstPart = chunks.Count / 2;

        Practice practice;
        string id;
        IDictionary<string, string?> settings;
        await using (var first = NewFactory(null))
        {
            settings = first.Settings;
            practice = await PracticeArrange.CreateAsync(first);
            (_, id) = await SessionArrange.StartedSessionAsync(first, practice);
            for (var i = 0; i < firstPart; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await SessionArrange.PutChunkAsync(first, practice.Owner.Token, id, i, chunks[i])).StatusCode);
            }
        }

        await using var second = NewFactory(settings);
        var token = practice.Owner.Token;

        // The reloaded recorder asks where to go on.
        var state = await SessionArrange.JsonAsync(await SessionArrange.SendAsync(second, HttpMethod.Get, $"{SessionArrange.Sessions}/{id}", token));
        Assert.Equal("recording", state.GetProperty("status").GetString());
        var next = state.GetProperty("nextSequence").GetInt32();
        Assert.Equal(firstPart, next);

        for (var i = next; i < chunks.Count; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SessionArrange.PutChunkAsync(second, token, id, i, chunks[i])).StatusCode);
        }

        // A chunk stored before the restart, sent again (its acknowledgement was lost): accepted once, stored once.
        var resent = await SessionArrange.PutChunkAsync(second, token, id, firstPart - 1, chunks[firstPart - 1]);
        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        Assert.True((await SessionArrange.JsonAsync(resent)).GetProperty("duplicate").GetBoolean());

        var before = _openAi.Transcribed.Count;
        var stopped = await SessionArrange.SendAsync(second, HttpMethod.Post, $"{SessionArrange.Sessions}/{id}/stop", token, new { chunkCount = chunks.Count });
        Assert.Equal(HttpStatusCode.OK, stopped.StatusCode);

        var sessions = second.Services.GetRequiredService<IClinicalSessionRepository>();
        var sessionId = ClinicalSessionId.Parse(id, null);
        var deadline = DateTime.UtcNow + Patience;
        ClinicalSession? session;
        while ((session = await sessions.GetAsync(practice.PracticeId, sessionId, CancellationToken.None))?.Status != ClinicalSessionStatus.Transcribed)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The session did not become transcribed; it is {session?.Status} ({session?.FailureCode}).");
            await Task.Delay(50);
        }

        // Every chunk, from both apps, in order and once: the transcription server heard exactly the recorded speech.
        var sent = Assert.Single(_openAi.Transcribed.Skip(before));
        Assert.Equal(speech[44..], sent.Pcm);
        Assert.Equal(1, session.SegmentCount);
        Assert.Null(session.FailureCode);
    }

    /// <summary>An app on the test's own SQLite file; with <paramref name="previous"/>, the same file, master key and token signing key as before.</summary>
    private PracticeArrangeFactory NewFactory(IDictionary<string, string?>? previous)
    {
        var factory = new PracticeArrangeFactory();
        factory.Settings["Plexura:Storage:SqlitePath"] = Path.Combine(_folder, "plexura.db");
        factory.Settings["Plexura:OpenAI:ApiKey"] = "sk-test-restart";
        factory.Settings["Plexura:OpenAI:Endpoint"] = _openAi.Endpoint.ToString();
        factory.Settings["Plexura:Jobs:RetryBaseDelay"] = "00:00:00.050";
        factory.Settings["Plexura:Jobs:RetryMaxDelay"] = "00:00:00.200";
        factory.Settings["Plexura:Jobs:PollInterval"] = "00:00:00.200";
        if (previous is not null)
        {
            foreach (var key in SharedKeys)
            {
                factory.Settings[key] = previous[key];
            }
        }

        return factory;
    }

    /// <summary>The speech cut into 1-second WAV chunks, the last one shorter.</summary>
    private static List<byte[]> Split(byte[] wav)
    {
        var pcm = wav.AsSpan(44);
        const int size = PcmWav.SampleRate * 2;
        var chunks = new List<byte[]>();
        for (var offset = 0; offset < pcm.Length; offset += size)
        {
            chunks.Add(PcmWav.Write(pcm.Slice(offset, Math.Min(size, pcm.Length - offset))));
        }

        return chunks;
    }
}
