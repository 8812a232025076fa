using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Plexura.Core.Notes;
using Plexura.Core.Notes.Drafting;
using Plexura.Infrastructure.Configuration;
using Plexura.Infrastructure.Drafting;
using Plexura.Tests.Fakes;
using Plexura.Tests.Transcription;

namespace Plexura.Tests.Drafting;

/// <summary>The OpenAI drafting adapter through the real SDK against <see cref="FakeOpenAiServer"/> streaming chat completions.</summary>
public sealed class OpenAiNoteDrafterTests : IAsyncLifetime
{
    private const string ApiKey = "sk-test-drafting-key";

    private readonly ConcurrentQueue<string> _logs = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));
    private FakeOpenAiServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeOpenAiServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_streamed_draft_arrives_in_growing_snapshots_and_ends_complete()
    {
        _server.ReplyNext(new FakeChatReply(DraftSamples.GoodJson, ChunkSize: 5));

        var snapshots = await DraftAsync(Drafter());

        Assert.True(snapshots.Count > 20);
        Assert.Contains(snapshots, s => s.Sections.Count == 1 && s.Sections[0].Statements.Count == 1
            && s.Sections[0].Statements[0].Text.Length < "Client reported sleeping badly".Length);
        var final = snapshots[^1];
        Assert.Equal(
            [
                "subjective: Client reported sleeping badly since moving to Quillfield. [0.1]",
                "subjective: Client said the breathing exercise \"helped a little\". [1.0] ?",
                "plan: Sleep diary continues until next Tuesday. [1.1]",
            ],
            DraftSamples.Texts(final));
        Assert.Equal(DraftSamples.Model, final.Model);
    }

    [Fact]
    public async Task The_request_streams_with_a_strict_json_schema_and_the_transcript_as_data()
    {
        _server.ReplyNext(new FakeChatReply(DraftSamples.GoodJson));
        await DraftAsync(Drafter());

        var request = Assert.Single(_server.ChatRequests);
        Assert.Equal($"Bearer {ApiKey}", request.Authorization);
        Assert.Equal(DraftSamples.Model, request.Model);
        Assert.True(request.Stream);
        Assert.Equal(200, request.Status);

        var format = request.ResponseFormat!.Value;
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        var jsonSchema = format.GetProperty("json_schema");
        Assert.Equal(DraftingPrompt.SchemaName, jsonSchema.GetProperty("name").GetString());
        Assert.True(jsonSchema.GetProperty("strict").GetBoolean());
        Assert.True(FakeOpenAiServer.IsStrictSchema(jsonSchema.GetProperty("schema")));
        var keyEnum = jsonSchema.GetProperty("schema").GetProperty("properties").GetProperty("sections").GetProperty("items")
            .GetProperty("properties").GetProperty("key").GetProperty("enum");
        Assert.Equal(DraftSamples.Keys, keyEnum.EnumerateArray().Select(k => k.GetString()));

        Assert.Equal(["system", "user", "user"], request.Messages.Select(m => m.Role));
        Assert.Equal(DraftingPrompt.SystemInstructions, request.Messages[0].Content);
        Assert.DoesNotContain("Quillfield", request.Messages[0].Content, StringComparison.Ordinal);
        Assert.DoesNotContain("Quillfield", request.Messages[1].Content, StringComparison.Ordinal);
        Assert.Contains("Plan", request.Messages[1].Content, StringComparison.Ordinal);

        var data = request.Messages[2].Content;
        var start = data.IndexOf(DraftingPrompt.TranscriptStart + "\n", StringComparison.Ordinal) + DraftingPrompt.TranscriptStart.Length + 1;
        var end = data.IndexOf("\n" + DraftingPrompt.TranscriptEnd, StringComparison.Ordinal);
        using var lines = JsonDocument.Parse(data[start..end]);
        Assert.Equal(
            [("0.0", "Clinician", "How have you been sleeping?"), ("0.1", "Client", DraftSamples.ClientWords + "."),
             ("1.0", "Client", DraftSamples.Transcript[2].Text), ("1.1", "Unknown", DraftSamples.Transcript[3].Text)],
            lines.RootElement.EnumerateArray().Select(l => (l.GetProperty("ref").GetString(), l.GetProperty("speaker").GetString(), l.GetProperty("text").GetString())));
    }

    [Fact]
    public async Task Malformed_output_is_a_transient_output_fault()
    {
        _server.ReplyNext(new FakeChatReply("""{"sections":[{"key":"plan","statements":[{"text":"Sleep diary.","citations":["1.1"] "uncertain":false}]}]}"""));
        var failure = await FailureAsync();
        Assert.Equal(NoteDraftingFailedException.MalformedOutput, failure.Code);
        Assert.True(failure.IsTransient);
        Assert.True(failure.IsOutputFault);
    }

    [Fact]
    public async Task Output_off_the_schema_is_a_transient_output_fault()
    {
        _server.ReplyNext(new FakeChatReply("""{"sections":[{"key":"plan","statements":[{"text":"Sleep diary.","citations":"1.1","uncertain":false}]}]}"""));
        var failure = await FailureAsync();
        Assert.Equal(NoteDraftingFailedException.SchemaViolation, failure.Code);
        Assert.True(failure.IsOutputFault);
    }

    [Fact]
    public async Task A_stream_that_ends_before_its_finish_reason_is_cut_off_and_transient()
    {
        _server.ReplyNext(new FakeChatReply(DraftSamples.GoodJson[..200], FinishReason: null));
        var failure = await FailureAsync();
        Assert.Equal(NoteDraftingFailedException.CutOff, failure.Code);
        Assert.True(failure.IsTransient);
        Assert.False(failure.IsOutputFault);
    }

    [Fact]
    public async Task A_dropped_connection_mid_stream_is_cut_off_and_transient()
    {
        // The server holds the stream until the client has read some of it, then resets the connection.
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.BeforeChatChunk = (i, ct) => i == 3 ? seen.Task.WaitAsync(ct) : Task.CompletedTask;
        _server.ReplyNext(new FakeChatReply(DraftSamples.GoodJson[..200], Abort: true));

        var failure = await Assert.ThrowsAsync<NoteDraftingFailedException>(async () =>
        {
            await foreach (var snapshot in Drafter().DraftAsync(DraftSamples.Request(), CancellationToken.None))
            {
                seen.TrySetResult();
            }
        });
        Assert.Equal(NoteDraftingFailedException.CutOff, failure.Code);
        Assert.True(failure.IsTransient);
    }

    [Fact]
    public async Task Json_that_stops_short_although_the_model_finished_is_malformed()
    {
        _server.ReplyNext(new FakeChatReply(DraftSamples.GoodJson[..200]));
        Assert.Equal(NoteDraftingFailedException.MalformedOutput, (await FailureAsync()).Code);
    }

    [Fact]
    public async Task Stopping_at_the_output_limit_is_permanent()
    {
        _server.ReplyNext(new FakeChatReply(DraftSamples.GoodJson[..200], FinishReason: "length"));
        var failure = await FailureAsync();
        Assert.Equal(NoteDraftingFailedException.OutputTooLong, failure.Code);
        Assert.False(failure.IsTransient);
    }

    [Fact]
    public async Task A_refusal_is_permanent()
    {
        _server.ReplyNext(new FakeChatReply(string.Empty, Refusal: "I cannot help with that about Quillfield."));
        var failure = await FailureAsync();
        Assert.Equal(NoteDraftingFailedException.Refused, failure.Code);
        Assert.False(failure.IsTransient);
    }

    [Fact]
    public async Task Rate_limiting_is_transient_with_its_retry_after()
    {
        _server.FailNextWithRateLimit(1, "17");
        var failure = await FailureAsync();
        Assert.Equal(NoteDraftingFailedException.RateLimited, failure.Code);
        Assert.True(failure.IsTransient);
        Assert.Equal(TimeSpan.FromSeconds(17), failure.RetryAfter);
        Assert.Single(_server.ChatRequests);
    }

    [Fact]
    public async Task A_server_error_is_transient_and_not_retried_by_the_sdk()
    {
        _server.FailNext(1, 500);
        var failure = await FailureAsync();
        Assert.Equal("http-500", failure.Code);
        Assert.True(failure.IsTransient);
        Assert.Null(failure.RetryAfter);
        Assert.Single(_server.ChatRequests);
    }

    [Fact]
    public async Task A_bad_request_is_permanent()
    {
        _server.FailNext(1, 400, "invalid_request_error");
        var failure = await FailureAsync();
        Assert.Equal("http-400", failure.Code);
        Assert.False(failure.IsTransient);
    }

    [Fact]
    public async Task An_unreachable_server_is_a_transient_network_failure()
    {
        var endpoint = _server.Endpoint;
        await _server.DisposeAsync();
        var failure = await Assert.ThrowsAsync<NoteDraftingFailedException>(() => DraftAsync(Drafter(endpoint: endpoint)));
        Assert.Equal(NoteDraftingFailedException.Network, failure.Code);
        Assert.True(failure.IsTransient);
        _server = await FakeOpenAiServer.StartAsync();
    }

    [Fact]
    public async Task A_server_that_never_answers_times_out_transiently()
    {
        _server.HangNext(1);
        var failure = await Assert.ThrowsAsync<NoteDraftingFailedException>(() => DraftAsync(Drafter(timeout: TimeSpan.FromSeconds(1))));
        Assert.Equal(NoteDraftingFailedException.Timeout, failure.Code);
        Assert.True(failure.IsTransient);
    }

    [Fact]
    public async Task Without_a_key_or_a_model_nothing_is_sent()
    {
        Assert.False(Drafter(apiKey: null).IsConfigured);
        Assert.False(Drafter(model: " ").IsConfigured);
        Assert.True(Drafter().IsConfigured);
        var failure = await Assert.ThrowsAsync<NoteDraftingFailedException>(() => DraftAsync(Drafter(apiKey: null)));
        Assert.Equal(NoteDraftingFailedException.NotConfigured, failure.Code);
        Assert.True(failure.IsTransient);
        Assert.Empty(_server.ChatRequests);
    }

    [Fact]
    public async Task An_empty_or_huge_transcript_is_refused_before_sending()
    {
        var empty = await Assert.ThrowsAsync<NoteDraftingFailedException>(() => DraftAsync(Drafter(), DraftSamples.Request([])));
        Assert.Equal(NoteDraftingFailedException.EmptyTranscript, empty.Code);
        Assert.False(empty.IsTransient);

        var line = new string('w', 10_000);
        var huge = Enumerable.Range(0, 50).Select(i => new TranscriptPassage(new PassageRef(i, 0), TimeSpan.FromMinutes(i), "Client", line)).ToList();
        var tooLong = await Assert.ThrowsAsync<NoteDraftingFailedException>(() => DraftAsync(Drafter(), DraftSamples.Request(huge)));
        Assert.Equal(NoteDraftingFailedException.TranscriptTooLong, tooLong.Code);
        Assert.Empty(_server.ChatRequests);
    }

    [Fact]
    public async Task A_changed_model_is_used_without_a_restart()
    {
        var options = Options();
        var drafter = Drafter(options);
        await DraftAsync(drafter);
        options.DraftingModel = "gpt-4.1-2025-04-14";
        await DraftAsync(drafter);
        Assert.Equal([DraftSamples.Model, "gpt-4.1-2025-04-14"], _server.ChatRequests.Select(r => r.Model));
    }

    private async Task<NoteDraftingFailedException> FailureAsync()
    {
        var failure = await Assert.ThrowsAsync<NoteDraftingFailedException>(() => DraftAsync(Drafter()));

        // Nothing of the transcript, the model's output or the error body reaches the exception or the logs.
        Assert.DoesNotContain("Quillfield", failure.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Scripted", failure.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Sleep diary", failure.ToString(), StringComparison.Ordinal);
        Assert.Null(failure.InnerException);
        Assert.NotEmpty(_logs);
        Assert.All(_logs, line =>
        {
            Assert.DoesNotContain("Quillfield", line, StringComparison.Ordinal);
            Assert.DoesNotContain("Sleep diary", line, StringComparison.Ordinal);
            Assert.DoesNotContain("Scripted", line, StringComparison.Ordinal);
            Assert.DoesNotContain(ApiKey, line, StringComparison.Ordinal);
        });
        return failure;
    }

    private static async Task<List<NoteDraft>> DraftAsync(OpenAiNoteDrafter drafter, NoteDraftRequest? request = null)
    {
        var snapshots = new List<NoteDraft>();
        await foreach (var snapshot in drafter.DraftAsync(request ?? DraftSamples.Request(), CancellationToken.None))
        {
            snapshots.Add(snapshot);
        }

        return snapshots;
    }

    private OpenAiOptions Options(string? apiKey = ApiKey, string model = DraftSamples.Model, TimeSpan? timeout = null, Uri? endpoint = null) => new()
    {
        ApiKey = apiKey,
        Endpoint = (endpoint ?? _server.Endpoint).ToString(),
        DraftingModel = model,
        Timeout = timeout ?? TimeSpan.FromSeconds(30),
    };

    private OpenAiNoteDrafter Drafter(string? apiKey = ApiKey, string model = DraftSamples.Model, TimeSpan? timeout = null, Uri? endpoint = null) =>
        Drafter(Options(apiKey, model, timeout, endpoint));

    private OpenAiNoteDrafter Drafter(OpenAiOptions options)
    {
        var loggers = LoggerFactory.Create(b => b.AddProvider(new CapturingLoggerProvider(_logs)));
        return new OpenAiNoteDrafter(new FixedOptionsMonitor<OpenAiOptions>(options), _time, loggers.CreateLogger<OpenAiNoteDrafter>());
    }
}
