using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Identity.SignUp;
using Plexura.Core.Sessions;
using Plexura.Core.Users;

namespace Plexura.Bench;

/// <summary>
/// Recorders against the real chunk endpoint (<c>PUT /api/v1/sessions/{id}/audio/{seq}</c>: Bearer token, consent
/// check, AES-GCM under the session key, SQLite) on Kestrel over loopback, ramped step by step; then the time from
/// <c>POST stop</c> to a complete transcript of a 50-minute session with a transcription server that answers at once.
/// </summary>
internal sealed class RecorderLoadBenchmarks(BenchOptions options)
{
    private const string Password = "Violet-Harbor-73!";
    private const double TargetP99Ms = 250;
    private const int DistinctChunks = 60;
    private const int MaxAttempts = 3;
    private static readonly string[] ConsentKinds = ["Recording", "AiProcessing"];
    private static readonly int[] Tokens = [1];

    /// <summary>Recorder ramp; every step reuses the sessions of the one before and adds new ones.</summary>
    public async Task RunIngestionAsync()
    {
        // No OpenAI key: segment jobs are queued but wait (not-configured, retried in 5 minutes), so ingestion is measured alone.
        await using var app = new BenchApp(new Dictionary<string, string?>
        {
            ["Plexura:Auth:BcryptWorkFactor"] = "10",
            ["Plexura:RateLimits:SignInPerMinute"] = "100000",
        });
        var address = app.Start();
        using var http = NewClient(address);
        var token = await OwnerTokenAsync(app, http);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var chunks = PseudoSpeech.Chunks(DistinctChunks, seed: 11);

        var maxRecorders = options.Recorders.Max();
        var stopwatch = Stopwatch.StartNew();
        var recorders = await ArrangeSessionsAsync(http, maxRecorders);
        Console.WriteLine($"Arranged {maxRecorders} clients with consents and started sessions through the API in {stopwatch.Elapsed.TotalSeconds:F1} s.");
        var (heapBase, rssBase) = Measure();

        var rows = new List<string>();
        int? best = null;
        var allHeld = true;
        foreach (var n in options.Recorders)
        {
            var step = await RunStepAsync(http, recorders.Take(n).ToList(), chunks);
            var (heap, rss) = Measure();
            var latency = LatencySummary.Of(step.Latencies);
            var late = LatencySummary.Of(step.Lateness);
            var ok = step.Lost == 0 && step.Duplicated == 0 && latency.P99Ms < TargetP99Ms;
            allHeld &= ok;
            if (allHeld)
            {
                best = n;
            }

            var row = $"| {n} | {step.Sent} | {latency.P50Ms:F0} | {latency.P99Ms:F0} | {latency.MaxMs:F0} | {late.P99Ms:F0} | {step.Failed} | {step.Lost} | " +
                      $"{step.Duplicated} | {(heap - heapBase) / 1024.0 / n:N0} | {(rss - rssBase) / 1024.0 / n:N0} | {step.CpuPercent:F0}% | {step.CpuMsPerChunk:F2} | " +
                      $"{step.Gen2Collections} | {step.GcPauseMs:F0} | {(ok ? "yes" : "no")} |";
            rows.Add(row);
            Console.WriteLine(row);
            if (latency.P99Ms > 20 * TargetP99Ms || step.Lost > 0)
            {
                Console.WriteLine("Stopping the ramp: the server no longer keeps up (bounded load).");
                break;
            }
        }

        // Every acknowledged chunk is stored exactly once: the session's stored count equals the acknowledged ones.
        var (mismatched, storedTotal, ackedTotal) = await VerifyStoredAsync(http, recorders);
        Console.WriteLine();
        Console.WriteLine($"Summary: recorders ({Environment.ProcessorCount} cores, {options.StepSeconds} s per step, one 5 s chunk per " +
                          $"{options.IntervalMs} ms per recorder)");
        Console.WriteLine("| recorders | chunks | p50 ms | p99 ms | max ms | send lag p99 ms | failed tries | lost | duplicated | heap KB/rec | RSS KB/rec | CPU | CPU ms/chunk | gen2 GCs | GC pause ms | ok |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var row in rows)
        {
            Console.WriteLine(row);
        }

        Console.WriteLine($"Stored check (GET session storedChunks/nextSequence): {storedTotal} stored, {ackedTotal} acknowledged, " +
                          $"{mismatched} sessions differ.");
        Console.WriteLine($"Most concurrent recorders with p99 < {TargetP99Ms} ms and nothing lost or duplicated, at that step and every smaller one: {best?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}");
        Console.WriteLine($"App log lines: {string.Join(", ", app.LogLines.Select(l => $"{l.Key} {l.Value}"))}");
    }

    /// <summary>Stop to transcribed for a long session, with an in-process OpenAI-compatible server that answers at once.</summary>
    public async Task RunStopToTranscriptAsync()
    {
        await using var openAi = await InstantOpenAi.StartAsync();
        await using var app = new BenchApp(new Dictionary<string, string?>
        {
            ["Plexura:Auth:BcryptWorkFactor"] = "10",
            ["Plexura:RateLimits:SignInPerMinute"] = "100000",
            ["Plexura:OpenAI:ApiKey"] = "sk-bench",
            ["Plexura:OpenAI:Endpoint"] = openAi.Endpoint.ToString(),
        });
        var address = app.Start();
        using var http = NewClient(address);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await OwnerTokenAsync(app, http));
        var chunkCount = options.SessionMinutes * 60 / 5;
        var chunks = PseudoSpeech.Chunks(chunkCount, seed: 50);
        var sessions = app.Services.GetRequiredService<IClinicalSessionRepository>();

        var stops = new List<long>();
        for (var run = 0; run < options.StopRuns; run++)
        {
            var recorder = (await ArrangeSessionsAsync(http, 1))[0];
            var upload = Stopwatch.StartNew();
            var latencies = new List<long>();
            for (var sequence = 0; sequence < chunkCount; sequence++)
            {
                var started = Stopwatch.GetTimestamp();
                var (status, _) = await PutAsync(http, recorder.SessionId, sequence, chunks[sequence]);
                latencies.Add(Stopwatch.GetTimestamp() - started);
                if (status != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"Chunk {sequence} answered {(int)status}.");
                }
            }

            var uploaded = upload.Elapsed;

            // Live, segments are transcribed while the session goes on: wait for every segment queued so far.
            var id = ClinicalSessionId.Parse(recorder.SessionId, null);
            var session = await sessions.GetAsync(recorder.PracticeId, id, CancellationToken.None) ?? throw new InvalidOperationException("No session.");
            await WaitAsync(() => TranscribedAllQueued(app, recorder.PracticeId, id, session.SegmentCount));

            var stop = Stopwatch.GetTimestamp();
            using (var response = await http.PostAsJsonAsync(new Uri($"/api/v1/sessions/{recorder.SessionId}/stop", UriKind.Relative), new { chunkCount }))
            {
                response.EnsureSuccessStatusCode();
            }

            ClinicalSession? done = null;
            await WaitAsync(async () =>
            {
                done = await sessions.GetAsync(recorder.PracticeId, id, CancellationToken.None);
                return done?.Status is ClinicalSessionStatus.Transcribed or ClinicalSessionStatus.Failed;
            }, pollMs: 1);
            var elapsed = Stopwatch.GetTimestamp() - stop;
            if (done!.Status != ClinicalSessionStatus.Transcribed)
            {
                throw new InvalidOperationException($"The session ended {done.Status} ({done.FailureCode}).");
            }

            stops.Add(elapsed);
            var upload50 = LatencySummary.Of(latencies);
            Console.WriteLine($"Run {run + 1}: {chunkCount} chunks uploaded one after another in {uploaded.TotalSeconds:F1} s " +
                              $"(p50 {upload50.P50Ms:F1} ms, p99 {upload50.P99Ms:F1} ms); {session.SegmentCount} segments transcribed before stop, " +
                              $"{done.SegmentCount} in all; stop -> transcribed {LatencySummary.ToMs(elapsed):F0} ms");
        }

