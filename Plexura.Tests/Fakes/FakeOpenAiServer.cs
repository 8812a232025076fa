using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Plexura.Tests.Fakes;

/// <summary>One utterance the fake model "hears": a speaker label and the words.</summary>
public sealed record FakeUtterance(string Speaker, string Text);

/// <summary>What the fake server received in one transcription request, measured after decoding it with ffmpeg.</summary>
/// <param name="Number">The request's number, from 0, counting every request (failed ones too).</param>
/// <param name="Authorization">The Authorization header.</param>
/// <param name="Model">The <c>model</c> form field.</param>
/// <param name="ResponseFormat">The <c>response_format</c> form field, or null.</param>
/// <param name="ChunkingStrategy">The <c>chunking_strategy</c> form field, or null.</param>
/// <param name="TimestampGranularities">The <c>timestamp_granularities[]</c> form fields.</param>
/// <param name="FileName">The uploaded file's name.</param>
/// <param name="ByteCount">The uploaded file's size.</param>
/// <param name="Sha256">The uploaded file's SHA-256 (hex).</param>
/// <param name="Decoded">Whether ffmpeg decoded it as audio.</param>
/// <param name="Duration">The decoded audio's length (16 kHz mono).</param>
/// <param name="RmsDbfs">The decoded audio's RMS level in dBFS (-inf for digital silence).</param>
/// <param name="Pcm">The decoded samples: 16 kHz mono s16le.</param>
/// <param name="Status">The HTTP status answered.</param>
public sealed record FakeTranscriptionRequest(
    int Number,
    string Authorization,
    string Model,
    string? ResponseFormat,
    string? ChunkingStrategy,
    IReadOnlyList<string> TimestampGranularities,
    string FileName,
    int ByteCount,
    string Sha256,
    bool Decoded,
    TimeSpan Duration,
    double RmsDbfs,
    byte[] Pcm,
    int Status)
{
    /// <summary>Quieter than this counts as silence (a microphone that recorded nothing).</summary>
    public const double SilenceDbfs = -50;

    /// <summary>True when the audio decoded but is (near) silent.</summary>
    public bool IsSilent => Decoded && RmsDbfs < SilenceDbfs;
}

/// <summary>
/// A local Kestrel server speaking OpenAI's <c>POST /v1/audio/transcriptions</c> wire format (multipart form in;
/// <c>json</c>, <c>verbose_json</c>, <c>diarized_json</c> or <c>text</c> out) and <c>POST /v1/chat/completions</c>
/// (streamed as server-sent events, see the chat part), so the real SDK runs end to end.
/// </summary>
/// <remarks>
/// Every upload is decoded with ffmpeg to 16 kHz mono PCM and measured (length, RMS level, hash): undecodable audio
/// is answered 400 like OpenAI does, and silence is answered 400 too while <see cref="RejectSilence"/> is on. Each
/// request's metadata is logged in <see cref="Requests"/> for assertions. Failures can be scripted for the next
/// requests: 429 with Retry-After, any status, or a hang until the client gives up.
/// </remarks>
public sealed partial class FakeOpenAiServer : IAsyncDisposable
{
    private static readonly HashSet<string> KnownFormats = new(["json", "text", "verbose_json", "diarized_json"], StringComparer.Ordinal);

    private readonly ConcurrentQueue<Func<HttpContext, Task>> _failures = new();
    private readonly ConcurrentQueue<FakeTranscriptionRequest> _received = new();
    private int _count = -1;
    private WebApplication? _app;

    /// <summary>The base address to configure as the SDK's endpoint, for example <c>http://127.0.0.1:54321/v1</c>.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Every request received, in order of arrival.</summary>
    public IReadOnlyList<FakeTranscriptionRequest> Requests => [.. _received];

    /// <summary>The requests answered with 200.</summary>
    public IReadOnlyList<FakeTranscriptionRequest> Transcribed => [.. _received.Where(r => r.Status == 200)];

    /// <summary>Whether near-silent audio is refused with 400 (on by default: the pipeline should never send silence alone).</summary>
    public bool RejectSilence { get; set; } = true;

    /// <summary>What the model "hears" in a request; by default one utterance by speaker A: <c>segment-&lt;number&gt;</c>.</summary>
    public Func<FakeTranscriptionRequest, IReadOnlyList<FakeUtterance>> Speech { get; set; } =
        r => [new FakeUtterance("A", $"segment-{r.Number}")];

