using Bunit;
using Plexura.Core.Notes;
using Plexura.Web.Components.Notes;

namespace Plexura.Tests.Components.Notes;

/// <summary>The risk panel: every item in plain words with its passage, pending ones counted, Confirm and Correct with a required note.</summary>
public sealed class RiskPanelTests : NoteComponentTestBase
{
    private static readonly TranscriptPassage[] Passages =
    [
        new(new PassageRef(2, 4), TimeSpan.FromMinutes(12), "Client", "No, I would never hurt myself."),
        new(new PassageRef(3, 1), TimeSpan.FromMinutes(20), "Client", "My brother tried to kill himself last year."),
    ];

    private static readonly RiskItem[] Risks =
    [
        new("risk-2.4-si", RiskCategory.SuicidalIdeation, RiskPolarity.Denied, new PassageRef(2, 4), "never hurt myself", RiskReview.Pending, null, true),
        new("risk-3.1-si", RiskCategory.SuicidalIdeation, RiskPolarity.ThirdParty, new PassageRef(3, 1), "kill himself", RiskReview.Confirmed, null, false),
        new("risk-9.9-hi", RiskCategory.HomicidalIdeation, RiskPolarity.Endorsed, new PassageRef(9, 9), "kill him", RiskReview.Pending, null, false),
    ];

    private readonly List<RiskResolution> _resolutions = [];

    [Fact]
    public void Items_InPlainWords_WithPassage_MentionAndPendingCount()
    {
        var cut = Render();

        Assert.Equal("Suicidal thoughts — denied", cut.Find("#risk-title-risk-2-4-si").TextContent);
        Assert.Equal("Suicidal thoughts — about someone else", cut.Find("#risk-title-risk-3-1-si").TextContent);
        Assert.Contains("Client:", cut.Find("#risk-passage-risk-2-4-si").TextContent, StringComparison.Ordinal);
        Assert.Contains("No, I would never hurt myself.", cut.Find("#risk-passage-risk-2-4-si").TextContent, StringComparison.Ordinal);
        Assert.Contains("The draft mentions this passage.", cut.Find("#risk-mentioned-risk-2-4-si").TextContent, StringComparison.Ordinal);
        Assert.Contains("The draft does not mention this passage.", cut.Find("#risk-mentioned-risk-3-1-si").TextContent, StringComparison.Ordinal);
        Assert.Contains("Waiting for your review", cut.Find("#risk-review-risk-2-4-si").TextContent, StringComparison.Ordinal);
        Assert.Contains("Confirmed", cut.Find("#risk-review-risk-3-1-si").TextContent, StringComparison.Ordinal);
        Assert.Contains("no longer in the transcript", cut.Find("#risk-passage-risk-9-9-hi").TextContent, StringComparison.Ordinal);
        Assert.Equal("2 of 3 items waiting for your review: confirm or correct each before signing.", cut.Find("#risk-panel-summary").TextContent);
        Assert.Equal(2, cut.Instance.PendingCount);
    }

    [Fact]
    public void Confirm_RaisesAConfirmation()
    {
        var cut = Render();

        cut.Find("#risk-confirm-risk-2-4-si").Click();

        Assert.Equal(new RiskResolution("risk-2.4-si", true, RiskCategory.SuicidalIdeation, RiskPolarity.Denied, false, null), Assert.Single(_resolutions));
    }

    [Fact]
    public void Correct_NeedsANote_ThenRaisesTheCorrection()
    {
        var cut = Render();

        cut.Find("#risk-correct-risk-2-4-si").Click();
        Assert.True(cut.Find("#risk-correct-save-risk-2-4-si").HasAttribute("disabled"));
        Field(cut, "#risk-not-a-risk-risk-2-4-si").Change(true);
        Field(cut, "#risk-correct-note-risk-2-4-si").Input("   ");
        Assert.True(cut.Find("#risk-correct-save-risk-2-4-si").HasAttribute("disabled"));
        Field(cut, "#risk-correct-note-risk-2-4-si").Input(" Quoting a film, not about herself. ");
        cut.Find("#risk-correct-save-risk-2-4-si").Click();

        var resolution = Assert.Single(_resolutions);
        Assert.Equal(("risk-2.4-si", false, true, "Quoting a film, not about herself."), (resolution.RiskId, resolution.Confirmed, resolution.NotARisk, resolution.Note));
        Assert.Empty(cut.FindAll("#risk-correct-form-risk-2-4-si"));
    }

    [Fact]
    public void ReadOnly_HasNoActions_AndShowsTheClinicianNote()
    {
        RiskItem[] risks = [Risks[0] with { Review = RiskReview.Corrected, ClinicianNote = "Was about a film.", Polarity = RiskPolarity.Hypothetical }];
        var cut = Render(risks, readOnly: true);

        Assert.Empty(cut.FindAll("button"));
        Assert.Equal("Suicidal thoughts — raised as a possibility", cut.Find("#risk-title-risk-2-4-si").TextContent);
        Assert.Contains("Was about a film.", cut.Find("#risk-note-risk-2-4-si").TextContent, StringComparison.Ordinal);
        Assert.Equal("The item is reviewed.", cut.Find("#risk-panel-summary").TextContent);
    }

    private IRenderedComponent<RiskPanel> Render(RiskItem[]? risks = null, bool readOnly = false) =>
        Context.Render<RiskPanel>(p => p
            .Add(c => c.Risks, risks ?? Risks)
            .Add(c => c.Passages, Passages)
            .Add(c => c.ReadOnly, readOnly)
            .Add(c => c.OnResolve, r => _resolutions.Add(r)));
}
