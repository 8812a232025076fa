using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Notes.Templates.ListTemplates;

/// <summary>List the templates of the signed-in user's practice.</summary>
/// <param name="IncludeArchived">Whether archived practice templates are listed too (the templates page shows them apart).</param>
public sealed record ListTemplatesQuery(bool IncludeArchived = false);

/// <summary>One template in the list.</summary>
/// <param name="Template">The template.</param>
/// <param name="IsBuiltIn">Whether it is one of <see cref="BuiltInTemplates"/> (cannot be changed).</param>
/// <param name="IsArchived">Whether it is an archived practice template.</param>
/// <param name="Version">The practice template's version (0 for a built-in), for an edit or archive.</param>
public sealed record TemplateChoice(NoteTemplate Template, bool IsBuiltIn, bool IsArchived, long Version);

/// <summary>The practice's templates and the signed-in member's default.</summary>
/// <param name="Templates">Built-in templates first (in <see cref="BuiltInTemplates.All"/> order), then the practice's by name.</param>
/// <param name="DefaultKey">The key of the template the member's notes start on unless a session chooses another.</param>
public sealed record TemplateChoices(IReadOnlyList<TemplateChoice> Templates, string DefaultKey);

/// <summary>Lists the built-in and practice templates for any member who may reach the practice's data.</summary>
/// <remarks>
/// Every member may list them: clinicians pick one per session and a default. Templates hold no PHI, so a listing is
/// not audited; a refusal (unverified email, missing second factor the practice requires) is, by the gate. The
/// member's default is their stored choice while that template is active, else the practice's default while that one
/// is active, else the progress note (the order <see cref="StoredTemplateCatalog"/> starts notes in).
/// </remarks>
public sealed class ListTemplatesHandler(
    PracticeAccessGate gate, INoteTemplateRepository templates, INotePreferenceRepository preferences, IPracticeRepository practices)
{
    /// <summary>The templates.</summary>
    /// <exception cref="AccessDeniedException">The member may not reach the practice's data.</exception>
    public async Task<TemplateChoices> HandleAsync(ListTemplatesQuery query, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var actor = await gate.RequireAsync(PracticePolicy.MayReachPracticeData, AuditAction.AdministrationViewed, PracticeTemplate.RecordType, client, ct);
        var own = await templates.ListAsync(actor.PracticeId, ct);
        var choices = BuiltInTemplates.All.Select(t => new TemplateChoice(t, true, false, 0))
            .Concat(own.Where(t => query.IncludeArchived || !t.IsArchived)
                .OrderBy(t => t.Name, StringComparer.CurrentCultureIgnoreCase)
                .ThenBy(t => t.Key, StringComparer.Ordinal)
                .Select(t => new TemplateChoice(t.ToTemplate(), false, t.IsArchived, t.Version)))
            .ToList();

        var preference = await preferences.GetAsync(actor.PracticeId, actor.UserId, ct);
        var practiceDefault = (await practices.GetAsync(actor.PracticeId, ct))?.DefaultTemplateKey;
        bool IsActive(string? key) => key is not null && (BuiltInTemplates.Find(key) is not null || own.Any(t => !t.IsArchived && t.Key == key));
        var preferred = preference?.DefaultTemplateKey;
        var defaultKey = IsActive(preferred) ? preferred! : IsActive(practiceDefault) ? practiceDefault! : BuiltInTemplates.Progress.Key;
        return new TemplateChoices(choices, defaultKey);
    }
}
