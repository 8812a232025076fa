using System.Globalization;
using System.Text;
using Plexura.Core.Common;

namespace Plexura.Core.Notes.Templates;

/// <summary>One section as an owner or admin entered it.</summary>
/// <param name="Key">The section's key when it already exists (kept across renames so notes keep matching it), or null for a new section.</param>
/// <param name="Title">Its heading.</param>
/// <param name="Guidance">What the drafter and the clinician should put in it (may be blank).</param>
/// <param name="Required">Whether a note cannot be signed with it empty.</param>
public sealed record TemplateSectionInput(string? Key, string Title, string? Guidance, bool Required);

/// <summary>The rules a practice template's name and sections keep, with the messages shown when one is broken.</summary>
/// <remarks>
/// Checked in Core before anything is stored (the page only helps). Names, titles and guidance follow
/// <see cref="PersonText"/> (no control or invisible characters, NFC); guidance may span lines. A section's key is
/// derived from its title on creation (lowercase letters and digits joined by dashes, "Mental status" ->
/// <c>mental-status</c>) and kept when the section is renamed; keys are unique within a template, so two sections
/// whose titles give the same key get <c>-2</c>, <c>-3</c>. Two sections with the same title are refused: a clinician
/// could not tell them apart. The section count is checked first, so a 500-section template is refused without
/// reading its sections.
/// </remarks>
public static class TemplateRules
{
    /// <summary>The most sections a template may have.</summary>
    public const int MaxSections = 30;

    /// <summary>The longest name or section title.</summary>
    public const int MaxNameLength = 120;

    /// <summary>The longest guidance of one section.</summary>
    public const int MaxGuidanceLength = 2000;

    /// <summary>The longest section key (derived keys are cut to it).</summary>
    public const int MaxKeyLength = 60;

    /// <summary>Shown when the name is blank.</summary>
    public const string NameMissingMessage = "Give the template a name.";

    /// <summary>Shown when there is no section.</summary>
    public const string NoSectionsMessage = "Add at least one section.";

    /// <summary>Shown when there are too many sections.</summary>
    public static readonly string TooManySectionsMessage =
        $"A template can have at most {MaxSections.ToString(CultureInfo.InvariantCulture)} sections. Remove some, or split it into two templates.";

    /// <summary>Shown when a section has no title.</summary>
    public const string SectionTitleMissingMessage = "Give every section a title.";

    /// <summary>Shown when two sections share a title.</summary>
    public const string DuplicateTitleMessage = "Two sections have the same title. Give each section its own title.";

    /// <summary>Shown when a section carries a key that is not a valid section key.</summary>
    public const string BadKeyMessage = "A section could not be matched. Reload the page and try again.";

    /// <summary>Shown when an archived template is chosen for new notes.</summary>
    public const string ArchivedMessage = "That template was archived and is no longer offered for new notes. Choose another one.";

    /// <summary>The checked name and sections, or <see cref="ValidationFailedException"/> with the first broken rule.</summary>
    /// <param name="name">The template's name.</param>
    /// <param name="sections">Its sections, in order.</param>
    public static (string Name, IReadOnlyList<TemplateSection> Sections) Check(string? name, IReadOnlyList<TemplateSectionInput>? sections)
    {
        var checkedName = PersonText.Required(name, "The template's name", MaxNameLength, NameMissingMessage);
        if (sections is null || sections.Count == 0)
        {
            throw new ValidationFailedException(NoSectionsMessage);
        }

        if (sections.Count > MaxSections)
        {
            throw new ValidationFailedException(TooManySectionsMessage);
        }

        var titles = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var checkedSections = new List<(string? Key, string Title, string Guidance, bool Required)>(sections.Count);
        foreach (var section in sections)
        {
            ArgumentNullException.ThrowIfNull(section);
            var title = PersonText.Required(section.Title, "A section's title", MaxNameLength, SectionTitleMissingMessage);
            var guidance = PersonText.Optional(section.Guidance, "A section's guidance", MaxGuidanceLength, multiline: true) ?? string.Empty;
            if (!titles.Add(title))
            {
                throw new ValidationFailedException(DuplicateTitleMessage);
            }

            if (section.Key is not null && !IsValidKey(section.Key))
            {
                throw new ValidationFailedException(BadKeyMessage);
            }

            checkedSections.Add((section.Key, title, guidance, section.Required));
        }

        // Kept keys first, so a new section never takes the key an existing one already holds.
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var section in checkedSections.Where(s => s.Key is not null))
        {
            if (!used.Add(section.Key!))
            {
                throw new ValidationFailedException(BadKeyMessage);
            }
        }

        var result = new List<TemplateSection>(checkedSections.Count);
        foreach (var section in checkedSections)
        {
            var key = section.Key ?? Unique(KeyOf(section.Title), used);
            result.Add(new TemplateSection(key, section.Title, section.Guidance, section.Required));
        }

        return (checkedName, result);
    }

    /// <summary>The key a section titled <paramref name="title"/> gets: lowercase ASCII letters and digits joined by single dashes, or <c>section</c>.</summary>
    public static string KeyOf(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        var folded = new StringBuilder(title.Length);
        foreach (var c in title.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue; // "é" -> "e"
            }

            var lower = char.ToLowerInvariant(c);
            if (lower is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
            {
                folded.Append(lower);
            }
            else if (folded.Length > 0 && folded[^1] != '-')
            {
                folded.Append('-');
            }
        }

        var key = folded.ToString().Trim('-');
        if (key.Length > MaxKeyLength)
        {
            key = key[..MaxKeyLength].TrimEnd('-');
        }

        return key.Length == 0 ? "section" : key;
    }

    /// <summary>Whether <paramref name="key"/> is a section key: 1 to <see cref="MaxKeyLength"/> lowercase ASCII letters, digits and single inner dashes.</summary>
    public static bool IsValidKey(string key) =>
        key.Length is > 0 and <= MaxKeyLength + 4
        && key.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
        && key[0] != '-' && key[^1] != '-'
        && !key.Contains("--", StringComparison.Ordinal);

    private static string Unique(string key, HashSet<string> used)
    {
        var candidate = key;
        for (var n = 2; !used.Add(candidate); n++)
        {
            candidate = $"{key}-{n.ToString(CultureInfo.InvariantCulture)}";
        }

        return candidate;
    }
}
