using Plexura.Core.Common;
using Plexura.Core.Memberships;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Access;

/// <summary>The one answer to "may this member do this to this client's record?": pure rules, a reason for every refusal.</summary>
/// <remarks>
/// <para>Pure and static, like <see cref="PracticePolicy"/>, so every combination can be tested and the same answer is
/// given wherever it is asked (a page hiding a button, the "who can see this client" panel, the use case that
/// refuses). Use cases ask through <see cref="ClientAccessGate"/>, which reads the facts fresh, audits a refusal and
/// throws. The rules, in the order they are applied:</para>
/// <list type="number">
/// <item>Practice gate: <see cref="PracticePolicy.MayReachPracticeData"/> (verified email; the practice's MFA requirement).</item>
/// <item>The access and its grant must be the actor's own, for this client (fail closed on a mismatch: a forged or
/// mis-wired grant counts for nothing).</item>
/// <item>Compliance never reaches clinical content: all four permissions are refused. They read the audit log
/// (<see cref="CanSeeAuditLog"/>), which holds ids and codes, not PHI.</item>
/// <item>Owners and admins hold all four permissions on every client. Admins do "everything an owner delegates except
/// billing and ownership" (PRODUCT.md), and they already decide who joins the practice, so restricting their own
/// reading would only be theatre.</item>
/// <item>Clinicians hold the union of: the "all clients" permissions if their scope is
/// <see cref="ClientScope.AllClients"/>; their grant on this client, if any; and view + edit on clients they created.
/// The creator's rights are implicit (from <see cref="ClientAccessFacts.CreatedBy"/>), not a stored grant: the client
/// record is the single source, there is no window between writing the client and writing a grant, and the client
/// use cases need not remember to write one. An owner who wants to take a creator off a client changes the member's
/// role or removes them.</item>
/// <item>Record flags, checked only once the permission is held (so a refusal never tells someone without access
/// that a client is restricted): archived → no edit, no push (view and export stay: the right of access outlives
/// active care); restricted (§ 164.522) → no push, no export, for everyone; 42 CFR Part 2 → push and export only with
/// an active disclosure consent naming recipient, purpose and expiry.</item>
/// </list>
/// </remarks>
public static class ClientAuthorization
{
    /// <summary>Shown when the access data does not belong to the actor or the client.</summary>
    public const string MismatchMessage = "Your access to this client could not be confirmed.";

    /// <summary>Shown to a compliance officer who tries to open clinical content.</summary>
    public const string ComplianceNoClinicalContentMessage = "Compliance staff see the audit log, not clinical records.";

    /// <summary>Shown when the member holds no such permission on the client.</summary>
    public const string NotGrantedMessage = "You have not been given this access to this client. Ask a practice owner.";

    /// <summary>Shown for edit or push on an archived client.</summary>
    public const string ArchivedMessage = "This client is archived. Restore the client to change the record or push notes.";

    /// <summary>Shown for push or export of a restricted client.</summary>
    public const string RestrictedMessage = "This client's record is restricted: it cannot be pushed or exported.";

    /// <summary>Shown for push or export of a Part 2 client without an active disclosure consent.</summary>
    public const string Part2ConsentMessage =
        "This record is protected under 42 CFR Part 2: record the client's disclosure consent (recipient, purpose, expiry) first.";

    /// <summary>Shown to a member who tries to decide who sees which clients.</summary>
    public const string NotAnAccessManagerMessage = "Only the practice's owners and admins can decide who sees which clients.";

    /// <summary>Shown to a clinician who tries to read the audit log.</summary>
    public const string NoAuditLogMessage = "Only owners, admins and compliance staff can see the audit log.";

    /// <summary>Whether <paramref name="actor"/> may do <paramref name="permission"/> to the client described by <paramref name="facts"/>.</summary>
    /// <param name="actor">The signed-in member, read fresh.</param>
    /// <param name="access">The actor's configured access, with their grant on this client if any.</param>
    /// <param name="facts">The client, without PHI.</param>
    /// <param name="permission">What the actor tries to do.</param>
    public static AccessDecision Decide(PracticeActor actor, MemberAccess access, ClientAccessFacts facts, ClientPermission permission)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(facts);
        var practice = PracticePolicy.MayReachPracticeData(actor);
        if (!practice.IsAllowed)
        {
            return AccessDecision.Deny(practice.Code, practice.Reason);
        }

        if (access.MembershipId != actor.MembershipId
            || (access.Grant is { } grant
                && (grant.MembershipId != actor.MembershipId || grant.ClientId != facts.ClientId || grant.PracticeId != actor.PracticeId)))
        {
            return AccessDecision.Deny("access-mismatch", MismatchMessage);
        }

