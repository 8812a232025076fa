using Plexura.Core.Notes;
using Plexura.Core.Notes.Drafting;
using Plexura.Core.Notes.Templates;

namespace Plexura.Tests.Drafting;

/// <summary>A small session, a template and the model outputs the drafting tests script.</summary>
internal static class DraftSamples
{
    public const string Model = "gpt-4o-2024-08-06";

    /// <summary>The words of the session: distinctive, so a test can tell whether they reached a log.</summary>
    public const string ClientWords = "I slept badly since the move to Quillfield";

    public static readonly NoteTemplate Template = BuiltInTemplates.Soap;

    public static IReadOnlyList<string> Keys => [.. Template.Sections.Select(s => s.Key)];

    public static readonly IReadOnlyList<TranscriptPassage> Transcript =
    [
        new(new PassageRef(0, 0), TimeSpan.Zero, "Clinician", "How have you been sleeping?"),
        new(new PassageRef(0, 1), TimeSpan.FromSeconds(4), "Client", ClientWords + "."),
        new(new PassageRef(1, 0), TimeSpan.FromSeconds(30), "Client", "Maybe the breathing exercise helped a little, I am not sure."),
        new(new PassageRef(1, 1), TimeSpan.FromSeconds(41), null, "Let's keep the sleep diary until next Tuesday."),
    ];

    /// <summary>A complete, valid draft as the model writes it (with a field outside the schema, which is ignored).</summary>
    public const string GoodJson =
        """
        {"sections":[
          {"key":"subjective","statements":[
            {"text":"Client reported sleeping badly since moving to Quillfield.","citations":["0.1"],"uncertain":false},
            {"text":"Client said the breathing exercise \"helped a little\".","citations":["1.0"],"uncertain":true}
          ]},
          {"key":"objective","statements":[]},
          {"key":"plan","statements":[
            {"text":"Sleep diary continues until next Tuesday.","citations":["1.1"],"uncertain":false,"note":"extra field"}
          ]}
        ]}
        """;

    public static NoteDraftRequest Request(IReadOnlyList<TranscriptPassage>? transcript = null) =>
        new(Template.Sections, transcript ?? Transcript);

    /// <summary>The statements' texts, section by section, for comparing drafts.</summary>
    public static IReadOnlyList<string> Texts(NoteDraft draft) =>
        [.. draft.Sections.SelectMany(s => s.Statements.Select(st => $"{s.Key}: {st.Text} [{string.Join(',', st.Citations)}]{(st.Uncertain ? " ?" : string.Empty)}"))];
}
