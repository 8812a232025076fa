using System.Globalization;
using System.Text;

namespace Plexura.Core.Common;

/// <summary>The one input rule for text a person enters that others are shown: names, notes, reasons, purposes.</summary>
/// <remarks>
/// Refused: control characters (C0, C1, DEL; including NUL, which some stores and tools truncate at) and invisible
/// format characters (Unicode category Cf: bidirectional controls such as U+202E RIGHT-TO-LEFT OVERRIDE, zero-width
/// space, joiners and U+FEFF, soft hyphen), plus lone surrogates. Those let one name display as another, hide text
/// from a reviewer, or reorder what a colleague reads, and none belongs in a name or a note. Line breaks are allowed
/// only where a field is multi-line. Accepted text is trimmed and normalized to NFC (ICU's Unicode data: the app does
/// not run with invariant globalization, under which <see cref="string.Normalize()"/> changes nothing), so a decomposed
/// "é" and a precomposed one are the same name (to the eye, to search and to comparisons). Messages name the field,
/// never the value.
/// </remarks>
public static class PersonText
{
    /// <summary>The trimmed NFC form of <paramref name="value"/>, or null when it is null or blank.</summary>
    /// <param name="value">What was entered.</param>
    /// <param name="field">The field as shown to the user, e.g. "The client's name"; starts the message.</param>
    /// <param name="maxLength">The most characters (UTF-16 units, after normalization) accepted.</param>
    /// <param name="multiline">Whether line breaks (CR, LF) and tabs are allowed.</param>
    /// <exception cref="ValidationFailedException">A character or the length is refused.</exception>
    public static string? Optional(string? value, string field, int maxLength, bool multiline = false)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            // Whitespace-only input may still hide a refused character (NUL is not whitespace, but U+FEFF once was).
            if (value is not null && FindRefused(value, multiline) is not null)
            {
                throw Refused(field);
            }

            return null;
        }

        if (FindRefused(value, multiline) is not null)
        {
            throw Refused(field);
        }

        var normalized = value.Normalize(NormalizationForm.FormC).Trim();
        if (normalized.Length > maxLength)
        {
            throw new ValidationFailedException($"{field} can be at most {maxLength.ToString(CultureInfo.InvariantCulture)} characters.");
        }

        return normalized.Length == 0 ? null : normalized;
    }

    /// <summary>Like <see cref="Optional"/>, but blank is refused with <paramref name="missingMessage"/>.</summary>
    public static string Required(string? value, string field, int maxLength, string missingMessage, bool multiline = false) =>
        Optional(value, field, maxLength, multiline) ?? throw new ValidationFailedException(missingMessage);

    /// <summary>Whether <paramref name="value"/> holds no refused character.</summary>
    public static bool IsAllowed(string value, bool multiline = false) =>
        FindRefused(value ?? throw new ArgumentNullException(nameof(value)), multiline) is null;

    private static ValidationFailedException Refused(string field) =>
        new($"{field} contains invisible or control characters, which are not allowed.");

    private static int? FindRefused(string value, bool multiline)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    var category = CharUnicodeInfo.GetUnicodeCategory(value, i);
                    if (category == UnicodeCategory.Format)
                    {
                        return i; // e.g. the tag characters U+E0001..U+E007F
                    }

                    i++;
                    continue;
                }

                return i; // a lone surrogate
            }

            if (char.IsControl(c))
            {
                if (multiline && c is '\n' or '\r' or '\t')
                {
                    continue;
                }

                return i;
            }

            if (CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                return i;
            }
        }

        return null;
    }
}
