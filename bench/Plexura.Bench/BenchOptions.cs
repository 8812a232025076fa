using System.Globalization;

namespace Plexura.Bench;

/// <summary>Command-line settings: <c>--scenario NAME --events N --writers N --verify-events N --warmup N --clients N</c>.</summary>
internal sealed record BenchOptions(int Events, int Writers, int VerifyEvents, int Warmup)
{
    private static readonly BenchOptions Defaults = new(Events: 20_000, Writers: 4, VerifyEvents: 200_000, Warmup: 1_000);

    /// <summary>Which benchmark runs: <c>audit</c> (default) or <c>client-search</c>.</summary>
    public string Scenario { get; init; } = "audit";

    /// <summary>Clients seeded into the searched practice by the <c>client-search</c> scenario.</summary>
    public int Clients { get; init; } = 10_000;

    public static BenchOptions Parse(string[] args)
    {
        var options = Defaults;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                throw new ArgumentException(Usage);
            }

            if (name == "--scenario")
            {
                options = i + 1 < args.Length && args[i + 1] is "audit" or "client-search"
                    ? options with { Scenario = args[++i] }
                    : throw new ArgumentException($"--scenario is audit or client-search.\n{Usage}");
                continue;
            }

            if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < 1)
            {
                throw new ArgumentException($"{name} needs a positive whole number.\n{Usage}");
            }

            i++;
            options = name switch
            {
                "--events" => options with { Events = value },
                "--writers" => options with { Writers = value },
                "--verify-events" => options with { VerifyEvents = value },
                "--warmup" => options with { Warmup = value },
                "--clients" => options with { Clients = value },
                _ => throw new ArgumentException($"Unknown option {name}.\n{Usage}"),
            };
        }

        return options;
    }

    public const string Usage =
        "Usage: Plexura.Bench [--scenario audit|client-search] [--events N] [--writers N] [--verify-events N] [--warmup N] [--clients N]\n" +
        "  --scenario       audit (default) or client-search\n" +
        "  --clients        client-search: clients seeded into the searched practice (default 10000)\n" +
        "  --events         timed appends per append scenario (default 20000)\n" +
        "  --writers        concurrent writers in scenarios b and c (default 4)\n" +
        "  --verify-events  length of the chain that scenario d verifies (default 200000)\n" +
        "  --warmup         untimed appends before each append scenario (default 1000)";
}
