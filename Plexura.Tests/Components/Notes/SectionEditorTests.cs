using Bunit;
using Plexura.Core.Notes;
using Plexura.Web.Components.Notes;

namespace Plexura.Tests.Components.Notes;

/// <summary>The section editor: statements as fields with their evidence in words, flagged-statement review, autosave after a pause or on blur.</summary>
public sealed class SectionEditorTests : NoteComponentTestBase
{
    private readonly List<NoteSection> _saves = [];
    private readonly List<string> _accepted = [];
    private readonly List<NoteStatement> _selected = [];

    [Fact]
    public void Typing_SavesOnceAfterThePause_NotPerKeystroke()
    {
        var cut = Render(new NoteSection("plan", "Plan", [Written("st-1", "Meet weekly.")]));

        Field(cut, "#statement-input-st-1").Input("Meet every");
        Time.Advance(TimeSpan.FromSeconds(1));
        Field(cut, "#statement-input-st-1").Input("Meet every week.");
        Time.Advance(SectionEditor.SaveDelay - TimeSpan.FromMilliseconds(1));
        Assert.Empty(_saves);
        Assert.Equal("Unsaved changes", cut.Find("#section-save-text-plan").TextContent);

        Time.Advance(TimeSpan.FromMilliseconds(1));

        cut.WaitForAssertion(() => Assert.Single(_saves));
        Assert.Equal("Meet every week.", Assert.Single(_saves[0].Statements).Text);
        Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Single(_saves);
    }

    [Fact]
    public void Blur_SavesAtOnce()
    {
        var cut = Render(new NoteSection("plan", "Plan", [Written("st-1", "Meet weekly.")]));

        Field(cut, "#statement-input-st-1").Input("Meet fortnightly.");
        Field(cut, "#statement-input-st-1").Blur();

        cut.WaitForAssertion(() => Assert.Single(_saves));
        Assert.Equal("Meet fortnightly.", _saves[0].Statements[0].Text);
        Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Single(_saves);
    }

    [Fact]
    public void Evidence_IsShownInWords_ForEveryStatement()
    {
        var cut = Render(new NoteSection("s", "Subjective", [
            Drafted("st-1", "Slept badly.", EvidenceStrength.Supported, false, new PassageRef(0, 1)),
            Drafted("st-2", "Started running.", EvidenceStrength.Weak, false, new PassageRef(0, 2)),
            Drafted("st-3", "Takes sertraline.", EvidenceStrength.None, true),
        ]));

        Assert.Contains("Supported by the transcript", cut.Find("#statement-evidence-st-1").TextContent, StringComparison.Ordinal);
        Assert.Contains("Weak evidence", cut.Find("#statement-evidence-st-2").TextContent, StringComparison.Ordinal);
        Assert.Contains("No evidence", cut.Find("#statement-evidence-st-3").TextContent, StringComparison.Ordinal);
        Assert.Contains("Marked uncertain", cut.Find("#statement-uncertain-st-3").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("#statement-flag-st-1"));
        Assert.Contains("barely support", cut.Find("#statement-flag-st-2").TextContent, StringComparison.Ordinal);
        Assert.Contains("marked it uncertain", cut.Find("#statement-flag-st-3").TextContent, StringComparison.Ordinal);
        var field = Field(cut, "#statement-input-st-2");
        Assert.Equal("Statement 2 of Subjective", field.GetAttribute("aria-label"));
        Assert.Equal("statement-evidence-st-2 statement-flag-text-st-2", field.GetAttribute("aria-describedby"));
        Assert.Equal("Statement 2", cut.Find("label[for='statement-input-st-2']").TextContent);
    }

    [Fact]
    public void Accept_RaisesOnAccept_AndClearsTheFlag()
    {
        var cut = Render(new NoteSection("s", "Subjective", [Drafted("st-2", "Started running.", EvidenceStrength.Weak, false, new PassageRef(0, 2))]));

        cut.Find("#statement-accept-st-2").Click();

        Assert.Equal(["st-2"], _accepted);
        Assert.Empty(cut.FindAll("#statement-flag-st-2"));
        Assert.Empty(_saves);
    }

    [Fact]
    public void EditingAFlaggedStatement_SavesItAsTheClinicians_NoLongerNeedingReview()
    {
        var cut = Render(new NoteSection("s", "Subjective", [Drafted("st-3", "Takes sertraline.", EvidenceStrength.None)]));

        cut.Find("#statement-edit-st-3").Click();
        Field(cut, "#statement-input-st-3").Input("Medication was not discussed.");
        Field(cut, "#statement-input-st-3").Blur();

        cut.WaitForAssertion(() => Assert.Single(_saves));
        var saved = Assert.Single(_saves[0].Statements);
        Assert.Equal(("st-3", StatementOrigin.Clinician, StatementReview.Edited, false), (saved.Id, saved.Origin, saved.Review, saved.NeedsReview));
        Assert.Empty(cut.FindAll("#statement-flag-st-3"));
    }

