using Microsoft.Playwright;
using Plexura.Tests.Support;

namespace Plexura.Tests.Browser.Recorder;

/// <summary>
/// The real <c>recorder.js</c> in Chromium, its microphone an espeak-ng WAV, against a fake server speaking the issue 11
/// contract: chunk order and continuity, a network drop, a reload mid-recording, and a consent revoked mid-session.
/// </summary>
/// <remarks>
/// Continuity: the test page fingerprints every sample the AudioWorklet hands the recorder (before chunking); the
/// chunks the server stored, joined in sequence order, must give the same number of samples and the same fingerprint,
/// so nothing is lost, doubled or reordered at a chunk boundary, and their length matches the page's clock. With echo
/// cancellation, noise suppression and automatic gain off, the recording's level is the WAV's, which proves the file,
/// not Chromium's default beep, was the microphone. (Comparing the audio itself with the looped file is not
/// deterministic: Chromium's capture path resamples and, on a loaded machine, drops buffers before the page sees them.)
/// </remarks>
[Trait("Category", "Browser")]
public sealed class RecorderModuleBrowserTests(RecorderFixture fixture) : IClassFixture<RecorderFixture>
{
    private const string RawMicrophone = "{ echoCancellation: false, noiseSuppression: false, autoGainControl: false }";
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task Recording_ChunksArriveInOrder_PcmContinuousAndAsLongAsTheRecordedTime()
    {
        var id = NewSessionId();
        var (context, page) = await fixture.OpenAsync();
        await using var _ = context;

        await StartAsync(page, id);
        await WaitForStateAsync(page, "s.recordedSeconds >= 13");
        var wallSeconds = await StopAsync(page);
        await WaitForStateAsync(page, "s.phase === 'stopped'");

        var session = fixture.Server.Session(id);
        Assert.Equal(session.Chunks.Count, session.ChunkCount);
        Assert.Equal(Enumerable.Range(0, session.Chunks.Count), session.Order);
        Assert.True(session.Chunks.Count >= 3, $"{session.Chunks.Count} chunks");
        Assert.All(session.Chunks.Where(c => c.Key < session.Chunks.Count - 1).Select(c => c.Value.Length), length => Assert.Equal(44 + 160_000, length));
        var pcm = session.Pcm();
        var recordedSeconds = await page.EvaluateAsync<double>("() => window.state.recordedSeconds");
        Assert.Equal(pcm.Length / 16000.0, recordedSeconds, 3);
        Assert.InRange(pcm.Length / 16000.0, wallSeconds - 1.0, wallSeconds + 0.3);
        AssertLevelOfTheFile(pcm);
        await AssertExactlyWhatWasCapturedAsync(page, pcm, 0);
        Assert.Equal(0, await page.EvaluateAsync<int>("() => window.state.waiting"));
    }

    [Fact]
    public async Task Offline_ForSomeSeconds_LosesNothing()
    {
        var id = NewSessionId();
        var (context, page) = await fixture.OpenAsync();
        await using var _ = context;

        await StartAsync(page, id);
        await Eventually.HoldsAsync(() => !fixture.Server.Session(id).Chunks.IsEmpty, "a chunk was stored", Long);
        await context.SetOfflineAsync(true);
        await WaitForStateAsync(page, "s.waiting >= 1 && s.uploadProblem !== null && !s.online");
        var storedWhileOffline = fixture.Server.Session(id).Chunks.Count;
        await WaitForStateAsync(page, "s.waiting >= 2");
        Assert.Equal(storedWhileOffline, fixture.Server.Session(id).Chunks.Count);
        await context.SetOfflineAsync(false);
        await WaitForStateAsync(page, "s.waiting === 0 && s.online");
        var wallSeconds = await StopAsync(page);
        await WaitForStateAsync(page, "s.phase === 'stopped'");

        var session = fixture.Server.Session(id);
        Assert.Equal(session.Chunks.Count, session.ChunkCount);
        Assert.Equal(Enumerable.Range(0, session.Chunks.Count), session.Order);
        var pcm = session.Pcm();
        Assert.InRange(pcm.Length / 16000.0, wallSeconds - 1.0, wallSeconds + 0.3);
        await AssertExactlyWhatWasCapturedAsync(page, pcm, 0);
    }

