using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Notes.Templates.UpdateTemplate;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Notes.Templates.ArchiveTemplate;

/// <summary>Archive a practice template: no longer offered for new notes, still readable for the notes written on it.</summary>
/// <param name="Key">The template's key.</param>
/// <param name="Version">The version the owner or admin saw.</param>
public sealed record ArchiveTemplateCommand(string Key, long Version);

/// <summary>Archives a practice template (templates are never deleted): owners and admins only, audited.</summary>
/// <remarks>
/// Archiving an archived template changes and audits nothing. Sessions and members that chose it fall back to the
/// clinician's default or the progress note when their next note starts (<see cref="StoredTemplateCatalog"/>);
/// notes already written on it keep it. The event is <see cref="AuditAction.Deleted"/> ("deleted or archived") with
/// <c>change=archived</c>.
/// </remarks>
public sealed class ArchiveTemplateHandler(PracticeAccessGate gate, INoteTemplateRepository templates, IAuditLog audit, TimeProvider time)
{
    /// <summary>Shown when a built-in template is to be archived.</summary>
    public const string BuiltInMessage = "Built-in templates cannot be archived.";

    /// <summary>Archives the template and returns it.</summary>
    /// <exception cref="AccessDeniedException">The member may not manage templates.</exception>
    /// <exception cref="RecordNotFoundException">No such template in the practice.</exception>
    /// <exception cref="ValidationFailedException">The template is built in.</exception>
    /// <exception cref="ConcurrencyConflictException">Someone changed it since <see cref="ArchiveTemplateCommand.Version"/>.</exception>
    public async Task<PracticeTemplate> HandleAsync(ArchiveTemplateCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanManageNoteTemplates, AuditAction.Deleted, PracticeTemplate.RecordType, client, ct);
        var template = await ManagedTemplates.FindAsync(gate, templates, actor, command.Key, AuditAction.Deleted, client, ct)
            ?? throw new ValidationFailedException(BuiltInMessage);
        if (template.IsArchived)
        {
            return template;
        }

        if (template.Version != command.Version)
        {
            throw new ConcurrencyConflictException(PracticeTemplate.RecordType);
        }

        var archived = await templates.UpdateAsync(actor.PracticeId, template with { ArchivedAt = time.GetUtcNow() }, ct);
        await TemplateAudit.RecordAsync(audit, actor, client, AuditAction.Deleted, archived, ct, ("change", "archived"));
        return archived;
    }
}
