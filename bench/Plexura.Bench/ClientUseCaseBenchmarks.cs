using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Access;
using Plexura.Core.Access.GrantClientAccess;
using Plexura.Core.Clients;
using Plexura.Core.Clients.ListClients;
using Plexura.Core.Clients.SearchClients;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Memberships;
using Plexura.Core.Practices.Access;
using Plexura.Core.Users;
using Plexura.Tests.Support;

namespace Plexura.Bench;

/// <summary>
/// The client search and list use cases end to end, as real members of the seeded practice: the practice gate, the
/// per-candidate view check (<see cref="ClientAccessGate.LoadAccessAsync"/>), decrypting the page and the audit event.
/// </summary>
/// <remarks>
/// Two members: the owner (verified email, second factor; sees every client) and a clinician with the "granted clients
/// only" scope and view grants on <see cref="GrantedClients"/> clients, for whom most candidates are refused, so every
/// search pays the full candidate limit of access checks. The clinician's rows are followed by a breakdown of the same
/// queries without the handler (candidates only; candidates plus access checks), to show where the time goes.
/// Handlers are built as in the isolation tests: every Core service that reads <see cref="ICurrentUser"/> gets the member.
/// </remarks>
internal sealed class ClientUseCaseBenchmarks(IServiceProvider services, ClientSearchRun seeded)
{
    private const int GrantedClients = 50;
    private const int SearchQueries = 300;
    private const int ListQueries = 100;
    private const int WarmupQueries = 30;
    private const int CandidateLimit = 200;
    private const int ListBatch = 100;
    private const int ListScanLimit = 1000;

    public async Task<IReadOnlyList<SearchResult>> RunAsync(CancellationToken ct)
    {
        var practice = seeded.PracticeId;
        var owner = await AddMemberAsync(practice, PracticeRole.Owner, "owner", ct);
        var clinician = await AddMemberAsync(practice, PracticeRole.Clinician, "clinician", ct);
        var random = new Random(7);
        var granted = seeded.ClientIds.OrderBy(_ => random.Next()).Take(GrantedClients).ToList();
        var grant = Acting<GrantClientAccessHandler>(owner);
        foreach (var clientId in granted)
        {
            await grant.HandleAsync(new GrantClientAccessCommand(clinician.MembershipId, clientId, new ClientPermissions(true, false, false, false)), ClientInfo.Unknown, ct);
        }

        Console.WriteLine();
        Console.WriteLine($"Use cases as members: owner (sees all), clinician (granted clients only, view grants on {GrantedClients:N0} of {seeded.ClientIds.Count:N0});");
        Console.WriteLine($"search {SearchQueries} timed queries per row, list {ListQueries} first pages per row ({WarmupQueries} untimed first); avg page = results shown");
        var queries = new (string Label, IReadOnlyList<string> Texts)[]
        {
            ("2-letter prefix", Queries(n => ClientSearchBenchmarks.Prefix(n, 2), random)),
            ("3-letter prefix", Queries(n => ClientSearchBenchmarks.Prefix(n, 3), random)),
            ("full name", Queries(n => n, random)),
        };

        var results = new List<SearchResult>();
        foreach (var (label, texts) in queries)
        {
            results.Add(await SearchAsync($"owner search: {label}", owner, texts, ct));
        }

        foreach (var (label, texts) in queries)
        {
            results.Add(await SearchAsync($"clinician search: {label}", clinician, texts, ct));
        }

        results.Add(await ListAsync("owner list: first page", owner, ct));
        results.Add(await ListAsync("clinician list: first page", clinician, ct));

        Console.WriteLine();
        Console.WriteLine($"Clinician breakdown without the handler, access read per candidate as before the batched read (avg page = candidates, then allowed):");
        var gate = Acting<ClientAccessGate>(clinician);
        var actor = await Acting<PracticeActorLoader>(clinician).LoadAsync(ct);
        foreach (var (label, texts) in queries)
        {
            results.Add(await CandidatesAsync($"  {label}: {CandidateLimit} candidates only", practice, texts, null, null, ct));
            results.Add(await CandidatesAsync($"  {label}: + per-candidate reads", practice, texts, gate, actor, ct));
        }

        results.Add(await ScanAsync($"  list: scan {ListScanLimit:N0} only", practice, null, null, ct));
        results.Add(await ScanAsync($"  list: scan {ListScanLimit:N0} + per-candidate reads", practice, gate, actor, ct));
        return results;
    }

    private IReadOnlyList<string> Queries(Func<string, string> toQuery, Random random) =>
        [.. Enumerable.Range(0, WarmupQueries + SearchQueries).Select(_ => toQuery(seeded.Names[random.Next(seeded.Names.Count)]))];

    private Task<SearchResult> SearchAsync(string label, Member member, IReadOnlyList<string> texts, CancellationToken ct)
    {
        var handler = Acting<SearchClientsHandler>(member);
        return MeasureAsync(label, texts.Count, async i =>
            (await handler.HandleAsync(new SearchClientsCommand(texts[i]), ClientInfo.Unknown, ct)).Count);
    }

    private Task<SearchResult> ListAsync(string label, Member member, CancellationToken ct)
    {
        var handler = Acting<ListClientsHandler>(member);
        return MeasureAsync(label, WarmupQueries + ListQueries, async _ =>
            (await handler.HandleAsync(new ListClientsCommand(), ClientInfo.Unknown, ct)).Clients.Count);
    }

