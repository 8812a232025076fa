using System.Diagnostics;
using System.Globalization;
using Plexura.Core.Clients;
using Plexura.Core.Common;
using Plexura.Core.Practices;
using Plexura.Core.Security;

namespace Plexura.Bench;

/// <summary>
/// Name search at practice scale: seeds clients through the real protector and repository, then times whole
/// searches (query tokens, index lookup, decrypting the returned page) for prefixes of 1, 2 and 3 letters and full names.
/// </summary>
internal sealed class ClientSearchBenchmarks(
    IClientRepository clients, ClientProtector protector, IClientSearchIndexer indexer, IPracticeRepository practices, IPracticeKeyService keys, BenchOptions options)
{
    private const int PageSize = 25;
    private const int Queries = 300;
    private const int WarmupQueries = 30;

    private static readonly string[] FirstNames =
    [
        "Maria", "Mariana", "Marcus", "Martin", "Mary", "Dana", "Daniel", "Danielle", "David", "Sam", "Samantha", "Alex",
        "Alexandra", "José", "Joseph", "Josephine", "Anna", "Annika", "Chris", "Christina", "Jordan", "Taylor", "Morgan",
        "Riley", "Casey", "Jamie", "Avery", "Quinn", "Noah", "Liam", "Olivia", "Emma", "Ava", "Sophia", "Isabella", "Mia",
        "Lucas", "Ethan", "Mason", "Logan", "Zoë", "Chloé", "Renée", "Björn", "Łukasz", "Priya", "Aarav", "Wei", "Yuki", "Omar",
    ];

    private static readonly string[] LastNames =
    [
        "Garcia", "Reyes", "Ortiz", "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Martinez", "Lopez",
        "Gonzalez", "Wilson", "Anderson", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris",
        "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres",
        "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter",
        "Roberts", "Núñez", "O'Brien", "Müller", "Kowalski", "Patel", "Chen", "Tanaka", "Haddad", "Okafor", "Schmidt", "Reynolds",
    ];

    public async Task<ClientSearchRun> RunAsync(CancellationToken ct)
    {
        var random = new Random(42);
        var practice = await NewPracticeAsync(ct);
        var other = await NewPracticeAsync(ct);

        Console.WriteLine($"Seeding {options.Clients:N0} clients (and {options.Clients / 10:N0} in a second practice) through ClientProtector + IClientRepository...");
        var seed = Stopwatch.StartNew();
        var (names, ids) = await SeedAsync(practice, options.Clients, random, ct);
        await SeedAsync(other, options.Clients / 10, random, ct);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    seeded in {seed.Elapsed.TotalSeconds:N1} s ({seed.Elapsed.TotalMilliseconds / (options.Clients * 1.1):N2} ms per client)"));
        Console.WriteLine();

        IReadOnlyList<SearchResult> results =
        [
            await MeasureAsync(practice, "1-letter prefix (no token by design)", names, n => Prefix(n, 1), random, ct),
            await MeasureAsync(practice, "2-letter prefix", names, n => Prefix(n, 2), random, ct),
            await MeasureAsync(practice, "3-letter prefix", names, n => Prefix(n, 3), random, ct),
            await MeasureAsync(practice, "2+2 letters of first and last name", names, n => string.Join(' ', n.Split(' ').Select(w => w[..2])), random, ct),
            await MeasureAsync(practice, "full name", names, n => n, random, ct),
        ];
        return new ClientSearchRun(results, practice, names, ids);
    }

    public static string Prefix(string name, int length) => name[..Math.Min(length, name.Length)];

    /// <summary>Prints one result line (label, percentiles, average number of results).</summary>
    public static void PrintLine(SearchResult result) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {result.Name,-38} p50 {result.P50Ms,7:N2} ms   p95 {result.P95Ms,7:N2} ms   p99 {result.P99Ms,7:N2} ms   avg page {result.AveragePage,5:N1}"));

    private async Task<SearchResult> MeasureAsync(
        PracticeId practice, string label, IReadOnlyList<string> names, Func<string, string> toQuery, Random random, CancellationToken ct)
    {
        var latencies = new List<double>(Queries);
        long returned = 0;
        for (var i = 0; i < WarmupQueries + Queries; i++)
        {
            var query = toQuery(names[random.Next(names.Count)]);
            var watch = Stopwatch.StartNew();
            var tokens = await indexer.QueryTokensAsync(practice, query, ct);
            var page = await clients.SearchAsync(practice, tokens, includeArchived: false, PageSize, ct);
            foreach (var client in page)
            {
                _ = await protector.RevealAsync(client, ct);
            }

            watch.Stop();
            if (i >= WarmupQueries)
            {
                latencies.Add(watch.Elapsed.TotalMilliseconds);
                returned += page.Count;
            }
        }

        latencies.Sort();
        var result = new SearchResult(label, Queries, Percentile(latencies, 0.50), Percentile(latencies, 0.95), Percentile(latencies, 0.99), returned / (double)Queries);
        PrintLine(result);
        return result;
    }

    private async Task<(IReadOnlyList<string> Names, IReadOnlyList<ClientId> Ids)> SeedAsync(PracticeId practice, int count, Random random, CancellationToken ct)
    {
        var names = new string[count];
        var ids = new ClientId[count];
        for (var i = 0; i < count; i++)
        {
            names[i] = $"{FirstNames[random.Next(FirstNames.Length)]} {LastNames[random.Next(LastNames.Length)]}";
        }

        var creator = UserId.New();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (i, token) =>
        {
            var details = new ClientDetails(names[i], new DateOnly(1950 + (i % 60), 1 + (i % 12), 1 + (i % 28)), i % 3 == 0 ? "they/them" : null, $"EHR-{i}");
            ids[i] = ClientId.New();
            var client = await protector.CreateAsync(practice, ids[i], details, creator, DateTimeOffset.UtcNow, token);
            await clients.AddAsync(practice, client, token);
        });
        return (names, ids);
    }

    private async Task<PracticeId> NewPracticeAsync(CancellationToken ct)
    {
        var id = PracticeId.New();
        await practices.AddAsync(id, new Practice(id, "Bench practice", DateTimeOffset.UtcNow), ct);
        await keys.CreateAsync(id, ct);
        return id;
    }

    public static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}

/// <summary>The storage-path results and what was seeded, for the use-case rows that follow.</summary>
/// <param name="Results">One row per kind of query.</param>
/// <param name="PracticeId">The searched practice.</param>
/// <param name="Names">The seeded names, by seeding order.</param>
/// <param name="ClientIds">The seeded client ids, in the same order.</param>
internal sealed record ClientSearchRun(IReadOnlyList<SearchResult> Results, PracticeId PracticeId, IReadOnlyList<string> Names, IReadOnlyList<ClientId> ClientIds);

/// <summary>Latency of one kind of search query.</summary>
internal sealed record SearchResult(string Name, int Queries, double P50Ms, double P95Ms, double P99Ms, double AveragePage);
