using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;

namespace Plexura.Core.Notes.Evidence;

/// <summary>What a <see cref="WordToken"/> is.</summary>
internal enum WordKind
{
    /// <summary>A word or a number.</summary>
    Word,

    /// <summary>A comma or a dash: a soft break (a list, or maybe a new clause).</summary>
    Comma,

    /// <summary>Sentence punctuation (<c>. ! ? ; :</c>): a hard break.</summary>
    Boundary,
}

/// <summary>One word (or punctuation mark) of a line, with where it is in the original text.</summary>
/// <param name="Kind">Word, comma or boundary.</param>
/// <param name="Raw">The word as written (contractions expanded: "don't" gives "do" and "not").</param>
/// <param name="Lower">Lowercased (invariant).</param>
/// <param name="Stem">The light stem (<see cref="TranscriptWords.Stem"/>) of <see cref="Lower"/>.</param>
/// <param name="Start">Where it starts in the original text.</param>
/// <param name="Length">How long it is in the original text.</param>
internal readonly record struct WordToken(WordKind Kind, string Raw, string Lower, string Stem, int Start, int Length)
{
    /// <summary>Where it ends in the original text.</summary>
    public int End => Start + Length;

    /// <summary>Whether it is a word (not punctuation).</summary>
    public bool IsWord => Kind == WordKind.Word;
}

/// <summary>
/// The word handling the evidence verifier and the risk scanner share: tokenizing (contractions and "wanna" expanded),
/// light stemming (plural, -ing, -ed, a few irregular verbs) and negation scope.
/// </summary>
/// <remarks>
/// Deliberately small and predictable rather than a linguistic library: every rule here is visible, testable and the
/// same for the maintained phrase list and for the transcript, so a phrase in the list matches its simple inflections.
/// </remarks>
internal static class TranscriptWords
{
    private static readonly SearchValues<char> Vowels = SearchValues.Create("aeiouy");

    private static readonly FrozenDictionary<string, string> Irregular = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["died"] = "die",
        ["dies"] = "die",
        ["dying"] = "die",
        ["lying"] = "lie",
        ["lied"] = "lie",
        ["slept"] = "sleep",
        ["felt"] = "feel",
        ["drank"] = "drink",
        ["drunk"] = "drink",
        ["said"] = "say",
        ["says"] = "say",
        ["thought"] = "think",
        ["thoughts"] = "think",
        ["went"] = "go",
        ["gone"] = "go",
        ["goes"] = "go",
        ["going"] = "go",
        ["took"] = "take",
        ["taken"] = "take",
        ["ate"] = "eat",
        ["eaten"] = "eat",
        ["beaten"] = "beat",
        ["fought"] = "fight",
        ["hung"] = "hang",
        ["hanged"] = "hang",
        ["shot"] = "shoot",
        ["stabbed"] = "stab",
        ["stabbing"] = "stab",
        ["children"] = "child",
        ["kids"] = "kid",
        ["men"] = "man",
        ["women"] = "woman",
        ["people"] = "person",
        ["worse"] = "bad",
        ["worst"] = "bad",
        ["better"] = "better",
        ["best"] = "best",
        ["was"] = "be",
        ["were"] = "be",
        ["is"] = "be",
        ["are"] = "be",
        ["am"] = "be",
        ["been"] = "be",
        ["being"] = "be",
        ["has"] = "have",
        ["had"] = "have",
        ["having"] = "have",
        ["does"] = "do",
        ["did"] = "do",
        ["doing"] = "do",
        ["made"] = "make",
        ["told"] = "tell",
        ["left"] = "leave",
        ["kept"] = "keep",
        ["lost"] = "lose",
        ["cried"] = "cry",
        ["cries"] = "cry",
        ["tried"] = "try",
        ["tries"] = "try",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // Contractions without their apostrophe, as speech-to-text sometimes writes them.
    private static readonly FrozenDictionary<string, string> BareNegatedContractions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["dont"] = "do",
        ["didnt"] = "did",
        ["doesnt"] = "does",
        ["cant"] = "can",
        ["cannot"] = "can",
        ["wont"] = "will",
        ["isnt"] = "is",
        ["wasnt"] = "was",
        ["arent"] = "are",
        ["werent"] = "were",
        ["wouldnt"] = "would",
        ["couldnt"] = "could",
        ["shouldnt"] = "should",
        ["havent"] = "have",
        ["hasnt"] = "has",
        ["hadnt"] = "had",
        ["aint"] = "is",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string[]> Spoken = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["wanna"] = ["want", "to"],
        ["gonna"] = ["going", "to"],
        ["gotta"] = ["got", "to"],
        ["hafta"] = ["have", "to"],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// The risk scanner's negation cues: <see cref="NegationCues"/> without "nothing", "nobody", "none" and "neither",
    /// which are usually the subject of another verb ("nothing will stop me from killing myself" is no denial).
    /// </summary>
    internal static readonly FrozenSet<string> StrictNegationCues = FrozenSet.ToFrozenSet(
        ["no", "not", "never", "nor", "without", "deny", "denies", "denied", "denying", "nope", "nah", "negative"],
        StringComparer.Ordinal);

