using Plexura.Core.Common;
using Plexura.Core.Sessions;

namespace Plexura.Core.Notes.Templates;

/// <summary>One section of a note template.</summary>
/// <param name="Key">Its key within the template (lowercase letters, digits and dashes), for example <c>subjective</c>.</param>
/// <param name="Title">Its heading.</param>
/// <param name="Guidance">What the drafter (and the clinician) should put in it.</param>
/// <param name="Required">Whether a note cannot be signed with this section empty.</param>
public sealed record TemplateSection(string Key, string Title, string Guidance, bool Required);

/// <summary>A note template: built in (no practice) or defined by a practice's owners and admins.</summary>
/// <param name="Key">Its key: a built-in's name (<c>soap</c>, <c>dap</c>, <c>birp</c>, <c>girp</c>, <c>progress</c>) or <c>t-</c> and a GUID for a practice's own.</param>
/// <param name="Name">Its name as shown.</param>
/// <param name="Sections">Its sections, in order.</param>
public sealed record NoteTemplate(string Key, string Name, IReadOnlyList<TemplateSection> Sections);

/// <summary>The templates every practice has.</summary>
public static class BuiltInTemplates
{
    /// <summary>The general progress note: the default when nobody chose another.</summary>
    public static readonly NoteTemplate Progress = new(
        "progress",
        "Progress note",
        [
            new("presentation", "Presentation", "How the client presented and what they reported since the last session, in their words where it matters.", true),
            new("interventions", "Interventions", "What the clinician did in the session: techniques, topics, homework reviewed.", true),
            new("response", "Response", "How the client responded to the interventions.", false),
            new("plan", "Plan", "Next steps, homework and the next session.", true),
        ]);

    /// <summary>SOAP: subjective, objective, assessment, plan.</summary>
    public static readonly NoteTemplate Soap = new(
        "soap",
        "SOAP",
        [
            new("subjective", "Subjective", "What the client reported: symptoms, events, feelings, in their words where it matters.", true),
            new("objective", "Objective", "What was observed in the session: affect, behavior, appearance, engagement.", true),
            new("assessment", "Assessment", "The clinician's view of progress and of the client's state, as discussed in the session. No new diagnoses.", true),
            new("plan", "Plan", "Next steps, homework and the next session.", true),
        ]);

    /// <summary>DAP: data, assessment, plan.</summary>
    public static readonly NoteTemplate Dap = new(
        "dap",
        "DAP",
        [
            new("data", "Data", "What the client reported and what was observed in the session.", true),
            new("assessment", "Assessment", "The clinician's view of progress and of the client's state, as discussed in the session. No new diagnoses.", true),
            new("plan", "Plan", "Next steps, homework and the next session.", true),
        ]);

    /// <summary>BIRP: behavior, intervention, response, plan.</summary>
    public static readonly NoteTemplate Birp = new(
        "birp",
        "BIRP",
        [
            new("behavior", "Behavior", "The client's presentation, reports and observed behavior.", true),
            new("intervention", "Intervention", "What the clinician did in the session.", true),
            new("response", "Response", "How the client responded to the interventions.", true),
            new("plan", "Plan", "Next steps, homework and the next session.", true),
        ]);

    /// <summary>GIRP: goals, intervention, response, plan.</summary>
    public static readonly NoteTemplate Girp = new(
        "girp",
        "GIRP",
        [
            new("goals", "Goals", "The treatment goals the session worked on, as discussed.", true),
            new("intervention", "Intervention", "What the clinician did in the session.", true),
            new("response", "Response", "How the client responded, and progress toward the goals.", true),
            new("plan", "Plan", "Next steps, homework and the next session.", true),
        ]);

    /// <summary>Every built-in template, in the order they are offered.</summary>
    public static readonly IReadOnlyList<NoteTemplate> All = [Progress, Soap, Dap, Birp, Girp];

    /// <summary>The built-in template with this key, or null.</summary>
    public static NoteTemplate? Find(string? key) => All.FirstOrDefault(t => string.Equals(t.Key, key, StringComparison.Ordinal));
}

/// <summary>Finds the template a note is written on.</summary>
public interface INoteTemplateCatalog
{
    /// <summary>The template with this key in the practice (built-in or the practice's own), or null.</summary>
    Task<NoteTemplate?> FindAsync(PracticeId practiceId, string key, CancellationToken ct);

    /// <summary>The template a session's note is written on: the one chosen for the session, else the clinician's default, else <see cref="BuiltInTemplates.Progress"/>.</summary>
    Task<NoteTemplate> ForSessionAsync(PracticeId practiceId, ClinicalSession session, CancellationToken ct);
}

/// <summary>The catalog of built-in templates only (until practice templates are registered).</summary>
public sealed class BuiltInTemplateCatalog : INoteTemplateCatalog
{
    /// <inheritdoc />
    public Task<NoteTemplate?> FindAsync(PracticeId practiceId, string key, CancellationToken ct) => Task.FromResult(BuiltInTemplates.Find(key));

    /// <inheritdoc />
    public Task<NoteTemplate> ForSessionAsync(PracticeId practiceId, ClinicalSession session, CancellationToken ct) => Task.FromResult(BuiltInTemplates.Progress);
}
