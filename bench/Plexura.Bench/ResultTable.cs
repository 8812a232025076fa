using System.Globalization;
using System.Text;

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
}
