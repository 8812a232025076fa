using Plexura.Core.Notes;
using Plexura.Web.Components.Notes;

namespace Plexura.Tests.Components.Notes;

/// <summary>The readable difference between two note versions: per section, statements by id, words by DiffPlex, risk reviews in words.</summary>
public sealed class NoteDiffTests
{
    [Theory]
    [InlineData("Client slept poorly this week.", "Client slept well this week, mostly.")]
    [InlineData("", "A new statement.")]
    [InlineData("Gone now.", "")]
    [InlineData("Same words.", "Same words.")]
    [InlineData("Line one.\nLine two.", "Line one.\nLine 2, changed.")]
    public void Words_PiecesRebuildBothTexts(string older, string newer)
    {
        var pieces = NoteDiff.Words(older, newer);

        Assert.Equal(older, string.Concat(pieces.Where(p => p.Kind != DiffKind.Inserted).Select(p => p.Text)));
        Assert.Equal(newer, string.Concat(pieces.Where(p => p.Kind != DiffKind.Deleted).Select(p => p.Text)));
    }

    [Fact]
    public void Words_MarksOnlyTheChangedWords()
    {
        var pieces = NoteDiff.Words("Client slept poorly this week.", "Client slept well this week.");

        Assert.Equal("poorly", Assert.Single(pieces, p => p.Kind == DiffKind.Deleted).Text.Trim());
        Assert.Equal("well", Assert.Single(pieces, p => p.Kind == DiffKind.Inserted).Text.Trim());
    }

    [Fact]
    public void Between_MatchesStatementsById_KeepsRemovedOnesInPlace_AndListsSectionsOfEither()
    {
        var older = new NoteContent(
            [
                new NoteSection("s", "Subjective", [Statement("a", "Slept poorly."), Statement("b", "Argued with partner."), Statement("c", "Work is fine.")]),
                new NoteSection("old", "Old section", [Statement("x", "Only here.")]),
            ],
            []);
        var newer = new NoteContent(
            [
                new NoteSection("s", "Subjective", [Statement("a", "Slept well."), Statement("c", "Work is fine.") with { Review = StatementReview.Accepted }, Statement("d", "Started running.")]),
                new NoteSection("plan", "Plan", []),
            ],
            []);

        var diff = NoteDiff.Between(older, newer);

        Assert.Equal(["s", "plan", "old"], diff.Sections.Select(s => s.Key));
        var subjective = diff.Sections[0];
        Assert.Equal(
            [("a", StatementChange.Changed), ("b", StatementChange.Removed), ("c", StatementChange.Unchanged), ("d", StatementChange.Added)],
            subjective.Statements.Select(s => (s.Id, s.Change)));
        Assert.Equal("Accepted as drafted", subjective.Statements[2].ReviewChange);
        Assert.False(diff.Sections[1].HasChanges);
        Assert.Equal(StatementChange.Removed, Assert.Single(diff.Sections[2].Statements).Change);
        Assert.False(diff.IsEmpty);
    }

    [Fact]
    public void Between_RiskReviewChanges_AreSaidInWords()
    {
        var risk = new RiskItem("r1", RiskCategory.SuicidalIdeation, RiskPolarity.Denied, new PassageRef(1, 2), "never", RiskReview.Pending, null, false);
        var older = new NoteContent([], [risk]);
        var newer = new NoteContent([], [risk with { Review = RiskReview.Corrected, Polarity = RiskPolarity.Hypothetical, ClinicianNote = "A question." }]);

        var change = Assert.Single(NoteDiff.Between(older, newer).RiskChanges);

        Assert.Equal("Suicidal thoughts — denied: now Suicidal thoughts — raised as a possibility; waiting for your review → corrected; note: “A question.”", change);
    }

    [Fact]
    public void Between_SameContent_IsEmpty()
    {
        var content = new NoteContent([new NoteSection("s", "Subjective", [Statement("a", "Slept poorly.")])], []);

        Assert.True(NoteDiff.Between(content, content with { }).IsEmpty);
    }

    private static NoteStatement Statement(string id, string text) =>
        new(id, text, StatementOrigin.Clinician, [], EvidenceStrength.None, false, StatementReview.Pending);
}
