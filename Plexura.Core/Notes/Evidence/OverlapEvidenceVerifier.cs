using System.Collections.Frozen;
using System.Runtime.CompilerServices;

namespace Plexura.Core.Notes.Evidence;

/// <summary>
/// The app's own evidence check: how much of a statement's content is found in the transcript lines it cites, a
/// weighted recall of the statement's content words, with negation compared word by word.
/// </summary>
/// <remarks>
/// <para>
/// <b>How the score is measured.</b> The statement and the cited lines are tokenized the same way (lowercased,
/// punctuation dropped, contractions expanded, light stemming of plurals, -ing and -ed, spelled-out numbers as digits).
/// The statement's content words are what is left after a small stopword list (articles, pronouns, auxiliaries,
/// fillers, and note-speak such as "client", "reports", "states", "endorses", which the transcript never says).
/// Every content word weighs 1, a number <see cref="NumberWeight"/>, and a number missing from the cited lines keeps the
/// result below <see cref="SupportedThreshold"/> (a wrong number is a wrong claim). A word counts
/// as found when it occurs in any cited line; a word that occurs only with the opposite negation ("client denies
/// drinking" against "I drink every day") counts <see cref="NegationMismatchWeight"/> of its weight, and any such
/// mismatch caps the result at <see cref="EvidenceStrength.Weak"/>. The score is found weight / total weight.
/// </para>
/// <para>
/// <b>Thresholds.</b> At least <see cref="SupportedThreshold"/>: <see cref="EvidenceStrength.Supported"/>; at least
/// <see cref="WeakThreshold"/>: <see cref="EvidenceStrength.Weak"/>; below it, or no cited line exists:
/// <see cref="EvidenceStrength.None"/> (the cited lines share almost nothing with the statement). A statement with no
/// content word at all ("Okay.") cannot be measured and is Weak when its citations exist.
/// </para>
/// <para>
/// <b>What it cannot catch</b> (the clinician's review covers it): paraphrase with other words ("low mood" for "I feel
/// down", "insomnia" for "I can't sleep": Weak or None although true); a statement that reuses the cited words to say
/// something else ("mother hit client" against "I hit my mother": Supported); negation it cannot scope (double
/// negatives, "hardly", "rarely"); tense and time ("used to drink" against "drinks daily").
/// </para>
/// </remarks>
public sealed class OverlapEvidenceVerifier : IEvidenceVerifier
{
    /// <summary>The score from which citations support a statement.</summary>
    public const double SupportedThreshold = 0.6;

    /// <summary>The score from which citations give some (weak) support; below it they give none.</summary>
    public const double WeakThreshold = 0.25;

    /// <summary>The share of its weight a word keeps when it is found only with the opposite negation.</summary>
    public const double NegationMismatchWeight = 0.5;

    /// <summary>The weight of a number (a content word weighs 1).</summary>
    public const double NumberWeight = 2;

    /// <summary>How many words before a word a negation cue reaches (within the clause).</summary>
    public const int NegationWindow = 5;

    /// <summary>At most this many nearby lines are combined to support a statement no single line supports.</summary>
    public const int MaxCombinedLines = 3;

    /// <summary>How far apart (in lines) combined lines may be.</summary>
    public const int CombineDistance = 2;

