using Bunit;
using Plexura.Core.Notes;
using Plexura.Core.Notes.Drafting;
using Plexura.Web.Components.Notes;

namespace Plexura.Tests.Components.Notes;

/// <summary>The streaming draft: statements appear as they arrive, the last one while partial; screen readers hear a short status, not the draft.</summary>
public sealed class NoteDraftStreamTests : NoteComponentTestBase
{
    private static readonly Dictionary<string, string> Titles = new() { ["subjective"] = "Subjective", ["plan"] = "Plan" };

    [Fact]
    public void Streaming_ShowsEveryStatement_MarksTheLastPartial_AndAnnouncesOnlyFinishedOnes()
    {
        var cut = Context.Render<NoteDraftStream>(p => p.Add(c => c.SectionTitles, Titles));
        Assert.Equal("Drafting started.", cut.Find("#draft-stream-status").TextContent);
        Assert.Equal("Waiting for the first words…", cut.Find("#draft-stream-progress").TextContent);

        cut.Render(p => p.Add(c => c.Draft, Draft(("subjective", ["Client reports poor sl"]))));

        Assert.Equal("Client reports poor sl", cut.Find("#draft-statement-subjective-0").TextContent.Replace("…", string.Empty, StringComparison.Ordinal).Trim());
        Assert.Equal("true", cut.Find("#draft-statement-subjective-0").GetAttribute("data-partial"));
        Assert.Equal("0 statements drafted, now in Subjective.", cut.Find("#draft-stream-status").TextContent);

        cut.Render(p => p.Add(c => c.Draft, Draft(("subjective", ["Client reports poor sleep.", "Work stress incr"]))));
        Assert.Equal("false", cut.Find("#draft-statement-subjective-0").GetAttribute("data-partial"));
        Assert.Equal("true", cut.Find("#draft-statement-subjective-1").GetAttribute("data-partial"));
        var status = cut.Find("#draft-stream-status");
        Assert.Equal("1 statement drafted, now in Subjective.", status.TextContent);
        Assert.Equal("polite", status.GetAttribute("aria-live"));
        Assert.Null(cut.Find("#draft-stream").GetAttribute("aria-live"));

        cut.Render(p => p.Add(c => c.Draft, Draft(("subjective", ["Client reports poor sleep.", "Work stress increased."]), ("plan", ["Meet next w"]))));
        Assert.Equal("2 statements drafted, now in Plan.", cut.Find("#draft-stream-status").TextContent);
        Assert.Equal("Plan", cut.Find("#draft-section-plan h4").TextContent);
        Assert.Equal("true", cut.Find("#draft-stream").GetAttribute("aria-busy"));
    }

    [Fact]
    public void Complete_NothingIsPartial_AndSaysTheDraftIsReady()
    {
        var cut = Context.Render<NoteDraftStream>(p => p
            .Add(c => c.SectionTitles, Titles)
            .Add(c => c.IsComplete, true)
            .Add(c => c.Draft, Draft(("subjective", ["Client reports poor sleep.", "Work stress increased."]), ("plan", ["Meet next week."]))));

        Assert.All(cut.FindAll("li.plx-draft-statement"), li => Assert.Equal("false", li.GetAttribute("data-partial")));
        Assert.Equal("Draft ready: 3 statements.", cut.Find("#draft-stream-status").TextContent);
        Assert.Equal("Draft ready", cut.Find("#draft-stream-title").TextContent);
        Assert.Equal("false", cut.Find("#draft-stream").GetAttribute("aria-busy"));
    }

    [Fact]
    public void Failed_SaysWhyInAnAlert()
    {
        var cut = Context.Render<NoteDraftStream>(p => p
            .Add(c => c.Draft, Draft(("subjective", ["Client reports"])))
            .Add(c => c.FailureText, "The AI service is busy: the draft will be retried in a few minutes. What you typed is kept."));

        Assert.Contains("retried", cut.Find("#draft-stream-failed").TextContent, StringComparison.Ordinal);
        Assert.Equal("Drafting stopped.", cut.Find("#draft-stream-status").TextContent);
    }

    private static NoteDraft Draft(params (string Key, string[] Texts)[] sections) =>
        new([.. sections.Select(s => new DraftedSection(s.Key, [.. s.Texts.Select(t => new DraftedStatement(t, [new PassageRef(0, 0)], false))]))], "gpt-test");
}
