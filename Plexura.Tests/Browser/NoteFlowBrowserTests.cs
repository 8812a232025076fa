using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Plexura.Core.Common;
using Plexura.Core.Notes;
using Plexura.Core.Sessions.Audio;
using Plexura.Tests.Fakes;
using Plexura.Tests.Support;
using Plexura.Tests.Web;
using Xunit.Abstractions;

namespace Plexura.Tests.Browser;

/// <summary>
/// Issue 12 end to end in Chromium against the real app: a clinician records a short session from a microphone that
/// plays espeak-ng speech, the transcript arrives, the note's draft streams in from a local server speaking OpenAI's
/// chat completions wire format, and the clinician resolves a flagged statement and a risk disclosure, edits a
/// statement, compares the AI draft with the current version, signs, verifies the signature and adds an addendum.
/// </summary>
/// <remarks>
/// The fake transcription model "hears" four lines (refs 0.0 to 0.3), one of them a suicidal-ideation disclosure the
/// app's own risk scanner finds. The fake drafting model cites those refs; one of its statements (a medication nobody
/// mentioned) cites a line that does not support it, so the app's evidence check flags it. The stream is held twice by
/// the test, never slept on: before its first token until the note page is open, and after the first statement until
/// the page shows it while the draft is still being written.
/// </remarks>
[Trait("Category", "Browser")]
public sealed class NoteFlowBrowserTests(NoteFlowBrowserTests.Fixture fixture, ITestOutputHelper output)
    : IClassFixture<NoteFlowBrowserTests.Fixture>
{
    private const int ChunkSize = 7;
    private const string FirstStatement = "Client reported that work was hard and that they slept badly.";
    private const string SecondStatement = "Client reported that they sometimes think about killing themselves.";
    private const string UnsupportedStatement = "Client takes sertraline 50 mg every morning.";
    private const string PlanStatement = "Clinician and client agreed to make a safety plan and meet again next week.";
    private const string EditedPlan = "Clinician and client agreed to make a safety plan; next session in one week.";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>What the fake transcription model hears in the session's one segment, in order (refs 0.0 to 0.3).</summary>
    internal static readonly FakeUtterance[] Lines =
    [
        new("A", "How was your week? Last time we practised the breathing exercises."),
        new("B", "Work was hard and I slept badly, but the breathing exercises helped."),
        new("B", "Sometimes I think about killing myself."),
        new("A", "Let us make a safety plan and meet again next week."),
    ];

    /// <summary>The structured draft the fake chat model streams: the progress template's sections, citing the transcript's refs.</summary>
    internal static readonly string Draft = JsonSerializer.Serialize(new
    {
        sections = new object[]
        {
            new
            {
                key = "presentation",
                statements = new[]
                {
                    Statement(FirstStatement, "0.1"),
                    Statement(SecondStatement, "0.2"),
                    Statement(UnsupportedStatement, "0.0"),
                },
            },
            new { key = "interventions", statements = new[] { Statement("Clinician reviewed the breathing exercises practised last time.", "0.0") } },
            new { key = "response", statements = new[] { Statement("Client said the breathing exercises helped.", "0.1") } },
            new { key = "plan", statements = new[] { Statement(PlanStatement, "0.3") } },
        },
    });

    [Fact]
    public async Task RecordTranscribeDraftReviewEditCompareSignAmend()
    {
        var factory = (PracticeArrangeFactory)fixture.Factory;
        var practice = await PracticeArrange.CreateAsync(factory);
        var clientId = await ConsentedClientAsync(factory, practice);

        // The drafting stream waits before its first token until the note page is open, and again once the first
        // statement is written until the page has shown it.
        var pageOpen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstShown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var heldAfter = (Draft.IndexOf(SecondStatement, StringComparison.Ordinal) / ChunkSize) + 1;
        fixture.OpenAi.BeforeChatChunk = async (index, ct) =>
        {
            if (index == 0)
            {
                await pageOpen.Task.WaitAsync(ct);
            }
            else if (index == heldAfter)
            {
                await firstShown.Task.WaitAsync(ct);
            }
        };
        fixture.OpenAi.ReplyNext(new FakeChatReply(Draft, ChunkSize));

        await using var context = await fixture.NewContextAsync(new() { Permissions = ["microphone"] });
        // A long flow early in a full run shares two cores with every other test class: wait longer than Playwright's 30 s.
        context.SetDefaultTimeout(90_000);
        context.SetDefaultNavigationTimeout(90_000);
        var page = await BrowserFixture.NewPageAsync(context);
        var account = new AccountPages(page, fixture.BaseAddress);
        var clients = new ClientPages(page, fixture.BaseAddress);
        await account.SignInWithRecoveryCodeAsync(practice.Owner);

        // Record until the app has stored a few seconds of the spoken session, then stop.
        var sessionId = await clients.StartSessionAsync(clientId.ToString());
        await page.ClickAsync("#recorder-start");
        await Assertions.Expect(page.Locator("#recorder-phase")).ToHaveTextAsync("Recording");
        var audio = fixture.Factory.Services.GetRequiredService<ISessionAudioStore>();
        await Eventually.HoldsAsync(
            async () => (await audio.GetStatusAsync(practice.PracticeId, sessionId, CancellationToken.None)).StoredChunks >= 2,
            "two audio chunks are stored",
            Patience);
        await page.ClickAsync("#recorder-stop");
        await Assertions.Expect(page.Locator("#recorder-stop-confirm")).ToBeVisibleAsync();
        await page.ClickAsync("#recorder-stop-yes");
        await Assertions.Expect(page.Locator("#recorder-phase")).ToHaveTextAsync("Session stopped.", new() { Timeout = Ms(Patience) });
        await Assertions.Expect(page.Locator("#recorder-upload")).ToContainTextAsync("All audio sent");

        // The transcript on the session page: one segment, the four lines the model heard.
        await page.GotoAsync(new Uri(fixture.BaseAddress, $"/sessions/{sessionId}").ToString());
        for (var span = 0; span < Lines.Length; span++)
        {
            await Assertions.Expect(page.Locator($"#line-0-{span}")).ToContainTextAsync(Lines[span].Text, new() { Timeout = Ms(Patience) });
        }

        await PageGate.CheckAsync(page);

        // The note: started by the app when the transcript completed; its draft is waiting for the model's first token.
        var noteLink = page.Locator("#session-note-link");
        await Assertions.Expect(noteLink).ToBeVisibleAsync(new() { Timeout = Ms(Patience) });
        await noteLink.ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/notes/[^/]+$"));
        var noteId = NoteId.Parse(new Uri(page.Url).AbsolutePath.Split('/')[2], null);
        var stream = page.Locator("#draft-stream");
        await Assertions.Expect(stream).ToBeVisibleAsync(new() { Timeout = Ms(Patience) });
        await Eventually.HoldsAsync(() => fixture.OpenAi.ChatRequests.Count == 1, "the drafting model is asked", Patience);
        pageOpen.SetResult();

        // The draft appears while it streams: the first statement whole, the second one still being written.
        await Assertions.Expect(page.Locator("#draft-statement-presentation-0")).ToContainTextAsync(FirstStatement, new() { Timeout = Ms(Patience) });
        await Assertions.Expect(page.Locator("#draft-statement-presentation-0")).ToHaveAttributeAsync("data-partial", "false");
        await Assertions.Expect(page.Locator("#draft-statement-presentation-1")).ToHaveAttributeAsync("data-partial", "true");
        await Assertions.Expect(stream).ToHaveAttributeAsync("aria-busy", "true");
        await Assertions.Expect(page.Locator("#draft-stream-title")).ToHaveTextAsync("Drafting the note…");
        firstShown.SetResult();

        // The stored draft replaces the stream: every statement with the app's evidence check; the medication is flagged.
        var presentation = page.Locator("#section-presentation");
        var flagged = presentation.Locator("li.plx-statement-flagged");
        await Assertions.Expect(flagged).ToHaveCountAsync(1, new() { Timeout = Ms(Patience) });
        await Assertions.Expect(flagged.Locator("textarea")).ToHaveValueAsync(UnsupportedStatement);
        await Assertions.Expect(flagged).ToContainTextAsync("No evidence");
        await Assertions.Expect(page.Locator("#section-plan textarea")).ToHaveValueAsync(PlanStatement);
        await Assertions.Expect(presentation.Locator("li.plx-statement").First).ToContainTextAsync("Supported by the transcript");
        await Assertions.Expect(page.Locator("#sign-blockers")).ToContainTextAsync("flagged statement");
        await Assertions.Expect(page.Locator("#sign-blockers")).ToContainTextAsync("risk disclosure");
        await PageGate.CheckAsync(page);

        // The risk disclosure the scanner found: confirmed.
        var risks = page.Locator("#risk-panel li");
        await Assertions.Expect(risks).ToHaveCountAsync(1);
        await Assertions.Expect(risks).ToContainTextAsync("Suicidal thoughts");
        await Assertions.Expect(risks).ToContainTextAsync(Lines[2].Text);
        await risks.Locator("[id^='risk-confirm-']").ClickAsync();
        await Assertions.Expect(page.Locator("#risk-panel-summary")).ToHaveTextAsync("The item is reviewed.");
        await Assertions.Expect(risks.Locator("[id^='risk-review-']")).ToContainTextAsync("Confirmed");

        // The flagged statement: deleted (nobody mentioned a medication).
        await flagged.Locator("[id^='statement-flag-delete-']").ClickAsync();
        await Assertions.Expect(flagged).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#section-deleted-presentation")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#section-save-text-presentation")).ToHaveTextAsync("Saved");

        // An edit: the plan's statement rewritten, saved when the field loses focus.
        var plan = page.Locator("#section-plan textarea").First;
        await plan.FillAsync(EditedPlan);
        await plan.PressAsync("Tab");
        await Assertions.Expect(page.Locator("#section-save-text-plan")).ToHaveTextAsync("Saved");
        await Assertions.Expect(page.Locator("#section-plan textarea").First).ToHaveValueAsync(EditedPlan);

        // Compare the AI draft with the current version: the deleted medication and the rewritten plan.
        var history = page.Locator("#version-history li");
        await history.Filter(new() { HasText = "AI draft" }).Locator("input[type=checkbox]").CheckAsync();
        await history.Filter(new() { HasText = "(current)" }).Locator("input[type=checkbox]").CheckAsync();
        await page.ClickAsync("#version-compare");
        var diff = page.Locator("#version-diff");
        await Assertions.Expect(diff).ToBeVisibleAsync();
        await Assertions.Expect(diff.Locator("#diff-section-presentation .plx-diff-removed")).ToContainTextAsync(UnsupportedStatement);
        var changed = diff.Locator("#diff-section-plan .plx-diff-changed");
        await Assertions.Expect(changed).ToContainTextAsync("(review: Edited)");
        await Assertions.Expect(changed.Locator("ins").Filter(new() { HasText = "session" })).ToHaveCountAsync(1);
        await Assertions.Expect(changed.Locator("del").Filter(new() { HasText = "meet" })).ToHaveCountAsync(1);

        // Sign: nothing blocks it any more; the attestation, then the signature, verified.
        await Assertions.Expect(page.Locator("#sign-ready")).ToBeVisibleAsync();
        await page.Locator("#sign-attest-draft").CheckAsync();
        await page.Locator("#sign-attest-flags").CheckAsync();
        await page.ClickAsync("#sign-button");
        await Assertions.Expect(page.Locator("#sign-signed-by")).ToBeVisibleAsync(new() { Timeout = Ms(Patience) });
        await Assertions.Expect(page.Locator("#section-plan textarea")).ToHaveCountAsync(0);
        await page.ClickAsync("#sign-verify");
        await Assertions.Expect(page.Locator("#sign-verified")).ToBeVisibleAsync();

        // Amend: an addendum with its reason, shown under the signature.
        await page.Locator("#addendum-reason").FillAsync("Late entry");
        await page.Locator("#addendum-text").FillAsync("Client called after the session to confirm the safety plan.");
        await page.ClickAsync("#addendum-add");
        var addenda = page.Locator(".plx-addenda li");
        await Assertions.Expect(addenda).ToHaveCountAsync(1);
        await Assertions.Expect(addenda).ToContainTextAsync("Reason: Late entry");
        await Assertions.Expect(addenda).ToContainTextAsync("confirm the safety plan");

        await AssertStoredAsync(practice.PracticeId, noteId);
        await PageGate.AssertEveryVisitedPageCheckedAsync(page);
    }

    /// <summary>The stored note: signed over the version the clinician saw, its hash that version's canonical content, one addendum.</summary>
    private async Task AssertStoredAsync(PracticeId practiceId, NoteId noteId)
    {
        var services = fixture.Factory.Services;
        var notes = services.GetRequiredService<INoteRepository>();
        var note = await notes.GetAsync(practiceId, noteId, CancellationToken.None);
        Assert.NotNull(note);
        Assert.Equal(NoteStatus.Signed, note.Status);
        var signature = Assert.IsType<NoteSignature>(note.Signature);
        Assert.Single(note.Addenda);
        var signed = await notes.GetVersionAsync(practiceId, noteId, signature.VersionNumber, CancellationToken.None);
        Assert.NotNull(signed);
        var content = await services.GetRequiredService<NoteProtector>().RevealAsync(signed, CancellationToken.None);
        Assert.Equal(NoteCanonical.Hash(content), signature.ContentHash);
        var statements = content.Sections.SelectMany(s => s.Statements).ToList();
        Assert.DoesNotContain(statements, s => s.Text == UnsupportedStatement);
        Assert.DoesNotContain(statements, s => s.NeedsReview);
        Assert.Contains(statements, s => s.Text == EditedPlan);
        Assert.All(content.Risks, r => Assert.Equal(RiskReview.Confirmed, r.Review));
        var versions = await notes.ListVersionsAsync(practiceId, noteId, CancellationToken.None);
        output.WriteLine(string.Join(", ", versions.Select(v => $"{v.Number}:{v.Reason}")));
        Assert.Contains(versions, v => v.Reason == NoteVersionReasons.Drafted && v.By is null);
        Assert.Equal(NoteVersionReasons.Amended, versions.MaxBy(v => v.Number)!.Reason);
    }

    private static object Statement(string text, string citation) => new { text, citations = new[] { citation }, uncertain = false };

    private static float Ms(TimeSpan span) => (float)span.TotalMilliseconds;

    /// <summary>A new client of the practice with the recording and AI-processing consents a session needs.</summary>
    private static async Task<ClientId> ConsentedClientAsync(PracticeArrangeFactory factory, Practice practice)
    {
        var clientId = await PracticeArrange.CreateClientAsync(factory, practice, name: "Avery Quinn Lopez");
        foreach (var kind in new[] { "Recording", "AiProcessing" })
        {
            var consent = await SessionArrange.SendAsync(factory, HttpMethod.Post, $"/api/v1/clients/{clientId}/consents", practice.Owner.Token, new
            {
                kind,
                method = "Written",
                effectiveFrom = DateTimeOffset.UtcNow.AddMinutes(-1),
            });
            Assert.Equal(HttpStatusCode.Created, consent.StatusCode);
        }

        return clientId;
    }

    /// <summary>
    /// The app with the local OpenAI server (a diarizing transcription model that hears <see cref="Lines"/>, and the
    /// chat model that drafts), quick job retries, and Chromium whose microphone plays the lines spoken by espeak-ng.
    /// </summary>
    public sealed class Fixture : BrowserFixture
    {
        private readonly string _microphone = Path.Combine(Path.GetTempPath(), $"plexura-microphone-{Guid.NewGuid():N}.wav");

        public FakeOpenAiServer OpenAi { get; private set; } = null!;

        public override async Task InitializeAsync()
        {
            var speech = await TestAudio.SpeechWavAsync(string.Join(' ', Lines.Select(l => l.Text)));
            await File.WriteAllBytesAsync(_microphone, speech);
            OpenAi = await FakeOpenAiServer.StartAsync();
            OpenAi.Speech = r => r.Number == 0 ? Lines : [new FakeUtterance("A", $"segment-{r.Number}")];
            Factory.Settings["Plexura:OpenAI:ApiKey"] = "sk-test-browser";
            Factory.Settings["Plexura:OpenAI:Endpoint"] = OpenAi.Endpoint.ToString();
            Factory.Settings["Plexura:OpenAI:TranscriptionModel"] = "gpt-4o-transcribe-diarize";
            Factory.Settings["Plexura:Jobs:RetryBaseDelay"] = "00:00:00.050";
            Factory.Settings["Plexura:Jobs:RetryMaxDelay"] = "00:00:00.200";
            Factory.Settings["Plexura:Jobs:PollInterval"] = "00:00:00.200";
            await base.InitializeAsync();
        }

        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            await OpenAi.DisposeAsync();
            File.Delete(_microphone);
        }

        protected override PlexuraWebFactory CreateFactory() => new PracticeArrangeFactory();

        protected override IEnumerable<string> ChromiumArguments() =>
        [
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", $"--use-file-for-fake-audio-capture={_microphone}",
            "--autoplay-policy=no-user-gesture-required",
        ];
    }
}
