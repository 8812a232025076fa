using System.Diagnostics;

namespace Plexura.Bench;

/// <summary>Latency samples in <see cref="Stopwatch"/> ticks, summarised as percentiles in milliseconds.</summary>
internal sealed record LatencySummary(int Count, double P50Ms, double P95Ms, double P99Ms, double MaxMs)
{
    public static readonly LatencySummary Empty = new(0, double.NaN, double.NaN, double.NaN, double.NaN);

    public static LatencySummary Of(IReadOnlyCollection<long> ticks)
    {
        if (ticks.Count == 0)
        {
            return Empty;
        }

        var sorted = ticks.ToArray();
        Array.Sort(sorted);
        return new LatencySummary(sorted.Length, At(sorted, 0.50), At(sorted, 0.95), At(sorted, 0.99), ToMs(sorted[^1]));
    }

    /// <summary>The nearest-rank percentile.</summary>
    private static double At(long[] sorted, double fraction)
    {
        var index = (int)Math.Min(sorted.Length - 1, Math.Ceiling(fraction * sorted.Length) - 1);
        return ToMs(sorted[Math.Max(0, index)]);
    }

    public static double ToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
