using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Memberships;
using Plexura.Core.Practices;
using Plexura.Core.Practices.Access;
using Plexura.Tests.Persistence;

namespace Plexura.Tests.Unit.Practices.Access;

/// <summary>The actor is read fresh from storage for the session's user and practice, failing closed.</summary>
public sealed class PracticeActorLoaderTests(SqliteStorageFixture fixture) : PracticeUseCaseTestBase(fixture)
{
    [Fact]
    public async Task Load_MemberWithPracticeEntered_ReturnsTheirCurrentRoleAndSecurity()
    {
        var owner = await NewPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician, hasMfa: false);

        var actor = await Loader(clinician).LoadAsync(Ct);

        Assert.Equal(
            new PracticeActor(clinician.UserId, clinician.Email, "Sam Lee", owner.PracticeId, clinician.MembershipId, PracticeRole.Clinician,
                HasMfa: false, IsEmailVerified: true, PracticeRequiresMfa: false, "Riverbend Counseling"),
            actor);
    }

    [Fact]
    public async Task Load_AfterRoleAndSettingChange_SeesTheNewValuesAtOnce()
    {
        var owner = await NewPracticeAsync();
        var member = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var memberships = Fixture.Get<IMembershipRepository>();
        var membership = await memberships.GetAsync(owner.PracticeId, member.MembershipId, Ct);
        await memberships.UpdateAsync(owner.PracticeId, membership! with { Role = PracticeRole.Compliance }, Ct);
        var practices = Fixture.Get<IPracticeRepository>();
        var practice = await practices.GetAsync(owner.PracticeId, Ct);
        await practices.UpdateAsync(owner.PracticeId, practice! with { RequireMfaForAllMembers = true }, Ct);

        var actor = await Loader(member).LoadAsync(Ct);

        Assert.Equal(PracticeRole.Compliance, actor.Role);
        Assert.True(actor.PracticeRequiresMfa);
        Assert.True(actor.HasMfa);
    }

    [Fact]
    public async Task Load_NobodySignedIn_ThrowsNotSignedIn()
    {
        await Assert.ThrowsAsync<NotSignedInException>(() => Loader(new NoCurrentUser()).LoadAsync(Ct));
    }

    [Fact]
    public async Task Load_UserGone_ThrowsNotSignedIn()
    {
        await Assert.ThrowsAsync<NotSignedInException>(() =>
            Loader(new FakeCurrentUser(UserId.New(), SessionId.New(), PracticeId.New())).LoadAsync(Ct));
    }

    [Fact]
    public async Task Load_NoPracticeEntered_ThrowsAccessDenied()
    {
        var owner = await NewPracticeAsync();

        var ex = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            Loader(new FakeCurrentUser(owner.UserId, SessionId.New(), null)).LoadAsync(Ct));

        Assert.Equal(PracticeActorLoader.NoPracticeMessage, ex.Message);
    }

    [Fact]
    public async Task Load_MembershipRemoved_ThrowsAccessDenied()
    {
        var owner = await NewPracticeAsync();
        var member = await AddMemberAsync(owner.PracticeId, PracticeRole.Admin);
        await Fixture.Get<IMembershipRepository>().DeleteAsync(owner.PracticeId, member.MembershipId, 0, Ct);

        var ex = await Assert.ThrowsAsync<AccessDeniedException>(() => Loader(member).LoadAsync(Ct));

        Assert.Equal(PracticeActorLoader.NotAMemberMessage, ex.Message);
    }

    [Fact]
    public async Task Load_PracticeTheUserDoesNotBelongTo_ThrowsAccessDenied()
    {
        var owner = await NewPracticeAsync();
        var outsider = await NewPracticeAsync();

        await Assert.ThrowsAsync<AccessDeniedException>(() => Loader(outsider with { PracticeId = owner.PracticeId }).LoadAsync(Ct));
    }

    private PracticeActorLoader Loader(Member member) => Loader(new FakeCurrentUser(member.UserId, SessionId.New(), member.PracticeId));

    private PracticeActorLoader Loader(ICurrentUser currentUser) =>
        ActivatorUtilities.CreateInstance<PracticeActorLoader>(Fixture.Services.CreateScope().ServiceProvider, currentUser);
}
