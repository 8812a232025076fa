using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Clients;
using Plexura.Core.Common;
using Plexura.Core.Consent;
using Plexura.Core.Identity;
using Plexura.Core.Invitations;
using Plexura.Core.Memberships;
using Plexura.Core.Practices.Access;
using Plexura.Core.Users;

namespace Plexura.Core.Practices.GetFirstRunChecklist;

/// <summary>What the signed-in member should do next in the practice their session entered.</summary>
public sealed record GetFirstRunChecklistCommand;

/// <summary>One step of a new practice's setup.</summary>
public enum FirstRunStep
{
    /// <summary>Prove the email address with the link that was sent.</summary>
    VerifyEmail,

    /// <summary>Add an authenticator app as a second factor.</summary>
    TwoStepSignIn,

    /// <summary>Invite a colleague to the practice.</summary>
    InviteMember,

    /// <summary>Add the first client.</summary>
    AddClient,

    /// <summary>Document a client's consent.</summary>
    RecordConsent,
}

/// <summary>A step and whether it is done.</summary>
/// <param name="Step">The step.</param>
/// <param name="IsDone">Whether it is done.</param>
public sealed record FirstRunItem(FirstRunStep Step, bool IsDone);

/// <summary>The answer to "what do I do next?" for the home page.</summary>
/// <param name="Role">The member's role now.</param>
/// <param name="DisplayName">The member's own name.</param>
/// <param name="PracticeName">The practice's name.</param>
/// <param name="Checklist">
/// For an owner whose practice is not set up yet: every step, done or not. Empty for other roles and once every step
/// is done, so the checklist disappears.
/// </param>
/// <param name="HasClients">Whether the member can reach at least one client (always false for compliance staff).</param>
/// <param name="AccessContacts">
/// For a clinician who reaches no client: the names of the practice's owners and admins, who can grant access. Empty
/// otherwise.
/// </param>
public sealed record FirstRunChecklist(
    PracticeRole Role,
    string DisplayName,
    string PracticeName,
    IReadOnlyList<FirstRunItem> Checklist,
    bool HasClients,
    IReadOnlyList<string> AccessContacts)
{
    /// <summary>Whether the owner's checklist is still shown.</summary>
    public bool ShowsChecklist => Checklist.Count > 0;
}

/// <summary>Reads the setup state of the member's practice: no PHI, only whether records exist.</summary>
/// <remarks>
/// Every member may ask, an unverified one too (verifying is the first step), but only about their own practice: the
/// practice comes from the session through <see cref="PracticeAccessGate"/>, and every read below is scoped to it.
/// Nothing is decrypted: the steps are answered by the existence of memberships, invitations, clients and consents,
/// and a clinician's contacts are the names of owners and admins, which every member already sees on consents and
/// emails. Nothing is audited on success because nothing about a client is revealed; a refusal is audited by the gate.
/// A clinician "has clients" when they added one, hold a view grant, or reach all clients with view and the practice
/// has one; a restriction does not hide a client from view, so this matches the client list.
/// </remarks>
public sealed class GetFirstRunChecklistHandler(
    PracticeAccessGate gate,
    IMembershipRepository memberships,
    IInvitationRepository invitations,
    IClientRepository clients,
    IClientGrantRepository grants,
    IClientConsentRepository consents,
    IUserRepository users)
{
    /// <summary>The member's next steps; throws <see cref="AccessDeniedException"/> without a practice membership.</summary>
    public async Task<FirstRunChecklist> HandleAsync(GetFirstRunChecklistCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(_ => PracticeDecision.Allowed, AuditAction.AdministrationViewed, "practice", client, ct);
        var practiceId = actor.PracticeId;
        var anyClient = (await clients.ListAsync(practiceId, null, includeArchived: true, 1, ct)).Count > 0;

        IReadOnlyList<FirstRunItem> checklist = [];
        if (actor.Role == PracticeRole.Owner)
        {
            var members = await memberships.ListAsync(practiceId, ct);
            var invited = members.Count > 1 || (await invitations.ListAsync(practiceId, ct)).Count > 0;
            var anyConsent = anyClient && await consents.AnyAsync(practiceId, ct);
            FirstRunItem[] items =
            [
                new(FirstRunStep.VerifyEmail, actor.IsEmailVerified),
                new(FirstRunStep.TwoStepSignIn, actor.HasMfa),
                new(FirstRunStep.InviteMember, invited),
                new(FirstRunStep.AddClient, anyClient),
                new(FirstRunStep.RecordConsent, anyConsent),
            ];
            checklist = items.All(i => i.IsDone) ? [] : items;
        }

        var hasClients = actor.Role switch
        {
            PracticeRole.Owner or PracticeRole.Admin => anyClient,
            PracticeRole.Clinician => anyClient && await ClinicianReachesAnyAsync(actor, ct),
            _ => false,
        };

        IReadOnlyList<string> contacts = [];
        if (actor.Role == PracticeRole.Clinician && !hasClients)
        {
            contacts = await ManagerNamesAsync(practiceId, ct);
        }

        return new FirstRunChecklist(actor.Role, actor.DisplayName, actor.PracticeName, checklist, hasClients, contacts);
    }

    private async Task<bool> ClinicianReachesAnyAsync(PracticeActor actor, CancellationToken ct)
    {
        var membership = await memberships.GetAsync(actor.PracticeId, actor.MembershipId, ct);
        if (membership is null)
        {
            return false;
        }

        if (membership.ClientScope == ClientScope.AllClients && membership.AllClientsPermissions.View)
        {
            return true;
        }

        return (await grants.ListForMemberAsync(actor.PracticeId, actor.MembershipId, ct)).Any(g => g.CanView)
            || (await clients.ListCreatedByAsync(actor.PracticeId, actor.UserId, ct)).Count > 0;
    }

    /// <summary>Owners first, then admins, each by name.</summary>
    private async Task<IReadOnlyList<string>> ManagerNamesAsync(PracticeId practiceId, CancellationToken ct)
    {
        var names = new List<(PracticeRole Role, string Name)>();
        foreach (var membership in (await memberships.ListAsync(practiceId, ct)).Where(m => m.Role is PracticeRole.Owner or PracticeRole.Admin))
        {
            if (await users.GetAsync(membership.UserId, ct) is { } user)
            {
                names.Add((membership.Role, user.DisplayName));
            }
        }

        return [.. names.OrderBy(n => n.Role).ThenBy(n => n.Name, StringComparer.CurrentCultureIgnoreCase).Select(n => n.Name)];
    }
}
