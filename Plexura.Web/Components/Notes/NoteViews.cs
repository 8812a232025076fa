using Plexura.Core.Notes;

namespace Plexura.Web.Components.Notes;

/// <summary>Where the parent's save of a section stands, as <see cref="SectionEditor"/> shows it.</summary>
public enum NoteSaveState
{
    /// <summary>Nothing saved in this view yet: no status shown.</summary>
    Idle,

    /// <summary>A save is on its way ("Saving…").</summary>
    Saving,

    /// <summary>The last save was stored ("Saved").</summary>
    Saved,

    /// <summary>The last save failed ("Couldn't save — retry").</summary>
    Failed,
}

/// <summary>One note version as the history lists it.</summary>
/// <param name="Number">The version number (1 = created).</param>
/// <param name="By">Who saved it, by name ("Dana Reyes"), or null for the drafter (shown "AI draft").</param>
/// <param name="At">When.</param>
/// <param name="Reason">Why, as stored ("created", "edited", "drafted", "restored", "signed", "addendum", …) or in words.</param>
public sealed record NoteVersionSummary(int Number, string? By, DateTimeOffset At, string Reason);

/// <summary>A signed note's signature as the sign panel shows it.</summary>
/// <param name="SignerName">Who signed, by name.</param>
/// <param name="At">When.</param>
/// <param name="Hash">The SHA-256 of the canonical content, lowercase hex.</param>
/// <param name="Verified">The last verification: true = the content still matches, false = it does not, null = not checked yet.</param>
public sealed record NoteSignatureView(string SignerName, DateTimeOffset At, string Hash, bool? Verified);

/// <summary>One addendum to a signed note.</summary>
/// <param name="Number">Its version number.</param>
/// <param name="By">Who wrote it, by name.</param>
/// <param name="At">When.</param>
/// <param name="Reason">Why it was added.</param>
/// <param name="Text">What it says.</param>
/// <param name="Hash">The SHA-256 of the addendum, lowercase hex, or null.</param>
public sealed record AddendumView(int Number, string By, DateTimeOffset At, string Reason, string Text, string? Hash);

/// <summary>An addendum the clinician asks to add (both parts required).</summary>
/// <param name="Reason">Why.</param>
/// <param name="Text">What it says.</param>
public sealed record AddendumRequest(string Reason, string Text);

/// <summary>What still blocks signing, as the page measured it.</summary>
/// <param name="FlaggedStatements">Drafted statements still needing review (accept, edit or delete).</param>
/// <param name="PendingRisks">Risk items not yet confirmed or corrected.</param>
/// <param name="EmptyRequiredSections">Titles of required sections without a statement.</param>
public sealed record SignBlockers(int FlaggedStatements, int PendingRisks, IReadOnlyList<string> EmptyRequiredSections)
{
    /// <summary>Nothing blocks signing.</summary>
    public static readonly SignBlockers None = new(0, 0, []);

    /// <summary>Whether nothing blocks signing.</summary>
    public bool IsClear => FlaggedStatements == 0 && PendingRisks == 0 && EmptyRequiredSections.Count == 0;

    /// <summary>Counts what blocks signing in <paramref name="content"/>.</summary>
    /// <param name="content">The note's current content.</param>
    /// <param name="requiredSectionKeys">The keys of the template's required sections.</param>
    public static SignBlockers For(NoteContent content, IReadOnlySet<string> requiredSectionKeys)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(requiredSectionKeys);
        return new(
            content.Sections.Sum(s => s.Statements.Count(t => t.NeedsReview)),
            content.Risks.Count(r => r.Review == RiskReview.Pending),
            [.. content.Sections.Where(s => requiredSectionKeys.Contains(s.Key) && !s.Statements.Any(t => !string.IsNullOrWhiteSpace(t.Text))).Select(s => s.Title)]);
    }
}

/// <summary>The clinician's review of a risk item.</summary>
/// <param name="RiskId">The item.</param>
/// <param name="Confirmed">True to confirm as found; false for a correction.</param>
/// <param name="Category">The corrected category (the found one when unchanged); ignored when <paramref name="NotARisk"/>.</param>
/// <param name="Polarity">The corrected polarity (the found one when unchanged).</param>
/// <param name="NotARisk">The passage is not a risk disclosure at all.</param>
/// <param name="Note">Why it was corrected: required for a correction, null for a confirmation.</param>
public sealed record RiskResolution(string RiskId, bool Confirmed, RiskCategory Category, RiskPolarity Polarity, bool NotARisk, string? Note);

/// <summary>Two versions picked for comparison.</summary>
/// <param name="Older">The lower version number.</param>
/// <param name="Newer">The higher version number.</param>
public sealed record VersionPair(int Older, int Newer);
