using System.Diagnostics;
using System.Globalization;
using Plexura.Core.Notes;
using Plexura.Core.Notes.Evidence;

namespace Plexura.Bench;

/// <summary>
/// risk-scan: the app's own checks of a note on a synthetic 90-minute transcript (about 1,800 lines, one every 3 s,
/// clinician and client alternating, a risk phrase in about one line in forty): the phrase-list risk scan, and the
/// evidence check of about 60 drafted statements (Verify) and of the same statements typed by a clinician
/// (FindSupport over the whole transcript).
/// </summary>
/// <remarks>
/// Every run uses fresh passage instances, as a note does after decrypting its transcript: the verifier's per-passage
/// word cache starts cold. The real <see cref="PhraseListRiskScanner"/> and <see cref="OverlapEvidenceVerifier"/> run,
/// built once as the app's singletons are (parsing the list is reported separately).
/// </remarks>
internal sealed class RiskScanBenchmarks(BenchOptions options)
{
    private static readonly string[] Ordinary =
    [
        "I've been sleeping about {n} hours a night since the move.",
        "Work has been really stressful, my manager keeps changing the deadlines.",
        "We went to my sister's place on Sunday and it was actually nice.",
        "How did the breathing exercise go this week?",
        "I tried it twice, it helped a little when I was on the train.",
        "My appetite is better, I'm eating breakfast again.",
        "What would you like to focus on today?",
        "I keep replaying the argument with my dad in my head.",
        "That sounds exhausting, tell me more about what happens then.",
        "I'm cutting back on coffee because it makes the anxiety worse.",
        "This homework is killing me, honestly, I have three essays due.",
        "I started running again, just {n} kilometres, but it counts.",
        "When you notice that thought, what do you usually do next?",
        "I called my friend instead of staying in bed, like we said.",
        "My mom is going to kill me if I miss her birthday again.",
        "Let's look at the thought record you filled in.",
        "I felt anxious at the party but I stayed for {n} hours.",
        "It just hit me that I've been avoiding the gym for months.",
        "The medication makes me a bit tired in the morning.",
        "Okay, so on a scale from one to ten, where is your mood today?",
    ];

    private static readonly (string Speaker, string Text)[] Risky =
    [
        ("Clinician", "Have you had any thoughts of killing yourself since we last met?"),
        ("Client", "No, I would never kill myself, I just feel stuck."),
        ("Client", "Sometimes I wish I was dead, not every day though."),
        ("Client", "My brother tried to kill himself last year and I think about it a lot."),
        ("Client", "I haven't cut since March, I used the ice instead."),
        ("Client", "My stepdad used to hit me when he was drunk."),
        ("Client", "My dad keeps a gun in the garage and that scares me."),
        ("Clinician", "Client denies SI, HI and SIB at this time."),
        ("Client", "I'd never hurt him, I'm just so angry with him."),
    ];

