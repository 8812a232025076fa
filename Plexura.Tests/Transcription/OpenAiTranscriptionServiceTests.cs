using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Plexura.Core.Transcription;
using Plexura.Infrastructure.Configuration;
using Plexura.Infrastructure.OpenAi;
using Plexura.Infrastructure.Transcription;
using Plexura.Tests.Fakes;
using Plexura.Tests.Support;

namespace Plexura.Tests.Transcription;

/// <summary>The OpenAI adapter through the real SDK against <see cref="FakeOpenAiServer"/>, speaking OpenAI's wire format.</summary>
public sealed class OpenAiTranscriptionServiceTests : IAsyncLifetime
{
    private const string Sentence = "The patient described a calm week at work.";
    private const string ApiKey = "sk-test-transcription-key";

    private readonly ConcurrentQueue<string> _logs = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));
    private FakeOpenAiServer _server = null!;
    private byte[] _speech = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeOpenAiServer.StartAsync();
        _speech = await TestAudio.SpeechWavAsync(Sentence);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Gpt4oTranscribe_sends_json_and_returns_one_span_covering_the_segment()
    {
        _server.Speech = _ => [new FakeUtterance("A", Sentence)];
        var result = await Service().TranscribeAsync(Request(), CancellationToken.None);

        var span = Assert.Single(result.Spans);
        Assert.Equal(Sentence, span.Text);
        Assert.Equal(TimeSpan.Zero, span.Start);
        Assert.Equal(TestAudio.DurationOf(_speech), span.End);
        Assert.Null(span.Speaker);
        Assert.Equal("gpt-4o-transcribe", result.Model);

        var received = Assert.Single(_server.Requests);
        Assert.Equal("gpt-4o-transcribe", received.Model);
        Assert.Equal("json", received.ResponseFormat);
        Assert.Null(received.ChunkingStrategy);
        Assert.Equal($"Bearer {ApiKey}", received.Authorization);
        Assert.Equal(_speech.Length, received.ByteCount);
        Assert.True(received.Decoded);
        Assert.False(received.IsSilent);
        Assert.InRange(received.Duration.TotalSeconds, TestAudio.DurationOf(_speech).TotalSeconds - 0.01, TestAudio.DurationOf(_speech).TotalSeconds + 0.01);
    }

    [Fact]
    public async Task Whisper_asks_for_verbose_json_and_keeps_the_segment_timestamps()
    {
        _server.Speech = _ => [new FakeUtterance("A", "The patient described"), new FakeUtterance("A", "a calm week at work.")];
        var result = await Service("whisper-1").TranscribeAsync(Request(), CancellationToken.None);

        Assert.Equal(["The patient described", "a calm week at work."], result.Spans.Select(s => s.Text));
        Assert.Equal(TimeSpan.Zero, result.Spans[0].Start);
        Assert.True(result.Spans[0].End > TimeSpan.Zero);
        Assert.Equal(result.Spans[0].End, result.Spans[1].Start);
        Assert.All(result.Spans, s => Assert.Null(s.Speaker));
        var received = Assert.Single(_server.Requests);
        Assert.Equal("whisper-1", received.Model);
        Assert.Equal("verbose_json", received.ResponseFormat);
        Assert.Contains("segment", received.TimestampGranularities);
    }

    [Fact]
    public async Task Diarize_asks_for_diarized_json_with_auto_chunking_and_returns_speaker_labels()
    {
        _server.Speech = _ => [new FakeUtterance("A", "How was your week?"), new FakeUtterance("B", "Calm, mostly.")];
        var result = await Service("gpt-4o-transcribe-diarize").TranscribeAsync(Request(), CancellationToken.None);

        Assert.Equal([("How was your week?", "A"), ("Calm, mostly.", "B")], result.Spans.Select(s => (s.Text, s.Speaker)));
        Assert.True(result.Spans[1].Start >= result.Spans[0].End);
        var received = Assert.Single(_server.Requests);
        Assert.Equal("gpt-4o-transcribe-diarize", received.Model);
        Assert.Equal("diarized_json", received.ResponseFormat);
        Assert.Equal("auto", received.ChunkingStrategy);
    }

    [Fact]
    public async Task Rate_limit_is_transient_with_the_retry_after_seconds_and_is_tried_once()
    {
        _server.FailNextWithRateLimit(1, "17");
        var failure = await Assert.ThrowsAsync<TranscriptionFailedException>(() => Service().TranscribeAsync(Request(), CancellationToken.None));

        Assert.True(failure.IsTransient);
        Assert.Equal("rate-limited", failure.Code);
        Assert.Equal(TimeSpan.FromSeconds(17), failure.RetryAfter);
        Assert.Equal(429, Assert.Single(_server.Requests).Status);
        AssertNothingOfTheBody(failure);
    }

    [Fact]
    public async Task Rate_limit_with_an_http_date_retry_after_waits_until_that_date()
    {
        var until = _time.GetUtcNow().AddSeconds(90);
        _server.FailNextWithRateLimit(1, until.ToString("r", CultureInfo.InvariantCulture));
        var failure = await Assert.ThrowsAsync<TranscriptionFailedException>(() => Service().TranscribeAsync(Request(), CancellationToken.None));

        Assert.True(failure.IsTransient);
        Assert.Equal(TimeSpan.FromSeconds(90), failure.RetryAfter);
    }

    [Fact]
    public async Task Server_error_is_transient_and_not_retried_by_the_sdk()
    {
        _server.FailNext(1, 500);
        var failure = await Assert.ThrowsAsync<TranscriptionFailedException>(() => Service().TranscribeAsync(Request(), CancellationToken.None));

        Assert.True(failure.IsTransient);
        Assert.Equal("http-500", failure.Code);
        Assert.Null(failure.RetryAfter);
        Assert.Single(_server.Requests);
        AssertNothingOfTheBody(failure);

        // The next attempt (the job's retry) succeeds.
        var result = await Service().TranscribeAsync(Request(), CancellationToken.None);
        Assert.Equal("segment-1", Assert.Single(result.Spans).Text);
    }

    [Fact]
    public async Task A_hanging_server_is_a_transient_timeout()
    {
        _server.HangNext(1);
        var failure = await Assert.ThrowsAsync<TranscriptionFailedException>(
            () => Service(timeout: TimeSpan.FromSeconds(1)).TranscribeAsync(Request(), CancellationToken.None));

        Assert.True(failure.IsTransient);
        Assert.Equal("timeout", failure.Code);
        await Eventually.HoldsAsync(() => _server.Requests.Count == 1, "the hung request is logged");
        Assert.Equal(0, _server.Requests[0].Status);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_a_transcription_failure()
    {
        _server.HangNext(1);
        using var cancel = new CancellationTokenSource();
        var call = Service().TranscribeAsync(Request(), cancel.Token);
        await Eventually.HoldsAsync(() => _server.Requests.Count == 0, "nothing is logged before the answer");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Theory]
    [InlineData(401, "http-401")]
    [InlineData(400, "http-400")]
    [InlineData(403, "http-403")]
    [InlineData(404, "http-404")]
    [InlineData(413, "http-413")]
    public async Task Client_errors_are_permanent_with_a_code(int status, string code)
    {
        _server.FailNext(1, status, "invalid_api_key");
        var failure = await Assert.ThrowsAsync<TranscriptionFailedException>(() => Service().TranscribeAsync(Request(), CancellationToken.None));

        Assert.False(failure.IsTransient);
        Assert.Equal(code, failure.Code);
        Assert.Null(failure.RetryAfter);
        AssertNothingOfTheBody(failure);
    }

    [Fact]
    public async Task Nothing_listening_is_a_transient_network_failure()
    {
        var endpoint = _server.Endpoint;
        await _server.DisposeAsync();
        var failure = await Assert.ThrowsAsync<TranscriptionFailedException>(
            () => Service(endpoint: endpoint).TranscribeAsync(Request(), CancellationToken.None));

        Assert.True(failure.IsTransient);
        Assert.Equal("network", failure.Code);
        _server = await FakeOpenAiServer.StartAsync();
    }

    [Fact]
    public async Task Without_a_key_it_is_not_configured_and_sends_nothing()
    {
        var service = Service(apiKey: null);

        Assert.False(service.IsConfigured);
        var failure = await Assert.ThrowsAsync<TranscriptionFailedException>(() => service.TranscribeAsync(Request(), CancellationToken.None));
        Assert.True(failure.IsTransient);
        Assert.Equal(TranscriptionFailedException.NotConfigured, failure.Code);
        Assert.Empty(_server.Requests);
        Assert.True(Service().IsConfigured);
    }

    [Theory]
    [InlineData("120", 120)]
    [InlineData("1.5", 1.5)]
    [InlineData("Mon, 02 Mar 2026 10:00:30 GMT", 30)]
    [InlineData("Mon, 02 Mar 2026 09:00:00 GMT", 0)]
    public void Retry_after_reads_seconds_and_dates(string header, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), OpenAiCalls.ParseRetryAfter(header, _time.GetUtcNow()));

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5")]
    public void Retry_after_ignores_what_it_cannot_read(string header) =>
        Assert.Null(OpenAiCalls.ParseRetryAfter(header, _time.GetUtcNow()));

    private void AssertNothingOfTheBody(TranscriptionFailedException failure)
    {
        Assert.DoesNotContain("segment-", failure.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Scripted", failure.ToString(), StringComparison.Ordinal);
        Assert.Null(failure.InnerException);
        Assert.NotEmpty(_logs);
        Assert.All(_logs, line =>
        {
            Assert.DoesNotContain("segment-", line, StringComparison.Ordinal);
            Assert.DoesNotContain("Scripted", line, StringComparison.Ordinal);
            Assert.DoesNotContain(ApiKey, line, StringComparison.Ordinal);
        });
    }

    private TranscriptionRequest Request() => new(_speech, TestAudio.DurationOf(_speech));

    private OpenAiTranscriptionService Service(
        string model = "gpt-4o-transcribe", string? apiKey = ApiKey, TimeSpan? timeout = null, Uri? endpoint = null)
    {
        var options = new OpenAiOptions
        {
            ApiKey = apiKey,
            Endpoint = (endpoint ?? _server.Endpoint).ToString(),
            TranscriptionModel = model,
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
        };
        var loggers = LoggerFactory.Create(b => b.AddProvider(new CapturingLoggerProvider(_logs)));
        return new OpenAiTranscriptionService(new FixedOptionsMonitor<OpenAiOptions>(options), _time, loggers.CreateLogger<OpenAiTranscriptionService>());
    }
}

/// <summary>An options monitor that always answers the same value.</summary>
internal sealed class FixedOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
