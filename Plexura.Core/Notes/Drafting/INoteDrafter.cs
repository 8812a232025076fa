using Plexura.Core.Notes.Templates;

namespace Plexura.Core.Notes.Drafting;

/// <summary>What the drafting model is asked to write: the template's sections and the transcript they are drafted from.</summary>
/// <param name="Sections">The sections to draft, in template order, with the guidance for each.</param>
/// <param name="Transcript">The session's transcript, every line in order (PHI: in memory only, untrusted).</param>
public sealed record NoteDraftRequest(IReadOnlyList<TemplateSection> Sections, IReadOnlyList<TranscriptPassage> Transcript);

/// <summary>Drafts a note from a transcript with a language model (OpenAI's chat model in production).</summary>
/// <remarks>
/// <para>One call is one attempt: the implementation never retries on its own; the durable drafting job retries a
/// <see cref="NoteDraftingFailedException.IsTransient"/> failure with backoff (honouring
/// <see cref="NoteDraftingFailedException.RetryAfter"/>) and stops at a permanent one.</para>
/// <para>The draft streams: <see cref="DraftAsync"/> yields a snapshot of everything drafted so far each time the model's
/// output grows (complete statements, and the last statement's text as far as it has arrived). When the enumeration
/// ends without an exception, the last snapshot yielded is the complete, validated draft. Sections are those of the
/// request only (any other key the model writes is dropped), in the request's order.</para>
/// </remarks>
public interface INoteDrafter
{
    /// <summary>Whether a drafting model is set up (an API key and a model are configured).</summary>
    /// <remarks>False: notes are written by hand; <see cref="DraftAsync"/> fails transiently with code <see cref="NoteDraftingFailedException.NotConfigured"/>.</remarks>
    bool IsConfigured { get; }

    /// <summary>Streams a draft of <paramref name="request"/>'s sections from its transcript.</summary>
    /// <exception cref="NoteDraftingFailedException">The model refused, could not be reached, or its output was unusable; the message names no PHI.</exception>
    IAsyncEnumerable<NoteDraft> DraftAsync(NoteDraftRequest request, CancellationToken ct);
}

/// <summary>A drafting attempt failed. Message and code carry no PHI: never the transcript, the draft or the service's answer.</summary>
/// <param name="isTransient">True when trying again later may work (429, 5xx, timeout, network, a cut-off stream, unusable output once); false when it will not.</param>
/// <param name="retryAfter">How long the service asked to wait (its Retry-After header), if it said.</param>
/// <param name="code">A short fixed code for logs, audit and the note page, for example <c>rate-limited</c> or <c>schema-violation</c>.</param>
public sealed class NoteDraftingFailedException(bool isTransient, TimeSpan? retryAfter, string code)
    : Exception($"Drafting failed ({code}; {(isTransient ? "transient" : "permanent")}).")
{
    /// <summary>An attempt made while no API key or model is configured (transient: the job waits for one).</summary>
    public const string NotConfigured = "not-configured";

    /// <summary>The service was not reachable, or the connection failed before any output (transient).</summary>
    public const string Network = "network";

    /// <summary>The request took longer than the configured timeout (transient).</summary>
    public const string Timeout = "timeout";

    /// <summary>429: the service asked us to slow down (transient, with its Retry-After).</summary>
    public const string RateLimited = "rate-limited";

    /// <summary>The stream ended (or the connection dropped) before the model said it had finished (transient).</summary>
    public const string CutOff = "cut-off";

    /// <summary>The model's output is not valid JSON, or ended before the JSON did (retried once, then permanent).</summary>
    public const string MalformedOutput = "malformed-output";

    /// <summary>The model's output is JSON but not of the draft's schema (retried once, then permanent).</summary>
    public const string SchemaViolation = "schema-violation";

    /// <summary>The model stopped at its output limit, or a statement or section exceeds the note's limits (permanent).</summary>
    public const string OutputTooLong = "output-too-long";

    /// <summary>The model refused to write the draft (permanent).</summary>
    public const string Refused = "refused";

    /// <summary>The service's content filter stopped the output (permanent).</summary>
    public const string ContentFiltered = "content-filtered";

    /// <summary>There is no transcript to draft from (permanent).</summary>
    public const string EmptyTranscript = "empty-transcript";

    /// <summary>The transcript is too long to send in one request (permanent).</summary>
    public const string TranscriptTooLong = "transcript-too-long";

    /// <summary>True when trying again later may work.</summary>
    public bool IsTransient { get; } = isTransient;

    /// <summary>How long the service asked to wait, if it said.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>A short fixed code naming the failure.</summary>
    public string Code { get; } = code;

    /// <summary>
    /// True when the model answered but its output was unusable (<see cref="MalformedOutput"/>, <see cref="SchemaViolation"/>):
    /// transient, since another sample usually works, but worth only one more attempt.
    /// </summary>
    public bool IsOutputFault => Code is MalformedOutput or SchemaViolation;
}
