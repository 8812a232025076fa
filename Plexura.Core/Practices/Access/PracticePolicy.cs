using Plexura.Core.Memberships;

namespace Plexura.Core.Practices.Access;

/// <summary>Who may do what in a practice: pure rules over a <see cref="PracticeActor"/>, with a reason for every refusal.</summary>
/// <remarks>
/// Pure and static so every rule can be tested exhaustively and so the same answer is given wherever it is asked
/// (a page hiding a button, the use case that refuses the action). Use cases ask through
/// <see cref="PracticeAccessGate"/>, which audits a refusal before throwing.
/// </remarks>
public static class PracticePolicy
{
    /// <summary>Shown to a member without a second factor in a practice that requires one of everyone.</summary>
    public const string PracticeRequiresMfaMessage = "This practice requires two-step sign-in. Set it up to continue.";

    /// <summary>Shown to an owner or admin without a second factor.</summary>
    /// <summary>Why an unverified account cannot open client records.</summary>
    public const string EmailUnverifiedMessage = "Verify your email address to open client records. Use the link we sent you.";

    /// <summary>Why a manager without a second factor is refused.</summary>
    public const string ManagerNeedsMfaMessage = "Set up two-step sign-in to manage the practice.";

    /// <summary>Shown to a clinician or compliance officer who tries to manage members.</summary>
    public const string NotAManagerMessage = "Only the practice's owners and admins can manage members.";

    /// <summary>Shown to a clinician or compliance officer who tries to change a practice setting.</summary>
    public const string NotASettingsManagerMessage = "Only the practice's owners and admins can change its settings.";

    /// <summary>Shown to a clinician or compliance officer who tries to change the practice's note templates.</summary>
    public const string NotATemplateManagerMessage = "Only the practice's owners and admins can change its note templates.";

    /// <summary>Shown to a clinician who opens the compliance center.</summary>
    public const string NotAnAuditReaderMessage = "Only the practice's owners, admins and compliance staff can open the audit log.";

    /// <summary>Shown to an owner, admin or compliance officer without a second factor who opens the compliance center.</summary>
    public const string AuditReaderNeedsMfaMessage = "Set up two-step sign-in to open the compliance center.";

    /// <summary>Shown to anyone but an owner who tries to change the practice's own settings (its time zone).</summary>
    public const string NotAnOwnerMessage = "Only the practice's owners can change the practice settings.";

    /// <summary>Shown to an admin who tries to invite (or resend or revoke an invitation for) an admin.</summary>
    public const string OnlyOwnerInvitesAdminsMessage = "Only an owner can invite an admin.";

    /// <summary>Shown when someone tries to invite an owner.</summary>
    public const string CannotInviteOwnerMessage = "Owners cannot be invited. Invite an admin, clinician or compliance officer.";

    /// <summary>Whether the actor may reach the practice's data at all.</summary>
    /// <remarks>
    /// When the practice requires a second factor of every member (HIPAA 5.4), a member without one is kept out of
    /// practice data until they set it up, whatever their role.
    /// </remarks>
    public static PracticeDecision MayReachPracticeData(PracticeActor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsEmailVerified)
        {
            return PracticeDecision.Deny("email-unverified", EmailUnverifiedMessage);
        }

