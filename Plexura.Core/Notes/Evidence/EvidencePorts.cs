namespace Plexura.Core.Notes.Evidence;

/// <summary>Measures whether a statement's cited transcript lines support it (the app's check, not the model's word).</summary>
public interface IEvidenceVerifier
{
    /// <summary>How well <paramref name="citations"/> support <paramref name="statement"/>; cited passages missing from <paramref name="transcript"/> count as absent.</summary>
    EvidenceStrength Verify(string statement, IReadOnlyList<PassageRef> citations, IReadOnlyDictionary<PassageRef, TranscriptPassage> transcript);

    /// <summary>The transcript lines that best support a statement (for a clinician's own statement), strongest first, at most <paramref name="max"/>; empty when none reaches the threshold.</summary>
    IReadOnlyList<PassageRef> FindSupport(string statement, IReadOnlyList<TranscriptPassage> transcript, int max);
}

/// <summary>One risk disclosure found by <see cref="IRiskScanner"/>.</summary>
/// <param name="Category">What it is about.</param>
/// <param name="Polarity">How it is spoken of.</param>
/// <param name="Passage">The line it is in.</param>
/// <param name="Start">Where the matched words start in the line's text.</param>
/// <param name="Length">How long the match is.</param>
/// <param name="Phrase">The maintained list's phrase that matched.</param>
public sealed record RiskHit(RiskCategory Category, RiskPolarity Polarity, PassageRef Passage, int Start, int Length, string Phrase);

/// <summary>Finds risk disclosures in a transcript, independently of any model: a maintained phrase list with negation, hypothetical and third-party handling.</summary>
public interface IRiskScanner
{
    /// <summary>Every hit, in transcript order; at most one per line and category (the strongest polarity: Endorsed over the others).</summary>
    IReadOnlyList<RiskHit> Scan(IReadOnlyList<TranscriptPassage> transcript);
}