    private static readonly FrozenSet<string> Stopwords = FrozenSet.ToFrozenSet(
    [
        // articles, pronouns, determiners
        "a", "an", "the", "this", "that", "these", "those", "it", "its", "i", "me", "my", "mine", "myself", "we", "us", "our",
        "you", "your", "yourself", "he", "him", "his", "himself", "she", "her", "hers", "herself", "they", "them", "their",
        "themselves", "there", "here", "what", "which", "who", "whom", "whose", "some", "any", "each", "such", "other",
        // auxiliaries (stems)
        "be", "have", "do", "can", "could", "will", "would", "shall", "should", "may", "might", "must", "get", "got",
        // prepositions and conjunctions
        "to", "of", "in", "on", "at", "for", "with", "by", "from", "about", "as", "into", "over", "than", "then", "and",
        "or", "so", "if", "because", "cause", "when", "while", "also", "just", "up", "out", "off", "per", "via",
        // fillers of speech
        "um", "uh", "yeah", "yes", "okay", "ok", "oh", "well", "like", "really", "actually", "kind", "sort", "thing",
        "lot", "very", "much", "quite", "pretty", "maybe", "even", "still", "know", "mean", "guess", "right", "gonna",
        // note-speak that the transcript never says
        "client", "patient", "pt", "clinician", "therapist", "writer", "counselor", "report", "reported", "state",
        "stat", "describe", "describ", "endorse", "endors", "note", "not", "indicat", "indicate", "share", "shar",
        "express", "mention", "discuss", "explor", "explore", "verbaliz", "verbalize", "identifi", "identify",
        "acknowledg", "acknowledge", "present", "appear", "appeared", "disclos", "disclose", "reports", "stated",
    ],
        StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string> Canonical = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["mom"] = "mother",
        ["mum"] = "mother",
        ["mommy"] = "mother",
        ["mama"] = "mother",
        ["dad"] = "father",
        ["daddy"] = "father",
        ["papa"] = "father",
        ["kid"] = "child",
        ["kiddo"] = "child",
        ["alcohol"] = "drink",
        ["booze"] = "drink",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // Lines are tokenized once per passage instance: a note's statements are verified against the same transcript.
    private static readonly ConditionalWeakTable<TranscriptPassage, LineWords> Lines = [];

    /// <inheritdoc />
    public EvidenceStrength Verify(string statement, IReadOnlyList<PassageRef> citations, IReadOnlyDictionary<PassageRef, TranscriptPassage> transcript)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(citations);
        ArgumentNullException.ThrowIfNull(transcript);

        var cited = new List<LineWords>(citations.Count);
        foreach (var citation in citations.Distinct())
        {
            if (transcript.TryGetValue(citation, out var passage))
            {
                cited.Add(WordsOf(passage));
            }
        }

        if (cited.Count == 0)
        {
            return EvidenceStrength.None;
        }

        var claims = Claims(statement);
        if (claims.Count == 0)
        {
            return EvidenceStrength.Weak;
        }

        var (score, mismatch) = Measure(claims, cited);
        return Classify(score, mismatch);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Single lines reaching <see cref="SupportedThreshold"/> come first, best first. When no single line does, up to
    /// <see cref="MaxCombinedLines"/> lines at most <see cref="CombineDistance"/> apart are combined greedily, each
    /// adding the most missing words (the statement "trouble sleeping and drinking more since her mother died" over three
    /// consecutive lines); the best combination is returned when it reaches the threshold.
    /// </remarks>
    public IReadOnlyList<PassageRef> FindSupport(string statement, IReadOnlyList<TranscriptPassage> transcript, int max)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(transcript);
        var claims = Claims(statement);
        if (max <= 0 || claims.Count == 0 || transcript.Count == 0)
        {
            return [];
        }

        var total = claims.Sum(c => c.Weight);
        var covered = new ulong[transcript.Count];
        var scores = new double[transcript.Count];
        for (var i = 0; i < transcript.Count; i++)
        {
            (covered[i], scores[i]) = Cover(claims, WordsOf(transcript[i]), total);
        }

        var order = Enumerable.Range(0, transcript.Count).Where(i => scores[i] > 0).OrderByDescending(i => scores[i]).ThenBy(i => i).ToList();
        var singles = order.Where(i => scores[i] >= SupportedThreshold).Take(max).Select(i => transcript[i].Ref).ToList();
        if (singles.Count > 0)
        {
            return singles;
        }

        List<int>? best = null;
        var bestScore = 0.0;
        foreach (var seed in order.Take(5))
        {
            var chosen = new List<int> { seed };
            var mask = covered[seed];
            while (chosen.Count < Math.Min(max, MaxCombinedLines))
            {
                var (pick, gain) = (-1, 0.0);
                var from = Math.Max(0, chosen.Min() - CombineDistance);
                var to = Math.Min(transcript.Count - 1, chosen.Max() + CombineDistance);
                for (var j = from; j <= to; j++)
                {
                    var added = Weight(claims, covered[j] & ~mask);
                    if (!chosen.Contains(j) && added > gain)
                    {
                        (pick, gain) = (j, added);
                    }
                }

                if (pick < 0)
                {
                    break;
                }

                chosen.Add(pick);
                mask |= covered[pick];
            }

            var score = Weight(claims, mask) / total;
            if (score >= SupportedThreshold && (best is null || score > bestScore || (score == bestScore && chosen.Count < best.Count)))
            {
                (best, bestScore) = (chosen, score);
            }
        }

        return best is null ? [] : [.. best.Select(i => transcript[i].Ref)];
    }

    /// <summary>The score and whether any found word had the opposite negation (for tests and the benchmark).</summary>
    internal static (double Score, bool NegationMismatch) Measure(string statement, IEnumerable<string> lines)
    {
        var claims = Claims(statement);
        var words = lines.Select(line => new LineWords(TranscriptWords.Tokenize(line))).ToList();
        return claims.Count == 0 ? (0, false) : Measure(claims, words);
    }