    [Fact]
    public void AddDeleteAndUndo_EachSaveTheWholeSection()
    {
        var cut = Render(new NoteSection("plan", "Plan", [Written("st-1", "Meet weekly.")]));

        cut.Find("#section-add-plan").Click();
        var added = cut.FindAll("li.plx-statement")[1].Id!["statement-".Length..];
        Field(cut, $"#statement-input-{added}").Input("Practise breathing daily.");
        Field(cut, $"#statement-input-{added}").Blur();
        cut.WaitForAssertion(() => Assert.Single(_saves));
        Assert.Equal(["Meet weekly.", "Practise breathing daily."], _saves[0].Statements.Select(s => s.Text));
        Assert.Equal(StatementOrigin.Clinician, _saves[0].Statements[1].Origin);

        cut.Find("#statement-delete-st-1").Click();
        cut.WaitForAssertion(() => Assert.Equal(2, _saves.Count));
        Assert.Equal(["Practise breathing daily."], _saves[1].Statements.Select(s => s.Text));
        Assert.Equal("Statement deleted.", cut.Find("#section-deleted-plan").TextContent);

        cut.Find("#section-undo-plan").Click();
        cut.WaitForAssertion(() => Assert.Equal(3, _saves.Count));
        Assert.Equal(["Meet weekly.", "Practise breathing daily."], _saves[2].Statements.Select(s => s.Text));
    }

    [Fact]
    public void SaveState_IsShownInWords_AndFailedOffersRetry()
    {
        var section = new NoteSection("plan", "Plan", [Written("st-1", "Meet weekly.")]);
        var cut = Render(section, NoteSaveState.Saving);
        Assert.Equal("Saving…", cut.Find("#section-save-text-plan").TextContent);
        Assert.Equal("status", cut.Find("#section-save-text-plan").GetAttribute("role"));

        cut.Render(p => p.Add(c => c.SaveState, NoteSaveState.Saved));
        Assert.Equal("Saved", cut.Find("#section-save-text-plan").TextContent);

        cut.Render(p => p.Add(c => c.SaveState, NoteSaveState.Failed).Add(c => c.SaveError, "The note changed in another tab."));
        Assert.Equal("Couldn't save", cut.Find("#section-save-text-plan").TextContent);
        Assert.Equal("The note changed in another tab.", cut.Find("#section-save-error-plan").TextContent.Trim());
        cut.Find("#section-retry-plan").Click();

        cut.WaitForAssertion(() => Assert.Single(_saves));
        Assert.Equal("Meet weekly.", _saves[0].Statements[0].Text);
    }

    [Fact]
    public void NewSectionFromTheParent_ReplacesTheFields_UnlessTheClinicianIsTyping()
    {
        var cut = Render(new NoteSection("plan", "Plan", [Written("st-1", "Meet weekly.")]));

        cut.Render(p => p.Add(c => c.Section, new NoteSection("plan", "Plan", [Written("st-1", "Meet weekly."), Written("st-2", "Call if worse.")])));
        Assert.Equal(2, cut.FindAll("li.plx-statement").Count);

        Field(cut, "#statement-input-st-1").Input("Meet twice a week.");
        cut.Render(p => p.Add(c => c.Section, new NoteSection("plan", "Plan", [Written("st-1", "Old text.")])));

        Assert.Equal("Meet twice a week.", cut.Instance.Statements[0].Text);
        Assert.Equal(2, cut.Instance.Statements.Count);
    }

    [Fact]
    public void Select_RaisesOnSelect_WithTheStatement_AndMarksItCurrent()
    {
        var statement = Drafted("st-1", "Slept badly.", EvidenceStrength.Supported, false, new PassageRef(0, 1), new PassageRef(0, 2));
        var cut = Render(new NoteSection("s", "Subjective", [statement]));

        Assert.Contains("Show in transcript (2)", cut.Find("#statement-select-st-1").TextContent, StringComparison.Ordinal);
        cut.Find("#statement-select-st-1").Click();
        Assert.Equal(statement, Assert.Single(_selected));

        cut.Render(p => p.Add(c => c.SelectedStatementId, "st-1"));
        Assert.Equal("true", cut.Find("#statement-st-1").GetAttribute("aria-current"));
    }

    [Fact]
    public void ReadOnly_ShowsTextOnly_WithoutFieldsOrActions()
    {
        var cut = Render(new NoteSection("s", "Subjective", [Drafted("st-2", "Started running.", EvidenceStrength.Weak)]), readOnly: true);

        Assert.Equal("Started running.", cut.Find("#statement-text-st-2").TextContent);
        Assert.Empty(cut.FindAll("textarea"));
        Assert.Empty(cut.FindAll("#statement-accept-st-2"));
        Assert.Empty(cut.FindAll("#statement-delete-st-2"));
        Assert.Empty(cut.FindAll("#section-add-s"));
        Assert.Contains("Weak evidence", cut.Find("#statement-evidence-st-2").TextContent, StringComparison.Ordinal);
    }

    private IRenderedComponent<SectionEditor> Render(NoteSection section, NoteSaveState state = NoteSaveState.Idle, bool readOnly = false) =>
        Context.Render<SectionEditor>(p => p
            .Add(c => c.Section, section)
            .Add(c => c.SaveState, state)
            .Add(c => c.ReadOnly, readOnly)
            .Add(c => c.OnSave, s => _saves.Add(s))
            .Add(c => c.OnAccept, id => _accepted.Add(id))
            .Add(c => c.OnSelect, s => _selected.Add(s)));
}
