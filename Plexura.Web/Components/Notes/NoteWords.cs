using Plexura.Core.Notes;

namespace Plexura.Web.Components.Notes;

/// <summary>The note editor's plain words for evidence, review and risk (UX rule 2: words, not codes or colours).</summary>
public static class NoteWords
{
    /// <summary>"Supported by the transcript", "Weak evidence", "No evidence".</summary>
    public static string Evidence(EvidenceStrength evidence) => evidence switch
    {
        EvidenceStrength.Supported => "Supported by the transcript",
        EvidenceStrength.Weak => "Weak evidence",
        _ => "No evidence",
    };

    /// <summary>Why a drafted statement is flagged, in one sentence.</summary>
    public static string WhyFlagged(NoteStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var evidence = statement.Evidence switch
        {
            EvidenceStrength.Weak => "its cited passages barely support it",
            EvidenceStrength.None => "no passage of the transcript supports it",
            _ => null,
        };
        var reason = (evidence, statement.Uncertain) switch
        {
            (null, true) => "the draft marked it uncertain",
            ({ } e, true) => $"{e}, and the draft marked it uncertain",
            ({ } e, false) => e,
            _ => "it needs your review",
        };
        return $"Check this drafted statement: {reason}. Accept it, edit it or delete it.";
    }

    /// <summary>"Suicidal thoughts", "Thoughts of harming others", …</summary>
    public static string Category(RiskCategory category) => category switch
    {
        RiskCategory.SuicidalIdeation => "Suicidal thoughts",
        RiskCategory.HomicidalIdeation => "Thoughts of killing someone",
        RiskCategory.SelfHarm => "Self-harm",
        RiskCategory.AbuseOrNeglect => "Abuse or neglect",
        RiskCategory.DangerToOthers => "Danger to others",
        _ => "Risk",
    };

    /// <summary>"endorsed", "denied", "hypothetical", "about someone else".</summary>
    public static string Polarity(RiskPolarity polarity) => polarity switch
    {
        RiskPolarity.Endorsed => "endorsed",
        RiskPolarity.Denied => "denied",
        RiskPolarity.Hypothetical => "raised as a possibility",
        RiskPolarity.ThirdParty => "about someone else",
        _ => "unclear",
    };

    /// <summary>"Suicidal thoughts — denied".</summary>
    public static string Risk(RiskCategory category, RiskPolarity polarity) => $"{Category(category)} — {Polarity(polarity)}";

    /// <summary>"Waiting for your review", "Confirmed", "Corrected".</summary>
    public static string Review(RiskReview review) => review switch
    {
        RiskReview.Confirmed => "Confirmed",
        RiskReview.Corrected => "Corrected",
        _ => "Waiting for your review",
    };

    /// <summary>A version's reason in words ("Edited", "AI draft", "Restored from an earlier version").</summary>
    public static string Reason(string reason) => reason switch
    {
        "created" => "Created",
        "drafted" => "AI draft",
        "edited" => "Edited",
        "restored" => "Restored from an earlier version",
        "resolved" => "Review decision",
        "statement-resolved" => "Statement reviewed",
        "risk-resolved" => "Risk item reviewed",
        "signed" => "Signed",
        "addendum" or "amended" => "Addendum",
        _ => string.IsNullOrEmpty(reason) ? "Saved" : char.ToUpperInvariant(reason[0]) + reason[1..],
    };

    /// <summary>"1 statement", "3 statements".</summary>
    public static string Count(int count, string singular, string plural) => count == 1 ? $"1 {singular}" : $"{count} {plural}";
}