    /// <summary>Words that negate what follows them (NegEx "pre-negation" cues), by lowercased form.</summary>
    internal static readonly FrozenSet<string> NegationCues = FrozenSet.ToFrozenSet(
        ["no", "not", "never", "none", "nothing", "nobody", "neither", "nor", "without", "deny", "denies", "denied", "denying", "nope", "nah", "negative"],
        StringComparer.Ordinal);

    /// <summary>Words after "not" that make it a pseudo-negation ("not only", "don't know", "not sure").</summary>
    private static readonly FrozenSet<string> PseudoNegationFollowers = FrozenSet.ToFrozenSet(["only", "know", "sure", "doubt"], StringComparer.Ordinal);

    /// <summary>Words that end a negation's (and a hypothetical's) reach: "denies SI but …".</summary>
    internal static readonly FrozenSet<string> TerminationWords = FrozenSet.ToFrozenSet(
        ["but", "however", "although", "though", "except", "yet", "whereas", "apart", "aside", "besides"],
        StringComparer.Ordinal);

    /// <summary>Subject pronouns: after a comma or a conjunction they start a new clause ("no, I think about …").</summary>
    internal static readonly FrozenSet<string> SubjectPronouns = FrozenSet.ToFrozenSet(
        ["i", "we", "you", "he", "she", "they", "it", "there", "this", "that"], StringComparer.Ordinal);

    /// <summary>Words that open a new clause after a comma ("not really, sometimes I …").</summary>
    private static readonly FrozenSet<string> ClauseOpeners = FrozenSet.ToFrozenSet(
        ["yes", "yeah", "yep", "sometimes", "maybe", "actually", "honestly", "like", "then", "so", "because", "cause", "now", "lately", "well", "okay", "ok"],
        StringComparer.Ordinal);

    private static readonly FrozenSet<string> Conjunctions = FrozenSet.ToFrozenSet(["and", "or", "so", "because", "cause", "when", "since", "that"], StringComparer.Ordinal);

    /// <summary>Pronouns that start a new clause after an ordinary word ("no one knows I …").</summary>
    private static readonly FrozenSet<string> NewSubjects = FrozenSet.ToFrozenSet(["i", "we", "you", "he", "she", "they"], StringComparer.Ordinal);

    /// <summary>Words (and stems) through which a negation reaches the next clause: "I don't think I …", "not that I …".</summary>
    private static readonly FrozenSet<string> NegationTransparent = FrozenSet.ToFrozenSet(
        ["think", "feel", "believe", "say", "tell", "mean", "guess", "suppose", "like", "that", "ever", "really", "even"],
        StringComparer.Ordinal);