        return actor.PracticeRequiresMfa && !actor.HasMfa
            ? PracticeDecision.Deny("practice-requires-mfa", PracticeRequiresMfaMessage)
            : PracticeDecision.Allowed;
    }

    /// <summary>Whether the actor may see and manage members and invitations.</summary>
    /// <remarks>
    /// Owners and admins only, and only with a second factor: whoever manages members decides who reaches the
    /// practice's PHI, so a stolen password alone must not be enough to add an accomplice (HIPAA 5.4).
    /// </remarks>
    public static PracticeDecision CanManageMembers(PracticeActor actor) =>
        RequireManager(actor, NotAManagerMessage);

    /// <summary>Whether the actor may change the practice's settings (such as requiring a second factor of everyone).</summary>
    /// <remarks>Same bar as managing members: settings decide how the whole practice is protected.</remarks>
    public static PracticeDecision CanChangePracticeSettings(PracticeActor actor) =>
        RequireManager(actor, NotASettingsManagerMessage);

    /// <summary>Whether the actor may create, change and archive the practice's note templates.</summary>
    /// <remarks>Same bar as the practice's settings: a template shapes every note the practice's clinicians write.</remarks>
    public static PracticeDecision CanManageNoteTemplates(PracticeActor actor) =>
        RequireManager(actor, NotATemplateManagerMessage);

    /// <summary>Whether the actor may change the practice's own settings (its time zone; later its billing).</summary>
    /// <remarks>
    /// Owners only, with a second factor like every manager: these settings belong to whoever runs the practice, and
    /// the same page will carry billing, which admins must not change.
    /// </remarks>
    public static PracticeDecision CanChangePracticeProfile(PracticeActor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return actor.Role == PracticeRole.Owner ? RequireManager(actor, NotAnOwnerMessage) : PracticeDecision.Deny("role", NotAnOwnerMessage);
    }

    /// <summary>Shown to an admin when the owners have not let admins change the practice settings.</summary>
    public const string SettingsNotDelegatedMessage =
        "Only the practice's owners can change the practice settings. An owner can let admins manage them.";

    /// <summary>Shown to anyone but an owner who tries to change whether admins may manage the settings.</summary>
    public const string OnlyOwnersDelegateMessage = "Only the practice's owners can decide whether admins manage the practice settings.";

    /// <summary>Shown to anyone but an owner or compliance officer who opens the emergency access review.</summary>
    public const string NotAnEmergencyReviewerMessage = "Only the practice's owners and compliance staff review emergency access.";

    /// <summary>
    /// Whether the actor may change the settings on the practice settings page (name, time zone, working hours, audio
    /// retention, default note template, emergency access).
    /// </summary>
    /// <remarks>
    /// Owners with a second factor always; admins with a second factor only while the practice's owners let admins
    /// manage the settings (<see cref="PracticeActor.PracticeAdminsManageSettings"/>, read fresh with the actor).
    /// Never the delegation itself (<see cref="CanChangeSettingsDelegation"/>) nor billing: those stay with owners.
    /// </remarks>
    public static PracticeDecision CanChangePracticeSettingsPage(PracticeActor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return actor.Role switch
        {
            PracticeRole.Owner => RequireManager(actor, NotAnOwnerMessage),
            PracticeRole.Admin when actor.PracticeAdminsManageSettings => RequireManager(actor, NotAnOwnerMessage),
            PracticeRole.Admin => PracticeDecision.Deny("not-delegated", SettingsNotDelegatedMessage),
            _ => PracticeDecision.Deny("role", NotAnOwnerMessage),
        };
    }

    /// <summary>Whether the actor may decide whether admins manage the practice settings: owners with a second factor only.</summary>
    public static PracticeDecision CanChangeSettingsDelegation(PracticeActor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return actor.Role == PracticeRole.Owner ? RequireManager(actor, OnlyOwnersDelegateMessage) : PracticeDecision.Deny("role", OnlyOwnersDelegateMessage);
    }

    /// <summary>Whether the actor may review and acknowledge break-glass emergency accesses (HIPAA 5.1).</summary>
    /// <remarks>
    /// Owners and compliance staff, each with a second factor: the review shows the declared reasons, which may hold
    /// PHI, and acknowledging closes a use for the record. Admins read the audit log but do not sign off emergencies.
    /// </remarks>
    public static PracticeDecision CanReviewEmergencyAccess(PracticeActor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.Role is not (PracticeRole.Owner or PracticeRole.Compliance))
        {
            return PracticeDecision.Deny("role", NotAnEmergencyReviewerMessage);
        }

        return actor.HasMfa ? PracticeDecision.Allowed : PracticeDecision.Deny("mfa-required", AuditReaderNeedsMfaMessage);
    }

    /// <summary>
    /// Whether the actor may read the practice's audit log and its reports (the compliance center): search, charts,
    /// exports, chain verification, accounting of disclosures, breach impact, break-glass review.
    /// </summary>
    /// <remarks>
    /// Owners, admins and compliance staff, each with a second factor: the log shows who opened which client's record,
    /// which is itself sensitive. Compliance staff read; nothing in the compliance center changes clinical data.
    /// </remarks>
    public static PracticeDecision CanReadAuditLog(PracticeActor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.Role is not (PracticeRole.Owner or PracticeRole.Admin or PracticeRole.Compliance))
        {
            return PracticeDecision.Deny("role", NotAnAuditReaderMessage);
        }

        return actor.HasMfa ? PracticeDecision.Allowed : PracticeDecision.Deny("mfa-required", AuditReaderNeedsMfaMessage);
    }

    /// <summary>Whether the actor may invite someone with <paramref name="role"/> (and resend or revoke such an invitation).</summary>
    /// <remarks>
    /// An admin can grant no more than they hold below the owner: admins invite clinicians and compliance officers,
    /// only an owner invites an admin. Nobody is invited as owner; ownership is handed over, not granted by email.
    /// </remarks>
    public static PracticeDecision CanInvite(PracticeActor actor, PracticeRole role)
    {
        var manage = CanManageMembers(actor);
        if (!manage.IsAllowed)
        {
            return manage;
        }

        return role switch
        {
            PracticeRole.Owner => PracticeDecision.Deny("owner-not-invitable", CannotInviteOwnerMessage),
            PracticeRole.Admin when actor.Role != PracticeRole.Owner => PracticeDecision.Deny("role", OnlyOwnerInvitesAdminsMessage),
            PracticeRole.Admin or PracticeRole.Clinician or PracticeRole.Compliance => PracticeDecision.Allowed,
            _ => PracticeDecision.Deny("role", CannotInviteOwnerMessage),
        };
    }

    /// <summary>Whether a member with <paramref name="role"/> must set up a second factor in a practice with this setting.</summary>
    public static bool RequiresMfa(PracticeRole role, bool practiceRequiresMfa) =>
        practiceRequiresMfa || role is PracticeRole.Owner or PracticeRole.Admin;

    private static PracticeDecision RequireManager(PracticeActor actor, string notAManagerMessage)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.Role is not (PracticeRole.Owner or PracticeRole.Admin))
        {
            return PracticeDecision.Deny("role", notAManagerMessage);
        }

        return actor.HasMfa ? PracticeDecision.Allowed : PracticeDecision.Deny("mfa-required", ManagerNeedsMfaMessage);
    }
}
