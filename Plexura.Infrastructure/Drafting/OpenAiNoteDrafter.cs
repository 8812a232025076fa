using System.ClientModel;
using System.ClientModel.Primitives;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenAI.Chat;
using Plexura.Core.Notes.Drafting;
using Plexura.Infrastructure.Configuration;
using Plexura.Infrastructure.OpenAi;

namespace Plexura.Infrastructure.Drafting;

/// <summary>Drafts notes through OpenAI's <c>POST /v1/chat/completions</c> with the official SDK, streamed, as Structured Outputs.</summary>
/// <remarks>
/// <para>The request (<see cref="DraftingPrompt"/>): fixed system instructions, the template's sections, and the
/// transcript as delimited JSON data; <c>response_format</c> is a strict JSON schema (<c>json_schema</c>) whose section
/// keys are the template's. The answer streams as server-sent events and is read by <see cref="DraftStreamParser"/>;
/// a snapshot is yielded for every piece of content, and the complete draft last, once the model finished.</para>
/// <para>One call is one attempt: the SDK's own retries are off, since the durable job retries with backoff. Failures map
/// to <see cref="NoteDraftingFailedException"/> with a fixed code: 429 (with its Retry-After), 408, 409, 5xx, timeouts,
/// network errors and a stream that ends before its <c>finish_reason</c> (<c>cut-off</c>) are transient; other 4xx,
/// a refusal, the content filter and <c>finish_reason: length</c> (<c>output-too-long</c>) are permanent; invalid JSON
/// (<c>malformed-output</c>) and JSON off the schema (<c>schema-violation</c>) are transient but
/// <see cref="NoteDraftingFailedException.IsOutputFault"/>, which the job retries once. The SDK's exception carries the
/// response body in its message, and the model's output is the patient's record: neither is ever wrapped, logged or
/// passed on, only the status and the code.</para>
/// <para>The client is rebuilt when the options change, so a key configured later is used without a restart.</para>
/// </remarks>
internal sealed class OpenAiNoteDrafter(
    IOptionsMonitor<OpenAiOptions> options, TimeProvider time, ILogger<OpenAiNoteDrafter> logger) : INoteDrafter
{
    /// <summary>The longest transcript sent, as JSON characters (about 100,000 tokens: well over a 90-minute session).</summary>
    public const int MaxTranscriptLength = 400_000;

    /// <summary>The most tokens the model may write for one draft.</summary>
    public const int MaxOutputTokens = 8_192;

    private readonly Lock _gate = new();
    private ConfiguredClient? _client;

    /// <inheritdoc />
    public bool IsConfigured => IsDraftingConfigured(options.CurrentValue);

    /// <inheritdoc />
    public async IAsyncEnumerable<NoteDraft> DraftAsync(NoteDraftRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var current = options.CurrentValue;
        if (!IsDraftingConfigured(current))
        {
            throw new NoteDraftingFailedException(isTransient: true, null, NoteDraftingFailedException.NotConfigured);
        }

        if (request.Transcript.Count == 0)
        {
            throw Logged(new NoteDraftingFailedException(isTransient: false, null, NoteDraftingFailedException.EmptyTranscript), 0);
        }

        var transcript = DraftingPrompt.TranscriptMessage(request);
        if (transcript.Length > MaxTranscriptLength)
        {
            throw Logged(new NoteDraftingFailedException(isTransient: false, null, NoteDraftingFailedException.TranscriptTooLong), 0);
        }

        var keys = request.Sections.Select(s => s.Key).ToList();
        var model = current.DraftingModel!;
        var parser = new DraftStreamParser(keys, model);
        var chatOptions = new ChatCompletionOptions
        {
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat(
                DraftingPrompt.SchemaName,
                DraftingPrompt.Schema(keys),
                "A clinical note draft: sections of statements, each citing its transcript lines.",
                jsonSchemaIsStrict: true),
            MaxOutputTokenCount = MaxOutputTokens,
        };
        ChatMessage[] messages =
        [
            new SystemChatMessage(DraftingPrompt.SystemInstructions),
            new UserChatMessage(DraftingPrompt.TemplateMessage(request)),
            new UserChatMessage(transcript),
        ];

        var client = ClientFor(current);
        var content = new StringBuilder();
        ChatFinishReason? finish = null;
        var sawContent = false;
        var updates = client.CompleteChatStreamingAsync(messages, chatOptions, ct).GetAsyncEnumerator(ct);
        try
        {
            while (true)
            {
                StreamingChatCompletionUpdate update;
                try
                {
                    if (!await updates.MoveNextAsync())
                    {
                        break;
                    }

                    update = updates.Current;
                }
                catch (ClientResultException ex)
                {
                    throw Failure(ex.Status, ex.GetRawResponse());
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw Logged(new NoteDraftingFailedException(isTransient: true, null, sawContent ? NoteDraftingFailedException.CutOff : NoteDraftingFailedException.Timeout), 0);
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException)
                {
                    throw Logged(new NoteDraftingFailedException(isTransient: true, null, sawContent ? NoteDraftingFailedException.CutOff : NoteDraftingFailedException.Network), 0);
                }
                catch (Exception ex) when (ex is System.Text.Json.JsonException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentException)
                {
                    // An event the SDK cannot read: the stream itself is broken.
                    throw Logged(new NoteDraftingFailedException(isTransient: true, null, NoteDraftingFailedException.CutOff), 200);
                }

                if (update.RefusalUpdate is { Length: > 0 })
                {
                    throw Logged(new NoteDraftingFailedException(isTransient: false, null, NoteDraftingFailedException.Refused), 200);
                }

                finish ??= update.FinishReason;
                content.Clear();
                foreach (var part in update.ContentUpdate)
                {
                    content.Append(part.Text);
                }

                if (content.Length == 0)
                {
                    continue;
                }

                sawContent = true;
                try
                {
                    parser.Append(content.ToString());
                }
                catch (DraftOutputException ex)
                {
                    throw Logged(OutputFailure(ex.Code), 200);
                }

                yield return parser.Snapshot();
            }
        }
        finally
        {
            await updates.DisposeAsync();
        }

        if (finish is null)
        {
            throw Logged(new NoteDraftingFailedException(isTransient: true, null, NoteDraftingFailedException.CutOff), 200);
        }

        if (finish == ChatFinishReason.Length)
        {
            throw Logged(new NoteDraftingFailedException(isTransient: false, null, NoteDraftingFailedException.OutputTooLong), 200);
        }

        if (finish == ChatFinishReason.ContentFilter)
        {
            throw Logged(new NoteDraftingFailedException(isTransient: false, null, NoteDraftingFailedException.ContentFiltered), 200);
        }

        NoteDraft complete;
        try
        {
            complete = parser.Complete();
        }
        catch (DraftOutputException ex)
        {
            throw Logged(OutputFailure(ex.Code), 200);
        }

        yield return complete;
    }

    /// <summary>Whether drafting can run: an API key and a drafting model are configured.</summary>
    internal static bool IsDraftingConfigured(OpenAiOptions o) => o.IsConfigured && !string.IsNullOrWhiteSpace(o.DraftingModel);

    private static NoteDraftingFailedException OutputFailure(string code) =>
        new(isTransient: code != NoteDraftingFailedException.OutputTooLong, null, code);

    private NoteDraftingFailedException Failure(int status, PipelineResponse? response)
    {
        var attempt = OpenAiCalls.Classify(status, response, time.GetUtcNow(), NoteDraftingFailedException.RateLimited, NoteDraftingFailedException.Network);
        return Logged(new NoteDraftingFailedException(attempt.IsTransient, attempt.RetryAfter, attempt.Code), status);
    }

    private NoteDraftingFailedException Logged(NoteDraftingFailedException failure, int status)
    {
        // Status and code only: the response body and the model's output may echo the transcript.
        logger.LogWarning(
            "Drafting attempt failed: {Code} (status {Status}, transient {Transient}, retry after {RetryAfter})",
            failure.Code, status, failure.IsTransient, failure.RetryAfter);
        return failure;
    }

    private ChatClient ClientFor(OpenAiOptions current)
    {
        lock (_gate)
        {
            if (_client is { } cached && cached.Matches(current))
            {
                return cached.Client;
            }

            var clientOptions = OpenAiCalls.ClientOptions(current);
            var client = new ChatClient(current.DraftingModel, new ApiKeyCredential(current.ApiKey!), clientOptions);
            _client = new ConfiguredClient(current.ApiKey!, current.Endpoint, current.DraftingModel!, current.Timeout, client);
            return client;
        }
    }

    private sealed record ConfiguredClient(string ApiKey, string? Endpoint, string Model, TimeSpan Timeout, ChatClient Client)
    {
        public bool Matches(OpenAiOptions o) =>
            string.Equals(ApiKey, o.ApiKey, StringComparison.Ordinal) && string.Equals(Endpoint, o.Endpoint, StringComparison.Ordinal)
            && string.Equals(Model, o.DraftingModel, StringComparison.Ordinal) && Timeout == o.Timeout;
    }
}