    /// <summary>Starts the server on a free loopback port.</summary>
    public static async Task<FakeOpenAiServer> StartAsync()
    {
        var server = new FakeOpenAiServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/v1/audio/transcriptions", server.HandleAsync);
        app.MapPost("/v1/chat/completions", server.HandleChatAsync);
        await app.StartAsync();
        server._app = app;
        server.Endpoint = new Uri(app.Urls.Single().TrimEnd('/') + "/v1");
        return server;
    }

    /// <summary>The next <paramref name="count"/> requests get 429 with <c>Retry-After: <paramref name="retryAfter"/></c> (seconds or an HTTP date).</summary>
    public FakeOpenAiServer FailNextWithRateLimit(int count, string retryAfter) =>
        FailNext(count, 429, "rate_limit_exceeded", ctx => ctx.Response.Headers.RetryAfter = retryAfter);

    /// <summary>The next <paramref name="count"/> requests get <paramref name="status"/> with OpenAI's error body.</summary>
    public FakeOpenAiServer FailNext(int count, int status, string code = "server_error", Action<HttpContext>? headers = null)
    {
        for (var i = 0; i < count; i++)
        {
            _failures.Enqueue(async ctx =>
            {
                ctx.Response.StatusCode = status;
                headers?.Invoke(ctx);
                await ctx.Response.WriteAsJsonAsync(new
                {
                    error = new { message = $"Scripted failure; the request said: {ctx.Items["secret"]}", type = "invalid_request_error", param = (string?)null, code },
                });
            });
        }

        return this;
    }

    /// <summary>The next <paramref name="count"/> requests never get an answer: the server waits until the client hangs up.</summary>
    public FakeOpenAiServer HangNext(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _failures.Enqueue(ctx => Task.Delay(Timeout.Infinite, ctx.RequestAborted));
        }

