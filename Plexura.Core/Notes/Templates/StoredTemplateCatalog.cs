using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices;
using Plexura.Core.Practices.Access;
using Plexura.Core.Sessions;

namespace Plexura.Core.Notes.Templates;

/// <summary>The practice-aware template catalog: the built-in templates and the practice's own, with each member's default.</summary>
/// <remarks>
/// <see cref="FindAsync"/> finds archived practice templates too, so a note written on one is still read with it.
/// <see cref="ForSessionAsync"/> only picks a template that may start a new note: the session's choice, else the
/// clinician's default, else the practice's default (<see cref="Practice.DefaultTemplateKey"/>), else
/// <see cref="BuiltInTemplates.Progress"/>; a choice or default whose template was archived since (or never existed)
/// is passed over.
/// </remarks>
public sealed class StoredTemplateCatalog(INoteTemplateRepository templates, INotePreferenceRepository preferences, IPracticeRepository practices)
    : INoteTemplateCatalog
{
    /// <inheritdoc />
    public async Task<NoteTemplate?> FindAsync(PracticeId practiceId, string key, CancellationToken ct) =>
        (await TemplateLookup.FindAsync(templates, practiceId, key, ct))?.Template;

    /// <inheritdoc />
    public async Task<NoteTemplate> ForSessionAsync(PracticeId practiceId, ClinicalSession session, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (await TemplateLookup.FindActiveAsync(templates, practiceId, session.TemplateKey, ct) is { } chosen)
        {
            return chosen;
        }

        var preference = await preferences.GetAsync(practiceId, session.ClinicianUserId, ct);
        if (await TemplateLookup.FindActiveAsync(templates, practiceId, preference?.DefaultTemplateKey, ct) is { } mine)
        {
            return mine;
        }

        var practice = await practices.GetAsync(practiceId, ct);
        return await TemplateLookup.FindActiveAsync(templates, practiceId, practice?.DefaultTemplateKey, ct) ?? BuiltInTemplates.Progress;
    }
}

/// <summary>A template found by key, and whether it is archived.</summary>
/// <param name="Template">The template.</param>
/// <param name="IsArchived">Whether it is a practice template that was archived.</param>
internal sealed record FoundTemplate(NoteTemplate Template, bool IsArchived);

/// <summary>Finds a template by key: a built-in one, or one of the practice's own.</summary>
internal static class TemplateLookup
{
    /// <summary>The template with this key in the practice, archived or not, or null.</summary>
    public static async Task<FoundTemplate?> FindAsync(INoteTemplateRepository templates, PracticeId practiceId, string? key, CancellationToken ct)
    {
        if (BuiltInTemplates.Find(key) is { } builtIn)
        {
            return new FoundTemplate(builtIn, false);
        }

        if (!NoteTemplateId.TryFromKey(key, out var id))
        {
            return null;
        }

        var stored = await templates.GetAsync(practiceId, id, ct);
        return stored is null ? null : new FoundTemplate(stored.ToTemplate(), stored.IsArchived);
    }

    /// <summary>
    /// The template a member chose for new notes: a built-in or an active practice template. Archived is refused
    /// (<see cref="TemplateRules.ArchivedMessage"/>); an unknown key, a malformed one or another practice's template is "not found",
    /// audited as Denied by the gate like any other record of another practice.
    /// </summary>
    public static async Task<NoteTemplate> RequireActiveAsync(
        PracticeAccessGate gate, INoteTemplateRepository templates, PracticeActor actor, string key, AuditAction attempted, ClientInfo client, CancellationToken ct)
    {
        var found = await FindAsync(templates, actor.PracticeId, key, ct)
            ?? throw await gate.NotFoundAsync(actor, attempted, PracticeTemplate.RecordType, TemplateAudit.TargetIdOf(key), client, ct);
        return found.IsArchived ? throw new ValidationFailedException(TemplateRules.ArchivedMessage) : found.Template;
    }

    /// <summary>The template with this key if it may start a new note (it exists and is not archived), or null.</summary>
    public static async Task<NoteTemplate?> FindActiveAsync(INoteTemplateRepository templates, PracticeId practiceId, string? key, CancellationToken ct) =>
        key is null ? null : await FindAsync(templates, practiceId, key, ct) is { IsArchived: false } found ? found.Template : null;
}
