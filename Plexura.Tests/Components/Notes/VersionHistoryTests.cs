using Bunit;
using Plexura.Core.Notes;
using Plexura.Web.Components.Notes;

namespace Plexura.Tests.Components.Notes;

/// <summary>Version history (who, when, why; pick two) and the diff between two versions (marked in words as well as style; restore asks first).</summary>
public sealed class VersionHistoryTests : NoteComponentTestBase
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 8, 30, 0, TimeSpan.Zero);

    private static readonly NoteVersionSummary[] Versions =
    [
        new(1, "Dana Reyes", At, "created"),
        new(2, null, At.AddMinutes(2), "drafted"),
        new(3, "Dana Reyes", At.AddMinutes(9), "edited"),
    ];

    [Fact]
    public void History_SaysWhoWhenAndWhy_AndComparesTheTwoPicked()
    {
        VersionPair? compared = null;
        var cut = Context.Render<VersionHistory>(p => p
            .Add(c => c.Versions, Versions)
            .Add(c => c.CurrentNumber, 3)
            .Add(c => c.OnCompare, pair => compared = pair));

        cut.WaitForAssertion(() => Assert.Contains("Mon 23 Nov, 08:32", cut.Find("#version-2").TextContent, StringComparison.Ordinal));
        Assert.Contains("Version 2: AI draft, Mon", cut.Find("#version-2").TextContent, StringComparison.Ordinal);
        Assert.Contains("Version 3 (current): Edited by Dana Reyes, Mon 23 Nov, 08:39", cut.Find("#version-3").TextContent, StringComparison.Ordinal);
        Assert.Equal(["version-3", "version-2", "version-1"], cut.FindAll("li.plx-version").Select(e => e.Id));
        Assert.True(cut.Find("#version-compare").HasAttribute("disabled"));

        Field(cut, "#version-pick-3").Change(true);
        Field(cut, "#version-pick-1").Change(true);

        Assert.True(Field(cut, "#version-pick-2").HasAttribute("disabled"));
        Assert.Equal("Versions 1 and 3 picked.", cut.Find("#version-picked").TextContent);
        Assert.Equal("Compare versions 1 and 3", cut.Find("#version-compare").TextContent.Trim());
        cut.Find("#version-compare").Click();
        Assert.Equal(new VersionPair(1, 3), compared);
    }

    [Fact]
    public void Diff_MarksWordsWithTextLabels_AndRestoreAsksFirst()
    {
        int? restored = null;
        var older = new NoteContent([new NoteSection("s", "Subjective", [Statement("a", "Client slept poorly."), Statement("b", "Argued with partner.")])], []);
        var newer = new NoteContent([new NoteSection("s", "Subjective", [Statement("a", "Client slept well.")]), new NoteSection("p", "Plan", [])], []);
        var cut = Context.Render<VersionDiff>(p => p
            .Add(c => c.Older, Versions[0])
            .Add(c => c.OlderContent, older)
            .Add(c => c.Newer, Versions[2])
            .Add(c => c.NewerContent, newer)
            .Add(c => c.CanRestore, true)
            .Add(c => c.OnRestore, n => restored = n));

        Assert.Equal("Changes from version 1 to version 3", cut.Find("#version-diff-title").TextContent);
        var changed = cut.Find("#diff-statement-a");
        Assert.StartsWith("Changed:", changed.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Equal("[removed: poorly]", changed.QuerySelector("del")!.TextContent.Trim());
        Assert.Equal("[added: well]", changed.QuerySelector("ins")!.TextContent.Trim());
        Assert.Contains("Removed:", cut.Find("#diff-statement-b").TextContent, StringComparison.Ordinal);
        Assert.Equal("No changes.", cut.Find("#diff-section-p .plx-diff-unchanged").TextContent);

        cut.Find("#version-restore").Click();
        Assert.Null(restored);
        Assert.Contains("Nothing is lost", cut.Find("#version-restore-confirm").TextContent, StringComparison.Ordinal);
        cut.Find("#version-restore-yes").Click();

        Assert.Equal(1, restored);
    }

    [Fact]
    public void Diff_SameContent_SaysSo_AndNoRestoreWhenNotAllowed()
    {
        var content = new NoteContent([new NoteSection("s", "Subjective", [Statement("a", "Same.")])], []);
        var cut = Context.Render<VersionDiff>(p => p
            .Add(c => c.Older, Versions[0]).Add(c => c.OlderContent, content)
            .Add(c => c.Newer, Versions[1]).Add(c => c.NewerContent, content));

        Assert.Equal("The two versions say the same.", cut.Find("#version-diff-none").TextContent);
        Assert.Empty(cut.FindAll("#version-restore"));
    }

    private static NoteStatement Statement(string id, string text) =>
        new(id, text, StatementOrigin.Clinician, [], EvidenceStrength.None, false, StatementReview.Pending);
}
