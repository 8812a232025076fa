using System.Collections.Frozen;

namespace Plexura.Core.Notes.Evidence;

/// <summary>
/// Finds risk disclosures in a transcript with the maintained phrase list (<c>risk-phrases.txt</c>, embedded in Core),
/// deciding for each hit whether it is endorsed, denied, hypothetical or about a third party from the words around it
/// (NegEx-style windows), independently of any model.
/// </summary>
/// <remarks>
/// <para>
/// <b>Safety first.</b> The scanner never drops a hit for its polarity: a denial is recorded as a denial. Where the rules
/// are unsure they lean to <see cref="RiskPolarity.Endorsed"/> (a false endorsement costs the clinician a click; a false
/// denial could hide a disclosure). So a comma ends a negation's reach when a new clause starts after it ("No, I think
/// about killing myself" is endorsed) but not in a list ("denies SI, HI and SIB" denies all three).
/// </para>
/// <para>
/// <b>Rules, in order</b> for a phrase found in a line:
/// 1. <b>Third party</b> when the phrase is about someone else: a third-person reflexive in it ("kill himself"), the
///    clause's subject before it is a third person ("he", "she", "they", "someone", "my brother", "her son", "a
///    friend") and the client is not its object ("he hit me" stays the client's), or the line's speaker is
///    "Other" (neither clinician nor client).
/// 2. <b>Denied</b> when a negation cue ("no", "not", "never", "n't", "denies", "without", "negative"; not "nothing" or "nobody", usually the subject of another verb)
///    precedes it within <see cref="NegationWindow"/> words of the same clause (a termination word such as "but" ends
///    the clause; "don't know", "not sure", "not only" are not negations), or a post-negation ("SI: denied",
///    "suicidal ideation negative") follows within <see cref="PostNegationWindow"/> words.
/// 3. <b>Hypothetical</b> when a conditional or screening cue precedes it in the clause ("if", "whether", "suppose",
///    "imagine", "in case", "any", and questions to the client: "have you", "do you", "are you", "would you"…), or its
///    sentence ends with a question mark, except a client's question about themself ("What's the point, why shouldn't
///    I just kill myself?" is endorsed: rhetorical questions by the client are not screening questions). A clinician's
///    screening question is therefore hypothetical; a clinician's reflection ("so you've been cutting again") is
///    endorsed.
/// 4. Otherwise <b>endorsed</b>.
/// A line gives at most one hit per category: the strongest polarity (Endorsed, then ThirdParty, then Denied, then
/// Hypothetical), then the earliest.
/// </para>
/// <para>
/// <b>Idioms.</b> A phrase overlapping a "not-a-risk" phrase of the list is dropped ("jumped the gun", "cutting back",
/// "substance abuse", "it just hit me"). Phrases that are idioms only by context are reported ("I'm going to kill
/// myself if I fail this test", "I could kill him" said in jest): the clinician corrects them. Hyperbole with no listed
/// phrase is not found at all ("this homework is killing me", "I'm dying to see it").
/// </para>
/// <para>
/// <b>Speed.</b> The list is parsed once per instance (registered as a singleton) into an index by first word; a line is
/// tokenized once and only the phrases starting with each of its words (or, for a prefix, its first letter) are tried.
/// </para>
/// </remarks>
public sealed class PhraseListRiskScanner : IRiskScanner
{
    /// <summary>How many words before a phrase a negation cue reaches (within the clause).</summary>
    public const int NegationWindow = 6;

    /// <summary>How many words after a phrase a post-negation ("denied", "negative") reaches.</summary>
    public const int PostNegationWindow = 3;

    /// <summary>How many words before a phrase a conditional or question cue, or the clause's subject, is looked for.</summary>
    public const int ClauseWindow = 10;

    private static readonly FrozenSet<string> ThirdReflexives = FrozenSet.ToFrozenSet(["himself", "herself", "themselves", "themself"], StringComparer.Ordinal);
    private static readonly FrozenSet<string> FirstReflexives = FrozenSet.ToFrozenSet(["myself", "ourselves"], StringComparer.Ordinal);
    private static readonly FrozenSet<string> SecondPerson = FrozenSet.ToFrozenSet(["you", "yourself", "yourselves"], StringComparer.Ordinal);
    private static readonly FrozenSet<string> FirstObjects = FrozenSet.ToFrozenSet(["me", "us", "myself"], StringComparer.Ordinal);
    private static readonly FrozenSet<string> FirstSubjects = FrozenSet.ToFrozenSet(["i", "we"], StringComparer.Ordinal);
    private static readonly FrozenSet<string> ThirdSubjects = FrozenSet.ToFrozenSet(
        ["he", "she", "they", "someone", "somebody", "anyone", "anybody", "everyone", "everybody", "nobody", "people", "person"],
        StringComparer.Ordinal);