    /// <summary>Tokens and the handler's candidate read; with a gate, also the handler's per-candidate view check (no decrypt, no audit).</summary>
    private Task<SearchResult> CandidatesAsync(
        string label, PracticeId practice, IReadOnlyList<string> texts, ClientAccessGate? gate, PracticeActor? actor, CancellationToken ct)
    {
        var indexer = services.GetRequiredService<IClientSearchIndexer>();
        var clients = services.GetRequiredService<IClientRepository>();
        return MeasureAsync(label, texts.Count, async i =>
        {
            var tokens = await indexer.QueryTokensAsync(practice, texts[i], ct);
            var candidates = await clients.SearchAsync(practice, tokens, includeArchived: false, CandidateLimit, ct);
            return gate is null || actor is null ? candidates.Count : await AllowedAsync(gate, actor, candidates, ct);
        });
    }

    /// <summary>The list handler's scan of one call (batches of 100 up to 1,000); with a gate, also its per-client view check.</summary>
    private Task<SearchResult> ScanAsync(string label, PracticeId practice, ClientAccessGate? gate, PracticeActor? actor, CancellationToken ct)
    {
        var clients = services.GetRequiredService<IClientRepository>();
        return MeasureAsync(label, WarmupQueries + ListQueries, async _ =>
        {
            ClientId? after = null;
            var counted = 0;
            for (var scanned = 0; scanned < ListScanLimit; scanned += ListBatch)
            {
                var batch = await clients.ListAsync(practice, after, includeArchived: false, ListBatch, ct);
                counted += gate is null || actor is null ? batch.Count : await AllowedAsync(gate, actor, batch, ct);
                if (batch.Count < ListBatch)
                {
                    break;
                }

                after = batch[^1].Id;
            }

            return counted;
        });
    }

    private static async Task<int> AllowedAsync(ClientAccessGate gate, PracticeActor actor, IReadOnlyList<Client> candidates, CancellationToken ct)
    {
        var allowed = 0;
        foreach (var candidate in candidates)
        {
            var access = await gate.LoadAccessAsync(actor.PracticeId, actor.MembershipId, candidate.Id, ct);
            var facts = new ClientAccessFacts(candidate.Id, candidate.CreatedBy, candidate.IsRestricted, candidate.IsPart2, false, candidate.IsArchived);
            if (access is not null && ClientAuthorization.Decide(actor, access, facts, ClientPermission.View).IsAllowed)
            {
                allowed++;
            }
        }

        return allowed;
    }

    /// <summary>Runs <paramref name="run"/> for indexes 0..count-1, timing all but the first <see cref="WarmupQueries"/>.</summary>
    private static async Task<SearchResult> MeasureAsync(string label, int count, Func<int, Task<int>> run)
    {
        var latencies = new List<double>(count);
        long returned = 0;
        for (var i = 0; i < count; i++)
        {
            var watch = Stopwatch.StartNew();
            var shown = await run(i);
            watch.Stop();
            if (i >= WarmupQueries)
            {
                latencies.Add(watch.Elapsed.TotalMilliseconds);
                returned += shown;
            }
        }

        latencies.Sort();
        var result = new SearchResult(
            label,
            latencies.Count,
            ClientSearchBenchmarks.Percentile(latencies, 0.50),
            ClientSearchBenchmarks.Percentile(latencies, 0.95),
            ClientSearchBenchmarks.Percentile(latencies, 0.99),
            returned / (double)latencies.Count);
        ClientSearchBenchmarks.PrintLine(result);
        return result;
    }

    /// <summary>A new account with a verified email and a second factor, and its membership in the practice.</summary>
    /// <remarks>
    /// Written straight to storage as the tests' <c>AddMemberAsync</c>/<c>GiveMfaAsync</c> do: nobody signs in here, so
    /// the password hash is a placeholder and the authenticator secret is never used.
    /// </remarks>
    private async Task<Member> AddMemberAsync(PracticeId practice, PracticeRole role, string name, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var user = new User(
            UserId.New(), User.NormalizeEmail($"bench-{name}-{Guid.NewGuid():N}@example.com"), $"Bench {name}", "bench-no-password", now,
            EmailVerifiedAt: now, TotpSecret: "bench-sealed-secret", MfaEnabledAt: now);
        await services.GetRequiredService<IUserRepository>().AddAsync(user, ct);
        var membership = new Membership(MembershipId.New(), practice, user.Id, role, now);
        await services.GetRequiredService<IMembershipRepository>().AddAsync(practice, membership, ct);
        return new Member(practice, user.Id, membership.Id);
    }

    /// <summary><typeparamref name="T"/> built as the signed-in <paramref name="member"/> (the bench's container has no signed-in user).</summary>
    private T Acting<T>(Member member)
        where T : class =>
        ActingAs.Build<T>(services.CreateScope().ServiceProvider, new BenchCurrentUser(member.UserId, SessionId.New(), member.PracticeId));

    private sealed record Member(PracticeId PracticeId, UserId UserId, MembershipId MembershipId);

    /// <summary>A member signed in with the practice entered.</summary>
    private sealed class BenchCurrentUser(UserId userId, SessionId sessionId, PracticeId practiceId) : ICurrentUser
    {
        public bool IsAuthenticated => true;

        public UserId UserId => userId;

        public SessionId SessionId => sessionId;

        public PracticeId? PracticeId => practiceId;
    }
}
