using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Plexura.Core.Notes;
using Plexura.Core.Notes.Evidence;

namespace Plexura.Tests.Fakes;

/// <summary>
/// A small stand-in for the app's risk scanner: a line saying "kill myself" or "suicide" is suicidal ideation, endorsed
/// unless it says "deny"/"denies"/"never" (denied). Enough for the note features' tests; the real scanner has its own.
/// </summary>
public sealed partial class FakeRiskScanner : IRiskScanner
{
    public IReadOnlyList<RiskHit> Scan(IReadOnlyList<TranscriptPassage> transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var hits = new List<RiskHit>();
        foreach (var line in transcript)
        {
            var match = Risk().Match(line.Text);
            if (match.Success)
            {
                var polarity = Denial().IsMatch(line.Text) ? RiskPolarity.Denied : RiskPolarity.Endorsed;
                hits.Add(new RiskHit(RiskCategory.SuicidalIdeation, polarity, line.Ref, match.Index, match.Length, match.Value.ToLowerInvariant()));
            }
        }

        return hits;
    }

    [GeneratedRegex(@"kill(ing)? myself|suicid\w*", RegexOptions.IgnoreCase)]
    private static partial Regex Risk();

    [GeneratedRegex(@"\b(den(y|ies)|never)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Denial();
}

/// <summary>
/// A small stand-in for the app's evidence verifier: supported when a cited line shares at least half of the statement's
/// words of four letters or more, weak when cited lines exist but share less, none when no cited line exists.
/// </summary>
public sealed partial class FakeEvidenceVerifier : IEvidenceVerifier
{
    public EvidenceStrength Verify(string statement, IReadOnlyList<PassageRef> citations, IReadOnlyDictionary<PassageRef, TranscriptPassage> transcript)
    {
        ArgumentNullException.ThrowIfNull(citations);
        ArgumentNullException.ThrowIfNull(transcript);
        var cited = citations.Where(transcript.ContainsKey).Select(c => transcript[c]).ToList();
        if (cited.Count == 0)
        {
            return EvidenceStrength.None;
        }

        return Overlap(statement, string.Join(' ', cited.Select(c => c.Text))) >= 0.5 ? EvidenceStrength.Supported : EvidenceStrength.Weak;
    }

    public IReadOnlyList<PassageRef> FindSupport(string statement, IReadOnlyList<TranscriptPassage> transcript, int max)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        return [.. transcript.Select(l => (l.Ref, Score: Overlap(statement, l.Text))).Where(x => x.Score >= 0.5).OrderByDescending(x => x.Score).Take(max).Select(x => x.Ref)];
    }

    private static double Overlap(string statement, string text)
    {
        var wanted = Words(statement);
        if (wanted.Count == 0)
        {
            return 0;
        }

        var have = Words(text);
        return wanted.Count(have.Contains) / (double)wanted.Count;
    }

    private static HashSet<string> Words(string text) =>
        [.. Word().Matches(text).Select(m => m.Value.ToLowerInvariant())];

    [GeneratedRegex(@"\p{L}{4,}")]
    private static partial Regex Word();
}

/// <summary>Registers the fakes unless the real implementations are registered.</summary>
public static class FakeNoteEvidenceRegistration
{
    public static IServiceCollection AddNoteEvidenceFakes(this IServiceCollection services)
    {
        services.TryAddSingleton<IRiskScanner, FakeRiskScanner>();
        services.TryAddSingleton<IEvidenceVerifier, FakeEvidenceVerifier>();
        return services;
    }
}