    /// <summary>Splits <paramref name="text"/> into words and punctuation, lowercased and stemmed, with their positions.</summary>
    public static List<WordToken> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<WordToken>(text.Length / 4);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsLetterOrDigit(c))
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || (IsApostrophe(text[i]) && i + 1 < text.Length && char.IsLetter(text[i + 1]))
                       || (text[i] == '.' && i + 1 < text.Length && char.IsDigit(text[i + 1]) && char.IsDigit(text[i - 1]))))
                {
                    i++;
                }

                AddWord(tokens, text, start, i - start);
                continue;
            }

            switch (c)
            {
                case '.' or '!' or '?' or ';' or ':' or '\n':
                    tokens.Add(new WordToken(WordKind.Boundary, c.ToString(), c.ToString(), c.ToString(), i, 1));
                    break;
                case ',' or '\u2013' or '\u2014' or '(' or ')':
                    tokens.Add(new WordToken(WordKind.Comma, ",", ",", ",", i, 1));
                    break;
                case '-' when i > 0 && i + 1 < text.Length && text[i - 1] == ' ' && text[i + 1] == ' ':
                    tokens.Add(new WordToken(WordKind.Comma, ",", ",", ",", i, 1));
                    break;
                default:
                    break;
            }

            i++;
        }

        return tokens;
    }

    private static bool IsApostrophe(char c) => c is '\'' or '\u2019';

    private static void AddWord(List<WordToken> tokens, string text, int start, int length)
    {
        var raw = text.Substring(start, length).Replace('\u2019', '\'');
        var lower = raw.ToLowerInvariant();
        var apostrophe = lower.IndexOf('\'', StringComparison.Ordinal);
        if (apostrophe > 0)
        {
            if (lower.EndsWith("n't", StringComparison.Ordinal) && lower.Length > 3)
            {
                var baseWord = lower[..^3] switch
                {
                    "ca" => "can",
                    "wo" => "will",
                    "sha" => "shall",
                    "ai" => "is",
                    var other => other,
                };
                tokens.Add(Word(raw[..^3], baseWord, start, length - 3));
                tokens.Add(Word("not", "not", start + length - 3, 3));
                return;
            }

            var suffix = lower[(apostrophe + 1)..];
            var expanded = suffix switch
            {
                "d" => "would",
                "ve" => "have",
                "ll" => "will",
                "re" => "are",
                "m" => "am",
                _ => null,
            };
            tokens.Add(Word(raw[..apostrophe], lower[..apostrophe], start, apostrophe));
            if (expanded is not null)
            {
                tokens.Add(Word(expanded, expanded, start + apostrophe, length - apostrophe));
            }

            return;
        }

        if (BareNegatedContractions.TryGetValue(lower, out var negatedBase))
        {
            var split = lower == "cannot" ? 3 : length - 2;
            tokens.Add(Word(negatedBase, negatedBase, start, split));
            tokens.Add(Word("not", "not", start + split, length - split));
            return;
        }

        if (Spoken.TryGetValue(lower, out var words))
        {
            tokens.Add(Word(words[0], words[0], start, length - 2));
            tokens.Add(Word(words[1], words[1], start + length - 2, 2));
            return;
        }

        tokens.Add(Word(raw, lower, start, length));
    }

    private static WordToken Word(string raw, string lower, int start, int length) =>
        new(WordKind.Word, raw, lower, Stem(lower), start, length);

    /// <summary>
    /// A light stem of a lowercased word: a few irregular forms, then plural (-s, -es, -ies), -ing and -ed (undoubling
    /// "cutting" to "cut"), then a final -e ("overdose", "overdosed", "overdosing" all give "overdos").
    /// </summary>
    public static string Stem(string lower)
    {
        if (Irregular.TryGetValue(lower, out var irregular))
        {
            return irregular;
        }

        var word = lower;
        if (word.Length <= 3 || !char.IsLetter(word[^1]))
        {
            return word;
        }

        if (word.EndsWith("ies", StringComparison.Ordinal) && word.Length > 4)
        {
            word = word[..^3] + "y";
        }
        else if (word.EndsWith("sses", StringComparison.Ordinal))
        {
            word = word[..^2];
        }
        else if (word.EndsWith("shes", StringComparison.Ordinal) || word.EndsWith("ches", StringComparison.Ordinal) || word.EndsWith("xes", StringComparison.Ordinal))
        {
            word = word[..^2];
        }
        else if (word[^1] == 's' && !word.EndsWith("ss", StringComparison.Ordinal) && !word.EndsWith("us", StringComparison.Ordinal) && !word.EndsWith("is", StringComparison.Ordinal))
        {
            word = word[..^1];
        }

        if (word.EndsWith("ing", StringComparison.Ordinal) && HasVowel(word.AsSpan(0, word.Length - 3)) && word.Length - 3 >= 3)
        {
            word = Undouble(word[..^3]);
        }
        else if (word.EndsWith("ied", StringComparison.Ordinal) && word.Length > 4)
        {
            word = word[..^3] + "y";
        }
        else if (word.EndsWith("ed", StringComparison.Ordinal) && !word.EndsWith("eed", StringComparison.Ordinal) && HasVowel(word.AsSpan(0, word.Length - 2)) && word.Length - 2 >= 3)
        {
            word = Undouble(word[..^2]);
        }

        if (word.Length >= 4 && word[^1] == 'e')
        {
            word = word[..^1];
        }

        return word;
    }

    private static bool HasVowel(ReadOnlySpan<char> part) => part.IndexOfAny(Vowels) >= 0;

    private static string Undouble(string word) =>
        word.Length >= 3 && word[^1] == word[^2] && word[^1] is not ('l' or 's' or 'z' or 'e' or 'o') && !Vowels.Contains(word[^1])
            ? word[..^1]
            : word;

    /// <summary>
    /// Whether <paramref name="tokens"/>[<paramref name="index"/>] is one of <paramref name="cues"/> and not a
    /// pseudo-negation ("don't know", "not sure", "not only", "no one", "no matter", "why not").
    /// </summary>
    public static bool IsNegationCue(IReadOnlyList<WordToken> tokens, int index, FrozenSet<string> cues)
    {
        var token = tokens[index];
        if (!token.IsWord || !cues.Contains(token.Lower))
        {
            return false;
        }

        // "Why shouldn't I just …", "why not …": a rhetorical question, not a denial.
        if (token.Lower == "not" && ((index >= 1 && tokens[index - 1].Lower == "why") || (index >= 2 && tokens[index - 2].Lower == "why")))
        {
            return false;
        }

        var next = index + 1 < tokens.Count ? tokens[index + 1].Lower : string.Empty;
        return token.Lower switch
        {
            "not" => !PseudoNegationFollowers.Contains(next),
            "no" => next is not ("one" or "matter" or "doubt" or "wonder" or "way"),
            _ => true,
        };
    }

    /// <summary>
    /// Whether, walking back towards the start of the line, the clause ends at <paramref name="position"/>: sentence
    /// punctuation; a termination word ("but", "however"); a comma followed by a new subject or an opener ("no, I think
    /// about it", "not really, sometimes …", but not the list "denies SI, HI"); or a word followed by a new subject
    /// ("no one knows I cut", "nobody would care if I …"), unless that word passes negation on ("I don't think I …",
    /// "I never said I …", "not that I …").
    /// </summary>
    public static bool EndsClause(IReadOnlyList<WordToken> tokens, int position)
    {
        var token = tokens[position];
        if (token.Kind == WordKind.Boundary || (token.IsWord && TerminationWords.Contains(token.Lower)))
        {
            return true;
        }

        if (position + 1 >= tokens.Count || !tokens[position + 1].IsWord)
        {
            return false;
        }

        var next = tokens[position + 1].Lower;
        if (token.Kind == WordKind.Comma)
        {
            return SubjectPronouns.Contains(next) || ClauseOpeners.Contains(next);
        }

        if (Conjunctions.Contains(token.Lower) && ClauseOpeners.Contains(next))
        {
            return true;
        }

        return NewSubjects.Contains(next) && !NegationTransparent.Contains(token.Stem) && !NegationTransparent.Contains(token.Lower)
            && !NegationCues.Contains(token.Lower);
    }

    /// <summary>Whether a cue of <paramref name="cues"/> precedes <paramref name="index"/> within <paramref name="window"/> words of the same clause.</summary>
    public static bool IsNegated(IReadOnlyList<WordToken> tokens, int index, int window, FrozenSet<string> cues)
    {
        var words = 0;
        for (var j = index - 1; j >= 0 && words < window; j--)
        {
            if (EndsClause(tokens, j))
            {
                return false;
            }

            if (!tokens[j].IsWord)
            {
                continue;
            }

            words++;
            if (IsNegationCue(tokens, j, cues))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Spelled-out numbers as digits ("four" and "4" are the same claim).</summary>
    public static string NumberKey(string lower) => lower switch
    {
        "zero" or "none" => "0",
        "one" or "once" => "1",
        "two" or "twice" => "2",
        "three" => "3",
        "four" => "4",
        "five" => "5",
        "six" => "6",
        "seven" => "7",
        "eight" => "8",
        "nine" => "9",
        "ten" => "10",
        "eleven" => "11",
        "twelve" => "12",
        "fifteen" => "15",
        "twenty" => "20",
        "thirty" => "30",
        "forty" => "40",
        "fifty" => "50",
        "hundred" => "100",
        _ => lower,
    };

    /// <summary>Whether <paramref name="lower"/> is a number (digits, possibly with a decimal point).</summary>
    public static bool IsNumber(string lower) =>
        lower.Length > 0 && char.IsDigit(lower[0]) && decimal.TryParse(lower, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _);
}
