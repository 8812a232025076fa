using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Plexura.Tests.Fakes;

/// <summary>
/// A local Kestrel server that speaks Resend's <c>POST /emails</c> wire format, answering from a script of
/// responses (then <see cref="Otherwise"/>), so the real typed client, its headers and JSON run end to end.
/// </summary>
public sealed class FakeResendServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<ScriptedResponse> _script = new();
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();
    private readonly ConcurrentQueue<ReceivedRequest> _accepted = new();
    private WebApplication? _app;

    /// <summary>The server's base address, for example <c>http://127.0.0.1:54321</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyList<ReceivedRequest> Requests => [.. _received];

    /// <summary>How long every answer takes (a slow provider).</summary>
    public TimeSpan ResponseDelay { get; set; }

    /// <summary>The answer once the script is used up: 500 unless changed (for example to <see cref="Accepting"/>).</summary>
    public (int Status, string Body) Otherwise { get; set; } =
        (500, """{"statusCode":500,"name":"internal_server_error","message":"No scripted response."}""");

    /// <summary>An <see cref="Otherwise"/> that accepts every email.</summary>
    public static (int Status, string Body) Accepting => (200, """{"id":"4ef9a417-02e9-4d39-ad75-9611e0fcc33c"}""");

    /// <summary>Requests whose answer was 2xx, in order.</summary>
    public IReadOnlyList<ReceivedRequest> Accepted => [.. _accepted];

    public static async Task<FakeResendServer> StartAsync()
    {
        var server = new FakeResendServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/emails", server.HandleAsync);
        await app.StartAsync();
        server._app = app;
        server.BaseAddress = new Uri(app.Urls.Single());
        return server;
    }

    /// <summary>Answers the next request with 200 and <c>{ "id": ... }</c>.</summary>
    public FakeResendServer ThenAccept(string id = "4ef9a417-02e9-4d39-ad75-9611e0fcc33c") =>
        Then(200, JsonSerializer.Serialize(new { id }));

    /// <summary>Answers the next request with Resend's error body.</summary>
    public FakeResendServer ThenError(int status, string name, string message, int? retryAfterSeconds = null) =>
        Then(status, JsonSerializer.Serialize(new { statusCode = status, name, message }), retryAfterSeconds);

    public FakeResendServer Then(int status, string body, int? retryAfterSeconds = null)
    {
        _script.Enqueue(new ScriptedResponse(status, body, retryAfterSeconds));
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

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var received = new ReceivedRequest(
            context.Request.Method,
            context.Request.Path,
            context.Request.Headers.Authorization.ToString(),
            context.Request.Headers["Idempotency-Key"].ToString(),
            context.Request.ContentType ?? string.Empty,
            body);
        _received.Enqueue(received);
        if (ResponseDelay > TimeSpan.Zero)
        {
            await Task.Delay(ResponseDelay, context.RequestAborted);
        }

        var next = _script.TryDequeue(out var scripted)
            ? scripted
            : new ScriptedResponse(Otherwise.Status, Otherwise.Body, null);
        if (next.Status is >= 200 and < 300)
        {
            _accepted.Enqueue(received);
        }

        context.Response.StatusCode = next.Status;
        context.Response.ContentType = "application/json";
        if (next.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await context.Response.WriteAsync(next.Body, context.RequestAborted);
    }

    private sealed record ScriptedResponse(int Status, string Body, int? RetryAfterSeconds);
}

/// <summary>What the fake server saw.</summary>
public sealed record ReceivedRequest(string Method, string Path, string Authorization, string IdempotencyKey, string ContentType, string Body);
