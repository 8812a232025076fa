using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Notes.Templates.SetMyDefaultTemplate;

/// <summary>Choose the template the signed-in member's notes start on.</summary>
/// <param name="TemplateKey">A built-in or active practice template's key; null for the progress note.</param>
public sealed record SetMyDefaultTemplateCommand(string? TemplateKey);

/// <summary>Stores a member's default template in <c>note_preferences</c> (one document per member and practice), audited.</summary>
/// <remarks>
/// Any member who may reach the practice's data sets their own default (the command carries no user: it is always the
/// signed-in member). The key must name a built-in template or an active one of the practice; an archived one is
/// refused, an unknown or other practice's one is "not found" (audited Denied). The change is audited as a settings change of the
/// member's note preferences with the old and new keys; choosing the current default again changes nothing.
/// </remarks>
public sealed class SetMyDefaultTemplateHandler(
    PracticeAccessGate gate, INoteTemplateRepository templates, INotePreferenceRepository preferences, IAuditLog audit)
{
    private const int MaxAttempts = 5;

    /// <summary>Stores the default.</summary>
    /// <exception cref="AccessDeniedException">The member may not reach the practice's data.</exception>
    /// <exception cref="RecordNotFoundException">No such template in the practice.</exception>
    /// <exception cref="ValidationFailedException">The template is archived.</exception>
    public async Task HandleAsync(SetMyDefaultTemplateCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.MayReachPracticeData, AuditAction.SettingsChanged, NotePreference.RecordType, client, ct);
        var key = command.TemplateKey;
        if (key is not null)
        {
            var found = await AccessAudit.RefusingInvalidInputAsync(
                audit, actor, client, AuditAction.SettingsChanged, NotePreference.RecordType, actor.UserId.ToString(), null,
                () => TemplateLookup.RequireActiveAsync(gate, templates, actor, key, AuditAction.SettingsChanged, client, ct),
                ct);
            key = found.Key;
        }

        for (var attempt = 1; ; attempt++)
        {
            var current = await preferences.GetAsync(actor.PracticeId, actor.UserId, ct);
            var from = current?.DefaultTemplateKey;
            if (string.Equals(from, key, StringComparison.Ordinal))
            {
                return;
            }

            try
            {
                if (current is null)
                {
                    await preferences.AddAsync(
                        actor.PracticeId, new NotePreference(NotePreference.IdOf(actor.PracticeId, actor.UserId), actor.PracticeId, actor.UserId, key), ct);
                }
                else
                {
                    await preferences.UpdateAsync(actor.PracticeId, current with { DefaultTemplateKey = key }, ct);
                }
            }
            catch (Exception e) when (e is ConcurrencyConflictException or DuplicateRecordException && attempt < MaxAttempts)
            {
                continue;
            }

            await AccessAudit.RecordAsync(
                audit, actor, client, AuditAction.SettingsChanged, AuditResult.Success, NotePreference.RecordType, actor.UserId.ToString(), null, ct,
                ("setting", "default-template"), ("from", from ?? BuiltInTemplates.Progress.Key), ("to", key ?? BuiltInTemplates.Progress.Key));
            return;
        }
    }
}
