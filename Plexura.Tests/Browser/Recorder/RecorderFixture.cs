using System.Buffers.Binary;
using System.Diagnostics;
using Microsoft.Playwright;

namespace Plexura.Tests.Browser.Recorder;

/// <summary>
/// The fake ingest server and one headless Chromium whose microphone plays an espeak-ng WAV (looped by Chromium).
/// The WAV is made at 16 kHz (the source the tests compare with) and handed to Chromium at 48 kHz, three samples
/// per source sample, so one loop of the microphone is exactly <see cref="SourceSamples"/> long at 16 kHz.
/// </summary>
public sealed class RecorderFixture : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "plexura-recorder-tests", Guid.NewGuid().ToString("N"));
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private FakeIngestServer? _server;

    public FakeIngestServer Server => _server ?? throw new InvalidOperationException("Not initialized.");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>The microphone's speech at 16 kHz.</summary>
    public short[] Source { get; private set; } = [];

    public int SourceSamples => Source.Length;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        var spoken = Path.Combine(_folder, "spoken.wav");
        var source = Path.Combine(_folder, "source-16k.wav");
        var microphone = Path.Combine(_folder, "microphone-48k.wav");
        Run("espeak-ng", "-w", spoken, "Plexura records this session. The client talks about the week, and the clinician listens carefully.");
        Run("sox", spoken, "-r", "16000", "-c", "1", "-b", "16", source);
        Run("sox", source, "-r", "48000", "-c", "1", "-b", "16", microphone);
        Source = ReadPcm(await File.ReadAllBytesAsync(source));

        _server = await FakeIngestServer.StartAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/lib/chromium/chromium",
            Headless = true,
            Args =
            [
                "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", $"--use-file-for-fake-audio-capture={microphone}",
                "--autoplay-policy=no-user-gesture-required",
            ],
        });
    }

    /// <summary>A page of a new context on the test page, with the module loaded.</summary>
    public async Task<(IBrowserContext Context, IPage Page)> OpenAsync()
    {
        var context = await BrowserFixture.NewContextAsync(Browser, new() { Permissions = ["microphone"] });
        var page = await context.NewPageAsync();
        await GotoTestPageAsync(page);
        return (context, page);
    }

    public async Task GotoTestPageAsync(IPage page)
    {
        await page.GotoAsync(new Uri(Server.Address, "/recorder-test.html").ToString());
        await page.WaitForFunctionAsync("() => window.testReady === true");
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>The samples of a WAV whose data chunk follows a 44-byte header (what sox writes).</summary>
    public static short[] ReadPcm(byte[] wav)
    {
        var samples = new short[(wav.Length - 44) / 2];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(44 + (2 * i)));
        }

        return samples;
    }

    private static void Run(string file, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed: {process.StandardError.ReadToEnd()}");
        }
    }
}