        return DecideForRole(actor.Role, actor.UserId, access, facts, permission);
    }

    /// <summary>
    /// The role, scope, grant and flag rules of <see cref="Decide"/> without the practice gate, for a member other
    /// than the signed-in one (the "who can see this client" panel).
    /// </summary>
    public static AccessDecision DecideForRole(PracticeRole role, UserId userId, MemberAccess access, ClientAccessFacts facts, ClientPermission permission)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(facts);
        if (role == PracticeRole.Compliance)
        {
            return AccessDecision.Deny("no-clinical-content", ComplianceNoClinicalContentMessage);
        }

        if (!Held(role, userId, access, facts).Allows(permission))
        {
            return AccessDecision.Deny("not-granted", NotGrantedMessage);
        }

        if (facts.IsArchived && permission is ClientPermission.Edit or ClientPermission.Push)
        {
            return AccessDecision.Deny("archived", ArchivedMessage);
        }

        if (facts.IsRestricted && permission is ClientPermission.Push or ClientPermission.Export)
        {
            return AccessDecision.Deny("restricted", RestrictedMessage);
        }

        if (facts.IsPart2 && !facts.HasActivePart2DisclosureConsent && permission is ClientPermission.Push or ClientPermission.Export)
        {
            return AccessDecision.Deny("part2-consent-required", Part2ConsentMessage);
        }

        return AccessDecision.Allowed;
    }

    /// <summary>The permissions the member holds by role, scope, grant and creation, before the record's flags.</summary>
    public static ClientPermissions Held(PracticeRole role, UserId userId, MemberAccess access, ClientAccessFacts facts)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(facts);
        switch (role)
        {
            case PracticeRole.Owner or PracticeRole.Admin:
                return ClientPermissions.All;
            case PracticeRole.Clinician:
                var held = access.Scope == ClientScope.AllClients ? access.AllClientsPermissions : ClientPermissions.None;
                if (access.Grant is { } grant && grant.ClientId == facts.ClientId && grant.MembershipId == access.MembershipId)
                {
                    held = held.Union(grant.ToPermissions());
                }

                return facts.CreatedBy == userId ? held.Union(ClientPermissions.Creator) : held;
            default:
                return ClientPermissions.None;
        }
    }

    /// <summary>The permissions the member may actually use on the client now: <see cref="DecideForRole"/> for each of the four.</summary>
    public static ClientPermissions Effective(PracticeRole role, UserId userId, MemberAccess access, ClientAccessFacts facts) =>
        new(
            DecideForRole(role, userId, access, facts, ClientPermission.View).IsAllowed,
            DecideForRole(role, userId, access, facts, ClientPermission.Edit).IsAllowed,
            DecideForRole(role, userId, access, facts, ClientPermission.Push).IsAllowed,
            DecideForRole(role, userId, access, facts, ClientPermission.Export).IsAllowed);

    /// <summary>Whether the actor may decide who sees which clients (scopes and grants).</summary>
    /// <remarks>
    /// The HIPAA statement says owners configure access; PRODUCT.md gives admins "everything an owner delegates
    /// except billing and ownership", and admins already add and remove members, which decides who reaches PHI at
    /// all. So owners and admins, each with a second factor, like <see cref="PracticePolicy.CanManageMembers"/>:
    /// a stolen password alone must not open every client to an accomplice.
    /// </remarks>
    public static PracticeDecision CanManageAccess(PracticeActor actor)
    {
        var decision = PracticePolicy.CanManageMembers(actor);
        return decision.IsAllowed || decision.Code != "role" ? decision : PracticeDecision.Deny("role", NotAnAccessManagerMessage);
    }

    /// <summary>Shown when a compliance member tries to add a client.</summary>
    public const string CannotCreateClientsMessage = "Compliance staff see the audit log, not clinical records, and cannot add clients.";

    /// <summary>Whether the actor may add a client to the practice.</summary>
    /// <remarks>
    /// Owners, admins and clinicians (a clinician then holds view and edit on it as its creator); compliance staff do
    /// not handle clinical content. The practice gate (verified email, the practice's MFA requirement) comes first.
    /// </remarks>
    public static PracticeDecision CanCreateClient(PracticeActor actor)
    {
        var practice = PracticePolicy.MayReachPracticeData(actor);
        if (!practice.IsAllowed)
        {
            return practice;
        }

        return actor.Role == PracticeRole.Compliance ? PracticeDecision.Deny("role", CannotCreateClientsMessage) : PracticeDecision.Allowed;
    }

    /// <summary>Shown when a compliance member tries to list or search clients.</summary>
    public const string NoClinicalRecordsMessage = "Compliance staff see the audit log, not clinical records.";

    /// <summary>Whether the actor may list or search the practice's clients (each result still needs view access).</summary>
    /// <remarks>
    /// Owners, admins and clinicians. A compliance officer's search would show nothing (they view no client), but
    /// running it at all is outside their job, so it is refused and audited rather than quietly answered empty.
    /// </remarks>
    public static PracticeDecision CanListClients(PracticeActor actor)
    {
        var practice = PracticePolicy.MayReachPracticeData(actor);
        if (!practice.IsAllowed)
        {
            return practice;
        }

        return actor.Role == PracticeRole.Compliance ? PracticeDecision.Deny("role", NoClinicalRecordsMessage) : PracticeDecision.Allowed;
    }

    /// <summary>Whether the actor may read the audit log and its metadata.</summary>
    /// <remarks>Owners, admins and compliance staff; clinicians see their own clients, not who did what across the practice.</remarks>
    public static PracticeDecision CanSeeAuditLog(PracticeActor actor)
    {
        var practice = PracticePolicy.MayReachPracticeData(actor);
        if (!practice.IsAllowed)
        {
            return practice;
        }

        return actor.Role is PracticeRole.Owner or PracticeRole.Admin or PracticeRole.Compliance
            ? PracticeDecision.Allowed
            : PracticeDecision.Deny("role", NoAuditLogMessage);
    }
}
