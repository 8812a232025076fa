using Bunit;
using Plexura.Core.Notes;
using Plexura.Web.Components.Notes;

namespace Plexura.Tests.Components.Notes;

/// <summary>The transcript beside the note: time and speaker per line, the selected statement's passages marked in words and scrolled to, missing ones said.</summary>
public sealed class TranscriptPaneTests : NoteComponentTestBase
{
    private static readonly TranscriptPassage[] Passages =
    [
        new(new PassageRef(0, 0), TimeSpan.FromSeconds(5), "Clinician", "How did you sleep this week?"),
        new(new PassageRef(0, 1), TimeSpan.FromSeconds(9), "Client", "Badly, maybe four hours a night."),
        new(new PassageRef(1, 0), TimeSpan.FromMinutes(61) + TimeSpan.FromSeconds(2), null, "Work has been a lot."),
    ];

    [Fact]
    public void Lines_ShowTimeAndSpeaker_AndClockTimeInThePracticeZone()
    {
        var cut = Context.Render<TranscriptPane>(p => p
            .Add(c => c.Passages, Passages)
            .Add(c => c.SessionStartedAt, new DateTimeOffset(2026, 11, 23, 14, 0, 0, TimeSpan.Zero)));

        cut.WaitForAssertion(() => Assert.Contains("0:09 (14:00)", cut.Find("#passage-0-1").TextContent, StringComparison.Ordinal));
        Assert.Contains("Client:", cut.Find("#passage-0-1").TextContent, StringComparison.Ordinal);
        Assert.Contains("1:01:02 (15:01)", cut.Find("#passage-1-0").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(":</strong>", cut.Find("#passage-1-0").InnerHtml, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll(".plx-passage-cited"));
    }

    [Fact]
    public void SelectedStatement_MarksItsPassagesInWords_ScrollsToTheFirst_AndCountsMissingOnes()
    {
        var module = Context.JSInterop.SetupModule("./js/notes.js");
        module.Setup<bool>("scrollToElement", _ => true).SetResult(true);
        var cut = Context.Render<TranscriptPane>(p => p.Add(c => c.Passages, Passages));

        cut.Render(p => p
            .Add(c => c.Highlighted, [new PassageRef(1, 0), new PassageRef(0, 1), new PassageRef(7, 3)])
            .Add(c => c.SelectedStatementText, "Client sleeps about four hours a night."));

        Assert.Equal(["passage-0-1", "passage-1-0"], cut.FindAll(".plx-passage-cited").Select(e => e.Id));
        Assert.All(cut.FindAll(".plx-passage-cited"), e => Assert.StartsWith("Cited:", e.TextContent.Trim(), StringComparison.Ordinal));
        Assert.Contains("2 passages marked below", cut.Find("#transcript-pane-selection").TextContent, StringComparison.Ordinal);
        Assert.Contains("1 cited passage is not in the transcript", cut.Find("#transcript-pane-missing").TextContent, StringComparison.Ordinal);
        cut.WaitForAssertion(() => Assert.Equal("passage-0-1", Assert.Single(module.Invocations["scrollToElement"]).Arguments[0]));
    }

    [Fact]
    public void NoTranscript_SaysSo()
    {
        var cut = Context.Render<TranscriptPane>(p => p.Add(c => c.Passages, Array.Empty<TranscriptPassage>()));

        Assert.Equal("There is no transcript for this session.", cut.Find("#transcript-pane-empty").TextContent);
    }
}
