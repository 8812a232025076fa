using Plexura.Core.Access;
using Plexura.Core.Common;
using Plexura.Core.Notes;
using Plexura.Core.Notes.SignNote;
using Plexura.Core.Notes.Templates;

namespace Plexura.Tests.Unit.Notes;

/// <summary>The signing rules, one at a time.</summary>
public sealed class NoteSigningRulesTests
{
    private static readonly ClientPermissions Editor = new(true, true, false, false);

    private static readonly NoteTemplate Template = new(
        "t", "T", [new TemplateSection("presentation", "Presentation", "g", true), new TemplateSection("plan", "Plan", "g", false)]);

    private static readonly NoteContent Ready = new(
        [
            new NoteSection("presentation", "Presentation",
            [
                new NoteStatement("st-1", "Supported.", StatementOrigin.Drafted, [new PassageRef(0, 0)], EvidenceStrength.Supported, false, StatementReview.Pending),
                new NoteStatement("st-2", "Weak but accepted.", StatementOrigin.Drafted, [new PassageRef(0, 1)], EvidenceStrength.Weak, false, StatementReview.Accepted),
            ]),
            new NoteSection("plan", "Plan", []),
        ],
        [new RiskItem("r1", RiskCategory.SuicidalIdeation, RiskPolarity.Denied, new PassageRef(0, 2), "denies si", RiskReview.Confirmed, null, false)]);

    private static readonly Note Draft = new(
        NoteId.New(), PracticeId.New(), "s-x", ClientId.New(), ClinicalSessionId.New(), UserId.New(), NoteKind.Progress, "t", NoteStatus.Draft,
        DraftingState.Drafted, null, 1, null, 1, 1, 4, null, [], DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

    [Fact]
    public void Check_AReviewedNoteWithRequiredSectionsWritten_MaySign() =>
        Assert.Null(NoteSigningRules.Check(Draft, Ready, Template, Editor, attested: true, basedOnVersion: 4));

    [Fact]
    public void Check_WithoutEditPermission_IsRefused() =>
        Assert.Equal("no-edit-permission", NoteSigningRules.Check(Draft, Ready, Template, new ClientPermissions(true, false, true, true), true, 4)?.Code);

    [Fact]
    public void Check_AlreadySigned_IsRefused() =>
        Assert.Equal("already-signed", NoteSigningRules.Check(Draft with { Status = NoteStatus.Signed }, Ready, Template, Editor, true, 4)?.Code);

    [Fact]
    public void Check_OnAnOlderVersion_IsRefused() =>
        Assert.Equal("stale-version", NoteSigningRules.Check(Draft, Ready, Template, Editor, true, 3)?.Code);

    [Fact]
    public void Check_WithoutAttestation_IsRefused() =>
        Assert.Equal("no-attestation", NoteSigningRules.Check(Draft, Ready, Template, Editor, false, 4)?.Code);

    [Fact]
    public void Check_ARequiredSectionEmpty_IsRefusedNamingIt()
    {
        var content = Ready with { Sections = [Ready.Sections[0] with { Statements = [] }, Ready.Sections[1]] };

        var refusal = NoteSigningRules.Check(Draft, content, Template, Editor, true, 4);

        Assert.Equal("required-section-empty", refusal?.Code);
        Assert.Contains("Presentation", refusal!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ARequiredSectionMissing_IsRefused() =>
        Assert.Equal("required-section-empty", NoteSigningRules.Check(Draft, Ready with { Sections = [Ready.Sections[1]] }, Template, Editor, true, 4)?.Code);

    [Theory]
    [InlineData(EvidenceStrength.Weak, false)]
    [InlineData(EvidenceStrength.None, false)]
    [InlineData(EvidenceStrength.Supported, true)]
    public void Check_AFlaggedStatementNotReviewed_IsRefused(EvidenceStrength evidence, bool uncertain)
    {
        var flagged = new NoteStatement("st-3", "Flagged.", StatementOrigin.Drafted, [], evidence, uncertain, StatementReview.Pending);
        var content = Ready with { Sections = [Ready.Sections[0] with { Statements = [.. Ready.Sections[0].Statements, flagged] }, Ready.Sections[1]] };

        Assert.Equal("statements-need-review", NoteSigningRules.Check(Draft, content, Template, Editor, true, 4)?.Code);
    }

    [Fact]
    public void Check_APendingRiskItem_IsRefused() =>
        Assert.Equal("risks-pending", NoteSigningRules.Check(Draft, Ready with { Risks = [Ready.Risks[0] with { Review = RiskReview.Pending }] }, Template, Editor, true, 4)?.Code);

    [Fact]
    public void Check_ACorrectedRiskItem_MaySign() =>
        Assert.Null(NoteSigningRules.Check(Draft, Ready with { Risks = [Ready.Risks[0] with { Review = RiskReview.Corrected, ClinicianNote = "n" }] }, Template, Editor, true, 4));
}
