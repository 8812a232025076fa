using System.Diagnostics;
using Plexura.Core.Auditing;
using Plexura.Core.Common;

namespace Plexura.Bench;

/// <summary>
/// audit-query: the first page of the audit log viewer (51 events newest first: a page of 50 and one to know there is
/// an older page), with each single filter, over one practice holding <see cref="BenchOptions.QueryEvents"/> events.
/// </summary>
/// <remarks>
/// The chain is seeded by <see cref="AuditChainSeeder"/> straight into the app's SQLite file (rows hashed and chained
/// with the real <see cref="AuditHasher"/>, so the chain is valid), because a million appends through the log would take minutes;
/// the queries then go through the app's own <see cref="IAuditStore"/>. Events span three years up to now (or the span
/// given: the dashboard scenario seeds 30 days), oldest first; the mix: 50 members, 2,000 clients, 1,000 IP addresses,
/// PHI views most, one break-glass use in 10,000, 2 % denials.
/// </remarks>
internal sealed class AuditQueryBenchmarks(IAuditStore store, string databasePath, BenchOptions options, TimeSpan? span = null)
{
    private const int PageLimit = 51;
    private const double AimMs = 100;

    private static readonly AuditAction[] Mix =
    [
        AuditAction.PhiViewed, AuditAction.PhiViewed, AuditAction.PhiViewed, AuditAction.PhiViewed, AuditAction.PhiViewed,
        AuditAction.SignIn, AuditAction.Updated, AuditAction.Created, AuditAction.SignOut, AuditAction.Exported,
    ];

    private readonly PracticeId _practice = PracticeId.New();
    private readonly UserId[] _members = [.. Enumerable.Range(0, 50).Select(_ => UserId.New())];
    private readonly string[] _clients = [.. Enumerable.Range(0, 2_000).Select(_ => Guid.NewGuid().ToString("D"))];
    private DateTimeOffset _start;
    private DateTimeOffset _end;
    private string _someTargetId = string.Empty;

    public async Task RunAsync()
    {
        Console.WriteLine($"Seeding {options.QueryEvents:N0} events into one practice ...");
        var seed = Stopwatch.StartNew();
        await SeedAsync();
        Console.WriteLine($"    (seeded in {seed.Elapsed.TotalSeconds:N1} s, database {new FileInfo(databasePath).Length / 1024.0 / 1024.0:N0} MiB)");

        var cases = new (string Name, AuditQuery Query)[]
        {
            ("no filter", new AuditQuery()),
            ("time: last 7 days", new AuditQuery(From: _end.AddDays(-7), To: _end.AddMinutes(1))),
            ("time: one day 2 years ago", new AuditQuery(From: _end.AddYears(-2), To: _end.AddYears(-2).AddDays(1))),
            ("time: 7 years (everything)", new AuditQuery(From: _end.AddYears(-7), To: _end.AddMinutes(1))),
            ("action: PhiViewed (50 %)", new AuditQuery(Action: AuditAction.PhiViewed)),
            ("action: EmergencyAccess (rare)", new AuditQuery(Action: AuditAction.EmergencyAccess)),
            ("actor: one of 50 members", new AuditQuery(ActorUserId: _members[7])),
            ("client: one of 2,000", new AuditQuery(ClientId: _clients[42])),
            ("result: Denied (2 %)", new AuditQuery(Result: AuditResult.Denied)),
            ("target type: session", new AuditQuery(TargetType: "session")),
            ("target id: one record", new AuditQuery(TargetId: _someTargetId)),
            ("source IP: one of 1,000", new AuditQuery(SourceIp: "10.0.3.77")),
            ("actor: unknown (no match)", new AuditQuery(ActorUserId: UserId.New())),
        };

        Console.WriteLine($"First page ({PageLimit} events newest first) per single filter, {options.QueryRuns} timed runs after 3 warm-ups:");
        Console.WriteLine($"{"filter",-34} {"rows",5} {"p50 ms",8} {"p95 ms",8} {"max ms",8}  aim < {AimMs} ms");
        foreach (var (name, query) in cases)
        {
            var limited = query with { Limit = PageLimit };
            var rows = 0;
            for (var i = 0; i < 3; i++)
            {
                rows = (await store.QueryAsync(_practice, limited, CancellationToken.None)).Count;
            }

            var ticks = new long[options.QueryRuns];
            for (var i = 0; i < ticks.Length; i++)
            {
                var begun = Stopwatch.GetTimestamp();
                await store.QueryAsync(_practice, limited, CancellationToken.None);
                ticks[i] = Stopwatch.GetTimestamp() - begun;
            }

            var summary = LatencySummary.Of(ticks);
            var verdict = summary.P95Ms < AimMs ? "ok" : "SLOW";
            Console.WriteLine($"{name,-34} {rows,5} {summary.P50Ms,8:N2} {summary.P95Ms,8:N2} {summary.MaxMs,8:N2}  {verdict}");
        }
    }

    /// <summary>The practice the events are seeded into.</summary>
    public PracticeId Practice => _practice;

    /// <summary>Seeds <see cref="BenchOptions.QueryEvents"/> events into <see cref="Practice"/>, evenly over the span up to now.</summary>
    public async Task SeedAsync()
    {
        _end = DateTimeOffset.UtcNow;
        _start = span is { } given ? _end - given : _end.AddYears(-3);
        var total = options.QueryEvents;
        var stepMs = (_end - _start).TotalMilliseconds / total;
        var random = new Random(13);
        await AuditChainSeeder.SeedAsync(databasePath, _practice, AuditChainHead.Genesis, total, i =>
        {
            var member = random.Next(_members.Length);
            var action = i % 10_000 == 5_000 ? AuditAction.EmergencyAccess : Mix[random.Next(Mix.Length)];
            var client = action is AuditAction.PhiViewed or AuditAction.Updated or AuditAction.Exported or AuditAction.EmergencyAccess
                ? _clients[random.Next(_clients.Length)]
                : null;
            var targetType = client is null ? "session" : "client";
            var targetId = client ?? Guid.CreateVersion7().ToString("D");
            var result = random.Next(50) == 0 ? AuditResult.Denied : AuditResult.Success;
            if (i == total / 3)
            {
                _someTargetId = targetId;
            }

            return new AuditEvent(
                Guid.CreateVersion7(),
                _practice,
                0,
                DateTimeOffset.FromUnixTimeMilliseconds(_start.ToUnixTimeMilliseconds() + (long)(i * stepMs)),
                _members[member],
                $"member{member}@example-clinic.org",
                $"10.0.{random.Next(4)}.{random.Next(250)}",
                AuditChainSeeder.UserAgent,
                action,
                targetType,
                targetId,
                client,
                result,
                new Dictionary<string, string>(StringComparer.Ordinal) { ["reason"] = "treatment" },
                string.Empty,
                Hash: string.Empty);
        });
    }
}
