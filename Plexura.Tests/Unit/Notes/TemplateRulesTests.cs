using Plexura.Core.Common;
using Plexura.Core.Notes.Templates;

namespace Plexura.Tests.Unit.Notes;

/// <summary>The limits and key rules of practice templates, checked in Core.</summary>
public sealed class TemplateRulesTests
{
    [Fact]
    public void Check_ValidTemplate_TrimsAndDerivesUniqueKeysInOrder()
    {
        var (name, sections) = TemplateRules.Check(
            "  Intake follow-up ",
            [
                new(null, "Mental status", "Orientation, mood,\naffect.", true),
                new(null, "Plan!", null, false),
                new(null, "Plan?", "Second plan-like heading.", true),
                new(null, "Évaluation", "", false),
                new(null, "***", "No letters at all.", false),
            ]);

        Assert.Equal("Intake follow-up", name);
        Assert.Equal(["mental-status", "plan", "plan-2", "evaluation", "section"], sections.Select(s => s.Key));
        Assert.Equal("Orientation, mood,\naffect.", sections[0].Guidance);
        Assert.Equal(string.Empty, sections[1].Guidance);
        Assert.Equal([true, false, true, false, false], sections.Select(s => s.Required));
    }

    [Fact]
    public void Check_ExistingKeys_AreKeptAcrossRenamesAndNewSectionsAvoidThem()
    {
        var (_, sections) = TemplateRules.Check("T", [new(null, "Plan", "", true), new("plan", "Next steps", "", true)]);

        Assert.Equal(["plan-2", "plan"], sections.Select(s => s.Key));
    }

    [Fact]
    public void Check_FiveHundredSections_IsRefusedWithTheLimitInWords()
    {
        var sections = Enumerable.Range(0, 500).Select(i => new TemplateSectionInput(null, $"Section {i}", "", false)).ToList();

        var error = Assert.Throws<ValidationFailedException>(() => TemplateRules.Check("Huge", sections));

        Assert.Equal(TemplateRules.TooManySectionsMessage, error.Message);
        Assert.Contains("at most 30 sections", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ThirtySections_IsAccepted() =>
        Assert.Equal(30, TemplateRules.Check("Full", [.. Enumerable.Range(0, 30).Select(i => new TemplateSectionInput(null, $"S{i}", "", false))]).Sections.Count);

    [Theory]
    [InlineData(121, 10, 10, "at most 120 characters")]
    [InlineData(10, 121, 10, "at most 120 characters")]
    [InlineData(10, 10, 2001, "at most 2000 characters")]
    public void Check_OverLongText_IsRefused(int nameLength, int titleLength, int guidanceLength, string expected)
    {
        var error = Assert.Throws<ValidationFailedException>(() =>
            TemplateRules.Check(new string('n', nameLength), [new(null, new string('t', titleLength), new string('g', guidanceLength), true)]));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_LongestAllowedText_IsAccepted() =>
        TemplateRules.Check(new string('n', 120), [new(null, new string('t', 120), new string('g', 2000), true)]);

    [Theory]
    [InlineData(null, TemplateRules.NameMissingMessage)]
    [InlineData("   ", TemplateRules.NameMissingMessage)]
    public void Check_NoName_IsRefused(string? name, string expected) =>
        Assert.Equal(expected, Assert.Throws<ValidationFailedException>(() => TemplateRules.Check(name, [new(null, "A", "", true)])).Message);

    [Fact]
    public void Check_NoSections_IsRefused()
    {
        Assert.Equal(TemplateRules.NoSectionsMessage, Assert.Throws<ValidationFailedException>(() => TemplateRules.Check("T", [])).Message);
        Assert.Equal(TemplateRules.NoSectionsMessage, Assert.Throws<ValidationFailedException>(() => TemplateRules.Check("T", null)).Message);
    }

    [Fact]
    public void Check_BlankSectionTitle_IsRefused() =>
        Assert.Equal(
            TemplateRules.SectionTitleMissingMessage,
            Assert.Throws<ValidationFailedException>(() => TemplateRules.Check("T", [new(null, " ", "", true)])).Message);

    [Fact]
    public void Check_SameTitleTwiceIgnoringCase_IsRefused() =>
        Assert.Equal(
            TemplateRules.DuplicateTitleMessage,
            Assert.Throws<ValidationFailedException>(() => TemplateRules.Check("T", [new(null, "Plan", "", true), new(null, "plan", "", true)])).Message);

    [Theory]
    [InlineData("Bad Key")]
    [InlineData("-plan")]
    [InlineData("plan--b")]
    [InlineData("")]
    public void Check_MalformedKey_IsRefused(string key) =>
        Assert.Equal(TemplateRules.BadKeyMessage, Assert.Throws<ValidationFailedException>(() => TemplateRules.Check("T", [new(key, "Plan", "", true)])).Message);

    [Fact]
    public void Check_SameKeyTwice_IsRefused() =>
        Assert.Equal(
            TemplateRules.BadKeyMessage,
            Assert.Throws<ValidationFailedException>(() => TemplateRules.Check("T", [new("plan", "A", "", true), new("plan", "B", "", true)])).Message);

    [Fact]
    public void Check_InvisibleCharacterInTitle_IsRefused() =>
        Assert.Contains("invisible or control characters", Assert.Throws<ValidationFailedException>(() =>
            TemplateRules.Check("T", [new(null, "Pl\u202Ean", "", true)])).Message, StringComparison.Ordinal);

    [Fact]
    public void Check_LineBreakInTitle_IsRefusedButAllowedInGuidance()
    {
        Assert.Throws<ValidationFailedException>(() => TemplateRules.Check("T", [new(null, "Pl\nan", "", true)]));
        TemplateRules.Check("T", [new(null, "Plan", "a\nb", true)]);
    }

    [Fact]
    public void KeyOf_LongTitle_IsCutWithoutATrailingDash() =>
        Assert.True(TemplateRules.KeyOf(string.Join(' ', Enumerable.Repeat("word", 30))).Length <= TemplateRules.MaxKeyLength);

    [Theory]
    [InlineData("t-0193a3b4-7c1d-7000-8000-000000000001", true)]
    [InlineData("t-00000000-0000-0000-0000-000000000000", false)]
    [InlineData("soap", false)]
    [InlineData("t-not-a-guid", false)]
    [InlineData(null, false)]
    public void NoteTemplateId_TryFromKey_OnlyPracticeKeys(string? key, bool expected)
    {
        Assert.Equal(expected, NoteTemplateId.TryFromKey(key, out var id));
        if (expected)
        {
            Assert.Equal(key, id.Key);
        }
    }
}
