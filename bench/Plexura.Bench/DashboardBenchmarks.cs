using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Auditing;
using Plexura.Core.Compliance;
using Plexura.Core.Practices;
using Plexura.Infrastructure.Auditing;

namespace Plexura.Bench;

/// <summary>
/// dashboard: the statistics the compliance dashboard's default view (30 days) asks for, over one practice with
/// <see cref="BenchOptions.QueryEvents"/> events in the last 30 days (the audit-query seeder, same mix).
/// </summary>
/// <remarks>
/// Each statistic is timed three ways: live (the engine adapter alone, as before the day cache), cold (the app's
/// <see cref="IAuditStatistics"/> on its first view: closed days counted and stored) and warm (the second view: closed
/// days read from the cache, today counted live; the median of five views).
/// </remarks>
internal sealed class DashboardBenchmarks(IServiceProvider provider, string databasePath, BenchOptions options)
{
    private const string Zone = "America/New_York";
    private const int Views = 5;

    public async Task RunAsync()
    {
        Console.WriteLine($"Seeding {options.QueryEvents:N0} events over the last 30 days into one practice ...");
        var seed = Stopwatch.StartNew();
        var seeder = new AuditQueryBenchmarks(provider.GetRequiredService<IAuditStore>(), databasePath, options, TimeSpan.FromDays(30));
        await seeder.SeedAsync();
        Console.WriteLine($"    (seeded in {seed.Elapsed.TotalSeconds:N1} s)");

        var pid = seeder.Practice;
        var zone = PracticeTimeZone.Find(Zone);
        var now = DateTimeOffset.UtcNow;
        var today = PracticeCalendar.DateOf(now, zone);
        var days = new AuditDays(today.AddDays(-29), 30, Zone);
        var range = new AuditTimeWindow(days.Boundaries()[0], days.Boundaries()[^1]);
        var recent = new AuditTimeWindow(now - InvestigationRules.RecentWindow, now.AddSeconds(1));
        var baseline = new AuditDays(today.AddDays(-InvestigationRules.BaselineDays), InvestigationRules.BaselineDays, Zone);
        var afterHours = PracticeCalendar.OutsideHours(WorkingHours.Weekdays, zone, range.From, now.AddSeconds(1));
        var ct = CancellationToken.None;

        // The calls GetComplianceDashboardHandler makes, in its order.
        var steps = new (string Name, Func<IAuditStatistics, Task> Run)[]
        {
            ("events per day, 30 days", s => s.CountByDayAsync(pid, days, ct)),
            ("PHI views by member, 30 days", s => s.CountByAsync(pid, new AuditGrouping([range], AuditGroupKey.Actor, [AuditAction.PhiViewed], Limit: 20), ct)),
            ("failed sign-ins by account, 24 h", s => s.CountByAsync(pid, new AuditGrouping([recent], AuditGroupKey.Actor, [AuditAction.SignInFailed], MinCount: 5, Limit: 20), ct)),
            ("failed sign-ins by IP, 24 h", s => s.CountByAsync(pid, new AuditGrouping([recent], AuditGroupKey.SourceIp, [AuditAction.SignInFailed], MinCount: 10, Limit: 20), ct)),
            ("unusual access: clients, 24 h", s => s.CountByAsync(pid, new AuditGrouping([recent], AuditGroupKey.Actor, InvestigationRules.ClientOpenings, Limit: 1_000), ct)),
            ("unusual access: baseline, 30 days", s => s.DistinctClientsByActorAndDayAsync(pid, baseline, InvestigationRules.ClientOpenings, ct)),
            ($"after hours ({afterHours.Count} windows)", s => s.CountByAsync(pid, new AuditGrouping(afterHours, AuditGroupKey.Actor, InvestigationRules.PhiAccess, Limit: 20), ct)),
            ("break-glass, 30 days", s => s.CountByAsync(pid, new AuditGrouping([range], AuditGroupKey.Actor, [AuditAction.EmergencyAccess], Limit: 20), ct)),
        };

        var live = provider.GetRequiredService<SqliteAuditStatistics>();
        var cached = provider.GetRequiredService<IAuditStatistics>();
        Console.WriteLine($"{"statistic",-36} {"live ms",9} {"cold ms",9} {"warm ms",9}");
        double liveTotal = 0, coldTotal = 0, warmTotal = 0;
        var warm = new double[steps.Length];
        var cold = new double[steps.Length];
        var liveMs = new double[steps.Length];
        for (var i = 0; i < steps.Length; i++)
        {
            liveMs[i] = await TimeAsync(() => steps[i].Run(live));
        }

        // A view is the whole list of calls: the first view fills the cache, the next ones read it.
        for (var i = 0; i < steps.Length; i++)
        {
            cold[i] = await TimeAsync(() => steps[i].Run(cached));
        }

        var views = new double[steps.Length][];
        for (var i = 0; i < steps.Length; i++)
        {
            views[i] = new double[Views];
        }

        for (var v = 0; v < Views; v++)
        {
            for (var i = 0; i < steps.Length; i++)
            {
                views[i][v] = await TimeAsync(() => steps[i].Run(cached));
            }
        }

        for (var i = 0; i < steps.Length; i++)
        {
            warm[i] = views[i].Order().ElementAt(Views / 2);
            liveTotal += liveMs[i];
            coldTotal += cold[i];
            warmTotal += warm[i];
            Console.WriteLine($"{steps[i].Name,-36} {liveMs[i],9:N1} {cold[i],9:N1} {warm[i],9:N1}");
        }

        Console.WriteLine($"{"whole dashboard (statistics)",-36} {liveTotal,9:N1} {coldTotal,9:N1} {warmTotal,9:N1}");
    }

    private static async Task<double> TimeAsync(Func<Task> run)
    {
        var begun = Stopwatch.GetTimestamp();
        await run();
        return Stopwatch.GetElapsedTime(begun).TotalMilliseconds;
    }
}