        var summary = LatencySummary.Of(stops);
        Console.WriteLine();
        Console.WriteLine($"Summary: stop -> transcribed for a {options.SessionMinutes}-minute session ({chunkCount} chunks), {options.StopRuns} runs: " +
                          $"p50 {summary.P50Ms:F0} ms, max {summary.MaxMs:F0} ms (target < 500 ms); {openAi.Requests} transcription requests answered.");
    }

    private static bool TranscribedAllQueued(BenchApp app, PracticeId practiceId, ClinicalSessionId id, int segments)
    {
        var transcripts = app.Services.GetRequiredService<Core.Transcription.ITranscriptRepository>();
        return transcripts.ListSegmentsAsync(practiceId, id, CancellationToken.None).GetAwaiter().GetResult().Count >= segments;
    }

    private static Task WaitAsync(Func<bool> condition) => WaitAsync(() => Task.FromResult(condition()), 20);

    private static async Task WaitAsync(Func<Task<bool>> condition, int pollMs)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException("The condition was not met within 5 minutes.");
            }

            await Task.Delay(pollMs);
        }
    }

    private async Task<StepResult> RunStepAsync(HttpClient http, List<Recorder> recorders, byte[][] chunks)
    {
        var latencies = new ConcurrentBag<long>();
        var lateness = new ConcurrentBag<long>();
        int sent = 0, failed = 0, lost = 0, duplicated = 0;
        var interval = TimeSpan.FromMilliseconds(options.IntervalMs);
        var duration = TimeSpan.FromSeconds(options.StepSeconds);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var gen2Before = GC.CollectionCount(2);
        var pauseBefore = GC.GetTotalPauseDuration();
        var clock = Stopwatch.StartNew();

        await Task.WhenAll(recorders.Select(async (recorder, index) =>
        {
            // Recorders started at different moments: spread their first chunk over one interval.
            var offset = interval * ((double)index / recorders.Count);
            for (var k = 0; ; k++)
            {
                var due = offset + (interval * k);
                if (due >= duration)
                {
                    break;
                }

                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }

                lateness.Add((long)((clock.Elapsed - due).TotalSeconds * Stopwatch.Frequency));
                var sequence = recorder.NextSequence;
                var wav = chunks[sequence % chunks.Length];
                Interlocked.Increment(ref sent);
                var acknowledged = false;
                for (var attempt = 1; attempt <= MaxAttempts && !acknowledged; attempt++)
                {
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        var (status, duplicate) = await PutAsync(http, recorder.SessionId, sequence, wav);
                        if (status == HttpStatusCode.OK)
                        {
                            latencies.Add(Stopwatch.GetTimestamp() - started);
                            acknowledged = true;
                            // A duplicate on the first try means the chunk had been stored before: counted as duplicated.
                            if (duplicate && attempt == 1)
                            {
                                Interlocked.Increment(ref duplicated);
                            }
                        }
                        else
                        {
                            Interlocked.Increment(ref failed);
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                        Interlocked.Increment(ref failed);
                    }
                }

                if (acknowledged)
                {
                    recorder.NextSequence++;
                }
                else
                {
                    Interlocked.Increment(ref lost);
                    return;
                }
            }
        }));

        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        return new StepResult(sent, failed, lost, duplicated, [.. latencies], [.. lateness],
            100 * cpu.TotalSeconds / clock.Elapsed.TotalSeconds / Environment.ProcessorCount, sent == 0 ? 0 : cpu.TotalMilliseconds / sent,
            GC.CollectionCount(2) - gen2Before, (GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds);
    }

    private static async Task<(HttpStatusCode Status, bool Duplicate)> PutAsync(HttpClient http, string sessionId, int sequence, byte[] wav)
    {
        using var content = new ByteArrayContent(wav);
        content.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        using var response = await http.PutAsync(new Uri($"/api/v1/sessions/{sessionId}/audio/{sequence}", UriKind.Relative), content);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (response.StatusCode, false);
        }

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, body.GetProperty("duplicate").GetBoolean());
    }

    private static async Task<(int Mismatched, long Stored, long Acked)> VerifyStoredAsync(HttpClient http, List<Recorder> recorders)
    {
        int mismatched = 0;
        long stored = 0, acked = 0;
        foreach (var recorder in recorders)
        {
            var session = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/sessions/{recorder.SessionId}", UriKind.Relative));
            var storedChunks = session.GetProperty("storedChunks").GetInt32();
            var next = session.GetProperty("nextSequence").GetInt32();
            stored += storedChunks;
            acked += recorder.NextSequence;
            if (storedChunks != recorder.NextSequence || next != recorder.NextSequence)
            {
                mismatched++;
            }
        }

        return (mismatched, stored, acked);
    }

    /// <summary>N clients, each with both consents and a started session, through the API with the owner's token (8 at a time).</summary>
    private static async Task<List<Recorder>> ArrangeSessionsAsync(HttpClient http, int count)
    {
        var recorders = new Recorder[count];
        using var gate = new SemaphoreSlim(8);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var client = await PostAsync(http, "/api/v1/clients", new { name = $"Bench Client {i}", dateOfBirth = "1988-04-12" });
                var clientId = client.GetProperty("id").GetString()!;
                foreach (var kind in ConsentKinds)
                {
                    await PostAsync(http, $"/api/v1/clients/{clientId}/consents", new { kind, method = "Written", effectiveFrom = DateTimeOffset.UtcNow.AddMinutes(-1) });
                }

                var session = await PostAsync(http, $"/api/v1/clients/{clientId}/sessions", null);
                recorders[i] = new Recorder(session.GetProperty("id").GetString()!, PracticeId);
            }
            finally
            {
                gate.Release();
            }
        }));
        return [.. recorders];
    }

    private static PracticeId PracticeId { get; set; }

    private static async Task<JsonElement> PostAsync(HttpClient http, string path, object? body)
    {
        using var response = await http.PostAsync(new Uri(path, UriKind.Relative), body is null ? null : JsonContent.Create(body));
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>A verified owner through the real sign-up use case, and a Bearer token through the real token endpoint.</summary>
    private static async Task<string> OwnerTokenAsync(BenchApp app, HttpClient http)
    {
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var signUp = await scope.ServiceProvider.GetRequiredService<SignUpHandler>()
                .HandleAsync(new SignUpCommand("Riverbend Counseling", "Dana Reyes", email, Password), ClientInfo.Unknown, CancellationToken.None);
            var users = scope.ServiceProvider.GetRequiredService<IUserRepository>();
            var user = await users.GetAsync(signUp.UserId, CancellationToken.None);
            await users.UpdateAsync(user! with { EmailVerifiedAt = DateTimeOffset.UtcNow }, CancellationToken.None);
            PracticeId = signUp.PracticeId;
        }

        using var response = await http.PostAsJsonAsync(new Uri("/api/v1/auth/token", UriKind.Relative), new { email, password = Password });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return response.StatusCode == HttpStatusCode.OK && body.TryGetProperty("accessToken", out var token)
            ? token.GetString()!
            : throw new InvalidOperationException($"Signing in answered {(int)response.StatusCode}: {body}");
    }

    private static HttpClient NewClient(Uri address) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(30),
        };

    private static (long Heap, long Rss) Measure()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: true), process.WorkingSet64);
    }

    private sealed class Recorder(string sessionId, PracticeId practiceId)
    {
        public string SessionId { get; } = sessionId;

        public PracticeId PracticeId { get; } = practiceId;

        public int NextSequence { get; set; }
    }

    private sealed record StepResult(int Sent, int Failed, int Lost, int Duplicated, long[] Latencies, long[] Lateness, double CpuPercent, double CpuMsPerChunk,
        int Gen2Collections, double GcPauseMs);

    /// <summary>OpenAI's <c>POST /v1/audio/transcriptions</c> on loopback, answering every request at once with one line of text.</summary>
    /// <remarks>The request is read completely (the multipart upload is part of the measured path); the model's time is zero.</remarks>
    private sealed class InstantOpenAi : IAsyncDisposable
    {
        private WebApplication _app = null!;
        private int _requests;

        public Uri Endpoint { get; private set; } = null!;

        public int Requests => Volatile.Read(ref _requests);

        public static async Task<InstantOpenAi> StartAsync()
        {
            var server = new InstantOpenAi();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 64 * 1024 * 1024);
            server._app = builder.Build();
            server._app.MapPost("/v1/audio/transcriptions", async (HttpContext context) =>
            {
                var form = await context.Request.ReadFormAsync();
                var seconds = form.Files[0].Length / 32000.0;
                Interlocked.Increment(ref server._requests);
                var format = form["response_format"].ToString();
                object body = format switch
                {
                    "verbose_json" => new Dictionary<string, object?>
                    {
                        ["task"] = "transcribe",
                        ["language"] = "english",
                        ["duration"] = seconds,
                        ["text"] = "words",
                        ["segments"] = new[] { new Dictionary<string, object?> { ["id"] = 0, ["seek"] = 0, ["start"] = 0.0, ["end"] = seconds, ["text"] = " words", ["tokens"] = Tokens, ["temperature"] = 0.0, ["avg_logprob"] = -0.2, ["compression_ratio"] = 1.0, ["no_speech_prob"] = 0.01 } },
                    },
                    "diarized_json" => new Dictionary<string, object?>
                    {
                        ["task"] = "transcribe",
                        ["duration"] = seconds,
                        ["text"] = "words",
                        ["segments"] = new[] { new Dictionary<string, object?> { ["type"] = "transcript.text.segment", ["id"] = "seg_0", ["start"] = 0.0, ["end"] = seconds, ["text"] = "words", ["speaker"] = "A" } },
                    },
                    _ => new Dictionary<string, object?> { ["text"] = "words" },
                };
                return Results.Json(body);
            });
            await server._app.StartAsync();
            server.Endpoint = new Uri(server._app.Urls.First().TrimEnd('/') + "/v1");
            return server;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
