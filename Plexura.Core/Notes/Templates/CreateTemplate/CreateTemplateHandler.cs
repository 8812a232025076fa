using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Notes.Templates.CreateTemplate;

/// <summary>Create a note template for the signed-in user's practice.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Sections">Its sections, in order (keys are derived from the titles).</param>
public sealed record CreateTemplateCommand(string Name, IReadOnlyList<TemplateSectionInput> Sections);

/// <summary>Creates a practice template: owners and admins with a second factor only, checked by <see cref="TemplateRules"/>, audited.</summary>
/// <remarks>
/// Refused members are audited <see cref="AuditResult.Denied"/> by the gate; input that breaks a rule is audited
/// <see cref="AuditResult.Failed"/> with the rule's message and nothing is stored. The created event holds the key
/// and the section count.
/// </remarks>
public sealed class CreateTemplateHandler(PracticeAccessGate gate, INoteTemplateRepository templates, IAuditLog audit, TimeProvider time)
{
    /// <summary>Creates the template and returns it (version 0).</summary>
    /// <exception cref="AccessDeniedException">The member may not manage templates.</exception>
    /// <exception cref="ValidationFailedException">The name or a section breaks a rule.</exception>
    public async Task<PracticeTemplate> HandleAsync(CreateTemplateCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanManageNoteTemplates, AuditAction.Created, PracticeTemplate.RecordType, client, ct);
        var (name, sections) = await AccessAudit.RefusingInvalidInputAsync(
            audit, actor, client, AuditAction.Created, PracticeTemplate.RecordType, null, null,
            () => Task.FromResult(TemplateRules.Check(command.Name, command.Sections)), ct);

        var template = new PracticeTemplate(NoteTemplateId.New(), actor.PracticeId, name, sections, actor.UserId, time.GetUtcNow());
        await templates.AddAsync(actor.PracticeId, template, ct);
        await TemplateAudit.RecordAsync(audit, actor, client, AuditAction.Created, template, ct);
        return template;
    }
}
