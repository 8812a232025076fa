using System.Buffers.Binary;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Plexura.Tests.Browser.Recorder;

/// <summary>
/// A small Kestrel app on loopback speaking the session audio contract of issue 11 (PUT chunk, stop, pause, resume,
/// session state, antiforgery token) and serving a test page that imports the real <c>recorder.js</c> and <c>api.js</c>
/// from Plexura.Web/wwwroot, so the browser module is tested in Chromium before the real endpoints are merged.
/// </summary>
public sealed class FakeIngestServer : IAsyncDisposable
{
    public const string CsrfToken = "fake-csrf-token";
    public const string RevokedDetail = "The client revoked consent to AI processing. Recording has stopped; nothing more is sent.";

    private const string TestPage = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Recorder test</title></head>
        <body><div id="meter" role="meter" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0"><div></div></div>
        <script type="module">
            import * as recorder from "/js/recorder.js";
            window.recorderModule = recorder;
            // What the worklet handed the recorder, before the recorder cuts it into chunks: FNV-1a over every sample.
            window.captured = { samples: 0, hash: 0x811c9dc5 };
            const fromWorklet = recorder.SessionRecorder.prototype.fromWorklet;
            recorder.SessionRecorder.prototype.fromWorklet = function (message) {
                if (message.type === "pcm") {
                    for (const sample of message.samples) {
                        window.captured.hash = Math.imul(window.captured.hash ^ (sample & 0xffff), 0x01000193) >>> 0;
                    }
                    window.captured.samples += message.samples.length;
                }
                return fromWorklet.call(this, message);
            };
            window.states = [];
            window.openRecorder = id => {
                window.rec = new recorder.SessionRecorder(id, s => { window.state = s; window.states.push(s.phase); });
                return window.rec;
            };
            window.testReady = true;
        </script></body></html>
        """;

    private readonly WebApplication _app;

    private FakeIngestServer(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    /// <summary>Every stored session by id.</summary>
    public ConcurrentDictionary<string, FakeSession> Sessions { get; } = new(StringComparer.Ordinal);

    public static async Task<FakeIngestServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeIngestServer(app);
        server.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        // localhost is a secure origin: getUserMedia and the wake lock work over plain HTTP there.
        server.Address = new UriBuilder(address) { Host = "localhost" }.Uri;
        return server;
    }

    public FakeSession Session(string id) => Sessions.GetOrAdd(id, _ => new FakeSession());

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static string WebRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "Plexura.Web", "wwwroot");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("Plexura.Web/wwwroot not found above the test output folder.");
    }

    private static IResult Problem(int status, string title, string detail, string? type = null) =>
        Results.Problem(statusCode: status, title: title, detail: detail, type: type);

    private void Map(WebApplication app)
    {
        var js = Path.Combine(WebRoot(), "js");
        app.MapGet("/recorder-test.html", () => Results.Content(TestPage, "text/html; charset=utf-8"));
        app.MapGet("/js/{file}", (string file) =>
        {
            var path = Path.Combine(js, Path.GetFileName(file));
            return File.Exists(path) ? Results.File(path, "text/javascript; charset=utf-8") : Results.NotFound();
        });
        app.MapGet("/api/v1/antiforgery-token", () => Results.Json(new { token = CsrfToken, headerName = "X-CSRF-TOKEN" }));
        app.MapGet("/api/v1/sessions/unfinished", () => Results.Json(
            Sessions.Where(s => s.Value.ChunkCount is null).Select(s => new { id = s.Key, status = s.Value.Status }).ToArray()));
        app.MapGet("/api/v1/sessions/{id}", (string id) =>
        {
            var session = Session(id);
            return Results.Json(new { id, status = session.Status, storedChunks = session.Chunks.Count, nextSequence = session.NextSequence, chunkCount = session.ChunkCount });
        });
        app.MapPut("/api/v1/sessions/{id}/audio/{sequence:int}", PutChunkAsync);
        app.MapPost("/api/v1/sessions/{id}/{action}", async (string id, string action, HttpRequest request) =>
        {
            if (request.Headers["X-CSRF-TOKEN"] != CsrfToken)
            {
                return Problem(403, "Request refused", "No antiforgery token.");
            }

            var session = Session(id);
            if (session.Unavailable)
            {
                return Problem(503, "Unavailable", "Restarting.");
            }

            switch (action)
            {
                case "stop":
                    var body = await request.ReadFromJsonAsync<StopBody>();
                    session.ChunkCount = body!.ChunkCount;
                    session.Status = "stopped";
                    break;
                case "pause":
                    session.Status = "paused";
                    break;
                case "resume":
                    session.Status = "recording";
                    break;
                default:
                    return Results.NotFound();
            }

            return Results.Json(new { id, status = session.Status });
        });
    }

    private async Task<IResult> PutChunkAsync(string id, int sequence, HttpRequest request)
    {
        if (request.Headers["X-CSRF-TOKEN"] != CsrfToken)
        {
            return Problem(403, "Request refused", "No antiforgery token.");
        }

        var session = Session(id);
        if (session.Unavailable)
        {
            return Problem(503, "Unavailable", "Restarting.");
        }

        if (session.ConsentRevoked)
        {
            return Problem(409, "Consent revoked", RevokedDetail, "https://plexura.app/problems/consent-revoked");
        }

        if (!string.Equals(request.ContentType, "audio/wav", StringComparison.OrdinalIgnoreCase))
        {
            return Problem(415, "Unsupported media type", "Send audio/wav.");
        }

        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        var bytes = body.ToArray();
        if (!IsCanonicalWav(bytes))
        {
            return Problem(400, "Not a WAV chunk", "Expected a 16 kHz mono 16-bit WAV with a 44-byte header.");
        }

        lock (session)
        {
            session.Puts++;
            if (session.ChunkCount is { } count && sequence >= count)
            {
                return Problem(409, "Session stopped", "The session was stopped before this chunk.");
            }

            if (session.Chunks.TryGetValue(sequence, out var stored))
            {
                return stored.AsSpan().SequenceEqual(bytes)
                    ? Results.Json(new { sequence, duplicate = true })
                    : Problem(409, "Different chunk", "A different chunk with this sequence is stored.");
            }

            session.Chunks[sequence] = bytes;
            session.Order.Add(sequence);
            while (session.Chunks.ContainsKey(session.NextSequence))
            {
                session.NextSequence++;
            }
        }

        return Results.Json(new { sequence, duplicate = false });
    }

    /// <summary>The canonical 44-byte header of ISSUE11: PCM, 1 channel, 16000 Hz, 16 bits, sizes consistent.</summary>
    public static bool IsCanonicalWav(ReadOnlySpan<byte> wav) =>
        wav.Length >= 44
        && wav[..4].SequenceEqual("RIFF"u8)
        && BinaryPrimitives.ReadUInt32LittleEndian(wav[4..]) == wav.Length - 8
        && wav[8..16].SequenceEqual("WAVEfmt "u8)
        && BinaryPrimitives.ReadUInt32LittleEndian(wav[16..]) == 16
        && BinaryPrimitives.ReadUInt16LittleEndian(wav[20..]) == 1
        && BinaryPrimitives.ReadUInt16LittleEndian(wav[22..]) == 1
        && BinaryPrimitives.ReadUInt32LittleEndian(wav[24..]) == 16000
        && BinaryPrimitives.ReadUInt32LittleEndian(wav[28..]) == 32000
        && BinaryPrimitives.ReadUInt16LittleEndian(wav[32..]) == 2
        && BinaryPrimitives.ReadUInt16LittleEndian(wav[34..]) == 16
        && wav[36..40].SequenceEqual("data"u8)
        && BinaryPrimitives.ReadUInt32LittleEndian(wav[40..]) == wav.Length - 44;

    private sealed record StopBody(int ChunkCount);
}

/// <summary>What the fake server holds for one session.</summary>
public sealed class FakeSession
{
    public ConcurrentDictionary<int, byte[]> Chunks { get; } = new();

    /// <summary>Sequences in the order they were first stored.</summary>
    public List<int> Order { get; } = [];

    public int NextSequence { get; set; }

    public int? ChunkCount { get; set; }

    public string Status { get; set; } = "recording";

    public int Puts { get; set; }

    /// <summary>Answers 503 to everything, as a restarting server does.</summary>
    public bool Unavailable { get; set; }

    /// <summary>Refuses chunks with 409 consent-revoked.</summary>
    public bool ConsentRevoked { get; set; }

    /// <summary>FNV-1a over the 16-bit samples of [from, pcm.Length), as the test page computes it.</summary>
    public static uint Fingerprint(short[] pcm, int from)
    {
        var hash = 0x811c9dc5u;
        for (var i = from; i < pcm.Length; i++)
        {
            hash = unchecked((hash ^ (ushort)pcm[i]) * 0x01000193u);
        }

        return hash;
    }

    /// <summary>How many samples chunks 0..n-1 hold.</summary>
    public int SamplesBefore(int n) => Enumerable.Range(0, n).Sum(i => (Chunks[i].Length - 44) / 2);

    /// <summary>The samples of chunks 0..n-1 joined, as 16-bit values.</summary>
    public short[] Pcm()
    {
        var all = new List<short>();
        for (var i = 0; i < Chunks.Count; i++)
        {
            var bytes = Chunks[i];
            for (var at = 44; at + 1 < bytes.Length; at += 2)
            {
                all.Add(BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(at)));
            }
        }

        return [.. all];
    }
}