    public void Run()
    {
        var parse = Stopwatch.StartNew();
        var scanner = new PhraseListRiskScanner();
        parse.Stop();
        var verifier = new OverlapEvidenceVerifier();
        var template = Transcript(Math.Max(4, options.TranscriptLines));
        var statements = Statements(template, options.Statements);
        var minutes = template[^1].Start.TotalMinutes;
        Console.WriteLine($"Transcript: {template.Count:N0} lines over {minutes:N0} minutes, {template.Sum(p => p.Text.Length):N0} characters; " +
                          $"list: {scanner.PhraseCount} phrases, {scanner.ExclusionCount} exclusions (parsed in {LatencySummary.ToMs(parse.ElapsedTicks):N1} ms)");
        Console.WriteLine($"Options: runs={options.ScanRuns} (after {Warmup} untimed) statements={statements.Count}");

        var scanTicks = new List<long>();
        var verifyTicks = new List<long>();
        var findTicks = new List<long>();
        var hits = 0;
        var strengths = new Dictionary<EvidenceStrength, int>();
        for (var run = -Warmup; run < options.ScanRuns; run++)
        {
            // Fresh instances: the verifier's word cache is per passage, cold for every decrypted transcript.
            var transcript = template.Select(p => p with { }).ToList();
            var byRef = transcript.ToDictionary(p => p.Ref);

            var watch = Stopwatch.StartNew();
            hits = scanner.Scan(transcript).Count;
            var scanned = watch.ElapsedTicks;

            watch.Restart();
            strengths.Clear();
            foreach (var (text, citations) in statements)
            {
                var strength = verifier.Verify(text, citations, byRef);
                strengths[strength] = strengths.GetValueOrDefault(strength) + 1;
            }

            var verified = watch.ElapsedTicks;

            watch.Restart();
            foreach (var (text, _) in statements)
            {
                verifier.FindSupport(text, transcript, 3);
            }

            var found = watch.ElapsedTicks;
            if (run >= 0)
            {
                scanTicks.Add(scanned);
                verifyTicks.Add(verified);
                findTicks.Add(found);
            }
        }

        Console.WriteLine($"Risk hits per scan: {hits}; statements: {string.Join(", ", strengths.OrderBy(s => s.Key).Select(s => $"{s.Value} {s.Key}"))}");
        Console.WriteLine();
        Console.WriteLine("measure                                              median ms    p95 ms    max ms");
        Print($"risk scan, {template.Count:N0} lines", scanTicks);
        Print($"Verify, {statements.Count} statements (cold passages)", verifyTicks);
        Print($"FindSupport, {statements.Count} statements x whole transcript", findTicks);
    }

    private const int Warmup = 5;

    private static void Print(string name, List<long> ticks)
    {
        var summary = LatencySummary.Of(ticks);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-52} {summary.P50Ms,9:N2} {summary.P95Ms,9:N2} {summary.MaxMs,9:N2}"));
    }

    /// <summary>A deterministic transcript: one line every 3 s, twelve lines per segment, a risk line in about one in forty.</summary>
    private static List<TranscriptPassage> Transcript(int lines)
    {
        var random = new Random(12);
        var transcript = new List<TranscriptPassage>(lines);
        for (var i = 0; i < lines; i++)
        {
            var (speaker, text) = random.Next(40) == 0
                ? Risky[random.Next(Risky.Length)]
                : (i % 2 == 0 ? "Clinician" : "Client", Ordinary[random.Next(Ordinary.Length)].Replace("{n}", random.Next(2, 9).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
            transcript.Add(new TranscriptPassage(new PassageRef(i / 12, i % 12), TimeSpan.FromSeconds(i * 3), speaker, text));
        }

        return transcript;
    }

    /// <summary>Note-like statements citing one to three lines: most restate their lines, some paraphrase, a few cite missing lines.</summary>
    private static List<(string Text, IReadOnlyList<PassageRef> Citations)> Statements(List<TranscriptPassage> transcript, int count)
    {
        var random = new Random(34);
        var statements = new List<(string, IReadOnlyList<PassageRef>)>(count);
        for (var i = 0; i < count; i++)
        {
            var at = random.Next(transcript.Count - 3);
            var cited = Enumerable.Range(at, 1 + random.Next(3)).Select(k => transcript[k]).ToList();
            var text = (i % 6) switch
            {
                0 => "Client reports low mood and poor concentration.",
                1 => "Client reports " + string.Join(" and ", cited.Select(c => c.Text.TrimEnd('.', '?').ToLowerInvariant())) + ".",
                _ => "Client states that " + cited[0].Text.TrimEnd('.', '?').ToLowerInvariant() + ".",
            };
            var citations = cited.Select(c => c.Ref).ToList();
            if (i % 10 == 9)
            {
                citations = [new PassageRef(9_999, 0)];
            }

            statements.Add((text, citations));
        }

        return statements;
    }
}
