using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Plexura.Core.Notes;

/// <summary>One line of a session's transcript: a span of a transcription segment (what a statement cites).</summary>
/// <param name="Segment">The segment's index in the session.</param>
/// <param name="Span">The span's index within the segment.</param>
/// <remarks>Written <c>3.7</c> (segment 3, span 7) to the drafting model and in stored notes.</remarks>
public readonly record struct PassageRef(int Segment, int Span) : IParsable<PassageRef>, IComparable<PassageRef>
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Segment}.{Span}");

    /// <inheritdoc />
    public int CompareTo(PassageRef other) => Segment != other.Segment ? Segment.CompareTo(other.Segment) : Span.CompareTo(other.Span);

    public static bool operator <(PassageRef left, PassageRef right) => left.CompareTo(right) < 0;

    public static bool operator <=(PassageRef left, PassageRef right) => left.CompareTo(right) <= 0;

    public static bool operator >(PassageRef left, PassageRef right) => left.CompareTo(right) > 0;

    public static bool operator >=(PassageRef left, PassageRef right) => left.CompareTo(right) >= 0;

    /// <inheritdoc />
    public static PassageRef Parse(string s, IFormatProvider? provider = null) =>
        TryParse(s, provider, out var result) ? result : throw new FormatException("A passage is written segment.span, for example 3.7.");

    /// <inheritdoc />
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out PassageRef result)
    {
        result = default;
        var dot = s?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (s is null || dot <= 0
            || !int.TryParse(s.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var segment)
            || !int.TryParse(s.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var span))
        {
            return false;
        }

        result = new PassageRef(segment, span);
        return true;
    }
}

/// <summary>One transcript line as the note features read it (decrypted, in memory only).</summary>
/// <param name="Ref">Where it is.</param>
/// <param name="Start">Where it starts on the session's timeline.</param>
/// <param name="Speaker">Who spoke, in words ("Clinician", "Client", "Speaker A"), or null when unknown.</param>
/// <param name="Text">What was said (the current corrected text).</param>
public sealed record TranscriptPassage(PassageRef Ref, TimeSpan Start, string? Speaker, string Text);

/// <summary>How well a statement's cited passages support it, as the app measured (never the model's word).</summary>
public enum EvidenceStrength
{
    /// <summary>Every claim has cited passages whose words overlap it measurably.</summary>
    Supported,

    /// <summary>Cited passages exist but their overlap with the statement is below the threshold.</summary>
    Weak,

    /// <summary>No citation, none of the cited passages exists, or the cited passages share almost no words with the statement.</summary>
    None,
}

/// <summary>Who wrote a statement.</summary>
public enum StatementOrigin
{
    /// <summary>The drafting model.</summary>
    Drafted,

    /// <summary>The clinician (typed, or a drafted statement they rewrote).</summary>
    Clinician,
}

/// <summary>The clinician's decision on a drafted statement.</summary>
public enum StatementReview
{
    /// <summary>Not reviewed yet.</summary>
    Pending,

    /// <summary>Kept as drafted, by the clinician's explicit choice.</summary>
    Accepted,

    /// <summary>Rewritten by the clinician.</summary>
    Edited,
}

/// <summary>One statement of a note section.</summary>
/// <param name="Id">Stable within the note (survives edits and versions), for example <c>st-3f2a</c>.</param>
/// <param name="Text">The statement.</param>
/// <param name="Origin">Who wrote it.</param>
/// <param name="Citations">The transcript lines it rests on.</param>
/// <param name="Evidence">What the app measured for those citations.</param>
/// <param name="Uncertain">The drafter marked it uncertain.</param>
/// <param name="Review">The clinician's decision.</param>
public sealed record NoteStatement(
    string Id,
    string Text,
    StatementOrigin Origin,
    IReadOnlyList<PassageRef> Citations,
    EvidenceStrength Evidence,
    bool Uncertain,
    StatementReview Review)
{
    /// <summary>A drafted statement the clinician must accept, edit or delete before signing: weak or no evidence, or marked uncertain.</summary>
    public bool NeedsReview => Origin == StatementOrigin.Drafted && Review == StatementReview.Pending && (Evidence != EvidenceStrength.Supported || Uncertain);
}

/// <summary>One section of a note, in the order of its template.</summary>
/// <param name="Key">The template section's key, for example <c>subjective</c>.</param>
/// <param name="Title">Its heading, for example "Subjective".</param>
/// <param name="Statements">Its statements, in order.</param>
public sealed record NoteSection(string Key, string Title, IReadOnlyList<NoteStatement> Statements);

/// <summary>What a risk disclosure is about.</summary>
public enum RiskCategory
{
    /// <summary>Thoughts of suicide.</summary>
    SuicidalIdeation,

    /// <summary>Thoughts of killing someone.</summary>
    HomicidalIdeation,

    /// <summary>Self-harm without suicidal intent (cutting, burning).</summary>
    SelfHarm,

    /// <summary>Abuse or neglect of a child, an elder or a dependent adult, or of the client.</summary>
    AbuseOrNeglect,

    /// <summary>A threat or danger to another person (weapons, threats, violence).</summary>
    DangerToOthers,
}

/// <summary>How the passage speaks of the risk.</summary>
public enum RiskPolarity
{
    /// <summary>Said to be present ("I've been thinking about killing myself").</summary>
    Endorsed,

    /// <summary>Said to be absent ("denies SI", "I would never hurt myself"): recorded as a denial, not dropped.</summary>
    Denied,

    /// <summary>Spoken of as a possibility or question ("if I ever felt suicidal", "any thoughts of hurting yourself?").</summary>
    Hypothetical,

    /// <summary>About someone other than the client ("my brother tried to kill himself").</summary>
    ThirdParty,
}

/// <summary>The clinician's decision on a risk item.</summary>
public enum RiskReview
{
    /// <summary>Not reviewed yet: blocks signing.</summary>
    Pending,

    /// <summary>The clinician confirms the item as found.</summary>
    Confirmed,

    /// <summary>The clinician corrected it (another category or polarity, or "not a risk disclosure"), with a note saying why.</summary>
    Corrected,
}

/// <summary>One risk disclosure found in the transcript by the app's scanner, with the clinician's review.</summary>
/// <param name="Id">Stable within the note, for example <c>risk-3.7-si</c>.</param>
/// <param name="Category">What it is about (as found, or as corrected).</param>
/// <param name="Polarity">How it is spoken of (as found, or as corrected).</param>
/// <param name="Passage">The transcript line it was found in.</param>
/// <param name="Phrase">The maintained list's phrase that matched.</param>
/// <param name="Review">The clinician's decision.</param>
/// <param name="ClinicianNote">The clinician's correction note, or null.</param>
/// <param name="MentionedByDraft">Whether a drafted statement cites this passage (shown, never required).</param>
public sealed record RiskItem(
    string Id,
    RiskCategory Category,
    RiskPolarity Polarity,
    PassageRef Passage,
    string Phrase,
    RiskReview Review,
    string? ClinicianNote,
    bool MentionedByDraft);

/// <summary>Everything a note version says: its sections and its risk items. Stored only encrypted, as one value.</summary>
/// <param name="Sections">The sections in template order.</param>
/// <param name="Risks">The risk items, in transcript order.</param>
public sealed record NoteContent(IReadOnlyList<NoteSection> Sections, IReadOnlyList<RiskItem> Risks)
{
    /// <summary>No sections and no risk items.</summary>
    public static readonly NoteContent Empty = new([], []);
}
