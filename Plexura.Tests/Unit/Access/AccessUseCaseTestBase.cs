using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Access;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Memberships;
using Plexura.Core.Practices.Access;
using Plexura.Tests.Fakes;
using Plexura.Tests.Persistence;
using Plexura.Tests.Unit.Practices;

namespace Plexura.Tests.Unit.Access;

/// <summary>Access and member use cases on the real services, with clients from an in-memory directory.</summary>
public abstract class AccessUseCaseTestBase(SqliteStorageFixture fixture) : PracticeUseCaseTestBase(fixture)
{
    protected InMemoryClientDirectory Clients { get; } = new();

    /// <summary>A client of the member's practice, created by <paramref name="createdBy"/> (someone else by default).</summary>
    protected ClientAccessFacts NewClient(PracticeId practiceId, UserId? createdBy = null, bool restricted = false, bool part2 = false, bool consent = false, bool archived = false) =>
        Clients.Put(practiceId, new ClientAccessFacts(ClientId.New(), createdBy ?? UserId.New(), restricted, part2, consent, archived));

    /// <summary>The handler (or gate) <typeparamref name="T"/> acting as <paramref name="member"/>, with the test client directory.</summary>
    protected T Acting<T>(Member member)
        where T : class
    {
        var currentUser = new FakeCurrentUser(member.UserId, SessionId.New(), member.PracticeId);
        var services = Fixture.Services.CreateScope().ServiceProvider;
        var loader = ActivatorUtilities.CreateInstance<PracticeActorLoader>(services, currentUser);
        var gate = ActivatorUtilities.CreateInstance<PracticeAccessGate>(services, loader, currentUser);
        var targets = ActivatorUtilities.CreateInstance<AccessTargets>(services, gate, Clients);
        var clientGate = ActivatorUtilities.CreateInstance<ClientAccessGate>(services, loader, currentUser, Clients);
        object[] candidates = [loader, currentUser, gate, targets, clientGate, Clients];
        var parameters = typeof(T).GetConstructors().Single().GetParameters();
        var args = candidates.Where(c => parameters.Any(p => p.ParameterType.IsInstanceOfType(c))).ToArray();
        return typeof(T) == typeof(ClientAccessGate) ? (T)(object)clientGate : ActivatorUtilities.CreateInstance<T>(services, args);
    }

    /// <summary>An active session of the user that entered <paramref name="practiceId"/> (or none).</summary>
    protected async Task<UserSession> NewSessionAsync(UserId userId, PracticeId? practiceId)
    {
        var session = UserSession.Start(userId, practiceId, Now, "203.0.113.7", "Firefox/140");
        await Fixture.Get<ISessionRepository>().AddAsync(session, Ct);
        return session;
    }

    /// <summary>Whether the session is still active now.</summary>
    protected async Task<bool> IsActiveAsync(UserSession session) =>
        (await Fixture.Get<ISessionRepository>().GetAsync(session.Id, Ct))!.IsActiveAt(Now);

    protected Task<Membership?> MembershipAsync(Member member) =>
        Fixture.Get<IMembershipRepository>().GetAsync(member.PracticeId, member.MembershipId, Ct);
}