    [Fact]
    public async Task Reload_MidRecording_UploadsWhatWaitedInIndexedDbAndContinuesTheSequence()
    {
        var id = NewSessionId();
        var (context, page) = await fixture.OpenAsync();
        await using var _ = context;
        var session = fixture.Server.Session(id);

        // The server is down while two chunks are cut: they wait in IndexedDB when the page reloads.
        session.Unavailable = true;
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await StartAsync(page, id);
        await WaitForStateAsync(page, "s.waiting >= 2 && s.uploadProblem !== null");
        await page.ReloadAsync();
        await page.WaitForFunctionAsync("() => window.testReady === true");
        var beforeReload = await page.EvaluateAsync<int>("id => window.openRecorder(id).inspect().then(i => i.localNextSequence)", id);
        Assert.True(beforeReload >= 2, $"{beforeReload} chunks stored before the reload");
        Assert.Empty(session.Chunks);
        session.Unavailable = false;
        await WaitForStateAsync(page, "s.waiting === 0");
        Assert.Equal(Enumerable.Range(0, beforeReload), session.Order);

        await page.EvaluateAsync($"() => window.rec.start({RawMicrophone})");
        await WaitForStateAsync(page, "s.phase === 'recording'");
        await Eventually.HoldsAsync(() => session.Chunks.Count > beforeReload, "a chunk after the reload was stored", Long);
        await StopAsync(page);
        await WaitForStateAsync(page, "s.phase === 'stopped'");

        Assert.Equal(session.Chunks.Count, session.ChunkCount);
        Assert.Equal(Enumerable.Range(0, session.Chunks.Count), session.Order);
        var pcm = session.Pcm();
        // Each capture is continuous in itself; the reload is a real pause between them.
        var reloadAt = session.SamplesBefore(beforeReload);
        Assert.InRange(reloadAt, 2 * 80_000, (beforeReload * 80_000) + 1);
        await AssertExactlyWhatWasCapturedAsync(page, pcm, reloadAt);
    }

    [Fact]
    public async Task Crash_MidChunk_TheNextPageSendsEverySampleCapturedBeforeTheCrash()
    {
        var id = NewSessionId();
        var (context, page) = await fixture.OpenAsync();
        await using var _ = context;
        var session = fixture.Server.Session(id);

        await StartAsync(page, id);
        await WaitForStateAsync(page, "s.recordedSeconds >= 7.5");
        // What the worklet had delivered, once IndexedDB finished every write started before (a read waits for them).
        var captured = await page.EvaluateAsync<double[]>("""
            async () => {
                const at = [window.captured.samples, window.captured.hash];
                const db = await new Promise((resolve, reject) => {
                    const open = indexedDB.open("plexura-recorder");
                    open.onsuccess = () => resolve(open.result);
                    open.onerror = () => reject(open.error);
                });
                const tx = db.transaction("pieces", "readonly");
                await new Promise(resolve => { tx.objectStore("pieces").count(); tx.oncomplete = resolve; });
                db.close();
                return at;
            }
            """);
        var (samples, hash) = ((int)captured[0], (uint)captured[1]);
        Assert.InRange(samples, 80_000 + 1, 2 * 80_000 - 1);

        // The renderer dies: no pagehide, no last save. Only what was stored along the way survives.
        var crashed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        page.Crash += (_, _) => crashed.TrySetResult();
        var cdp = await context.NewCDPSessionAsync(page);
        // The command never gets its answer: the page is gone before it could send one.
        var unanswered = cdp.SendAsync("Page.crash").ContinueWith(t => t.Exception, TaskScheduler.Default);
        await crashed.Task.WaitAsync(Long);

        var next = await context.NewPageAsync();
        await fixture.GotoTestPageAsync(next);
        var inspected = await next.EvaluateAsync<int>("id => window.openRecorder(id).inspect().then(i => i.localNextSequence)", id);
        Assert.True(inspected >= 2, $"{inspected} chunks after the crash: the pieces of the second were not joined");
        await WaitForStateAsync(next, "s.waiting === 0");
        await next.EvaluateAsync("() => window.rec.stop()");
        await WaitForStateAsync(next, "s.phase === 'stopped'");

        Assert.Equal(inspected, session.ChunkCount);
        Assert.Equal(Enumerable.Range(0, inspected), session.Order);
        var pcm = session.Pcm();
        Assert.InRange(pcm.Length, samples, samples + (2 * 16_000));
        Assert.Equal(hash, FakeSession.Fingerprint(pcm[..samples], 0));
    }

    [Fact]
    public async Task ConsentRevoked_MidRecording_StopsWithTheServersMessageAndDeletesTheWaitingAudio()
    {
        var id = NewSessionId();
        var (context, page) = await fixture.OpenAsync();
        await using var _ = context;
        var session = fixture.Server.Session(id);

        await StartAsync(page, id);
        await Eventually.HoldsAsync(() => !session.Chunks.IsEmpty, "a chunk was stored", Long);
        session.ConsentRevoked = true;
        await WaitForStateAsync(page, "s.phase === 'refused'");

        var message = await page.EvaluateAsync<string>("() => window.state.message");
        Assert.StartsWith(FakeIngestServer.RevokedDetail, message, StringComparison.Ordinal);
        Assert.Contains("deleted from this computer", message, StringComparison.Ordinal);
        Assert.Equal("error", await page.EvaluateAsync<string>("() => window.state.severity"));
        Assert.Equal(0, await page.EvaluateAsync<int>(
            """
            id => new Promise((resolve, reject) => {
              const open = indexedDB.open("plexura-recorder");
              open.onerror = () => reject(open.error);
              open.onsuccess = () => {
                const count = open.result.transaction("chunks").objectStore("chunks")
                  .count(IDBKeyRange.bound([id, 0], [id, Number.MAX_SAFE_INTEGER]));
                count.onsuccess = () => resolve(count.result);
                count.onerror = () => reject(count.error);
              };
            })
            """,
            id));
        var stored = session.Chunks.Count;
        var puts = session.Puts;
        await page.EvaluateAsync("() => window.rec.start({})");
        Assert.Equal("refused", await page.EvaluateAsync<string>("() => window.state.phase"));
        Assert.Equal(stored, session.Chunks.Count);
        Assert.Equal(puts, session.Puts);
    }

