using System.Globalization;
using System.Text;

namespace Plexura.Core.Clients;

/// <summary>How names are cut into the words and prefixes the blind index stores and a query looks up.</summary>
/// <remarks>
/// Case and diacritics are folded (Latin letters to their base letter, combining marks dropped, lower-cased
/// invariantly) so "José" is found by "jose". The fold is a fixed table, not Unicode normalization, so the stored blind
/// index never changes with the machine's ICU version.
/// apostrophes join ("O'Brien" is "obrien"), any other non-letter, non-digit splits ("Reyes-Ortiz" is two words).
/// Prefixes start at <see cref="MinPrefixLength"/> characters: a one-letter token would tell, within a practice,
/// which clients share an initial while narrowing a search of thousands very little.
/// </remarks>
public static class ClientSearchText
{
    /// <summary>The shortest prefix indexed, and the shortest query word that filters.</summary>
    public const int MinPrefixLength = 2;

    /// <summary>Longer words are indexed (and looked up) by their first this-many characters.</summary>
    public const int MaxWordLength = 32;

    /// <summary>Folds U+00C0 to U+017F: a base letter, a space for a non-letter, '*' for a letter folded to two.</summary>
    private const string LatinFold =
        "aaaaaa*ceeeeiiiidnooooo ouuuuy**aaaaaa*ceeeeiiiidnooooo ouuuuy*yaaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii**jjkkkllllllllllnnnnnn*nnoooooo**rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

    /// <summary>The folded words of <paramref name="text"/>, each cut to <see cref="MaxWordLength"/>.</summary>
    public static IReadOnlyList<string> Words(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var c in text)
        {
            if (c is >= '\u00C0' and <= '\u017F')
            {
                var folded = LatinFold[c - '\u00C0'];
                if (folded == '*')
                {
                    current.Append(char.ToLowerInvariant(c) switch
                    {
                        '\u00DF' => "ss",
                        '\u00E6' => "ae",
                        '\u0153' => "oe",
                        '\u00FE' => "th",
                        '\u0133' => "ij",
                        _ => "n", // U+0149, n preceded by apostrophe
                    });
                }
                else if (folded == ' ')
                {
                    Flush(words, current);
                }
                else
                {
                    current.Append(folded);
                }

                continue;
            }

            if (CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
            {
                continue;
            }

            if (c is '\'' or '\u2019')
            {
                continue;
            }

            if (char.IsLetterOrDigit(c))
            {
                current.Append(char.ToLowerInvariant(c));
                continue;
            }

            Flush(words, current);
        }

        Flush(words, current);
        return words;
    }

    /// <summary>Every distinct prefix of every word, from <see cref="MinPrefixLength"/> characters to the whole word.</summary>
    public static IReadOnlyList<string> IndexTerms(string name)
    {
        var terms = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in Words(name))
        {
            for (var length = MinPrefixLength; length <= word.Length; length++)
            {
                var prefix = word[..length];
                if (seen.Add(prefix))
                {
                    terms.Add(prefix);
                }
            }
        }

        return terms;
    }

    /// <summary>The distinct query words long enough to look up; shorter words are ignored.</summary>
    public static IReadOnlyList<string> QueryTerms(string query) =>
        [.. Words(query).Where(w => w.Length >= MinPrefixLength).Distinct(StringComparer.Ordinal)];

    private static void Flush(List<string> words, StringBuilder current)
    {
        if (current.Length > 0)
        {
            var word = current.ToString();
            words.Add(word.Length > MaxWordLength ? word[..MaxWordLength] : word);
            current.Clear();
        }
    }
}