    private static EvidenceStrength Classify(double score, bool mismatch) => score switch
    {
        >= SupportedThreshold when !mismatch => EvidenceStrength.Supported,
        >= WeakThreshold => EvidenceStrength.Weak,
        _ when mismatch && score > 0 => EvidenceStrength.Weak,
        _ => EvidenceStrength.None,
    };

    private static (double Score, bool NegationMismatch) Measure(List<Claim> claims, List<LineWords> cited)
    {
        double found = 0, total = 0;
        var mismatch = false;
        var numberMissing = false;
        foreach (var claim in claims)
        {
            total += claim.Weight;
            var seen = Seen.None;
            foreach (var line in cited)
            {
                seen |= line.Find(claim.Key);
            }

            var same = claim.Negated ? Seen.Negated : Seen.Plain;
            if ((seen & same) != 0)
            {
                found += claim.Weight;
            }
            else if (seen != Seen.None)
            {
                found += claim.Weight * NegationMismatchWeight;
                mismatch = true;
            }
            else
            {
                numberMissing |= claim.IsNumber;
            }
        }

        // A number the cited lines do not say is a wrong claim: never Supported.
        var score = found / total;
        return (numberMissing ? Math.Min(score, SupportedThreshold - 0.01) : score, mismatch);
    }

    /// <summary>Which claims one line covers (same negation only), as a bit mask of claim indexes, and its score.</summary>
    private static (ulong Mask, double Score) Cover(List<Claim> claims, LineWords line, double total)
    {
        ulong mask = 0;
        for (var k = 0; k < claims.Count; k++)
        {
            var same = claims[k].Negated ? Seen.Negated : Seen.Plain;
            if ((line.Find(claims[k].Key) & same) != 0)
            {
                mask |= 1UL << k;
            }
        }

        return (mask, Weight(claims, mask) / total);
    }

    private static double Weight(List<Claim> claims, ulong mask)
    {
        var weight = 0.0;
        for (var k = 0; k < claims.Count; k++)
        {
            if ((mask & (1UL << k)) != 0)
            {
                weight += claims[k].Weight;
            }
        }

        return weight;
    }

    /// <summary>The statement's distinct content words (at most 64, the first ones), each with its weight and negation.</summary>
    private static List<Claim> Claims(string statement)
    {
        var tokens = TranscriptWords.Tokenize(statement);
        var claims = new List<Claim>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < tokens.Count && claims.Count < 64; i++)
        {
            if (KeyOf(tokens, i) is { } key && keys.Add(key))
            {
                var weight = TranscriptWords.IsNumber(key) ? NumberWeight : 1;
                claims.Add(new Claim(key, weight, TranscriptWords.IsNegated(tokens, i, NegationWindow, TranscriptWords.NegationCues)));
            }
        }

        return claims;
    }

    /// <summary>The comparison key of a content word, or null for punctuation, stopwords and negation cues.</summary>
    private static string? KeyOf(List<WordToken> tokens, int i)
    {
        var token = tokens[i];
        if (!token.IsWord || TranscriptWords.NegationCues.Contains(token.Lower))
        {
            return null;
        }

        var number = TranscriptWords.NumberKey(token.Lower);
        if (TranscriptWords.IsNumber(number))
        {
            return number;
        }

        if (Stopwords.Contains(token.Lower) || Stopwords.Contains(token.Stem) || token.Lower.Length < 2)
        {
            return null;
        }

        return Canonical.TryGetValue(token.Stem, out var canonical) ? canonical : token.Stem;
    }

    private static LineWords WordsOf(TranscriptPassage passage) =>
        Lines.GetValue(passage, p => new LineWords(TranscriptWords.Tokenize(p.Text)));

    private readonly record struct Claim(string Key, double Weight, bool Negated)
    {
        public bool IsNumber => Weight == NumberWeight;
    }

    [Flags]
    private enum Seen : byte
    {
        None = 0,
        Plain = 1,
        Negated = 2,
    }

    /// <summary>One line's content words, each with whether it occurs plain, negated or both.</summary>
    private sealed class LineWords
    {
        private readonly Dictionary<string, Seen> _words = new(StringComparer.Ordinal);

        public LineWords(List<WordToken> tokens)
        {
            for (var i = 0; i < tokens.Count; i++)
            {
                if (KeyOf(tokens, i) is { } key)
                {
                    var seen = TranscriptWords.IsNegated(tokens, i, NegationWindow, TranscriptWords.NegationCues) ? Seen.Negated : Seen.Plain;
                    _words[key] = _words.GetValueOrDefault(key) | seen;
                }
            }
        }

        public Seen Find(string key) => _words.GetValueOrDefault(key);
    }
}
