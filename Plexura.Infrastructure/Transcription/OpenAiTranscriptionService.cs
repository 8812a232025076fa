using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenAI.Audio;
using Plexura.Core.Transcription;
using Plexura.Infrastructure.Configuration;
using Plexura.Infrastructure.OpenAi;

namespace Plexura.Infrastructure.Transcription;

/// <summary>Transcribes segments through OpenAI's <c>POST /v1/audio/transcriptions</c> with the official SDK.</summary>
/// <remarks>
/// <para>The response format follows the model: <c>whisper-1</c> answers <c>verbose_json</c> with timed segments;
/// a model whose name contains <c>diarize</c> answers <c>diarized_json</c> (with <c>chunking_strategy=auto</c>) whose
/// segments carry speaker labels; any other model (<c>gpt-4o-transcribe</c>) answers <c>json</c>, text only, which
/// becomes one span covering the whole segment.</para>
/// <para>One call is one attempt: the SDK's own retries are switched off, since the durable job retries with backoff
/// and a second, hidden retry loop would multiply the load on a provider that asked us to slow down. Failures map to
/// <see cref="TranscriptionFailedException"/>: 429 (with its Retry-After), 408, 409, 5xx, timeouts and network errors
/// are transient; other 4xx (400, 401, 403, 404, 413, 415, 422) are permanent. The SDK's exception carries the
/// response body in its message, so it is never wrapped, logged or passed on: only the status and a fixed code are.</para>
/// <para>The client is rebuilt when the options change, so a key configured later is used without a restart.</para>
/// </remarks>
internal sealed class OpenAiTranscriptionService(
    IOptionsMonitor<OpenAiOptions> options, TimeProvider time, ILogger<OpenAiTranscriptionService> logger) : ITranscriptionService
{
    /// <summary>OpenAI's upload limit for one audio file.</summary>
    public const int MaxAudioBytes = 25 * 1024 * 1024;

    private const string FileName = "segment.wav";

    private readonly Lock _gate = new();
    private ConfiguredClient? _client;

    /// <inheritdoc />
    public bool IsConfigured => options.CurrentValue.IsConfigured;

    /// <inheritdoc />
    public async Task<TranscriptionResult> TranscribeAsync(TranscriptionRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var current = options.CurrentValue;
        if (!current.IsConfigured)
        {
            throw new TranscriptionFailedException(isTransient: true, null, TranscriptionFailedException.NotConfigured);
        }

        if (request.Wav.Length == 0 || request.Wav.Length > MaxAudioBytes)
        {
            throw new TranscriptionFailedException(isTransient: false, null, "audio-size");
        }

        var client = ClientFor(current);
        var model = current.TranscriptionModel;
        try
        {
            using var audio = new MemoryStream(request.Wav, writable: false);
            var spans = KindOf(model) switch
            {
                ModelKind.Diarized => await DiarizedAsync(client, audio, ct),
                ModelKind.Timed => await TimedAsync(client, audio, ct),
                _ => await TextOnlyAsync(client, audio, request.Duration, ct),
            };
            return new TranscriptionResult(spans, model);
        }
        catch (ClientResultException ex)
        {
            throw Failure(ex.Status, ex.GetRawResponse());
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw Logged(new TranscriptionFailedException(isTransient: true, null, "timeout"), 0);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw Logged(new TranscriptionFailedException(isTransient: true, null, "network"), 0);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            throw Logged(new TranscriptionFailedException(isTransient: true, null, "unreadable-response"), 200);
        }
    }

    /// <summary>How a model answers.</summary>
    internal static ModelKind KindOf(string model) =>
        model.Contains("diarize", StringComparison.OrdinalIgnoreCase) ? ModelKind.Diarized
        : model.StartsWith("whisper", StringComparison.OrdinalIgnoreCase) ? ModelKind.Timed
        : ModelKind.TextOnly;

    // The SDK marks its diarization API as evaluation-only (OPENAI001). The package version is pinned centrally and
    // the adapter tests check the wire format it sends (diarized_json, chunking_strategy auto) against a local server.
#pragma warning disable OPENAI001
    private static async Task<IReadOnlyList<TranscribedSpan>> DiarizedAsync(AudioClient client, Stream audio, CancellationToken ct)
    {
        var transcription = (await client.TranscribeAudioDiarizedAsync(
            audio,
            FileName,
            new AudioTranscriptionOptions
            {
                ResponseFormat = AudioTranscriptionFormat.Diarized,
                ChunkingStrategy = AudioTranscriptionDefaultChunkingStrategy.Auto,
            },
            ct)).Value;
        return [.. transcription.Segments
            .Where(s => !string.IsNullOrWhiteSpace(s.Text))
            .Select(s => new TranscribedSpan(s.StartTime, s.EndTime, s.Text.Trim(), string.IsNullOrWhiteSpace(s.SpeakerLabel) ? null : s.SpeakerLabel))];
    }
#pragma warning restore OPENAI001

    private static async Task<IReadOnlyList<TranscribedSpan>> TimedAsync(AudioClient client, Stream audio, CancellationToken ct)
    {
        var transcription = (await client.TranscribeAudioAsync(
            audio,
            FileName,
            new AudioTranscriptionOptions
            {
                ResponseFormat = AudioTranscriptionFormat.Verbose,
                TimestampGranularities = AudioTimestampGranularities.Segment,
            },
            ct)).Value;
        if (transcription.Segments.Count == 0)
        {
            return string.IsNullOrWhiteSpace(transcription.Text)
                ? []
                : [new TranscribedSpan(TimeSpan.Zero, transcription.Duration ?? TimeSpan.Zero, transcription.Text.Trim(), null)];
        }

        return [.. transcription.Segments
            .Where(s => !string.IsNullOrWhiteSpace(s.Text))
            .Select(s => new TranscribedSpan(s.StartTime, s.EndTime, s.Text.Trim(), null))];
    }

    private static async Task<IReadOnlyList<TranscribedSpan>> TextOnlyAsync(AudioClient client, Stream audio, TimeSpan duration, CancellationToken ct)
    {
        var transcription = (await client.TranscribeAudioAsync(
            audio, FileName, new AudioTranscriptionOptions { ResponseFormat = AudioTranscriptionFormat.Simple }, ct)).Value;
        return string.IsNullOrWhiteSpace(transcription.Text)
            ? []
            : [new TranscribedSpan(TimeSpan.Zero, duration, transcription.Text.Trim(), null)];
    }

    private TranscriptionFailedException Failure(int status, PipelineResponse? response)
    {
        var attempt = OpenAiCalls.Classify(status, response, time.GetUtcNow(), "rate-limited", "network");
        return Logged(new TranscriptionFailedException(attempt.IsTransient, attempt.RetryAfter, attempt.Code), status);
    }

    private TranscriptionFailedException Logged(TranscriptionFailedException failure, int status)
    {
        // Status and code only: the response body may echo the transcript or the request.
        logger.LogWarning(
            "Transcription attempt failed: {Code} (status {Status}, transient {Transient}, retry after {RetryAfter})",
            failure.Code, status, failure.IsTransient, failure.RetryAfter);
        return failure;
    }

    private AudioClient ClientFor(OpenAiOptions current)
    {
        lock (_gate)
        {
            if (_client is { } cached && cached.Matches(current))
            {
                return cached.Client;
            }

            var clientOptions = OpenAiCalls.ClientOptions(current);
            var client = new AudioClient(current.TranscriptionModel, new ApiKeyCredential(current.ApiKey!), clientOptions);
            _client = new ConfiguredClient(current.ApiKey!, current.Endpoint, current.TranscriptionModel, current.Timeout, client);
            return client;
        }
    }

    /// <summary>How a model's answer is asked for and read.</summary>
    internal enum ModelKind
    {
        /// <summary><c>json</c>: text only.</summary>
        TextOnly,

        /// <summary><c>verbose_json</c>: timed segments.</summary>
        Timed,

        /// <summary><c>diarized_json</c>: timed segments with speaker labels.</summary>
        Diarized,
    }

    private sealed record ConfiguredClient(string ApiKey, string? Endpoint, string Model, TimeSpan Timeout, AudioClient Client)
    {
        public bool Matches(OpenAiOptions o) =>
            string.Equals(ApiKey, o.ApiKey, StringComparison.Ordinal) && string.Equals(Endpoint, o.Endpoint, StringComparison.Ordinal)
            && string.Equals(Model, o.TranscriptionModel, StringComparison.Ordinal) && Timeout == o.Timeout;
    }
}
