using Plexura.Core.Common;

namespace Plexura.Core.Access;

/// <summary>What authorization needs to know about a client, without any PHI.</summary>
/// <param name="ClientId">The client.</param>
/// <param name="CreatedBy">The user who created the client's record.</param>
/// <param name="IsRestricted">The practice agreed to a restriction under § 164.522: no push, no export.</param>
/// <param name="IsPart2">The record holds substance-use disorder records under 42 CFR Part 2.</param>
/// <param name="HasActivePart2DisclosureConsent">
/// A disclosure consent naming recipient, purpose and expiry is recorded and not expired (meaningful only with
/// <paramref name="IsPart2"/>).
/// </param>
/// <param name="IsArchived">The client's record is archived: kept and readable, no longer worked on.</param>
public sealed record ClientAccessFacts(
    ClientId ClientId,
    UserId CreatedBy,
    bool IsRestricted,
    bool IsPart2,
    bool HasActivePart2DisclosureConsent,
    bool IsArchived);

/// <summary>A member's configured access to clients, as read fresh from storage for one decision.</summary>
/// <param name="MembershipId">The membership this access belongs to (checked against the actor).</param>
/// <param name="Scope">Whether the member reaches every client or only granted ones.</param>
/// <param name="AllClientsPermissions">The permissions on every client when <paramref name="Scope"/> is <see cref="ClientScope.AllClients"/>.</param>
/// <param name="Grant">The member's grant on the client in question, if any.</param>
public sealed record MemberAccess(
    MembershipId MembershipId,
    ClientScope Scope,
    ClientPermissions AllClientsPermissions,
    ClientGrant? Grant);

/// <summary>The answer of <see cref="ClientAuthorization.Decide"/>.</summary>
/// <param name="IsAllowed">Whether the actor may go ahead.</param>
/// <param name="Code">A short code for the audit log (<c>allowed</c>, <c>role</c>, <c>not-granted</c>, <c>restricted</c>…).</param>
/// <param name="Reason">When refused, a message that can be shown as is (never PHI); empty when allowed.</param>
public sealed record AccessDecision(bool IsAllowed, string Code, string Reason)
{
    /// <summary>The actor may go ahead.</summary>
    public static readonly AccessDecision Allowed = new(true, "allowed", string.Empty);

    /// <summary>A refusal with an audit code and a message for the user.</summary>
    public static AccessDecision Deny(string code, string reason) => new(false, code, reason);
}
