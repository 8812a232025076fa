using System.Globalization;
using Plexura.Core.Notes;
using Plexura.Core.Notes.Evidence;

namespace Plexura.Tests.Unit.Notes.Evidence;

/// <summary>The app's evidence check: supported, weak and unsupported statements, negation, numbers, missing citations and finding support.</summary>
public sealed class OverlapEvidenceVerifierTests
{
    private static readonly OverlapEvidenceVerifier Verifier = new();

    private static readonly TranscriptPassage[] Transcript =
    [
        Line(0, 0, "Clinician", "How has your sleep been since we last met?"),
        Line(0, 1, "Client", "Honestly bad. I'm only sleeping like four hours a night, maybe less."),
        Line(0, 2, "Client", "And I get anxiety at work all the time."),
        Line(1, 0, "Client", "I drink every day now, mostly wine."),
        Line(1, 1, "Client", "I have trouble sleeping."),
        Line(1, 2, "Client", "And I'm drinking more."),
        Line(1, 3, "Client", "Ever since my mom died."),
        Line(2, 0, "Client", "No, I don't drink anymore. I stopped in June."),
        Line(2, 1, "Client", "I've been feeling really down."),
        Line(2, 2, "Client", "I hit my mother when I was sixteen."),
        Line(2, 3, "Client", "We went to the beach on Sunday."),
    ];

    private static readonly Dictionary<PassageRef, TranscriptPassage> ByRef = Transcript.ToDictionary(p => p.Ref);

    private static TranscriptPassage Line(int segment, int span, string speaker, string text) =>
        new(new PassageRef(segment, span), TimeSpan.FromSeconds(segment * 60 + span * 5), speaker, text);

    private static EvidenceStrength Verify(string statement, params string[] citations) =>
        Verifier.Verify(statement, [.. citations.Select(c => PassageRef.Parse(c, CultureInfo.InvariantCulture))], ByRef);

    [Theory]
    [InlineData("Client reports sleeping about four hours a night.", "0.1")]
    [InlineData("Client reports sleeping 4 hours per night.", "0.1")]
    [InlineData("Client endorses daily drinking, mostly wine.", "1.0")]
    [InlineData("Client reports trouble sleeping and drinking more since her mother died.", "1.1", "1.2", "1.3")]
    [InlineData("Client denies drinking.", "2.0")]
    [InlineData("Client reports anxiety at work.", "0.2")]
    public void Verify_CitedLinesSayIt_IsSupported(string statement, params string[] citations) =>
        Assert.Equal(EvidenceStrength.Supported, Verify(statement, citations));

    [Theory]
    [InlineData("Client reports anxiety at work and poor sleep.", "0.2")] // half the claim is in the line
    [InlineData("Client reports sleeping six hours a night.", "0.1")] // the number differs
    [InlineData("Client denies drinking.", "1.0")] // "I drink every day": the negation differs
    [InlineData("Client drinks daily.", "2.0")] // "I don't drink anymore": the negation differs
    [InlineData("Okay.", "0.1")] // no content word: nothing to measure
    public void Verify_CitedLinesSayPartOrTheOpposite_IsWeak(string statement, params string[] citations) =>
        Assert.Equal(EvidenceStrength.Weak, Verify(statement, citations));

    [Theory]
    [InlineData("Client's father was hospitalized in May.", "2.3")]
    [InlineData("Client reports panic attacks while driving.", "0.1")]
    public void Verify_CitedLinesShareNothing_IsNone(string statement, params string[] citations) =>
        Assert.Equal(EvidenceStrength.None, Verify(statement, citations));

    [Fact]
    public void Verify_NoCitation_OrOnlyMissingPassages_IsNone()
    {
        Assert.Equal(EvidenceStrength.None, Verify("Client reports sleeping four hours a night."));
        Assert.Equal(EvidenceStrength.None, Verify("Client reports sleeping four hours a night.", "9.9", "0.42"));
    }

    [Fact]
    public void Verify_SomeCitationsMissing_MeasuresTheOnesThatExist()
    {
        Assert.Equal(EvidenceStrength.Supported, Verify("Client reports sleeping four hours a night.", "9.9", "0.1"));
    }

    [Fact]
    public void Measure_NegationMismatch_LowersTheScore()
    {
        var (agreeing, _) = OverlapEvidenceVerifier.Measure("Client denies drinking.", ["No, I don't drink anymore."]);
        var (opposite, mismatch) = OverlapEvidenceVerifier.Measure("Client denies drinking.", ["I drink every day."]);

        Assert.Equal(1.0, agreeing);
        Assert.True(mismatch);
        Assert.Equal(OverlapEvidenceVerifier.NegationMismatchWeight, opposite);
    }

    /// <summary>What a word-overlap measure cannot catch, asserted so the limits stay documented (the clinician's review covers them).</summary>
    [Fact]
    public void Verify_KnownLimits_AreAsDocumented()
    {
        // A true paraphrase in other words is not recognised.
        Assert.Equal(EvidenceStrength.None, Verify("Client reports low mood.", "2.1"));

        // Reusing the cited words to say something else (who hit whom) is not caught.
        Assert.Equal(EvidenceStrength.Supported, Verify("Client's mother hit client at sixteen.", "2.2"));
    }

    [Fact]
    public void FindSupport_StatementInOneLine_ReturnsThatLineFirst()
    {
        var support = Verifier.FindSupport("Client sleeps about four hours a night.", Transcript, 3);

        Assert.Equal(new PassageRef(0, 1), support[0]);
    }

    [Fact]
    public void FindSupport_StatementAcrossNearbyLines_CombinesThem()
    {
        var support = Verifier.FindSupport("Trouble sleeping and drinking more since her mother died.", Transcript, 3);

        Assert.Equal([new PassageRef(1, 1), new PassageRef(1, 2), new PassageRef(1, 3)], support.Order());
        Assert.Equal(EvidenceStrength.Supported, Verifier.Verify("Trouble sleeping and drinking more since her mother died.", support, ByRef));
    }

    [Fact]
    public void FindSupport_NothingSaysIt_IsEmpty()
    {
        Assert.Empty(Verifier.FindSupport("Client enjoys skiing with colleagues.", Transcript, 3));
        Assert.Empty(Verifier.FindSupport("Client reports sleeping four hours a night.", Transcript, 0));
        Assert.Empty(Verifier.FindSupport("Okay.", Transcript, 3));
    }

    [Fact]
    public void FindSupport_RespectsMax()
    {
        var support = Verifier.FindSupport("Client drinks.", Transcript, 1);

        Assert.Single(support);
    }
}
