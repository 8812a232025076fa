using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Identity.SignUp;
using Plexura.Core.Notes;
using Plexura.Core.Notes.Drafting;
using Plexura.Core.Sessions;
using Plexura.Core.Transcription;
using Plexura.Core.Transcription.TranscribeSegment;
using Plexura.Core.Users;

namespace Plexura.Bench;

/// <summary>
/// Drafting latency through the real path: <see cref="TranscriptCompletion"/> marks a session transcribed, the real
/// <c>SessionNoteStarter</c> queues <c>draft-note</c>, the real job runner (production poll interval, woken by the
/// enqueue) runs <see cref="DraftNoteJob"/> with the real <c>OpenAiNoteDrafter</c> and OpenAI SDK against a loopback
/// server that streams chat-completion chunks (SSE) at a set pace, and the notes store applies the draft.
/// </summary>
/// <remarks>
/// <para>Measured per note: (a) <c>TryCompleteAsync</c> called -> the chat request arrives at the server; (b) the first
/// content token flushed by the server -> the first drafted words, in the editor (headless Chromium on /notes/{id}, a
/// MutationObserver plus a 4 ms poll of editable values, page clock vs server clock on the same machine) when the note
/// page exists, and always in process (a subscriber of <see cref="INoteDraftFeed"/> receives a statement with text);
/// (c) first token -> the complete draft stored (the feed's complete progress, published right after ApplyAsync).</para>
/// <para>The stream is held after the request arrives until the page (if any) has subscribed, so (a) is not affected
/// and (b) starts from a page that is open, as a clinician's would be. One untimed note warms up first.</para>
/// </remarks>
internal sealed class DraftingBenchmarks(BenchOptions options)
{
    private const string Password = "Violet-Harbor-73!";

    /// <summary>The first drafted word: its own stream chunk, and found nowhere else on the page.</summary>
    private const string Marker = "Describes";

    private static readonly string[] ConsentKinds = ["Recording", "AiProcessing"];

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public async Task RunAsync()
    {
        await using var server = await PacedChatServer.StartAsync(TimeSpan.FromMilliseconds(options.TokenMs));
        ProbeFeed? probe = null;
        await using var app = new BenchApp(
            new Dictionary<string, string?>
            {
                ["Plexura:Auth:BcryptWorkFactor"] = "10",
                ["Plexura:RateLimits:SignInPerMinute"] = "100000",
                ["Plexura:OpenAI:ApiKey"] = "sk-bench",
                ["Plexura:OpenAI:Endpoint"] = server.Endpoint.ToString(),
            },
            services => services.Replace(ServiceDescriptor.Singleton<INoteDraftFeed>(sp =>
                probe = new ProbeFeed(new InProcessNoteDraftFeed(sp.GetRequiredService<ILogger<InProcessNoteDraftFeed>>())))));
        var address = app.Start();
        var feed = app.Services.GetRequiredService<INoteDraftFeed>();
        probe ??= (ProbeFeed)feed;
        var pollInterval = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Plexura.Infrastructure.Configuration.JobOptions>>().Value.PollInterval;
        Console.WriteLine($"Options: notes={options.DraftNotes} (+1 warm-up) token-ms={options.TokenMs} browser={options.DraftBrowser}; " +
                          $"Plexura:Jobs:PollInterval = {pollInterval.TotalSeconds:F0} s (production default, not set here); the enqueue wakes the runner.");
        Console.WriteLine($"Model output per note: {server.Pieces.Count} content chunks ({server.Content.Length} characters of JSON), " +
                          $"first drafted word in chunk {server.MarkerIndex + 1}, so {server.MarkerIndex * options.TokenMs} ms of model time before it.");

        var email = $"owner-{Guid.NewGuid():N}@example.com";
        var (practiceId, userId) = await SignUpVerifiedAsync(app.Services, email);
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(http, email));
        var clientId = await ArrangeClientAsync(http);