    /// <summary>People a client speaks of (stems): "my brother", "her son", "a friend".</summary>
    private static readonly FrozenSet<string> PersonNouns = FrozenSet.ToFrozenSet(
        [
            "brother", "sister", "mom", "mother", "dad", "father", "son", "daughter", "friend", "husband", "wife", "partner",
            "boyfriend", "girlfriend", "cousin", "uncle", "aunt", "grandma", "grandpa", "grandmother", "grandfather", "kid",
            "child", "neighbor", "neighbour", "coworker", "boss", "roommate", "stepdad", "stepmom", "stepfather",
            "stepmother", "parent", "sibling", "niece", "nephew", "classmate", "teacher", "guy", "girl", "boy", "man",
            "woman", "ex", "fianc\u00e9", "fiance", "baby", "teen", "teenager", "student", "colleague",
        ],
        StringComparer.Ordinal);

    private static readonly FrozenSet<string> ConditionalCues = FrozenSet.ToFrozenSet(
        ["if", "whether", "suppose", "supposing", "imagine", "hypothetically", "unless"], StringComparer.Ordinal);

    /// <summary>Screening words that make a question only when a clinician says them or they open the clause ("Any thoughts of suicide").</summary>
    private static readonly FrozenSet<string> ScreeningCues = FrozenSet.ToFrozenSet(["any", "anything", "ever"], StringComparer.Ordinal);

    private static readonly FrozenSet<string> QuestionAuxiliaries = FrozenSet.ToFrozenSet(
        ["do", "did", "does", "have", "has", "had", "are", "were", "is", "was", "would", "could", "will", "can", "should"],
        StringComparer.Ordinal);

    private static readonly FrozenSet<string> PostNegations = FrozenSet.ToFrozenSet(["denied", "denies", "deny", "negative", "absent"], StringComparer.Ordinal);

