using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Practices.SetAudioRetention;

/// <summary>Change how long the practice keeps raw session audio.</summary>
/// <param name="Retention">The new choice.</param>
public sealed record SetAudioRetentionCommand(AudioRetention Retention);

/// <summary>Changes <see cref="Practice.AudioRetention"/>.</summary>
/// <remarks>
/// Owners with a second factor, and admins where the owners delegated the settings (<see cref="PracticePolicy.CanChangePracticeSettingsPage"/>): how long the most
/// identifying PHI is kept is decided by whoever runs the practice. An undefined value is refused before anything is stored; the change
/// is audited with the old and new codes. Audio whose deadline has already been set keeps it: the deletion job reads
/// the setting when a transcript completes.
/// </remarks>
public sealed class SetAudioRetentionHandler(PracticeAccessGate gate, IPracticeRepository practices, IAuditLog audit)
{
    /// <summary>Shown for a value that is not one of the choices.</summary>
    public const string UnknownChoiceMessage = "Choose how long audio is kept: not at all, 1, 7 or 30 days.";

    /// <summary>Sets the retention; throws <see cref="AccessDeniedException"/> or <see cref="ValidationFailedException"/>.</summary>
    public async Task HandleAsync(SetAudioRetentionCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanChangePracticeSettingsPage, AuditAction.SettingsChanged, "practice", client, ct);
        if (!Enum.IsDefined(command.Retention))
        {
            throw new ValidationFailedException(UnknownChoiceMessage);
        }

        await PracticeSettingWriter.ChangeAsync(
            practices,
            audit,
            actor,
            client,
            "audio-retention",
            p => p.AudioRetention.Code(),
            command.Retention.Code(),
            p => p with { AudioRetention = command.Retention },
            ct);
    }
}
