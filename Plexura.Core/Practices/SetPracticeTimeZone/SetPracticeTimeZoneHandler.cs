using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Practices.SetPracticeTimeZone;

/// <summary>Change the time zone of the signed-in user's practice.</summary>
/// <param name="TimeZoneId">An IANA time zone id, such as "America/New_York".</param>
public sealed record SetPracticeTimeZoneCommand(string TimeZoneId);

/// <summary>Changes <see cref="Practice.TimeZoneId"/>.</summary>
/// <remarks>
/// Owners with a second factor, and admins where the owners delegated the settings (<see cref="PracticePolicy.CanChangePracticeSettingsPage"/>). An unknown zone is refused
/// with a clear message before anything is stored; the change is audited as a settings change with the old and new
/// zone (ids, never PHI); setting the current zone again changes and audits nothing. A concurrent edit of the
/// practice is retried on the fresh copy, as for the other practice settings.
/// </remarks>
public sealed class SetPracticeTimeZoneHandler(PracticeAccessGate gate, IPracticeRepository practices, IAuditLog audit)
{
    /// <summary>Sets the zone; throws <see cref="AccessDeniedException"/> or <see cref="ValidationFailedException"/>.</summary>
    public async Task HandleAsync(SetPracticeTimeZoneCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanChangePracticeSettingsPage, AuditAction.SettingsChanged, "practice", client, ct);
        var zone = command.TimeZoneId?.Trim();
        if (!PracticeTimeZone.IsValid(zone))
        {
            throw new ValidationFailedException(PracticeTimeZone.UnknownZoneMessage);
        }

        await PracticeSettingWriter.ChangeAsync(
            practices, audit, actor, client, "time-zone", p => p.TimeZoneId, zone!, p => p with { TimeZoneId = zone! }, ct);
    }
}