    private static readonly FrozenSet<string> ClinicianSpeakers = FrozenSet.ToFrozenSet(
        ["clinician", "therapist", "counselor", "counsellor", "provider", "psychologist", "psychiatrist"], StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string> ClientSpeakers = FrozenSet.ToFrozenSet(["client", "patient"], StringComparer.OrdinalIgnoreCase);

    private readonly IReadOnlyList<RiskPhrase> _phrases;
    private readonly FrozenDictionary<string, int[]> _byFirstWord;
    private readonly FrozenDictionary<char, int[]> _byPrefixLetter;

    /// <summary>A scanner over the list embedded in Core.</summary>
    public PhraseListRiskScanner()
        : this(RiskPhraseList.ReadEmbedded())
    {
    }

    /// <summary>A scanner over <paramref name="list"/> (the list's syntax; for tests).</summary>
    internal PhraseListRiskScanner(string list)
    {
        _phrases = RiskPhraseList.Parse(list);
        var byFirst = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        var byPrefix = new Dictionary<char, HashSet<int>>();
        for (var p = 0; p < _phrases.Count; p++)
        {
            var first = _phrases[p].Elements[0];
            foreach (var key in first.Stems.Concat(first.Exact.Select(e => e.ToLowerInvariant())))
            {
                if (!byFirst.TryGetValue(key, out var set))
                {
                    byFirst[key] = set = [];
                }

                set.Add(p);
            }

            foreach (var prefix in first.Prefixes)
            {
                if (!byPrefix.TryGetValue(prefix[0], out var set))
                {
                    byPrefix[prefix[0]] = set = [];
                }

                set.Add(p);
            }
        }

        _byFirstWord = byFirst.ToFrozenDictionary(kv => kv.Key, kv => kv.Value.Order().ToArray(), StringComparer.Ordinal);
        _byPrefixLetter = byPrefix.ToFrozenDictionary(kv => kv.Key, kv => kv.Value.Order().ToArray());
    }

    /// <summary>How many risk phrases the list holds (not counting the not-a-risk exclusions; a/b alternatives count once).</summary>
    public int PhraseCount => _phrases.Count(p => p.Category is not null);

    /// <summary>How many not-a-risk exclusions the list holds.</summary>
    public int ExclusionCount => _phrases.Count(p => p.Category is null);

    /// <inheritdoc />
    public IReadOnlyList<RiskHit> Scan(IReadOnlyList<TranscriptPassage> transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var hits = new List<RiskHit>();
        var matches = new List<(RiskPhrase Phrase, int Start, int End)>();
        var best = new (RiskPolarity Polarity, int Start, int End, RiskPhrase Phrase)?[5];
        foreach (var passage in transcript.OrderBy(p => p.Ref))
        {
            var tokens = TranscriptWords.Tokenize(passage.Text);
            FindMatches(tokens, matches);
            if (matches.Count == 0)
            {
                continue;
            }

            Array.Clear(best);
            var speaker = RoleOf(passage.Speaker);
            foreach (var (phrase, start, end) in matches)
            {
                if (phrase.Category is not { } category || Excluded(matches, start, end))
                {
                    continue;
                }

                var polarity = Classify(tokens, start, end, speaker);
                ref var current = ref best[(int)category];
                if (current is null || Rank(polarity) < Rank(current.Value.Polarity))
                {
                    current = (polarity, start, end, phrase);
                }
            }

            for (var c = 0; c < best.Length; c++)
            {
                if (best[c] is { } hit)
                {
                    var from = tokens[hit.Start].Start;
                    hits.Add(new RiskHit((RiskCategory)c, hit.Polarity, passage.Ref, from, tokens[hit.End - 1].End - from, hit.Phrase.Text));
                }
            }
        }

        return hits;
    }

    /// <summary>The polarity order of <see cref="IRiskScanner.Scan"/>: lower is stronger.</summary>
    internal static int Rank(RiskPolarity polarity) => polarity switch
    {
        RiskPolarity.Endorsed => 0,
        RiskPolarity.ThirdParty => 1,
        RiskPolarity.Denied => 2,
        _ => 3,
    };

    /// <summary>Every phrase (risk or exclusion) found in the line, by start then length.</summary>
    private void FindMatches(List<WordToken> tokens, List<(RiskPhrase Phrase, int Start, int End)> matches)
    {
        matches.Clear();
        for (var t = 0; t < tokens.Count; t++)
        {
            var token = tokens[t];
            if (!token.IsWord)
            {
                continue;
            }

            TryAll(_byFirstWord.GetValueOrDefault(token.Stem), tokens, t, matches);
            if (!string.Equals(token.Stem, token.Lower, StringComparison.Ordinal))
            {
                TryAll(_byFirstWord.GetValueOrDefault(token.Lower), tokens, t, matches);
            }

            TryAll(_byPrefixLetter.GetValueOrDefault(token.Lower[0]), tokens, t, matches);
        }
    }

    private void TryAll(int[]? candidates, List<WordToken> tokens, int start, List<(RiskPhrase Phrase, int Start, int End)> matches)
    {
        if (candidates is null)
        {
            return;
        }

        foreach (var p in candidates)
        {
            var phrase = _phrases[p];
            var end = MatchFrom(phrase.Elements, 0, tokens, start);
            if (end > start && !matches.Contains((phrase, start, end)))
            {
                matches.Add((phrase, start, end));
            }
        }
    }

    /// <summary>Where the phrase's elements from <paramref name="element"/> on end when matched at <paramref name="t"/>, or -1.</summary>
    private static int MatchFrom(IReadOnlyList<PhraseElement> elements, int element, List<WordToken> tokens, int t)
    {
        if (element == elements.Count)
        {
            return t;
        }

        var current = elements[element];
        if (current.IsGap)
        {
            for (var skip = 0; skip <= RiskPhraseList.MaxGap && t + skip <= tokens.Count; skip++)
            {
                if (skip > 0 && !tokens[t + skip - 1].IsWord)
                {
                    break;
                }

                var end = MatchFrom(elements, element + 1, tokens, t + skip);
                if (end >= 0)
                {
                    return end;
                }
            }

            return -1;
        }

        return t < tokens.Count && current.Matches(tokens[t]) ? MatchFrom(elements, element + 1, tokens, t + 1) : -1;
    }

    private static bool Excluded(List<(RiskPhrase Phrase, int Start, int End)> matches, int start, int end)
    {
        foreach (var (phrase, from, to) in matches)
        {
            if (phrase.Category is null && from < end && start < to)
            {
                return true;
            }
        }

        return false;
    }

    private static RiskPolarity Classify(List<WordToken> tokens, int start, int end, Speaker speaker)
    {
        var person = PersonIn(tokens, start, end);
        if (person == Person.None)
        {
            person = ObjectAfter(tokens, end) ?? SubjectBefore(tokens, start);
        }

        if (person == Person.Third || speaker == Speaker.Other)
        {
            return RiskPolarity.ThirdParty;
        }

        if (TranscriptWords.IsNegated(tokens, start, NegationWindow, TranscriptWords.StrictNegationCues) || PostNegated(tokens, end))
        {
            return RiskPolarity.Denied;
        }

        if (HasConditionalCue(tokens, start, speaker))
        {
            return RiskPolarity.Hypothetical;
        }

        var rhetorical = speaker != Speaker.Clinician && person == Person.First;
        return IsQuestion(tokens, end) && !rhetorical ? RiskPolarity.Hypothetical : RiskPolarity.Endorsed;
    }

    /// <summary>Who the phrase itself names: a reflexive ("kill himself") or the client as its object ("hit me").</summary>
    private static Person PersonIn(List<WordToken> tokens, int start, int end)
    {
        for (var t = start; t < end; t++)
        {
            var lower = tokens[t].Lower;
            if (ThirdReflexives.Contains(lower))
            {
                return Person.Third;
            }

            if (FirstReflexives.Contains(lower) || FirstObjects.Contains(lower))
            {
                return Person.First;
            }

            if (SecondPerson.Contains(lower))
            {
                return Person.Second;
            }
        }

        return Person.None;
    }

    /// <summary>The client as the object right after the phrase ("my mom neglected us", "he threatened to hurt me").</summary>
    private static Person? ObjectAfter(List<WordToken> tokens, int end)
    {
        for (var t = end; t < tokens.Count && t < end + 2 && tokens[t].IsWord; t++)
        {
            if (FirstObjects.Contains(tokens[t].Lower))
            {
                return Person.First;
            }
        }

        return null;
    }

    /// <summary>The nearest person word before the phrase in its clause: the one the phrase is said of.</summary>
    private static Person SubjectBefore(List<WordToken> tokens, int start)
    {
        var words = 0;
        for (var t = start - 1; t >= 0 && words < ClauseWindow; t--)
        {
            if (TranscriptWords.EndsClause(tokens, t))
            {
                return Person.None;
            }

            var token = tokens[t];
            if (!token.IsWord)
            {
                continue;
            }

            words++;
            if (FirstSubjects.Contains(token.Lower))
            {
                return Person.First;
            }

            if (token.Lower == "you")
            {
                return Person.Second;
            }

            if (ThirdSubjects.Contains(token.Lower) || PersonNouns.Contains(token.Stem) || PersonNouns.Contains(token.Lower))
            {
                return Person.Third;
            }
        }

        return Person.None;
    }

    private static bool PostNegated(List<WordToken> tokens, int end)
    {
        var words = 0;
        for (var t = end; t < tokens.Count && words < PostNegationWindow; t++)
        {
            var token = tokens[t];
            if (token.Kind == WordKind.Boundary && token.Lower != ":")
            {
                return false;
            }

            if (!token.IsWord)
            {
                continue;
            }

            if (TranscriptWords.TerminationWords.Contains(token.Lower) || TranscriptWords.SubjectPronouns.Contains(token.Lower))
            {
                return false;
            }

            words++;
            if (PostNegations.Contains(token.Lower))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A conditional ("if", "in case") or screening ("have you", "do you", a clinician's "any") cue before the phrase in its clause.</summary>
    private static bool HasConditionalCue(List<WordToken> tokens, int start, Speaker speaker)
    {
        var words = 0;
        for (var t = start - 1; t >= 0 && words < ClauseWindow; t--)
        {
            var token = tokens[t];
            if (token.IsWord)
            {
                words++;
                var next = t + 1 < tokens.Count ? tokens[t + 1].Lower : string.Empty;
                if (ConditionalCues.Contains(token.Lower)
                    || (token.Lower == "in" && next == "case")
                    || (QuestionAuxiliaries.Contains(token.Lower) && next == "you")
                    || (ScreeningCues.Contains(token.Lower) && (speaker == Speaker.Clinician || t == 0 || TranscriptWords.EndsClause(tokens, t - 1))))
                {
                    return true;
                }
            }

            if (TranscriptWords.EndsClause(tokens, t))
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>Whether the phrase's sentence ends with a question mark.</summary>
    private static bool IsQuestion(List<WordToken> tokens, int end)
    {
        for (var t = end; t < tokens.Count; t++)
        {
            if (tokens[t].Kind == WordKind.Boundary)
            {
                return tokens[t].Lower == "?";
            }
        }

        return false;
    }

    private static Speaker RoleOf(string? speaker) =>
        speaker is null ? Speaker.Unknown
        : ClinicianSpeakers.Contains(speaker.Trim()) ? Speaker.Clinician
        : ClientSpeakers.Contains(speaker.Trim()) ? Speaker.Client
        : string.Equals(speaker.Trim(), "Other", StringComparison.OrdinalIgnoreCase) ? Speaker.Other
        : Speaker.Unknown;

    private enum Person
    {
        None,
        First,
        Second,
        Third,
    }

    private enum Speaker
    {
        Unknown,
        Clinician,
        Client,
        Other,
    }
}