    [Fact]
    public async Task SecondTab_SameSession_IsRefusedWhileTheFirstRecords_AndContinuesTheSequenceOnceItClosed()
    {
        var id = NewSessionId();
        var (context, first) = await fixture.OpenAsync();
        await using var _ = context;
        await StartAsync(first, id);

        var second = await context.NewPageAsync();
        await fixture.GotoTestPageAsync(second);
        var phase = await second.EvaluateAsync<string>(
            $"async id => {{ const r = window.openRecorder(id); await r.inspect(); return await r.start({RawMicrophone}); }}", id);
        Assert.Equal("interrupted", phase);
        Assert.Contains("another tab or window", await second.EvaluateAsync<string>("() => window.state.message"), StringComparison.Ordinal);

        await WaitForStateAsync(first, "s.recordedSeconds >= 6");
        await first.CloseAsync(new() { RunBeforeUnload = false });
        // Chromium frees a closed page's locks a moment later (and its lock query stops listing them sooner): wait until it is free.
        await second.EvaluateAsync(
            "async id => { while (!await navigator.locks.request(`plexura-recorder-${id}`, { ifAvailable: true }, l => !!l)) await new Promise(r => setTimeout(r, 100)); }",
            id).WaitAsync(Long);
        await second.BringToFrontAsync();
        var restarted = await second.EvaluateAsync<string>($"() => window.rec.start({RawMicrophone}).then(p => p + ': ' + window.state.message)");
        // Recording again; whatever else the page may say (a slow upload under load), it no longer says another tab records.
        Assert.StartsWith("recording: ", restarted, StringComparison.Ordinal);
        Assert.DoesNotContain("another tab", restarted, StringComparison.Ordinal);
        await WaitForStateAsync(second, "s.recordedSeconds >= 6");
        await StopAsync(second);
        await WaitForStateAsync(second, "s.phase === 'stopped'");

        var session = fixture.Server.Session(id);
        Assert.True(session.Chunks.Count >= 2, $"{session.Chunks.Count} chunks");
        Assert.Equal(session.Chunks.Count, session.ChunkCount);
        Assert.Equal(Enumerable.Range(0, session.Chunks.Count), session.Chunks.Keys.Order());
    }

    private static string NewSessionId() => Guid.NewGuid().ToString();

    private static async Task StartAsync(IPage page, string id)
    {
        var phase = await page.EvaluateAsync<string>(
            $"async id => {{ const r = window.openRecorder(id); await r.inspect(); const p = await r.start({RawMicrophone}); window.startedAt = performance.now(); return p; }}", id);
        Assert.Equal("recording", phase);
    }

    /// <summary>Stops the recorder and returns the seconds between start and stop by the page's clock.</summary>
    private static async Task<double> StopAsync(IPage page) =>
        await page.EvaluateAsync<double>("async () => { const seconds = (performance.now() - window.startedAt) / 1000; await window.rec.stop(); return seconds; }");

    private static Task<IJSHandle> WaitForStateAsync(IPage page, string condition) =>
        page.WaitForFunctionAsync($"() => {{ const s = window.state; return !!s && ({condition}); }}", null, new() { Timeout = (float)Long.TotalMilliseconds });

    /// <summary>The recording's level is the file's (within 2 dB): the file, not a generated tone, was the microphone.</summary>
    private void AssertLevelOfTheFile(short[] pcm)
    {
        var recorded = Rms(pcm, 0, pcm.Length);
        var source = Rms(fixture.Source, 0, fixture.Source.Length);
        var db = 20 * Math.Log10(recorded / source);
        Assert.InRange(db, -2, 2);
    }

    /// <summary>The server's samples from <paramref name="from"/> on are exactly, sample for sample, what the page's worklet delivered.</summary>
    private static async Task AssertExactlyWhatWasCapturedAsync(IPage page, short[] pcm, int from)
    {
        var samples = await page.EvaluateAsync<double>("() => window.captured.samples");
        var hash = await page.EvaluateAsync<double>("() => window.captured.hash");
        Assert.Equal(samples, pcm.Length - from);
        Assert.Equal(hash, FakeSession.Fingerprint(pcm, from));
    }

    private static double Rms(short[] x, int from, int length)
    {
        double sum = 0;
        for (var i = from; i < from + length; i++)
        {
            sum += (double)x[i] * x[i];
        }

        return Math.Sqrt(sum / length);
    }
}
