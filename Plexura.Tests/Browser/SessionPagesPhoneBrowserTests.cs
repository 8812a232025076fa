using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Plexura.Core.Sessions.Audio;
using Plexura.Tests.Support;
using Plexura.Tests.Web;

namespace Plexura.Tests.Browser;

/// <summary>
/// The recorder and the session page at phone width (390 × 844), where a clinician may well record: the page gate (axe
/// in both themes, nothing wider than the screen) on the recorder before, during and after a short recording with the
/// stop question open, and on the session page with its transcript, a correction being typed and the history open.
/// </summary>
[Trait("Category", "Browser")]
public sealed class SessionPagesPhoneBrowserTests(RecordingToTranscriptBrowserTests.Fixture fixture)
    : IClassFixture<RecordingToTranscriptBrowserTests.Fixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task RecorderAndSessionPage_AtPhoneWidth_PassTheGateThroughARecording()
    {
        var factory = (PracticeArrangeFactory)fixture.Factory;
        var practice = await PracticeArrange.CreateAsync(factory);
        var clientId = await RecordingToTranscriptBrowserTests.ConsentedClientAsync(factory, practice);

        await using var context = await fixture.NewContextAsync(new()
        {
            ViewportSize = new() { Width = 390, Height = 844 },
            IsMobile = true,
            HasTouch = true,
            Permissions = ["microphone"],
        });
        var page = await BrowserFixture.NewPageAsync(context);
        var account = new AccountPages(page, fixture.BaseAddress);
        var clients = new ClientPages(page, fixture.BaseAddress);
        await account.SignInWithRecoveryCodeAsync(practice.Owner);

        // The recorder before recording, while recording, and with the stop question open.
        var sessionId = await clients.StartSessionAsync(clientId.ToString());
        await page.ClickAsync("#recorder-start");
        await Assertions.Expect(page.Locator("#recorder-phase")).ToHaveTextAsync("Recording");
        await PageGate.CheckAsync(page);
        var audio = fixture.Factory.Services.GetRequiredService<ISessionAudioStore>();
        await Eventually.HoldsAsync(
            async () => (await audio.GetStatusAsync(practice.PracticeId, sessionId, CancellationToken.None)).StoredChunks >= 2,
            "two audio chunks are stored",
            Patience);
        await page.ClickAsync("#recorder-stop");
        await Assertions.Expect(page.Locator("#recorder-stop-confirm")).ToBeVisibleAsync();
        await PageGate.CheckAsync(page);
        await page.ClickAsync("#recorder-stop-yes");
        await Assertions.Expect(page.Locator("#recorder-phase")).ToHaveTextAsync("Session stopped.", new() { Timeout = (float)Patience.TotalMilliseconds });
        await Assertions.Expect(page.Locator("#recorder-upload")).ToContainTextAsync("All audio sent");
        await PageGate.CheckAsync(page);

        // The session page with its transcript, a correction being typed, then saved, and the history open.
        await page.ClickAsync("#recorder-open-session");
        await page.WaitForURLAsync(new Regex(@"/sessions/[^/]+$"));
        await Assertions.Expect(page.Locator("#line-0-0")).ToContainTextAsync("segment-", new() { Timeout = (float)Patience.TotalMilliseconds });
        await PageGate.CheckAsync(page);
        await page.ClickAsync("#correct-0-0");
        await page.Locator("textarea#edit-0-0, #edit-0-0 textarea").First.FillAsync("The client talks about the week, about sleep and work, and a rather long correction that must wrap.");
        await PageGate.CheckAsync(page);
        await page.ClickAsync("#save-0-0");
        await Assertions.Expect(page.Locator("#corrected-0")).ToBeVisibleAsync();
        await page.ClickAsync("#history-0");
        await Assertions.Expect(page.Locator("#history-list-0 li")).ToHaveCountAsync(2);
        await PageGate.CheckAsync(page);

        await PageGate.AssertEveryVisitedPageCheckedAsync(page);
    }
}
