using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Plexura.Tests.Fakes;

/// <summary>What the fake chat model answers to one request.</summary>
/// <param name="Content">The assistant's content, streamed in pieces of <paramref name="ChunkSize"/> characters.</param>
/// <param name="ChunkSize">The characters per <c>delta.content</c> event.</param>
/// <param name="FinishReason">The last event's <c>finish_reason</c> (<c>stop</c>, <c>length</c>, <c>content_filter</c>); null: the stream ends without one and without <c>[DONE]</c> (cut off).</param>
/// <param name="Abort">After the content, reset the connection instead of ending the response.</param>
/// <param name="Refusal">A refusal streamed in <c>delta.refusal</c> instead of content.</param>
public sealed record FakeChatReply(string Content, int ChunkSize = 7, string? FinishReason = "stop", bool Abort = false, string? Refusal = null);

/// <summary>What the fake server received in one chat completions request.</summary>
/// <param name="Number">The request's number among chat requests, from 0 (failed ones too).</param>
/// <param name="Authorization">The Authorization header.</param>
/// <param name="Body">The JSON body as sent.</param>
/// <param name="Status">The HTTP status answered.</param>
public sealed record FakeChatRequest(int Number, string Authorization, JsonElement Body, int Status)
{
    /// <summary>The <c>model</c> field.</summary>
    public string? Model => Body.TryGetProperty("model", out var m) ? m.GetString() : null;

    /// <summary>Whether <c>stream</c> is true.</summary>
    public bool Stream => Body.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;

    /// <summary>The messages as (role, text content).</summary>
    public IReadOnlyList<(string Role, string Content)> Messages =>
        [.. Body.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("role").GetString()!, ContentOf(m.GetProperty("content"))))];

    /// <summary>The <c>response_format</c> object, if sent.</summary>
    public JsonElement? ResponseFormat => Body.TryGetProperty("response_format", out var f) ? f : null;

    private static string ContentOf(JsonElement content) => content.ValueKind == JsonValueKind.String
        ? content.GetString()!
        : string.Concat(content.EnumerateArray().Where(p => p.GetProperty("type").GetString() == "text").Select(p => p.GetProperty("text").GetString()));
}

/// <summary>
/// The chat part of the fake: <c>POST /v1/chat/completions</c> in OpenAI's wire format. A request with <c>stream: true</c>
/// is answered as server-sent events of <c>chat.completion.chunk</c> objects (a role delta, <c>delta.content</c> pieces, a
/// last chunk with <c>finish_reason</c>, a usage chunk when <c>stream_options.include_usage</c> is set, then
/// <c>data: [DONE]</c>); without it, one <c>chat.completion</c> object. Like OpenAI, a strict <c>json_schema</c> response
/// format whose objects do not all set <c>additionalProperties: false</c> and require every property is refused with 400.
/// </summary>
public sealed partial class FakeOpenAiServer
{
    private readonly ConcurrentQueue<FakeChatReply> _chatReplies = new();
    private readonly ConcurrentQueue<FakeChatRequest> _chatReceived = new();
    private int _chatCount = -1;

    /// <summary>Every chat request received, in order of arrival.</summary>
    public IReadOnlyList<FakeChatRequest> ChatRequests => [.. _chatReceived];

    /// <summary>The answer when nothing is scripted with <see cref="ReplyNext"/>: by default an empty draft.</summary>
    public Func<FakeChatRequest, FakeChatReply> ChatReply { get; set; } = _ => new FakeChatReply("""{"sections":[]}""");

    /// <summary>Runs before each content event is written (its index, from 0): a test can hold the stream there.</summary>
    public Func<int, CancellationToken, Task>? BeforeChatChunk { get; set; }

    /// <summary>The next chat request gets <paramref name="reply"/> (failures scripted with <see cref="FailNext"/> come first).</summary>
    public FakeOpenAiServer ReplyNext(FakeChatReply reply)
    {
        _chatReplies.Enqueue(reply);
        return this;
    }

