namespace Plexura.Core.Transcription;

/// <summary>One transcription segment's audio, sent to the speech-to-text service.</summary>
/// <param name="Wav">A complete WAV file (16 kHz mono 16-bit PCM): the segment's samples and nothing else.</param>
/// <param name="Duration">The audio's length, from its sample count.</param>
public sealed record TranscriptionRequest(byte[] Wav, TimeSpan Duration);

/// <summary>A stretch of recognised speech inside a segment.</summary>
/// <param name="Start">Where it starts, from the start of the segment's audio.</param>
/// <param name="End">Where it ends, from the start of the segment's audio.</param>
/// <param name="Text">What was said (PHI).</param>
/// <param name="Speaker">The model's speaker label (for example "A"), or null when the model does not tell speakers apart.</param>
public sealed record TranscribedSpan(TimeSpan Start, TimeSpan End, string Text, string? Speaker);

/// <summary>What the service heard in one segment.</summary>
/// <param name="Spans">The recognised stretches, in order; empty when nothing was said.</param>
/// <param name="Model">The model that produced them.</param>
public sealed record TranscriptionResult(IReadOnlyList<TranscribedSpan> Spans, string Model);

/// <summary>Turns speech into text (OpenAI's transcription endpoint in production).</summary>
/// <remarks>
/// One call is one attempt: the implementation never retries on its own. The durable job that calls it retries a
/// <see cref="TranscriptionFailedException.IsTransient"/> failure with backoff (honouring
/// <see cref="TranscriptionFailedException.RetryAfter"/>) and stops at a permanent one.
/// </remarks>
public interface ITranscriptionService
{
    /// <summary>Whether a speech-to-text service is set up (an API key is configured).</summary>
    /// <remarks>
    /// False: recording and storage work, the session says transcription is not configured, and segments wait;
    /// <see cref="TranscribeAsync"/> then fails transiently with code <see cref="TranscriptionFailedException.NotConfigured"/>.
    /// </remarks>
    bool IsConfigured { get; }

    /// <summary>Transcribes one segment.</summary>
    /// <exception cref="TranscriptionFailedException">The service refused or could not be reached; the message names no PHI.</exception>
    Task<TranscriptionResult> TranscribeAsync(TranscriptionRequest request, CancellationToken ct);
}

/// <summary>A transcription attempt failed. Message and code carry no PHI: never the audio, the transcript or the service's answer.</summary>
/// <param name="isTransient">True when trying again later may work (429, 5xx, timeout, network); false when it will not (bad request, bad key).</param>
/// <param name="retryAfter">How long the service asked to wait (its Retry-After header), if it said.</param>
/// <param name="code">A short fixed code for logs, audit and the session page, for example "rate-limited" or "http-401".</param>
public sealed class TranscriptionFailedException(bool isTransient, TimeSpan? retryAfter, string code)
    : Exception($"Transcription failed ({code}; {(isTransient ? "transient" : "permanent")}).")
{
    /// <summary>The code of an attempt made while no API key is configured.</summary>
    public const string NotConfigured = "not-configured";

    /// <summary>True when trying again later may work.</summary>
    public bool IsTransient { get; } = isTransient;

    /// <summary>How long the service asked to wait, if it said.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>A short fixed code naming the failure.</summary>
    public string Code { get; } = code;
}
