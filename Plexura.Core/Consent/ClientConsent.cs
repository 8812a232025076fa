using Plexura.Core.Common;

namespace Plexura.Core.Consent;

/// <summary>What a client consented to.</summary>
public enum ConsentKind
{
    /// <summary>Recording sessions (audio capture).</summary>
    Recording,

    /// <summary>Processing the session by AI (transcription and note drafting).</summary>
    AiProcessing,

    /// <summary>A 42 CFR Part 2 disclosure of a substance-use disorder record to a named recipient for a stated purpose.</summary>
    Part2Disclosure,
}

/// <summary>How the consent was given.</summary>
public enum ConsentMethod
{
    /// <summary>Said aloud and documented by the clinician.</summary>
    Verbal,

    /// <summary>A signed paper form.</summary>
    Written,

    /// <summary>An electronic signature or form.</summary>
    Electronic,
}

/// <summary>One documented consent of a client, with its lifetime and, once withdrawn, its revocation.</summary>
/// <param name="Id">The consent id.</param>
/// <param name="PracticeId">The owning practice.</param>
/// <param name="ClientId">The client who consented.</param>
/// <param name="Kind">What was consented to.</param>
/// <param name="Method">How consent was given.</param>
/// <param name="RecordedBy">The member who documented it.</param>
/// <param name="RecordedAt">When it was documented.</param>
/// <param name="EffectiveFrom">From when it applies.</param>
/// <param name="ExpiresAt">When it stops applying, or null for "until revoked" (never null for a Part 2 disclosure).</param>
/// <param name="ProtectedRecipient">Part 2 only: the recipient, encrypted.</param>
/// <param name="ProtectedPurpose">Part 2 only: the purpose of the disclosure, encrypted.</param>
/// <param name="ProtectedNotes">Free-text notes, encrypted, or null.</param>
/// <param name="RevokedAt">When the client withdrew it, or null.</param>
/// <param name="RevokedBy">The member who documented the withdrawal, or null.</param>
/// <param name="ProtectedRevocationReason">Why it was withdrawn, encrypted, or null.</param>
/// <param name="Version">The optimistic-concurrency version.</param>
/// <remarks>
/// Recipient, purpose, notes and the revocation reason are encrypted like the client's name: "disclosed to the
/// county methadone clinic for care coordination" identifies the client's care as surely as a diagnosis.
/// A consent is never deleted: a revoked or expired one stays as the record of what was allowed when.
/// </remarks>
public sealed record ClientConsent(
    ClientConsentId Id,
    PracticeId PracticeId,
    ClientId ClientId,
    ConsentKind Kind,
    ConsentMethod Method,
    UserId RecordedBy,
    DateTimeOffset RecordedAt,
    DateTimeOffset EffectiveFrom,
    DateTimeOffset? ExpiresAt,
    string? ProtectedRecipient = null,
    string? ProtectedPurpose = null,
    string? ProtectedNotes = null,
    DateTimeOffset? RevokedAt = null,
    UserId? RevokedBy = null,
    string? ProtectedRevocationReason = null,
    long Version = 0) : IPracticeOwned, IVersioned
{
    /// <summary>The record type named in PHI associated data and in errors.</summary>
    public const string RecordType = "client consent";

    /// <summary>True once revoked.</summary>
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>Stores consents. Every method is scoped to one practice; another practice's consent is "not found".</summary>
public interface IClientConsentRepository
{
    /// <summary>Adds a new consent (version 0).</summary>
    Task AddAsync(PracticeId practiceId, ClientConsent consent, CancellationToken ct);

    /// <summary>The consent, or null when it does not exist in this practice.</summary>
    Task<ClientConsent?> GetAsync(PracticeId practiceId, ClientConsentId consentId, CancellationToken ct);

    /// <summary>Every consent of the client (active, expired and revoked), oldest first.</summary>
    Task<IReadOnlyList<ClientConsent>> ListForClientAsync(PracticeId practiceId, ClientId clientId, CancellationToken ct);

    /// <summary>Whether any consent (of any client, in any state) was ever recorded in this practice.</summary>
    Task<bool> AnyAsync(PracticeId practiceId, CancellationToken ct);

    /// <summary>Replaces the consent if its version is current; returns it with the new version.</summary>
    /// <exception cref="RecordNotFoundException">No such consent in this practice.</exception>
    /// <exception cref="ConcurrencyConflictException">Someone else changed it first.</exception>
    Task<ClientConsent> UpdateAsync(PracticeId practiceId, ClientConsent consent, CancellationToken ct);
}
