using Plexura.Core.Common;

namespace Plexura.Core.Auditing;

/// <summary>What happened. A closed set: compliance reports group and filter by it.</summary>
public enum AuditAction
{
    /// <summary>A user signed in.</summary>
    SignIn,

    /// <summary>A sign-in attempt failed.</summary>
    SignInFailed,

    /// <summary>A user signed out (or a session was revoked).</summary>
    SignOut,

    /// <summary>PHI was displayed or read.</summary>
    PhiViewed,

    /// <summary>A record was created.</summary>
    Created,

    /// <summary>A record was changed.</summary>
    Updated,

    /// <summary>A record was deleted or archived.</summary>
    Deleted,

    /// <summary>Data left the system as a file or download.</summary>
    Exported,

    /// <summary>A note was pushed to an EHR.</summary>
    EhrPushed,

    /// <summary>A role, grant or other permission changed.</summary>
    PermissionChanged,

    /// <summary>Break-glass emergency access was used.</summary>
    EmergencyAccess,

    /// <summary>A practice or account setting changed.</summary>
    SettingsChanged,

    /// <summary>A user confirmed an authenticator as a second factor.</summary>
    MfaEnrolled,

    /// <summary>A user's second factor was removed (or its recovery codes replaced).</summary>
    MfaRemoved,

    /// <summary>A user changed their password while signed in.</summary>
    PasswordChanged,

    /// <summary>A password reset was requested or completed by emailed link.</summary>
    PasswordReset,

    /// <summary>An invitation to join the practice was sent or resent.</summary>
    InvitationSent,

    /// <summary>An invitation was accepted and the invitee became a member.</summary>
    InvitationAccepted,

    /// <summary>An invitation was revoked before it was used.</summary>
    InvitationRevoked,

    /// <summary>An account was locked after repeated failed sign-ins.</summary>
    AccountLocked,

    /// <summary>
    /// Practice administration data without PHI (the member list, invitations, failed sign-ins) was shown; recorded
    /// when such a view is refused.
    /// </summary>
    AdministrationViewed,

    /// <summary>
    /// A page or API endpoint turned a signed-in member away by its policy (the first of the two checks), before any
    /// use case ran; always recorded with result Denied.
    /// </summary>
    AccessRefused,

    /// <summary>The audit log, a compliance chart or report was viewed (the filters set are named, never their values).</summary>
    AuditLogViewed,

    /// <summary>The audit chain was verified (on demand or by the daily job); the result is in the details.</summary>
    AuditChainVerified,

    /// <summary>An owner or compliance officer reviewed and acknowledged a break-glass emergency access.</summary>
    EmergencyAccessReviewed,
}

/// <summary>How it ended.</summary>
public enum AuditResult
{
    /// <summary>The action was carried out.</summary>
    Success,

    /// <summary>The action was refused for lack of permission.</summary>
    Denied,

    /// <summary>The action was attempted and failed (for example a wrong password).</summary>
    Failed,
}

/// <summary>Who acted. Both parts may be empty for anonymous requests.</summary>
public sealed record AuditActor(UserId? UserId, string? Email)
{
    /// <summary>No signed-in user (for example a failed sign-in for an unknown email).</summary>
    public static readonly AuditActor Anonymous = new(null, null);
}

/// <summary>What a feature reports to the audit log. The log adds id, sequence, time and hashes.</summary>
/// <param name="PracticeId">The practice whose chain the event joins; <see cref="PracticeId.None"/> only when no practice applies.</param>
/// <param name="Actor">Who acted.</param>
/// <param name="SourceIp">The client's IP address.</param>
/// <param name="UserAgent">The client's user agent.</param>
/// <param name="Action">What happened.</param>
/// <param name="TargetType">The kind of record acted on, for example "client".</param>
/// <param name="TargetId">The record's id.</param>
/// <param name="ClientId">The client (patient) whose PHI was involved, if any.</param>
/// <param name="Result">How it ended.</param>
/// <param name="Details">A few ids or codes; never PHI.</param>
public sealed record AuditEntry(
    PracticeId PracticeId,
    AuditActor Actor,
    string? SourceIp,
    string? UserAgent,
    AuditAction Action,
    string? TargetType,
    string? TargetId,
    string? ClientId,
    AuditResult Result,
    IReadOnlyDictionary<string, string>? Details = null);

/// <summary>A stored, hash-chained audit event.</summary>
public sealed record AuditEvent(
    Guid Id,
    PracticeId PracticeId,
    long Sequence,
    DateTimeOffset Timestamp,
    UserId? ActorUserId,
    string? ActorEmail,
    string? SourceIp,
    string? UserAgent,
    AuditAction Action,
    string? TargetType,
    string? TargetId,
    string? ClientId,
    AuditResult Result,
    IReadOnlyDictionary<string, string> Details,
    string PreviousHash,
    string Hash) : IPracticeOwned;

/// <summary>The last event of a practice's chain, or the genesis state.</summary>
public readonly record struct AuditChainHead(long Sequence, string Hash)
{
    /// <summary>The previous hash of the first event of every chain.</summary>
    public static readonly AuditChainHead Genesis = new(0, new string('0', 64));
}
