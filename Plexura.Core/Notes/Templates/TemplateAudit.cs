using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Notes.Templates;

/// <summary>Writes template events: the template's key and counts only (a template is not PHI, but names stay out of the log like everywhere).</summary>
internal static class TemplateAudit
{
    public static Task<AuditEvent> RecordAsync(
        IAuditLog audit, PracticeActor actor, ClientInfo client, AuditAction action, PracticeTemplate template, CancellationToken ct, params (string Key, string Value)[] details) =>
        AccessAudit.RecordAsync(
            audit, actor, client, action, AuditResult.Success, PracticeTemplate.RecordType, template.Key, null, ct,
            [("sections", template.Sections.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)), .. details]);

    /// <summary>The id written for a key that was asked for: the key when it is a template key, otherwise a fixed word (never the input).</summary>
    public static string TargetIdOf(string? key) =>
        NoteTemplateId.TryFromKey(key, out var id) ? id.Key : BuiltInTemplates.Find(key)?.Key ?? "invalid-key";
}
