using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Practices.SetPracticeMfaRequirement;

/// <summary>Require (or stop requiring) two-step sign-in of every member of the signed-in user's practice.</summary>
/// <param name="Required">Whether every member must have a second factor to reach practice data.</param>
public sealed record SetPracticeMfaRequirementCommand(bool Required);

/// <summary>Changes <see cref="Practice.RequireMfaForAllMembers"/>.</summary>
/// <remarks>
/// Owners and admins with a second factor only (<see cref="PracticePolicy.CanChangePracticeSettings"/>): the setting
/// decides how every member's access is protected. The change is audited with the old and new value; setting the
/// current value again changes and audits nothing. A concurrent edit of the practice is retried on the fresh copy.
/// </remarks>
public sealed class SetPracticeMfaRequirementHandler(PracticeAccessGate gate, IPracticeRepository practices, IAuditLog audit)
{
    /// <summary>Sets the requirement; throws <see cref="AccessDeniedException"/> when not allowed.</summary>
    public async Task HandleAsync(SetPracticeMfaRequirementCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanChangePracticeSettings, AuditAction.SettingsChanged, "practice", client, ct);

        await PracticeSettingWriter.ChangeAsync(
            practices,
            audit,
            actor,
            client,
            "require-mfa",
            p => p.RequireMfaForAllMembers ? "true" : "false",
            command.Required ? "true" : "false",
            p => p with { RequireMfaForAllMembers = command.Required },
            ct);
    }
}
