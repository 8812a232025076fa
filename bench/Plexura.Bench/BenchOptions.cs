using System.Globalization;

namespace Plexura.Bench;

/// <summary>Which scenarios to run.</summary>
internal enum Scenario
{
    Audit,
    Bcrypt,
    SignInBurst,
    ClientSearch,
    Circuits,
    Recorders,
    RiskScan,
    Drafting,
    AuditVerify,
    AuditQuery,
    AuditExport,
    StripeWebhooks,
    Dashboard,
    All,
}

/// <summary>Command-line settings; see <see cref="Usage"/>.</summary>
/// <param name="Scenario">The scenario to run (default <see cref="Scenario.Audit"/>, as before the option existed).</param>
/// <param name="Events">Audit: timed appends per append scenario.</param>
/// <param name="Writers">Audit: concurrent writers in scenarios b and c.</param>
/// <param name="VerifyEvents">Audit: length of the verified chain.</param>
/// <param name="Warmup">Audit: untimed appends before each append scenario.</param>
/// <param name="Iterations">bcrypt: timed hashes and verifications at factor 12 (scaled by 2^(12-f) at the other factors).</param>
/// <param name="Duration">signin-burst: seconds of each phase (baseline and every burst).</param>
/// <param name="Attackers">signin-burst: the concurrent attacker counts, one burst phase each.</param>
/// <param name="Think">signin-burst: pause of each signed-in client between its requests, in milliseconds.</param>
/// <param name="SignInPerMinute">signin-burst: the per-IP sign-in limit of the main run (raised so the burst reaches bcrypt).</param>
internal sealed record BenchOptions(
    Scenario Scenario,
    int Events,
    int Writers,
    int VerifyEvents,
    int Warmup,
    int Iterations,
    int Duration,
    IReadOnlyList<int> Attackers,
    int Think,
    int SignInPerMinute)
{
    private static readonly BenchOptions Defaults = new(
        Scenario.Audit,
        Events: 20_000,
        Writers: 4,
        VerifyEvents: 200_000,
        Warmup: 1_000,
        Iterations: 20,
        Duration: 15,
        Attackers: [16, 64, 128],
        Think: 50,
        SignInPerMinute: 10_000_000);

    /// <summary>client-search: clients seeded into the searched practice (a tenth as many go into a second one).</summary>
    public int Clients { get; init; } = 10_000;

    /// <summary>audit-export: events in the exported chain (a tenth as many are exported first).</summary>
    public int ExportEvents { get; init; } = 1_000_000;

    /// <summary>circuits: idle Blazor circuits opened on /clients.</summary>
    public int Circuits { get; init; } = 50;

    /// <summary>recorders: the concurrent recorder counts, one step each.</summary>
    public IReadOnlyList<int> Recorders { get; init; } = [50, 100, 200, 400, 700, 1000];

    /// <summary>recorders: seconds of each step.</summary>
    public int StepSeconds { get; init; } = 30;

    /// <summary>recorders: milliseconds between two chunks of one recorder.</summary>
    public int IntervalMs { get; init; } = 5000;

    /// <summary>recorders: minutes of the session whose stop-to-transcript time is measured.</summary>
    public int SessionMinutes { get; init; } = 50;

    /// <summary>recorders: how many such sessions are stopped.</summary>
    public int StopRuns { get; init; } = 3;

    /// <summary>risk-scan: lines of the synthetic transcript (one every 3 s: 1,800 is 90 minutes).</summary>
    public int TranscriptLines { get; init; } = 1_800;

    /// <summary>risk-scan: drafted statements whose evidence is checked.</summary>
    public int Statements { get; init; } = 60;

    /// <summary>risk-scan: timed runs of the scan and of the checks.</summary>
    public int ScanRuns { get; init; } = 50;

    /// <summary>drafting: timed notes (one more warms up first).</summary>
    public int DraftNotes { get; init; } = 20;

    /// <summary>drafting: milliseconds between two streamed chunks (about four characters each) of the model's output.</summary>
    public int TokenMs { get; init; } = 20;

    /// <summary>drafting: auto (the note page in headless Chromium when it exists, else in process only), on (required) or off.</summary>
    public string DraftBrowser { get; init; } = "auto";

    /// <summary>
    /// audit-verify, audit-export: a database file kept after the run (not a temp file) whose seeded chain a later run
    /// of the same length reuses instead of seeding again; null for a temp file.
    /// </summary>
    public string? AuditDatabase { get; init; }

    /// <summary>audit-query: events seeded into the queried practice.</summary>
    public int QueryEvents { get; init; } = 1_000_000;

    /// <summary>audit-query: timed first-page queries per filter.</summary>
    public int QueryRuns { get; init; } = 50;

    /// <remarks>"all" leaves out circuits: it needs Chromium and minutes of a loaded machine.</remarks>
    public bool Runs(Scenario scenario) =>
        Scenario == scenario || (Scenario == Scenario.All && scenario is not (Scenario.Circuits or Scenario.Recorders or Scenario.Drafting or Scenario.AuditVerify or Scenario.AuditQuery or Scenario.AuditExport or Scenario.Dashboard));

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

            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{name} needs a value.\n{Usage}");
            }

            var text = args[++i];
            options = name switch
            {
                "--scenario" => options with { Scenario = ParseScenario(text) },
                "--attackers" => options with { Attackers = [.. text.Split(',').Select(a => Positive("--attackers", a))] },
                "--events" => options with { Events = Positive(name, text) },
                "--writers" => options with { Writers = Positive(name, text) },
                "--verify-events" => options with { VerifyEvents = Positive(name, text) },
                "--warmup" => options with { Warmup = Positive(name, text) },
                "--iterations" => options with { Iterations = Positive(name, text) },
                "--duration" => options with { Duration = Positive(name, text) },
                "--think-ms" => options with { Think = NotNegative(name, text) },
                "--sign-in-per-minute" => options with { SignInPerMinute = Positive(name, text) },
                "--clients" => options with { Clients = Positive(name, text) },
                "--query-events" => options with { QueryEvents = Positive(name, text) },
                "--query-runs" => options with { QueryRuns = Positive(name, text) },
                "--circuits" => options with { Circuits = Positive(name, text) },
                "--recorders" => options with { Recorders = [.. text.Split(',').Select(r => Positive(name, r))] },
                "--step-seconds" => options with { StepSeconds = Positive(name, text) },
                "--interval-ms" => options with { IntervalMs = Positive(name, text) },
                "--session-minutes" => options with { SessionMinutes = Positive(name, text) },
                "--stop-runs" => options with { StopRuns = Positive(name, text) },
                "--transcript-lines" => options with { TranscriptLines = Positive(name, text) },
                "--statements" => options with { Statements = Positive(name, text) },
                "--audit-db" => options with { AuditDatabase = Path.GetFullPath(text) },
                "--export-events" => options with { ExportEvents = Positive(name, text) },
                "--scan-runs" => options with { ScanRuns = Positive(name, text) },
                "--notes" => options with { DraftNotes = Positive(name, text) },
                "--token-ms" => options with { TokenMs = Positive(name, text) },
                "--browser" => options with { DraftBrowser = text is "auto" or "on" or "off" ? text : throw new ArgumentException($"--browser is auto, on or off.\n{Usage}") },
                _ => throw new ArgumentException($"Unknown option {name}.\n{Usage}"),
            };
        }

        return options;
    }

    private static Scenario ParseScenario(string text) => text switch
    {
        "audit" => Scenario.Audit,
        "bcrypt" => Scenario.Bcrypt,
        "signin-burst" => Scenario.SignInBurst,
        "client-search" => Scenario.ClientSearch,
        "circuits" => Scenario.Circuits,
        "recorders" => Scenario.Recorders,
        "risk-scan" => Scenario.RiskScan,
        "drafting" => Scenario.Drafting,
        "audit-verify" => Scenario.AuditVerify,
        "audit-query" => Scenario.AuditQuery,
        "audit-export" => Scenario.AuditExport,
        "stripe-webhooks" => Scenario.StripeWebhooks,
        "dashboard" => Scenario.Dashboard,
        "all" => Scenario.All,
        _ => throw new ArgumentException($"Unknown scenario {text}.\n{Usage}"),
    };

    private static int Positive(string name, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 1
            ? value
            : throw new ArgumentException($"{name} needs a positive whole number.\n{Usage}");

    private static int NotNegative(string name, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new ArgumentException($"{name} needs a whole number of 0 or more.\n{Usage}");

    public const string Usage =
        "Usage: Plexura.Bench [--scenario audit|bcrypt|signin-burst|client-search|circuits|recorders|risk-scan|drafting|audit-verify|audit-query|audit-export|stripe-webhooks|dashboard|all] [options]\n" +
        "  --scenario            what to run (default audit)\n" +
        "audit:\n" +
        "  --events              timed appends per append scenario (default 20000)\n" +
        "  --writers             concurrent writers in scenarios b and c (default 4)\n" +
        "  --verify-events       length of the chain that scenario d verifies (default 200000)\n" +
        "  --warmup              untimed appends before each append scenario (default 1000)\n" +
        "bcrypt:\n" +
        "  --iterations          timed hashes and verifications at factor 12, scaled 2x per factor below (default 20)\n" +
        "signin-burst:\n" +
        "  --duration            seconds of the baseline and of each burst (default 15)\n" +
        "  --attackers           concurrent attackers of each burst, comma-separated (default 16,64,128)\n" +
        "  --think-ms            pause of each signed-in client between requests (default 50)\n" +
        "  --sign-in-per-minute  per-IP sign-in limit of the main run (default 10000000; a last run uses the app's default)\n" +
        "audit-query (not part of all; seeds a million events):\n" +
        "  --query-events        events seeded into the queried practice (default 1000000)\n" +
        "  --query-runs          timed first-page queries per filter (default 50)\n" +
        "dashboard (not part of all; seeds --query-events events over the last 30 days):\n" +
        "  the compliance dashboard's statistics: live, first view (cold cache) and second view (warm)\n" +
        "client-search:\n" +
        "  --clients             clients seeded into the searched practice (default 10000)\n" +
        "circuits (needs Debian's chromium; not part of all):\n" +
        "  --circuits            idle Blazor circuits opened on /clients (default 50)\n" +
        "recorders (not part of all):\n" +
        "  --recorders           concurrent recorders of each step, comma-separated (default 50,100,200,400,700,1000)\n" +
        "  --step-seconds        seconds of each step (default 30)\n" +
        "  --interval-ms         time between two 5 s chunks of one recorder (default 5000)\n" +
        "  --session-minutes     length of the session whose stop -> transcript time is measured (default 50)\n" +
        "  --stop-runs           how many such sessions (default 3)\n" +
        "risk-scan:\n" +
        "  --transcript-lines    lines of the synthetic transcript, one every 3 s (default 1800: 90 minutes)\n" +
        "  --statements          drafted statements whose citations are verified (default 60)\n" +
        "  --scan-runs           timed runs (default 50)\n" +
        "drafting (not part of all; the note page needs Debian's chromium):\n" +
        "  --notes               timed notes, after one warm-up note (default 20)\n" +
        "  --token-ms            pause between two streamed chunks of the model's output (default 20)\n" +
        "  --browser             auto|on|off: first words timed in the note page when it exists (default auto)\n" +
        "audit-verify (not part of all):\n" +
        "  --verify-events       length of the bulk-seeded chain that is verified (1000000 is the issue's figure)\n" +
        "audit-export (not part of all):\n" +
        "  --export-events       length of the bulk-seeded chain that is exported (default 1000000; a tenth is exported first)\n" +
        "audit-verify, audit-export:\n" +
        "  --audit-db            keep the seeded database in this file and reuse its chain when the length matches";
}