        Browser? browser = options.DraftBrowser == "off" ? null : await Browser.OpenAsync(address, email);
        try
        {
            var rows = new List<NoteTimes>();
            for (var n = 0; n <= options.DraftNotes; n++)
            {
                var times = await DraftOneAsync(app, server, probe, practiceId, userId, clientId, browser);
                if (browser is { Available: false } && options.DraftBrowser == "on")
                {
                    throw new InvalidOperationException($"The note page is not available: {browser.Why}");
                }

                if (n == 0)
                {
                    Console.WriteLine($"Warm-up note: a {times.ToRequestMs:F0} ms, b in process {times.FirstWordsInProcessMs:F0} ms, " +
                                      $"b in the page {(times.FirstWordsRenderedMs is { } r ? r.ToString("F0", CultureInfo.InvariantCulture) : "-")} ms, c {times.StoredMs:F0} ms (not counted)");
                    if (browser is { Available: false })
                    {
                        Console.WriteLine($"Note page not measured: {browser.Why}. Measuring the in-process part only.");
                    }

                    continue;
                }

                rows.Add(times);
            }

            Console.WriteLine();
            Console.WriteLine($"Summary: drafting ({Environment.ProcessorCount} cores, {options.DraftNotes} notes, one {options.TokenMs} ms chunk at a time, " +
                              $"{server.Pieces.Count} chunks per draft)");
            Console.WriteLine("| interval | p50 ms | p95 ms | max ms |");
            Console.WriteLine("| --- | --- | --- | --- |");
            Row("(a) transcript complete (TryCompleteAsync called) -> drafting request at the server", rows.Select(r => r.ToRequestMs));
            Row("    of which TryCompleteAsync itself (note created, risk scan, job queued)", rows.Select(r => r.CompleteCallMs));
            Row("(b) first token sent -> first words rendered in the note page", rows.Where(r => r.FirstWordsRenderedMs is not null).Select(r => r.FirstWordsRenderedMs!.Value));
            Row("    first word's own chunk sent -> rendered in the note page (app + browser only)", rows.Where(r => r.MarkerRenderedMs is not null).Select(r => r.MarkerRenderedMs!.Value));
            Row("(b') first token sent -> DraftProgress with the first words on INoteDraftFeed (in process)", rows.Select(r => r.FirstWordsInProcessMs));
            Row("    first word's own chunk sent -> that DraftProgress (in process, app only)", rows.Select(r => r.MarkerInProcessMs));
            Row("(c) first token sent -> complete draft stored (ApplyAsync done)", rows.Select(r => r.StoredMs));
            Row("    last token sent -> complete draft stored", rows.Select(r => r.LastToStoredMs));
            Console.WriteLine($"Clock: server send times are DateTimeOffset.UtcNow after the flush; the page's are performance.timeOrigin + performance.now().");
            Console.WriteLine($"App log lines: {string.Join(", ", app.LogLines.Select(l => $"{l.Key} {l.Value}"))}");
        }
        finally
        {
            if (browser is not null)
            {
                await browser.DisposeAsync();
            }
        }
    }

    private static void Row(string name, IEnumerable<double> samples)
    {
        var sorted = samples.Order().ToArray();
        if (sorted.Length == 0)
        {
            Console.WriteLine($"| {name} | - | - | - |");
            return;
        }

        double At(double f) => sorted[Math.Max(0, (int)Math.Min(sorted.Length - 1, Math.Ceiling(f * sorted.Length) - 1))];
        Console.WriteLine($"| {name} | {At(0.5):F0} | {At(0.95):F0} | {sorted[^1]:F0} |");
    }

    private static async Task<NoteTimes> DraftOneAsync(
        BenchApp app, PacedChatServer server, ProbeFeed probe, PracticeId practiceId, UserId userId, ClientId clientId, Browser? browser)
    {
        var ct = CancellationToken.None;
        var sessionId = await ArrangeTranscriptAsync(app.Services, practiceId, userId, clientId);
        var run = server.Expect();

        var completeCalled = DateTimeOffset.UtcNow;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            if (!await scope.ServiceProvider.GetRequiredService<TranscriptCompletion>().TryCompleteAsync(practiceId, sessionId, ct))
            {
                throw new InvalidOperationException("TryCompleteAsync did not complete the transcript.");
            }
        }

        var completeReturned = DateTimeOffset.UtcNow;
        var requestAt = await run.RequestArrived.Task.WaitAsync(Timeout);
        var note = await app.Services.GetRequiredService<INoteRepository>().FindForSessionAsync(practiceId, sessionId, ct)
                   ?? throw new InvalidOperationException("No note was started.");

        DateTimeOffset? firstWords = null;
        var stored = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = probe.Inner.Subscribe(practiceId, note.Id, progress =>
        {
            var now = DateTimeOffset.UtcNow;
            if (firstWords is null && progress.Draft.Sections.Any(s => s.Statements.Any(t => t.Text.Length > 0)))
            {
                firstWords = now;
            }

            if (progress.FailureCode is { } code)
            {
                stored.TrySetException(new InvalidOperationException($"Drafting failed: {code}"));
            }
            else if (progress.IsComplete)
            {
                stored.TrySetResult(now);
            }
        });

        var page = browser is { Available: true } ? await browser.OpenNoteAsync(note.Id, () => probe.Subscribers(practiceId, note.Id) > 0) : false;
        run.Release();
        var storedAt = await stored.Task.WaitAsync(Timeout);
        double? rendered = null, markerRendered = null;
        if (page && await browser!.RenderedAtAsync() is { } renderedAt)
        {
            rendered = (renderedAt - run.FirstTokenSent).TotalMilliseconds;
            markerRendered = (renderedAt - run.MarkerSent).TotalMilliseconds;
        }

        return new NoteTimes(
            (requestAt - completeCalled).TotalMilliseconds,
            (completeReturned - completeCalled).TotalMilliseconds,
            rendered,
            markerRendered,
            (firstWords!.Value - run.FirstTokenSent).TotalMilliseconds,
            (firstWords.Value - run.MarkerSent).TotalMilliseconds,
            (storedAt - run.FirstTokenSent).TotalMilliseconds,
            (storedAt - run.LastTokenSent).TotalMilliseconds);
    }

    /// <summary>A session stopped and transcribing, with its one segment's machine transcript stored (40 lines), ready to complete.</summary>
    private static async Task<ClinicalSessionId> ArrangeTranscriptAsync(IServiceProvider services, PracticeId practiceId, UserId userId, ClientId clientId)
    {
        var ct = CancellationToken.None;
        var now = DateTimeOffset.UtcNow;
        var session = new ClinicalSession(ClinicalSessionId.New(), practiceId, clientId, userId, now.AddMinutes(-10), ClinicalSessionStatus.Transcribing, [])
        {
            StoppedAt = now,
            ChunkCount = 120,
            SegmentCount = 1,
            SegmentedSamples = 600 * 16_000,
        };
        await services.GetRequiredService<IClinicalSessionRepository>().AddAsync(practiceId, session, ct);
        var spans = Enumerable.Range(0, 40).Select(i => new TranscribedSpan(
            TimeSpan.FromSeconds(i * 15), TimeSpan.FromSeconds((i * 15) + 14), TranscriptLines[i % TranscriptLines.Length], i % 2 == 0 ? "A" : "B")).ToList();
        await services.GetRequiredService<TranscriptProtector>().SaveMachineTextAsync(
            practiceId, session.Id, 0, TimeSpan.Zero, TimeSpan.FromMinutes(10), new TranscriptionResult(spans, "gpt-4o-transcribe-diarize"), ct);
        return session.Id;
    }

    private static readonly string[] TranscriptLines =
    [
        "How has the week been since we last met?",
        "Better on the whole, I slept through most nights and went walking twice.",
        "What helped with the sleep, do you think?",
        "Keeping the phone out of the bedroom, like we talked about, and the breathing exercise.",
        "And the worry about work, where is that now?",
        "Still there on Sunday evenings, but it passed quicker than before.",
        "Let us look at the thought record you brought.",
        "I wrote down that I would fail the review, then that my manager had praised the report.",
    ];

    private static async Task<(PracticeId, UserId)> SignUpVerifiedAsync(IServiceProvider services, string email)
    {
        await using var scope = services.CreateAsyncScope();
        var signUp = await scope.ServiceProvider.GetRequiredService<SignUpHandler>()
            .HandleAsync(new SignUpCommand("Riverbend Counseling", "Dana Reyes", email, Password), ClientInfo.Unknown, CancellationToken.None);
        var users = scope.ServiceProvider.GetRequiredService<IUserRepository>();
        var user = await users.GetAsync(signUp.UserId, CancellationToken.None);
        await users.UpdateAsync(user! with { EmailVerifiedAt = DateTimeOffset.UtcNow }, CancellationToken.None);
        return (signUp.PracticeId, signUp.UserId);
    }

    private static async Task<string> TokenAsync(HttpClient http, string email)
    {
        using var response = await http.PostAsJsonAsync(new Uri("/api/v1/auth/token", UriKind.Relative), new { email, password = Password });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return response.StatusCode == HttpStatusCode.OK && body.TryGetProperty("accessToken", out var token)
            ? token.GetString()!
            : throw new InvalidOperationException($"Signing in answered {(int)response.StatusCode}.");
    }

    /// <summary>One client with both consents, through the API.</summary>
    private static async Task<ClientId> ArrangeClientAsync(HttpClient http)
    {
        var client = await PostAsync(http, "/api/v1/clients", new { name = "Bench Client", dateOfBirth = "1988-04-12" });
        var clientId = client.GetProperty("id").GetString()!;
        foreach (var kind in ConsentKinds)
        {
            await PostAsync(http, $"/api/v1/clients/{clientId}/consents", new { kind, method = "Written", effectiveFrom = DateTimeOffset.UtcNow.AddMinutes(-1) });
        }

        return ClientId.Parse(clientId, CultureInfo.InvariantCulture);
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}.");
        }

        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private sealed record NoteTimes(
        double ToRequestMs,
        double CompleteCallMs,
        double? FirstWordsRenderedMs,
        double? MarkerRenderedMs,
        double FirstWordsInProcessMs,
        double MarkerInProcessMs,
        double StoredMs,
        double LastToStoredMs);

    /// <summary>The app's real feed, counting subscriptions per note (to know when the note page listens).</summary>
    private sealed class ProbeFeed(InProcessNoteDraftFeed inner) : INoteDraftFeed
    {
        private readonly Dictionary<(PracticeId, NoteId), int> _subscribers = [];
        private readonly Lock _gate = new();

        public InProcessNoteDraftFeed Inner { get; } = inner;

        public int Subscribers(PracticeId practiceId, NoteId noteId)
        {
            lock (_gate)
            {
                return _subscribers.GetValueOrDefault((practiceId, noteId));
            }
        }

        public void Publish(PracticeId practiceId, NoteId noteId, DraftProgress progress) => Inner.Publish(practiceId, noteId, progress);

        public IDisposable Subscribe(PracticeId practiceId, NoteId noteId, Action<DraftProgress> onProgress)
        {
            var subscription = Inner.Subscribe(practiceId, noteId, onProgress);
            Count((practiceId, noteId), 1);
            return new Counted(subscription, () => Count((practiceId, noteId), -1));
        }

        private void Count((PracticeId, NoteId) key, int delta)
        {
            lock (_gate)
            {
                _subscribers[key] = _subscribers.GetValueOrDefault(key) + delta;
            }
        }

        private sealed class Counted(IDisposable inner, Action onDispose) : IDisposable
        {
            private int _disposed;

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _disposed, 1) == 0)
                {
                    inner.Dispose();
                    onDispose();
                }
            }
        }
    }

    /// <summary>Headless Debian Chromium, signed in through the real form, with one tab that opens each note's page.</summary>
    private sealed class Browser : IAsyncDisposable
    {
        /// <summary>Records when the marker first appears in the page's text or in an editable value (page clock, ms since the epoch).</summary>
        private const string ObserverScript = """
            (marker) => {
              window.__firstWordsAt = null;
              const seen = () => {
                if (window.__firstWordsAt !== null) return;
                let found = document.body.textContent.includes(marker);
                if (!found) {
                  for (const e of document.querySelectorAll('textarea, input, [contenteditable]')) {
                    if ((e.value || '').includes(marker)) { found = true; break; }
                  }
                }
                if (found) {
                  window.__firstWordsAt = performance.timeOrigin + performance.now();
                  observer.disconnect();
                  clearInterval(timer);
                }
              };
              const observer = new MutationObserver(seen);
              observer.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
              const timer = setInterval(seen, 4);
              const already = document.body.textContent.includes(marker);
              return already;
            }
            """;

        private IPlaywright _playwright = null!;
        private IBrowser _browser = null!;
        private IPage _page = null!;

        public bool Available { get; private set; } = true;

        public string? Why { get; private set; }

        public static async Task<Browser> OpenAsync(Uri address, string email)
        {
            var browser = new Browser();
            // Browsers treat localhost as a secure origin, so the Secure __Host- cookie works over plain HTTP.
            var origin = new UriBuilder(address) { Host = "localhost" }.Uri;
            browser._playwright = await Playwright.CreateAsync();
            browser._browser = await browser._playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = "/usr/lib/chromium/chromium",
                Headless = true,
                Args = ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            });
            var context = await browser._browser.NewContextAsync(new() { BaseURL = origin.ToString() });
            browser._page = await context.NewPageAsync();
            await browser._page.GotoAsync("/account/sign-in");
            await browser._page.FillAsync("#email", email);
            await browser._page.FillAsync("#password", Password);
            await browser._page.ClickAsync("#sign-in-submit");
            await browser._page.WaitForURLAsync(url => !url.Contains("/account/sign-in", StringComparison.Ordinal), new() { Timeout = 60_000 });
            return browser;
        }

        /// <summary>Opens /notes/{id}, waits for its circuit to subscribe to the feed and starts watching; false when there is no such page.</summary>
        public async Task<bool> OpenNoteAsync(NoteId noteId, Func<bool> subscribed)
        {
            var path = $"/notes/{noteId}";
            var response = await _page.GotoAsync(path);
            if (response is null || response.Status != 200 || new Uri(_page.Url).AbsolutePath != path)
            {
                return Unavailable($"GET {path} answered {response?.Status.ToString(CultureInfo.InvariantCulture) ?? "nothing"} at {new Uri(_page.Url).AbsolutePath}");
            }

            try
            {
                // Interactive (the layout's buttons are disabled until the circuit is connected) and the note loaded.
                await _page.WaitForSelectorAsync("#theme-toggle:not([disabled])", new() { Timeout = 60_000 });
                await _page.WaitForSelectorAsync("#note-sections", new() { Timeout = 60_000 });
            }
            catch (TimeoutException)
            {
                return Unavailable($"{path} did not show #note-sections within 60 s");
            }

            var deadline = Stopwatch.StartNew();
            while (!subscribed())
            {
                if (deadline.Elapsed > TimeSpan.FromSeconds(20))
                {
                    return Unavailable("the page did not subscribe to INoteDraftFeed within 20 s");
                }

                await Task.Delay(5);
            }

            if (await _page.EvaluateAsync<bool>(ObserverScript, Marker))
            {
                return Unavailable($"the page shows \"{Marker}\" before the draft streams");
            }

            return true;
        }

        /// <summary>When the first drafted words were in the page (waits up to 10 s), or null.</summary>
        public async Task<DateTimeOffset?> RenderedAtAsync()
        {
            try
            {
                await _page.WaitForFunctionAsync("() => window.__firstWordsAt !== null", null, new() { Timeout = 10_000, PollingInterval = 20 });
            }
            catch (TimeoutException)
            {
                Unavailable("the first drafted words never appeared in the page");
                return null;
            }

            var at = await _page.EvaluateAsync<double>("() => window.__firstWordsAt");
            return DateTimeOffset.FromUnixTimeMilliseconds(0).AddTicks((long)(at * TimeSpan.TicksPerMillisecond));
        }

        private bool Unavailable(string why)
        {
            Available = false;
            Why = why;
            return false;
        }

        public async ValueTask DisposeAsync()
        {
            await _browser.DisposeAsync();
            _playwright.Dispose();
        }
    }

    /// <summary>
    /// OpenAI's <c>POST /v1/chat/completions</c> on loopback, streamed as server-sent <c>chat.completion.chunk</c> events
    /// (a role delta, one content piece per <see cref="Pace"/>, a <c>finish_reason: stop</c> chunk, <c>data: [DONE]</c>),
    /// the wire format the SDK reads. The content is a fixed draft for the progress template; each send is timed after its flush.
    /// </summary>
    private sealed class PacedChatServer : IAsyncDisposable
    {
        private WebApplication _app = null!;
        private Expected? _current;

        private PacedChatServer(TimeSpan pace)
        {
            Pace = pace;
            Content = DraftJson();
            var textStart = Content.IndexOf(Marker, StringComparison.Ordinal);
            var pieces = Split(Content[..textStart]);
            MarkerIndex = pieces.Count;
            pieces.Add(Marker);
            pieces.AddRange(Split(Content[(textStart + Marker.Length)..]));
            Pieces = pieces;
        }

        public Uri Endpoint { get; private set; } = null!;

        public TimeSpan Pace { get; }

        public string Content { get; }

        public List<string> Pieces { get; }

        /// <summary>The index of the chunk holding the first drafted word.</summary>
        public int MarkerIndex { get; }

        public static async Task<PacedChatServer> StartAsync(TimeSpan pace)
        {
            var server = new PacedChatServer(pace);
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            server._app = builder.Build();
            server._app.MapPost("/v1/chat/completions", server.HandleAsync);
            await server._app.StartAsync();
            server.Endpoint = new Uri(server._app.Urls.First().TrimEnd('/') + "/v1");
            return server;
        }

        /// <summary>The next request's timings; its stream waits for <see cref="Expected.Release"/>.</summary>
        public Expected Expect() => _current = new Expected();

        private async Task HandleAsync(HttpContext context)
        {
            var arrived = DateTimeOffset.UtcNow;
            var run = _current ?? throw new InvalidOperationException("A chat request nobody expected.");
            var ct = context.RequestAborted;
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: ct);
            var model = body.RootElement.GetProperty("model").GetString();
            run.RequestArrived.TrySetResult(arrived);

            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            async Task<DateTimeOffset> SendAsync(JsonObject delta, string? finishReason)
            {
                var chunk = new JsonObject
                {
                    ["id"] = "chatcmpl-bench",
                    ["object"] = "chat.completion.chunk",
                    ["created"] = 1_767_225_600,
                    ["model"] = model,
                    ["system_fingerprint"] = "fp_bench",
                    ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = finishReason }),
                };
                await context.Response.WriteAsync("data: " + chunk.ToJsonString() + "\n\n", Encoding.UTF8, ct);
                await context.Response.Body.FlushAsync(ct);
                return DateTimeOffset.UtcNow;
            }

            await SendAsync(new JsonObject { ["role"] = "assistant", ["content"] = string.Empty, ["refusal"] = null }, null);
            await run.Gate.Task.WaitAsync(ct);
            // On a fixed schedule (chunk i due at start + i * pace), so timer overruns do not add up.
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < Pieces.Count; i++)
            {
                var wait = (Pace * i) - Stopwatch.GetElapsedTime(start);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, ct);
                }

                var sent = await SendAsync(new JsonObject { ["content"] = Pieces[i] }, null);
                if (i == 0)
                {
                    run.FirstTokenSent = sent;
                }

                if (i == MarkerIndex)
                {
                    run.MarkerSent = sent;
                }

                run.LastTokenSent = sent;
            }

            await SendAsync(new JsonObject(), "stop");
            await context.Response.WriteAsync("data: [DONE]\n\n", ct);
            await context.Response.Body.FlushAsync(ct);
        }

        /// <summary>About one token: four characters.</summary>
        private static List<string> Split(string text)
        {
            var pieces = new List<string>();
            for (var i = 0; i < text.Length; i += 4)
            {
                pieces.Add(text.Substring(i, Math.Min(4, text.Length - i)));
            }

            return pieces;
        }

        /// <summary>A short progress-note draft (the default template's four sections, five statements) citing the arranged lines.</summary>
        private static string DraftJson()
        {
            static JsonObject Statement(string text, params string[] refs) => new()
            {
                ["text"] = text,
                ["citations"] = new JsonArray([.. refs.Select(r => JsonValue.Create(r))]),
                ["uncertain"] = false,
            };

            static JsonObject Section(string key, params JsonObject[] statements) => new() { ["key"] = key, ["statements"] = new JsonArray(statements) };

            return new JsonObject
            {
                ["sections"] = new JsonArray(
                    Section(
                        "presentation",
                        Statement($"{Marker} a better week: slept through most nights.", "0.1"),
                        Statement("Work worry persists on Sunday evenings.", "0.5")),
                    Section("interventions", Statement("Reviewed the thought record.", "0.6")),
                    Section("response", Statement("Saw the manager's praise as evidence against failing.", "0.7")),
                    Section("plan", Statement("Continue the breathing exercise.", "0.3"))),
            }.ToJsonString();
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();

        /// <summary>One expected request: when it arrived, the hold before its first token, and when chunks were sent.</summary>
        public sealed class Expected
        {
            public TaskCompletionSource<DateTimeOffset> RequestArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

            public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

            public DateTimeOffset FirstTokenSent { get; set; }

            public DateTimeOffset MarkerSent { get; set; }

            public DateTimeOffset LastTokenSent { get; set; }

            public void Release() => Gate.TrySetResult();
        }
    }
}
