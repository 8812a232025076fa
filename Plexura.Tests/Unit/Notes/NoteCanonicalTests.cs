using Plexura.Core.Common;
using Plexura.Core.Notes;

namespace Plexura.Tests.Unit.Notes;

/// <summary>The canonical serialization signatures hash: stable, and changed by any change of content.</summary>
public sealed class NoteCanonicalTests
{
    internal static readonly NoteContent Sample = new(
        [
            new NoteSection("presentation", "Presentation",
            [
                new NoteStatement("st-1", "Client reports sleeping better — « six hours ».", StatementOrigin.Drafted, [new PassageRef(0, 1), new PassageRef(2, 0)], EvidenceStrength.Supported, false, StatementReview.Pending),
                new NoteStatement("st-2", "Discussed work stress.", StatementOrigin.Clinician, [], EvidenceStrength.None, false, StatementReview.Accepted),
            ]),
            new NoteSection("plan", "Plan", []),
        ],
        [new RiskItem("risk-3.7-suicidalideation", RiskCategory.SuicidalIdeation, RiskPolarity.Denied, new PassageRef(3, 7), "denies si", RiskReview.Pending, null, false)]);

    [Fact]
    public void Serialize_IsTheDocumentedCompactForm()
    {
        var canonical = NoteCanonical.Serialize(new NoteContent(
            [new NoteSection("plan", "Plan", [new NoteStatement("st-1", "Next week.", StatementOrigin.Clinician, [new PassageRef(3, 7)], EvidenceStrength.Weak, true, StatementReview.Edited)])],
            [new RiskItem("r", RiskCategory.SelfHarm, RiskPolarity.Hypothetical, new PassageRef(1, 2), "cut", RiskReview.Corrected, "not a risk", true)]));

        Assert.Equal(
            """{"format":"plexura-note-v1","sections":[{"key":"plan","title":"Plan","statements":[{"id":"st-1","text":"Next week.","origin":"Clinician","citations":["3.7"],"evidence":"Weak","uncertain":true,"review":"Edited"}]}],"risks":[{"id":"r","category":"SelfHarm","polarity":"Hypothetical","passage":"1.2","phrase":"cut","review":"Corrected","clinicianNote":"not a risk","mentionedByDraft":true}]}""",
            canonical);
    }

    [Fact]
    public void Hash_IsStableForEqualContentBuiltSeparately()
    {
        var copy = Sample with { Sections = [.. Sample.Sections.Select(s => s with { Statements = [.. s.Statements.Select(t => t with { Citations = [.. t.Citations] })] })] };

        Assert.Equal(NoteCanonical.Hash(Sample), NoteCanonical.Hash(copy));
        Assert.Matches("^[0-9a-f]{64}$", NoteCanonical.Hash(Sample));
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", NoteCanonical.HashOf(string.Empty));
    }

    public static TheoryData<string> Changes() => new(Mutations.Keys);

    [Theory]
    [MemberData(nameof(Changes))]
    public void Hash_ChangesWithAnyChangeOfContent(string change)
    {
        Assert.NotEqual(NoteCanonical.Hash(Sample), NoteCanonical.Hash(Mutations[change](Sample)));
    }

    [Fact]
    public void AddendumHash_CoversTheSignedHashReasonTextAuthorAndTime()
    {
        var by = UserId.New();
        var at = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
        var hash = NoteCanonical.HashOf(NoteCanonical.SerializeAddendum("aa", 2, by, at, "Late entry", "Client called."));

        Assert.Equal(hash, NoteCanonical.HashOf(NoteCanonical.SerializeAddendum("aa", 2, by, at.ToOffset(TimeSpan.FromHours(2)), "Late entry", "Client called.")));
        Assert.NotEqual(hash, NoteCanonical.HashOf(NoteCanonical.SerializeAddendum("ab", 2, by, at, "Late entry", "Client called.")));
        Assert.NotEqual(hash, NoteCanonical.HashOf(NoteCanonical.SerializeAddendum("aa", 3, by, at, "Late entry", "Client called.")));
        Assert.NotEqual(hash, NoteCanonical.HashOf(NoteCanonical.SerializeAddendum("aa", 2, UserId.New(), at, "Late entry", "Client called.")));
        Assert.NotEqual(hash, NoteCanonical.HashOf(NoteCanonical.SerializeAddendum("aa", 2, by, at.AddSeconds(1), "Late entry", "Client called.")));
        Assert.NotEqual(hash, NoteCanonical.HashOf(NoteCanonical.SerializeAddendum("aa", 2, by, at, "Late entry.", "Client called.")));
        Assert.NotEqual(hash, NoteCanonical.HashOf(NoteCanonical.SerializeAddendum("aa", 2, by, at, "Late entry", "Client called")));
    }

    private static readonly Dictionary<string, Func<NoteContent, NoteContent>> Mutations = new(StringComparer.Ordinal)
    {
        ["statement text"] = c => Statement(c, s => s with { Text = s.Text + " " }),
        ["statement id"] = c => Statement(c, s => s with { Id = "st-9" }),
        ["origin"] = c => Statement(c, s => s with { Origin = StatementOrigin.Clinician }),
        ["citation"] = c => Statement(c, s => s with { Citations = [new PassageRef(0, 1), new PassageRef(2, 1)] }),
        ["citation order"] = c => Statement(c, s => s with { Citations = [.. s.Citations.Reverse()] }),
        ["evidence"] = c => Statement(c, s => s with { Evidence = EvidenceStrength.Weak }),
        ["uncertain"] = c => Statement(c, s => s with { Uncertain = true }),
        ["review"] = c => Statement(c, s => s with { Review = StatementReview.Accepted }),
        ["statement order"] = c => c with { Sections = [c.Sections[0] with { Statements = [.. c.Sections[0].Statements.Reverse()] }, c.Sections[1]] },
        ["section title"] = c => c with { Sections = [c.Sections[0] with { Title = "Presentation." }, c.Sections[1]] },
        ["section order"] = c => c with { Sections = [c.Sections[1], c.Sections[0]] },
        ["risk review"] = c => Risk(c, r => r with { Review = RiskReview.Confirmed }),
        ["risk note"] = c => Risk(c, r => r with { ClinicianNote = string.Empty }),
        ["risk polarity"] = c => Risk(c, r => r with { Polarity = RiskPolarity.Endorsed }),
        ["risk category"] = c => Risk(c, r => r with { Category = RiskCategory.SelfHarm }),
        ["risk passage"] = c => Risk(c, r => r with { Passage = new PassageRef(3, 8) }),
        ["risk mentioned"] = c => Risk(c, r => r with { MentionedByDraft = true }),
        ["risk removed"] = c => c with { Risks = [] },
    };

    private static NoteContent Statement(NoteContent c, Func<NoteStatement, NoteStatement> change) =>
        c with { Sections = [c.Sections[0] with { Statements = [change(c.Sections[0].Statements[0]), c.Sections[0].Statements[1]] }, c.Sections[1]] };

    private static NoteContent Risk(NoteContent c, Func<RiskItem, RiskItem> change) => c with { Risks = [change(c.Risks[0])] };
}
