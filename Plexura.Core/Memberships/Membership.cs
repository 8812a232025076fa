using Plexura.Core.Common;

namespace Plexura.Core.Memberships;

/// <summary>The role a member holds in a practice.</summary>
public enum PracticeRole
{
    /// <summary>Created the practice or was handed it; manages everything including billing.</summary>
    Owner,

    /// <summary>Everything the owner delegates except billing and ownership.</summary>
    Admin,

    /// <summary>Records sessions and writes notes for the clients they may see.</summary>
    Clinician,

    /// <summary>Read-only access to the audit log and its analytics; no clinical content.</summary>
    Compliance,
}

/// <summary>A user's membership in a practice.</summary>
public sealed record Membership(
    MembershipId Id,
    PracticeId PracticeId,
    UserId UserId,
    PracticeRole Role,
    DateTimeOffset CreatedAt,
    long Version = 0) : IPracticeOwned, IVersioned;
