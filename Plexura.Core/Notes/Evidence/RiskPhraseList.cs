using System.Globalization;

namespace Plexura.Core.Notes.Evidence;

/// <summary>One element of a <see cref="RiskPhrase"/>: a set of words, a prefix, an exact uppercase abbreviation or a gap.</summary>
/// <param name="Stems">Alternatives matched by stem (so simple inflections match), or empty.</param>
/// <param name="Prefixes">Alternatives matched as a prefix of the lowercased word (<c>suicid*</c>), or empty.</param>
/// <param name="Exact">Alternatives matched case-sensitively as written (<c>=SI</c>), or empty.</param>
/// <param name="IsGap">Matches zero to <see cref="RiskPhraseList.MaxGap"/> words of the same clause (<c>~</c>).</param>
internal sealed record PhraseElement(string[] Stems, string[] Prefixes, string[] Exact, bool IsGap)
{
    /// <summary>Whether <paramref name="token"/> is one of the alternatives.</summary>
    public bool Matches(in WordToken token)
    {
        if (!token.IsWord)
        {
            return false;
        }

        // Arrays and for loops: this runs for every word of a transcript against the phrases starting with it.
        for (var i = 0; i < Stems.Length; i++)
        {
            if (string.Equals(Stems[i], token.Stem, StringComparison.Ordinal) || string.Equals(Stems[i], token.Lower, StringComparison.Ordinal))
            {
                return true;
            }
        }

        for (var i = 0; i < Prefixes.Length; i++)
        {
            if (token.Lower.StartsWith(Prefixes[i], StringComparison.Ordinal))
            {
                return true;
            }
        }

        for (var i = 0; i < Exact.Length; i++)
        {
            if (string.Equals(Exact[i], token.Raw, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>One phrase of the list: its category (null for a "not a risk" exclusion), its text as written, its elements.</summary>
/// <param name="Category">The risk category, or null for an exclusion (an idiom that vetoes overlapping hits).</param>
/// <param name="Text">The phrase as written in the list (what a hit reports).</param>
/// <param name="Elements">What it matches, word by word.</param>
/// <param name="LineNumber">Where it is in the list (for error messages).</param>
internal sealed record RiskPhrase(RiskCategory? Category, string Text, IReadOnlyList<PhraseElement> Elements, int LineNumber);

/// <summary>
/// Parses the maintained phrase list (<c>risk-phrases.txt</c>, embedded in Core). Its header documents the syntax: one
/// <c>category | phrase | phrase …</c> per line; words match their simple inflections; <c>a/b</c> alternatives;
/// <c>word*</c> a prefix; <c>=SI</c> an exact, case-sensitive abbreviation; <c>~</c> a gap of up to two words.
/// </summary>
internal static class RiskPhraseList
{
    /// <summary>The embedded resource's name.</summary>
    public const string ResourceName = "Plexura.Notes.risk-phrases.txt";

    /// <summary>How many words a <c>~</c> may skip.</summary>
    public const int MaxGap = 2;

    /// <summary>The list embedded in Core.</summary>
    public static string ReadEmbedded()
    {
        using var stream = typeof(RiskPhraseList).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Parses <paramref name="text"/>; a malformed line throws with its line number (the list is tested).</summary>
    public static IReadOnlyList<RiskPhrase> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var phrases = new List<RiskPhrase>();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var hash = rawLine.IndexOf('#', StringComparison.Ordinal);
            var line = (hash >= 0 ? rawLine[..hash] : rawLine).Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var fields = line.Split('|', StringSplitOptions.TrimEntries);
            if (fields.Length < 2)
            {
                throw Malformed(lineNumber, "a line is: category | phrase | phrase …");
            }

            var category = ParseCategory(fields[0], lineNumber);
            foreach (var phrase in fields.Skip(1))
            {
                if (phrase.Length > 0)
                {
                    phrases.Add(new RiskPhrase(category, phrase, ParseElements(phrase, lineNumber), lineNumber));
                }
            }
        }

        return phrases;
    }

    private static RiskCategory? ParseCategory(string name, int lineNumber) => name switch
    {
        "suicidal-ideation" => RiskCategory.SuicidalIdeation,
        "homicidal-ideation" => RiskCategory.HomicidalIdeation,
        "self-harm" => RiskCategory.SelfHarm,
        "abuse-or-neglect" => RiskCategory.AbuseOrNeglect,
        "danger-to-others" => RiskCategory.DangerToOthers,
        "not-a-risk" => null,
        _ => throw Malformed(lineNumber, $"unknown category '{name}'"),
    };

    private static List<PhraseElement> ParseElements(string phrase, int lineNumber)
    {
        var elements = new List<PhraseElement>();
        foreach (var part in phrase.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "~")
            {
                if (elements.Count == 0)
                {
                    throw Malformed(lineNumber, "a phrase cannot start with ~");
                }

                elements.Add(new PhraseElement([], [], [], IsGap: true));
                continue;
            }

            var stems = new List<string>();
            var prefixes = new List<string>();
            var exact = new List<string>();
            foreach (var alternative in part.Split('/'))
            {
                if (alternative.StartsWith('=') && alternative.Length > 1 && alternative[1..].All(char.IsLetterOrDigit))
                {
                    exact.Add(alternative[1..]);
                }
                else if (alternative.EndsWith('*') && alternative.Length > 2 && alternative[..^1].All(IsListLetter))
                {
                    prefixes.Add(alternative[..^1].ToLowerInvariant());
                }
                else if (alternative.Length > 0 && alternative.All(IsListLetter))
                {
                    var lower = alternative.ToLowerInvariant();
                    stems.Add(TranscriptWords.Stem(lower));
                    if (!stems.Contains(lower, StringComparer.Ordinal))
                    {
                        stems.Add(lower);
                    }
                }
                else
                {
                    throw Malformed(lineNumber, $"'{alternative}' is not a word, word*, =ABBR or ~ (write contractions out: 'do not')");
                }
            }

            elements.Add(new PhraseElement([.. stems], [.. prefixes], [.. exact], IsGap: false));
        }

        if (elements.Count == 0 || elements[^1].IsGap)
        {
            throw Malformed(lineNumber, "a phrase cannot be empty or end with ~");
        }

        return elements;
    }

    private static bool IsListLetter(char c) => char.IsLetterOrDigit(c);

    private static FormatException Malformed(int lineNumber, string why) =>
        new(string.Create(CultureInfo.InvariantCulture, $"risk-phrases.txt line {lineNumber}: {why}."));
}
