using Plexura.Core.Common;

namespace Plexura.Core.Sessions;

/// <summary>Where a clinical session stands.</summary>
public enum ClinicalSessionStatus
{
    /// <summary>Started: the session is being recorded.</summary>
    Recording,
}

/// <summary>A therapy session with a client that is being recorded, opened only under the client's active consents.</summary>
/// <param name="Id">The session id.</param>
/// <param name="PracticeId">The owning practice.</param>
/// <param name="ClientId">The client the session is with.</param>
/// <param name="ClinicianUserId">The member who started it.</param>
/// <param name="StartedAt">When recording started.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="ConsentIds">The recording and AI-processing consents that were active when it started.</param>
/// <param name="Version">The optimistic-concurrency version.</param>
/// <remarks>
/// Not the sign-in <c>UserSession</c>. The consent ids are kept on the session as proof for an auditor of which
/// documented consent allowed this recording: a consent revoked or expired later does not erase what allowed it then.
/// Holds ids only, no PHI.
/// </remarks>
public sealed record ClinicalSession(
    ClinicalSessionId Id,
    PracticeId PracticeId,
    ClientId ClientId,
    UserId ClinicianUserId,
    DateTimeOffset StartedAt,
    ClinicalSessionStatus Status,
    IReadOnlyList<ClientConsentId> ConsentIds,
    long Version = 0) : IPracticeOwned, IVersioned
{
    /// <summary>The record type named in errors.</summary>
    public const string RecordType = "clinical session";
}

/// <summary>Stores clinical sessions. Every method is scoped to one practice; another practice's session is "not found".</summary>
public interface IClinicalSessionRepository
{
    /// <summary>Adds a new session (version 0).</summary>
    /// <exception cref="DuplicateRecordException">A session with this id exists.</exception>
    Task AddAsync(PracticeId practiceId, ClinicalSession session, CancellationToken ct);

    /// <summary>The session, or null when it does not exist in this practice.</summary>
    Task<ClinicalSession?> GetAsync(PracticeId practiceId, ClinicalSessionId sessionId, CancellationToken ct);

    /// <summary>Every session with the client, oldest first.</summary>
    Task<IReadOnlyList<ClinicalSession>> ListForClientAsync(PracticeId practiceId, ClientId clientId, CancellationToken ct);
}