        return this;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>Decodes any audio file with ffmpeg to 16 kHz mono s16le; null when ffmpeg cannot.</summary>
    public static async Task<byte[]?> DecodeAsync(byte[] file, CancellationToken ct)
    {
        var path = Path.Combine(Path.GetTempPath(), $"plexura-fake-openai-{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(path, file, ct);
        try
        {
            var start = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-hide_banner", "-loglevel", "error", "-i", path, "-f", "s16le", "-ac", "1", "-ar", "16000", "pipe:1" })
            {
                start.ArgumentList.Add(a);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("ffmpeg did not start.");
            var stderr = process.StandardError.ReadToEndAsync(ct);
            using var pcm = new MemoryStream();
            await process.StandardOutput.BaseStream.CopyToAsync(pcm, ct);
            await process.WaitForExitAsync(ct);
            _ = await stderr;
            return process.ExitCode == 0 && pcm.Length > 0 ? pcm.ToArray() : null;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The RMS level of s16le samples in dBFS.</summary>
    public static double RmsDbfs(ReadOnlySpan<byte> pcm)
    {
        var samples = pcm.Length / 2;
        if (samples == 0)
        {
            return double.NegativeInfinity;
        }

        double sum = 0;
        for (var i = 0; i < samples; i++)
        {
            double s = BitConverter.ToInt16(pcm.Slice(i * 2, 2));
            sum += s * s;
        }

        var rms = Math.Sqrt(sum / samples) / 32768.0;
        return rms == 0 ? double.NegativeInfinity : 20 * Math.Log10(rms);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var number = Interlocked.Increment(ref _count);
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var file = form.Files.GetFile("file");
        byte[] bytes = [];
        if (file is not null)
        {
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, context.RequestAborted);
            bytes = buffer.ToArray();
        }

        var pcm = bytes.Length == 0 ? null : await DecodeAsync(bytes, context.RequestAborted);
        var request = new FakeTranscriptionRequest(
            number,
            context.Request.Headers.Authorization.ToString(),
            form["model"].ToString(),
            form.TryGetValue("response_format", out var formatField) ? formatField.ToString() : null,
            form.TryGetValue("chunking_strategy", out var chunking) ? chunking.ToString() : null,
            [.. form["timestamp_granularities[]"].Select(v => v ?? string.Empty)],
            file?.FileName ?? string.Empty,
            bytes.Length,
            Convert.ToHexStringLower(SHA256.HashData(bytes)),
            pcm is not null,
            TimeSpan.FromSeconds((pcm?.Length ?? 0) / 2 / 16000.0),
            pcm is null ? double.NegativeInfinity : RmsDbfs(pcm),
            pcm ?? [],
            0);

        // Error bodies echo what the request said, as some real ones do: the adapter must never pass them on.
        context.Items["secret"] = string.Join(' ', Speech(request).Select(u => u.Text));
        if (_failures.TryDequeue(out var failure))
        {
            try
            {
                await failure(context);
            }
            finally
            {
                // 0: the client hung up before an answer (a scripted hang).
                _received.Enqueue(request with { Status = context.RequestAborted.IsCancellationRequested ? 0 : context.Response.StatusCode });
            }

            return;
        }

        if (file is null || string.IsNullOrEmpty(request.Model))
        {
            await ErrorAsync(context, request, 400, "Missing required parameter.", "missing_required_parameter");
            return;
        }

        if (pcm is null)
        {
            await ErrorAsync(context, request, 400, "Audio file might be corrupted or unsupported", "invalid_value");
            return;
        }

        if (RejectSilence && request.IsSilent)
        {
            await ErrorAsync(context, request, 400, "The audio is silent (test server check).", "silent_audio");
            return;
        }

        if (request.ResponseFormat is { } format && !KnownFormats.Contains(format))
        {
            await ErrorAsync(context, request, 400, "Unsupported response_format.", "unsupported_value");
            return;
        }

        _received.Enqueue(request with { Status = 200 });
        await WriteTranscriptAsync(context, request, Speech(request));
    }

    private async Task ErrorAsync(HttpContext context, FakeTranscriptionRequest request, int status, string message, string code)
    {
        _received.Enqueue(request with { Status = status });
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(new { error = new { message, type = "invalid_request_error", param = "file", code } });
    }

    private static async Task WriteTranscriptAsync(HttpContext context, FakeTranscriptionRequest request, IReadOnlyList<FakeUtterance> speech)
    {
        var text = string.Join(' ', speech.Select(u => u.Text));
        var seconds = request.Duration.TotalSeconds;
        var share = speech.Count == 0 ? 0 : seconds / speech.Count;
        var format = request.ResponseFormat ?? "json";
        switch (format)
        {
            case "text":
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync(text);
                break;
            case "verbose_json":
                await WriteJsonAsync(context, new Dictionary<string, object?>
                {
                    ["task"] = "transcribe",
                    ["language"] = "english",
                    ["duration"] = seconds,
                    ["text"] = text,
                    ["segments"] = speech.Select((u, i) => new Dictionary<string, object?>
                    {
                        ["id"] = i,
                        ["seek"] = 0,
                        ["start"] = Math.Round(i * share, 2),
                        ["end"] = Math.Round((i + 1) * share, 2),
                        ["text"] = " " + u.Text,
                        ["tokens"] = new[] { 50364, 50414 },
                        ["temperature"] = 0.0,
                        ["avg_logprob"] = -0.25,
                        ["compression_ratio"] = 1.1,
                        ["no_speech_prob"] = 0.01,
                    }).ToList(),
                    ["usage"] = new { type = "duration", seconds = (int)Math.Ceiling(seconds) },
                });
                break;
            case "diarized_json":
                await WriteJsonAsync(context, new Dictionary<string, object?>
                {
                    ["task"] = "transcribe",
                    ["duration"] = seconds,
                    ["text"] = text,
                    ["segments"] = speech.Select((u, i) => new Dictionary<string, object?>
                    {
                        ["type"] = "transcript.text.segment",
                        ["id"] = $"seg_{i:000}",
                        ["start"] = Math.Round(i * share, 2),
                        ["end"] = Math.Round((i + 1) * share, 2),
                        ["text"] = u.Text,
                        ["speaker"] = u.Speaker,
                    }).ToList(),
                    ["usage"] = new { type = "duration", seconds = (int)Math.Ceiling(seconds) },
                });
                break;
            case "json":
                await WriteJsonAsync(context, new Dictionary<string, object?>
                {
                    ["text"] = text,
                    ["usage"] = new Dictionary<string, object?>
                    {
                        ["type"] = "tokens",
                        ["input_tokens"] = 14,
                        ["input_token_details"] = new { text_tokens = 0, audio_tokens = 14 },
                        ["output_tokens"] = 45,
                        ["total_tokens"] = 59,
                    },
                });
                break;
            default:
                throw new InvalidOperationException("Checked before.");
        }
    }

    private static async Task WriteJsonAsync(HttpContext context, object body)
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
