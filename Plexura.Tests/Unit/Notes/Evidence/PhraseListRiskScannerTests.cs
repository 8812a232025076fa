using Microsoft.Extensions.DependencyInjection;
using Plexura.Core;
using Plexura.Core.Notes;
using Plexura.Core.Notes.Evidence;

namespace Plexura.Tests.Unit.Notes.Evidence;

/// <summary>The scanner's contract beyond the labelled set: order, one hit per line and category, spans, the list's syntax.</summary>
public sealed class PhraseListRiskScannerTests
{
    private static readonly PhraseListRiskScanner Scanner = new();

    private static TranscriptPassage Line(int segment, int span, string text, string? speaker = "Client") =>
        new(new PassageRef(segment, span), TimeSpan.FromSeconds(segment * 10 + span), speaker, text);

    [Fact]
    public void Scan_PassagesOutOfOrder_ReturnsHitsInTranscriptOrder_WithTheMatchedSpan()
    {
        var transcript = new[]
        {
            Line(3, 1, "And my brother keeps a gun in his car."),
            Line(1, 0, "Lately I want to die, honestly."),
            Line(2, 4, "We talked about work."),
        };

        var hits = Scanner.Scan(transcript);

        Assert.Equal([new PassageRef(1, 0), new PassageRef(3, 1)], hits.Select(h => h.Passage));
        Assert.Equal("want to die", transcript[1].Text.Substring(hits[0].Start, hits[0].Length));
        Assert.Equal((RiskCategory.SuicidalIdeation, RiskPolarity.Endorsed), (hits[0].Category, hits[0].Polarity));
        Assert.Equal("gun", transcript[0].Text.Substring(hits[1].Start, hits[1].Length));
        Assert.Equal((RiskCategory.DangerToOthers, RiskPolarity.ThirdParty), (hits[1].Category, hits[1].Polarity));
    }

    [Fact]
    public void Scan_DenialAndEndorsementInOneLine_GivesOneHitPerCategory_TheEndorsement()
    {
        var hits = Scanner.Scan([Line(0, 0, "I'd never hurt myself, but I have been cutting again.")]);

        var hit = Assert.Single(hits);
        Assert.Equal((RiskCategory.SelfHarm, RiskPolarity.Endorsed), (hit.Category, hit.Polarity));
    }

    [Fact]
    public void Scan_OneLineWithSeveralCategories_GivesOneHitEach()
    {
        var hits = Scanner.Scan([Line(0, 0, "I want to kill myself and I want to kill him.")]);

        Assert.Equal([RiskCategory.SuicidalIdeation, RiskCategory.HomicidalIdeation], hits.Select(h => h.Category).Order());
    }

    [Fact]
    public void Scan_CurlyApostrophesAndCapitals_MatchLikePlainText()
    {
        var hits = Scanner.Scan([Line(0, 0, "I DON\u2019T WANT TO LIVE ANYMORE")]);

        Assert.Equal(RiskPolarity.Endorsed, Assert.Single(hits).Polarity);
    }

    [Fact]
    public void Scan_GreetingHi_IsNotHomicidalIdeation_ButTheAbbreviationIs()
    {
        Assert.Empty(Scanner.Scan([Line(0, 0, "hi there, hi")]));
        Assert.Equal(RiskCategory.HomicidalIdeation, Assert.Single(Scanner.Scan([Line(0, 0, "Endorses HI.", "Clinician")])).Category);
    }

    [Fact]
    public void Scan_EmptyTranscript_GivesNothing() => Assert.Empty(Scanner.Scan([]));

    /// <summary>Known limits, asserted so a change in them is seen (the clinician's review covers them).</summary>
    [Fact]
    public void Scan_KnownLimits_AreAsDocumented()
    {
        // An if-clause makes a hit hypothetical even when the client speaks of themself.
        Assert.Equal(RiskPolarity.Hypothetical, Assert.Single(Scanner.Scan([Line(0, 0, "Nobody would care if I killed myself.")])).Polarity);

        // Paraphrase with no listed phrase is not found.
        Assert.Empty(Scanner.Scan([Line(0, 0, "Her caregiver doesn't feed her and she has bruises.")]));

        // A joke with a listed phrase is reported.
        Assert.Equal(RiskPolarity.Endorsed, Assert.Single(Scanner.Scan([Line(0, 0, "He ate my fries, I could kill him.")])).Polarity);
    }

    [Fact]
    public void EmbeddedList_Parses_WithPhrasesForEveryCategory()
    {
        var phrases = RiskPhraseList.Parse(RiskPhraseList.ReadEmbedded());

        Assert.True(Scanner.PhraseCount >= 100, $"{Scanner.PhraseCount} phrases");
        Assert.True(Scanner.ExclusionCount >= 20, $"{Scanner.ExclusionCount} exclusions");
        foreach (var category in Enum.GetValues<RiskCategory>())
        {
            Assert.Contains(phrases, p => p.Category == category);
        }
    }

    [Theory]
    [InlineData("suicidal | kill myself", "line 1: unknown category")]
    [InlineData("# comment\nself-harm", "line 2: a line is")]
    [InlineData("self-harm | hurt ~", "line 1: a phrase cannot be empty or end with ~")]
    [InlineData("self-harm | don't cut", "line 1: 'don't' is not a word")]
    public void Parse_MalformedLine_ThrowsWithItsLineNumber(string list, string message)
    {
        var error = Assert.Throws<FormatException>(() => RiskPhraseList.Parse(list));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scan_ListWithGapAndPrefix_MatchesInflectionsAndGaps()
    {
        var scanner = new PhraseListRiskScanner("self-harm | want to ~ scratch | scrat*\nnot-a-risk | scratch card");

        Assert.Equal("wanted to really badly scratch", Text(scanner, "I wanted to really badly scratch."));
        Assert.Null(Text(scanner, "I wanted to scratch card."));
    }

    [Fact]
    public void AddPlexuraCore_RegistersBothChecksAsSingletons()
    {
        using var provider = new ServiceCollection().AddPlexuraCore().BuildServiceProvider();

        Assert.IsType<OverlapEvidenceVerifier>(provider.GetRequiredService<IEvidenceVerifier>());
        Assert.Same(provider.GetRequiredService<IRiskScanner>(), provider.GetRequiredService<IRiskScanner>());
        Assert.IsType<PhraseListRiskScanner>(provider.GetRequiredService<IRiskScanner>());
    }

    private static string? Text(PhraseListRiskScanner scanner, string text)
    {
        var hit = scanner.Scan([Line(0, 0, text)]).SingleOrDefault();
        return hit is null ? null : text.Substring(hit.Start, hit.Length);
    }
}
