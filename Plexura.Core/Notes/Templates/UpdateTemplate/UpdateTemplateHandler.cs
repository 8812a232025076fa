using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Notes.Templates.UpdateTemplate;

/// <summary>Change a practice template's name and sections.</summary>
/// <param name="Key">The template's key (<c>t-</c> and its id).</param>
/// <param name="Version">The version the editor was opened at.</param>
/// <param name="Name">Its new name.</param>
/// <param name="Sections">Its new sections, in order; an existing section carries its key so notes keep matching it.</param>
public sealed record UpdateTemplateCommand(string Key, long Version, string Name, IReadOnlyList<TemplateSectionInput> Sections);

/// <summary>Changes a practice template, with optimistic concurrency: owners and admins only, audited.</summary>
/// <remarks>
/// A template of another practice, an unknown key or a malformed one is "not found" (audited Denied with code
/// <c>unknown-note template</c>); built-in templates and archived ones cannot be changed; an edit based on an older
/// version than the stored one is a conflict (HTTP 409), so two owners editing at once never silently overwrite each
/// other. Notes already written keep their own copy of section titles, so a change never alters a note.
/// </remarks>
public sealed class UpdateTemplateHandler(PracticeAccessGate gate, INoteTemplateRepository templates, IAuditLog audit, TimeProvider time)
{
    /// <summary>Shown when a built-in template is to be changed.</summary>
    public const string BuiltInMessage = "Built-in templates cannot be changed. Create a practice template instead.";

    /// <summary>Shown when an archived template is to be changed.</summary>
    public const string ArchivedMessage = "This template is archived and can no longer be changed.";

    /// <summary>Stores the change and returns the template at its new version.</summary>
    /// <exception cref="AccessDeniedException">The member may not manage templates.</exception>
    /// <exception cref="RecordNotFoundException">No such template in the practice.</exception>
    /// <exception cref="ValidationFailedException">A rule is broken, or the template is built in or archived.</exception>
    /// <exception cref="ConcurrencyConflictException">Someone changed it since <see cref="UpdateTemplateCommand.Version"/>.</exception>
    public async Task<PracticeTemplate> HandleAsync(UpdateTemplateCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanManageNoteTemplates, AuditAction.Updated, PracticeTemplate.RecordType, client, ct);
        var template = await ManagedTemplates.FindAsync(gate, templates, actor, command.Key, AuditAction.Updated, client, ct);
        if (template is null)
        {
            throw new ValidationFailedException(BuiltInMessage);
        }

        if (template.IsArchived)
        {
            throw new ValidationFailedException(ArchivedMessage);
        }

        if (template.Version != command.Version)
        {
            throw new ConcurrencyConflictException(PracticeTemplate.RecordType);
        }

        var (name, sections) = await AccessAudit.RefusingInvalidInputAsync(
            audit, actor, client, AuditAction.Updated, PracticeTemplate.RecordType, template.Key, null,
            () => Task.FromResult(TemplateRules.Check(command.Name, command.Sections)), ct);
        var updated = await templates.UpdateAsync(
            actor.PracticeId, template with { Name = name, Sections = sections, UpdatedAt = time.GetUtcNow() }, ct);
        await TemplateAudit.RecordAsync(audit, actor, client, AuditAction.Updated, updated, ct, ("version", updated.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return updated;
    }
}

/// <summary>Finds the practice template a manager's command names.</summary>
internal static class ManagedTemplates
{
    /// <summary>The practice's template with this key; null for a built-in key; "not found" (audited) for anything else.</summary>
    public static async Task<PracticeTemplate?> FindAsync(
        PracticeAccessGate gate, INoteTemplateRepository templates, PracticeActor actor, string? key, AuditAction attempted, ClientInfo client, CancellationToken ct)
    {
        if (BuiltInTemplates.Find(key) is not null)
        {
            return null;
        }

        var template = NoteTemplateId.TryFromKey(key, out var id) ? await templates.GetAsync(actor.PracticeId, id, ct) : null;
        return template ?? throw await gate.NotFoundAsync(actor, attempted, PracticeTemplate.RecordType, TemplateAudit.TargetIdOf(key), client, ct);
    }
}
