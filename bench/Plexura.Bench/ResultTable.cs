using System.Globalization;
using System.Text;
using Plexura.Infrastructure.Configuration;

namespace Plexura.Bench;

/// <summary>Prints results as aligned text.</summary>
internal static class ResultTable
{
    private static readonly CompositeFormat Format = CompositeFormat.Parse("{0,-38} {1,10} {2,9} {3,12} {4,9} {5,9} {6,9} {7,10} {8,5}");

    public static void PrintLine(ScenarioResult r) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    {r.Events:N0} events in {r.Seconds:N2} s = {r.Rate:N0}/s{Latency(r)}, CPU {r.CpuMicrosPerEvent:N1} us/event  [{(r.Rate >= r.Aim ? "meets" : "MISSES")} aim {r.Aim:N0}/s]"));

    public static void Print(IEnumerable<ScenarioResult> results)
    {
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, Format, "Scenario", "Events", "Seconds", "Events/s", "p50 ms", "p99 ms", "CPU us/ev", "Aim/s", "Met"));
        Console.WriteLine(new string('-', 118));
        foreach (var r in results)
        {
            Console.WriteLine(string.Format(
                CultureInfo.InvariantCulture,
                Format,
                r.Name,
                r.Events.ToString("N0", CultureInfo.InvariantCulture),
                r.Seconds.ToString("N2", CultureInfo.InvariantCulture),
                r.Rate.ToString("N0", CultureInfo.InvariantCulture),
                r.LatencyP50Ms?.ToString("N3", CultureInfo.InvariantCulture) ?? "-",
                r.LatencyP99Ms?.ToString("N3", CultureInfo.InvariantCulture) ?? "-",
                r.CpuMicrosPerEvent.ToString("N1", CultureInfo.InvariantCulture),
                r.Aim.ToString("N0", CultureInfo.InvariantCulture),
                r.Rate >= r.Aim ? "yes" : "NO"));
        }
    }

    private static string Latency(ScenarioResult r) =>
        r.LatencyP50Ms is { } p50 && r.LatencyP99Ms is { } p99
            ? string.Create(CultureInfo.InvariantCulture, $" (latency p50 {p50:N3} ms, p99 {p99:N3} ms)")
            : string.Empty;

    public static void PrintLine(BcryptFactorResult r) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    hash p50 {r.Hash.P50Ms:N1} ms, p95 {r.Hash.P95Ms:N1} ms; verify p50 {r.Verify.P50Ms:N1} ms, p95 {r.Verify.P95Ms:N1} ms ({r.Hash.Count} each)"));

    public static void PrintLine(BcryptThroughputResult r) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    {r.Verifications:N0} verifications in {r.Seconds:N1} s = {r.Rate:N2}/s, CPU {r.CpuSeconds / r.Seconds * 100 / Environment.ProcessorCount:N0}% of {Environment.ProcessorCount} cores"));

    public static void PrintLine(SignedInResult r) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    {r.Request}: {r.Latency.Count:N0} ok ({r.Rate:N1}/s), p50 {r.Latency.P50Ms:N1} ms, p95 {r.Latency.P95Ms:N1} ms, p99 {r.Latency.P99Ms:N1} ms, max {r.Latency.MaxMs:N1} ms, not-200: {Kinds(r.FailureKinds)}"));

    public static void PrintLine(AttackResult r)
    {
        if (r.Attackers == 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    no attackers, CPU {r.CpuPercent:N0}%"));
            return;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    attackers: {r.Attempts:N0} answered ({r.Rate:N1}/s): {Kinds(r.Counts)}; {r.InFlightAtEnd} in flight at the end; " +
            $"answer p50 {r.Latency.P50Ms:N0} ms, p99 {r.Latency.P99Ms:N0} ms; bcrypt queue max {r.MaxQueued}; CPU {r.CpuPercent:N0}%"));
        Console.WriteLine($"    attacks on the signed-in user's email: {Kinds(r.RealUserCounts)}");
    }

    public static void Print(IEnumerable<BcryptFactorResult> factors, IEnumerable<BcryptThroughputResult> throughput)
    {
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-8} {1,6} {2,12} {3,12} {4,14} {5,14}", "Factor", "n", "hash p50 ms", "hash p95 ms", "verify p50 ms", "verify p95 ms"));
        Console.WriteLine(new string('-', 71));
        foreach (var r in factors)
        {
            Console.WriteLine(string.Format(
                CultureInfo.InvariantCulture,
                "{0,-8} {1,6} {2,12:N1} {3,12:N1} {4,14:N1} {5,14:N1}",
                r.WorkFactor == AuthOptions.DefaultBcryptWorkFactor ? $"{r.WorkFactor} (used)" : $"{r.WorkFactor}",
                r.Hash.Count,
                r.Hash.P50Ms,
                r.Hash.P95Ms,
                r.Verify.P50Ms,
                r.Verify.P95Ms));
        }

        Console.WriteLine();
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-8} {1,8} {2,8} {3,14} {4,10} {5,10}", "Factor", "Callers", "Permits", "Verifications", "Verify/s", "CPU %"));
        Console.WriteLine(new string('-', 63));
        foreach (var r in throughput)
        {
            Console.WriteLine(string.Format(
                CultureInfo.InvariantCulture,
                "{0,-8} {1,8} {2,8} {3,14:N0} {4,10:N2} {5,10:N0}",
                r.WorkFactor,
                r.Callers,
                r.Permits,
                r.Verifications,
                r.Rate,
                r.CpuSeconds / r.Seconds * 100 / Environment.ProcessorCount));
        }
    }

    public static void Print(IEnumerable<SignedInResult> signedIn, IEnumerable<AttackResult> attacks)
    {
        const string SignedInFormat = "{0,-36} {1,-34} {2,7} {3,7} {4,8} {5,8} {6,8} {7,8} {8,7}";
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, SignedInFormat, "Phase", "Signed-in request", "ok", "ok/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "not-200"));
        Console.WriteLine(new string('-', 128));
        foreach (var r in signedIn)
        {
            Console.WriteLine(string.Format(
                CultureInfo.InvariantCulture,
                SignedInFormat,
                r.Phase,
                r.Request,
                r.Latency.Count.ToString("N0", CultureInfo.InvariantCulture),
                r.Rate.ToString("N1", CultureInfo.InvariantCulture),
                r.Latency.P50Ms.ToString("N1", CultureInfo.InvariantCulture),
                r.Latency.P95Ms.ToString("N1", CultureInfo.InvariantCulture),
                r.Latency.P99Ms.ToString("N1", CultureInfo.InvariantCulture),
                r.Latency.MaxMs.ToString("N1", CultureInfo.InvariantCulture),
                r.Failures.ToString(CultureInfo.InvariantCulture)));
        }

        Console.WriteLine();
        const string AttackFormat = "{0,-36} {1,9} {2,9} {3,7} {4,7} {5,10} {6,11} {7,7} {8,7} {9,9} {10,9} {11,6} {12,5}";
        Console.WriteLine(string.Format(
            CultureInfo.InvariantCulture, AttackFormat, "Phase", "Attempts", "Att./s", "401", "503", "429 lock", "429 limit", "other", "unfin.", "p50 ms", "p99 ms", "queue", "CPU%"));
        Console.WriteLine(new string('-', 138));
        foreach (var r in attacks.Where(a => a.Attackers > 0))
        {
            var other = r.Attempts - r.Count("401") - r.Count("503") - r.Count("429 locked") - r.Count("429 limiter");
            Console.WriteLine(string.Format(
                CultureInfo.InvariantCulture,
                AttackFormat,
                r.Phase,
                r.Attempts.ToString("N0", CultureInfo.InvariantCulture),
                r.Rate.ToString("N1", CultureInfo.InvariantCulture),
                r.Count("401").ToString("N0", CultureInfo.InvariantCulture),
                r.Count("503").ToString("N0", CultureInfo.InvariantCulture),
                r.Count("429 locked").ToString("N0", CultureInfo.InvariantCulture),
                r.Count("429 limiter").ToString("N0", CultureInfo.InvariantCulture),
                other.ToString("N0", CultureInfo.InvariantCulture),
                r.InFlightAtEnd.ToString(CultureInfo.InvariantCulture),
                r.Latency.P50Ms.ToString("N0", CultureInfo.InvariantCulture),
                r.Latency.P99Ms.ToString("N0", CultureInfo.InvariantCulture),
                r.MaxQueued.ToString(CultureInfo.InvariantCulture),
                r.CpuPercent.ToString("N0", CultureInfo.InvariantCulture)));
        }
    }

    private static string Kinds(IReadOnlyDictionary<string, long> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} x{c.Value:N0}")));
}