    private async Task HandleChatAsync(HttpContext context)
    {
        var number = Interlocked.Increment(ref _chatCount);
        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var request = new FakeChatRequest(number, context.Request.Headers.Authorization.ToString(), body.RootElement.Clone(), 0);

        // Error bodies echo what the request said, as some real ones do: the adapter must never pass them on.
        context.Items["secret"] = request.Messages.Count > 0 ? request.Messages[^1].Content : string.Empty;
        if (_failures.TryDequeue(out var failure))
        {
            try
            {
                await failure(context);
            }
            finally
            {
                _chatReceived.Enqueue(request with { Status = context.RequestAborted.IsCancellationRequested ? 0 : context.Response.StatusCode });
            }

            return;
        }

        if (string.IsNullOrEmpty(request.Model) || !body.RootElement.TryGetProperty("messages", out var messages) || messages.GetArrayLength() == 0)
        {
            await ChatErrorAsync(context, request, 400, "Missing required parameter.", "missing_required_parameter");
            return;
        }

        if (request.ResponseFormat is { } format && format.GetProperty("type").GetString() == "json_schema"
            && format.GetProperty("json_schema") is var schema
            && schema.TryGetProperty("strict", out var strict) && strict.ValueKind == JsonValueKind.True
            && !IsStrictSchema(schema.GetProperty("schema")))
        {
            await ChatErrorAsync(context, request, 400, "Invalid schema for response_format: strict mode needs additionalProperties false and every property required.", "invalid_json_schema");
            return;
        }

        var reply = _chatReplies.TryDequeue(out var scripted) ? scripted : ChatReply(request);
        _chatReceived.Enqueue(request with { Status = 200 });
        if (request.Stream)
        {
            var includeUsage = body.RootElement.TryGetProperty("stream_options", out var so) && so.TryGetProperty("include_usage", out var iu) && iu.ValueKind == JsonValueKind.True;
            await StreamChatAsync(context, request, reply, includeUsage);
        }
        else
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(new JsonObject
            {
                ["id"] = $"chatcmpl-fake{number}",
                ["object"] = "chat.completion",
                ["created"] = 1_767_225_600,
                ["model"] = request.Model,
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = reply.Content, ["refusal"] = reply.Refusal },
                    ["logprobs"] = null,
                    ["finish_reason"] = reply.FinishReason,
                }),
                ["usage"] = Usage(reply),
            }.ToJsonString());
        }
    }

    /// <summary>Whether every object schema in <paramref name="schema"/> is closed and requires all its properties (OpenAI's strict rules).</summary>
    internal static bool IsStrictSchema(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        if (schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "object")
        {
            if (!schema.TryGetProperty("additionalProperties", out var additional) || additional.ValueKind != JsonValueKind.False
                || !schema.TryGetProperty("properties", out var properties) || !schema.TryGetProperty("required", out var required))
            {
                return false;
            }

            var requiredNames = required.EnumerateArray().Select(r => r.GetString()).ToHashSet(StringComparer.Ordinal);
            if (properties.EnumerateObject().Any(p => !requiredNames.Contains(p.Name)) || !properties.EnumerateObject().All(p => IsStrictSchema(p.Value)))
            {
                return false;
            }
        }

        return !schema.TryGetProperty("items", out var items) || IsStrictSchema(items);
    }

    private static JsonObject Usage(FakeChatReply reply) => new()
    {
        ["prompt_tokens"] = 120,
        ["completion_tokens"] = Math.Max(1, reply.Content.Length / 4),
        ["total_tokens"] = 120 + Math.Max(1, reply.Content.Length / 4),
    };

    private async Task StreamChatAsync(HttpContext context, FakeChatRequest request, FakeChatReply reply, bool includeUsage)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var id = $"chatcmpl-fake{request.Number}";
        var ct = context.RequestAborted;

        async Task EventAsync(JsonObject? delta, string? finishReason, JsonObject? usage = null)
        {
            var chunk = new JsonObject
            {
                ["id"] = id,
                ["object"] = "chat.completion.chunk",
                ["created"] = 1_767_225_600,
                ["model"] = request.Model,
                ["system_fingerprint"] = "fp_fake",
                ["choices"] = delta is null ? new JsonArray() : new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["delta"] = delta,
                    ["logprobs"] = null,
                    ["finish_reason"] = finishReason,
                }),
            };
            if (includeUsage)
            {
                chunk["usage"] = usage;
            }

            await context.Response.WriteAsync("data: " + chunk.ToJsonString() + "\n\n", Encoding.UTF8, ct);
            await context.Response.Body.FlushAsync(ct);
        }

        await EventAsync(new JsonObject { ["role"] = "assistant", ["content"] = string.Empty, ["refusal"] = null }, null);
        var pieces = reply.Refusal is { } refusal ? Pieces(refusal, reply.ChunkSize) : Pieces(reply.Content, reply.ChunkSize);
        for (var i = 0; i < pieces.Count; i++)
        {
            if (BeforeChatChunk is { } hold)
            {
                await hold(i, ct);
            }

            await EventAsync(reply.Refusal is null ? new JsonObject { ["content"] = pieces[i] } : new JsonObject { ["refusal"] = pieces[i] }, null);
        }

        if (reply.Abort)
        {
            context.Abort();
            return;
        }

        if (reply.FinishReason is null)
        {
            return;
        }

        await EventAsync(new JsonObject(), reply.FinishReason);
        if (includeUsage)
        {
            await EventAsync(null, null, Usage(reply));
        }

        await context.Response.WriteAsync("data: [DONE]\n\n", ct);
        await context.Response.Body.FlushAsync(ct);
    }

    private static List<string> Pieces(string text, int size)
    {
        var pieces = new List<string>();
        for (var i = 0; i < text.Length; i += size)
        {
            pieces.Add(text.Substring(i, Math.Min(size, text.Length - i)));
        }

        return pieces;
    }

    private async Task ChatErrorAsync(HttpContext context, FakeChatRequest request, int status, string message, string code)
    {
        _chatReceived.Enqueue(request with { Status = status });
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(new { error = new { message, type = "invalid_request_error", param = (string?)null, code } });
    }
}
