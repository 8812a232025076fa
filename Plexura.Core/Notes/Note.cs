using System.Globalization;
using Plexura.Core.Common;

namespace Plexura.Core.Notes;

/// <summary>What a note is.</summary>
public enum NoteKind
{
    /// <summary>A session's progress note (part of the record; may be drafted, exported and pushed).</summary>
    Progress,

    /// <summary>A psychotherapy (process) note under § 164.501: only its author sees it; never drafted, exported or pushed.</summary>
    Psychotherapy,
}

/// <summary>Where a note is in its life.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Signed is the clinical word for a locked note.")]
public enum NoteStatus
{
    /// <summary>Being written: sections can be edited.</summary>
    Draft,

    /// <summary>Signed and locked: only addenda.</summary>
    Signed,
}

/// <summary>Where the note's AI drafting is.</summary>
public enum DraftingState
{
    /// <summary>Never asked for (a psychotherapy note, or a note written by hand).</summary>
    NotRequested,

    /// <summary>A drafting job is queued.</summary>
    Queued,

    /// <summary>The model is writing.</summary>
    Drafting,

    /// <summary>The last request's draft is stored.</summary>
    Drafted,

    /// <summary>The last request failed for good (see the failure code); Retry asks again.</summary>
    Failed,

    /// <summary>Drafting is not configured: the clinician writes the note.</summary>
    Off,
}

/// <summary>A note's signature: who signed which version, when, and the SHA-256 of its canonical content.</summary>
/// <param name="SignerUserId">Who signed.</param>
/// <param name="At">When.</param>
/// <param name="VersionNumber">The version signed.</param>
/// <param name="ContentHash">Lowercase hex SHA-256 of <see cref="NoteCanonical.Serialize"/> of that version's content.</param>
/// <param name="Attestation">The attestation the signer confirmed (<see cref="SignNote.NoteSigningRules.AttestationText"/>).</param>
public sealed record NoteSignature(UserId SignerUserId, DateTimeOffset At, int VersionNumber, string ContentHash, string Attestation);

/// <summary>One addendum to a signed note (its reason and text are stored encrypted in its version).</summary>
/// <param name="VersionNumber">The version that holds it.</param>
/// <param name="By">Who wrote it.</param>
/// <param name="At">When.</param>
/// <param name="Hash">Lowercase hex SHA-256 of <see cref="NoteCanonical.SerializeAddendum"/>.</param>
public sealed record NoteAddendumSummary(int VersionNumber, UserId By, DateTimeOffset At, string Hash);

/// <summary>A clinical note: ids, state, signature and addenda summaries. Its text lives only in its encrypted versions.</summary>
/// <param name="Id">The note.</param>
/// <param name="PracticeId">The owning practice.</param>
/// <param name="Key">Unique within the practice: <see cref="SessionKey"/> for a session's progress note (one per session), else <c>n-</c> and the id.</param>
/// <param name="ClientId">The client.</param>
/// <param name="SessionId">The session, or null (a psychotherapy note).</param>
/// <param name="AuthorUserId">Who started it (the session's clinician, or the member who wrote it by hand).</param>
/// <param name="Kind">Progress or psychotherapy.</param>
/// <param name="TemplateKey">The template it is written on.</param>
/// <param name="Status">Draft or signed.</param>
/// <param name="Drafting">Where its AI drafting is.</param>
/// <param name="DraftingFailureCode">Why the last drafting failed (no PHI), or null.</param>
/// <param name="DraftRequest">The number of the latest drafting request (0: none).</param>
/// <param name="DraftSection">The section the latest request redrafts, or null for the whole note.</param>
/// <param name="DraftBaseVersion">The version current when the latest request was made (sections changed since are kept).</param>
/// <param name="DraftAppliedRequest">The latest request whose draft was stored (applying it again changes nothing).</param>
/// <param name="CurrentVersion">The current version's number (1 = created).</param>
/// <param name="Signature">The signature, once signed.</param>
/// <param name="Addenda">Addenda, oldest first.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="Version">The optimistic-concurrency version.</param>
public sealed record Note(
    NoteId Id,
    PracticeId PracticeId,
    string Key,
    ClientId ClientId,
    ClinicalSessionId? SessionId,
    UserId AuthorUserId,
    NoteKind Kind,
    string TemplateKey,
    NoteStatus Status,
    DraftingState Drafting,
    string? DraftingFailureCode,
    int DraftRequest,
    string? DraftSection,
    int DraftBaseVersion,
    int DraftAppliedRequest,
    int CurrentVersion,
    NoteSignature? Signature,
    IReadOnlyList<NoteAddendumSummary> Addenda,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version = 0) : IPracticeOwned, IVersioned
{
    /// <summary>The record type named in errors and bound into the encryption.</summary>
    public const string RecordType = "note";

    /// <summary>The unique key of a session's progress note.</summary>
    public static string SessionKey(ClinicalSessionId sessionId) => $"s-{sessionId}";

    /// <summary>The unique key of a note not tied to a session.</summary>
    public static string OwnKey(NoteId noteId) => $"n-{noteId}";
}

/// <summary>Why a version was stored (a code, never text).</summary>
public static class NoteVersionReasons
{
    /// <summary>The note was created (empty sections, risk items from the scan).</summary>
    public const string Created = "created";

    /// <summary>The drafter's output was stored.</summary>
    public const string Drafted = "drafted";

    /// <summary>The clinician saved a section.</summary>
    public const string Edited = "edited";

    /// <summary>The clinician accepted, edited or deleted a flagged statement.</summary>
    public const string StatementResolved = "statement-resolved";

    /// <summary>The clinician confirmed or corrected a risk item.</summary>
    public const string RiskResolved = "risk-resolved";

    /// <summary>An earlier version was restored.</summary>
    public const string Restored = "restored";

    /// <summary>An addendum after signing.</summary>
    public const string Amended = "amended";
}

/// <summary>One stored version of a note's content.</summary>
/// <param name="Id">The note id and number (<see cref="IdFor"/>).</param>
/// <param name="PracticeId">The owning practice.</param>
/// <param name="NoteId">The note.</param>
/// <param name="Number">1, 2, ...</param>
/// <param name="By">Who stored it; null for the drafter (the system).</param>
/// <param name="At">When.</param>
/// <param name="Reason">Why (<see cref="NoteVersionReasons"/>).</param>
/// <param name="ProtectedContent">The <see cref="NoteContent"/> as JSON, encrypted under the practice key, bound to the note and number.</param>
/// <param name="ContentHash">Lowercase hex SHA-256 of the canonical content.</param>
/// <param name="ProtectedAddendum">For an addendum, its reason and text, encrypted and bound the same way; else null.</param>
/// <param name="Version">The optimistic-concurrency version (versions are never changed once stored).</param>
public sealed record NoteVersion(
    string Id,
    PracticeId PracticeId,
    NoteId NoteId,
    int Number,
    UserId? By,
    DateTimeOffset At,
    string Reason,
    string ProtectedContent,
    string ContentHash,
    string? ProtectedAddendum = null,
    long Version = 0) : IPracticeOwned, IVersioned
{
    /// <summary>The record type named in errors and bound into the encryption.</summary>
    public const string RecordType = "note version";

    /// <summary>The stored key of version <paramref name="number"/> of a note; sorts by number.</summary>
    public static string IdFor(NoteId noteId, int number) => string.Create(CultureInfo.InvariantCulture, $"{noteId}-{number:D6}");
}

/// <summary>Stores notes and their versions. Every method is scoped to one practice; another practice's data is "not found".</summary>
public interface INoteRepository
{
    /// <summary>Adds a note with its first version; false (nothing stored) when a note with the same key exists.</summary>
    Task<bool> TryAddAsync(PracticeId practiceId, Note note, NoteVersion first, CancellationToken ct);

    /// <summary>The note, or null.</summary>
    Task<Note?> GetAsync(PracticeId practiceId, NoteId noteId, CancellationToken ct);

    /// <summary>The session's progress note, or null.</summary>
    Task<Note?> FindForSessionAsync(PracticeId practiceId, ClinicalSessionId sessionId, CancellationToken ct);

    /// <summary>Every note of the client, oldest first.</summary>
    Task<IReadOnlyList<Note>> ListForClientAsync(PracticeId practiceId, ClientId clientId, CancellationToken ct);

    /// <summary>Stores a changed note if nobody changed it since it was read.</summary>
    /// <exception cref="ConcurrencyConflictException">It was changed since.</exception>
    Task<Note> UpdateAsync(PracticeId practiceId, Note note, CancellationToken ct);

    /// <summary>Stores a new version.</summary>
    /// <exception cref="ConcurrencyConflictException">A version with its number exists.</exception>
    Task AddVersionAsync(PracticeId practiceId, NoteVersion version, CancellationToken ct);

    /// <summary>The version, or null.</summary>
    Task<NoteVersion?> GetVersionAsync(PracticeId practiceId, NoteId noteId, int number, CancellationToken ct);

    /// <summary>Every version of the note, in number order.</summary>
    Task<IReadOnlyList<NoteVersion>> ListVersionsAsync(PracticeId practiceId, NoteId noteId, CancellationToken ct);
}
