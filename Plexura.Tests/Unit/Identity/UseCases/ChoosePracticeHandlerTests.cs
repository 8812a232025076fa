using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Identity.ChoosePractice;
using Plexura.Core.Identity.SignIn;
using Plexura.Core.Memberships;
using Plexura.Tests.Persistence;

namespace Plexura.Tests.Unit.Identity.UseCases;

/// <summary>A member of several practices enters one of them, and only one of their own.</summary>
public sealed class ChoosePracticeHandlerTests(SqliteStorageFixture fixture) : IdentityUseCaseTestBase(fixture)
{
    [Fact]
    public async Task SignIn_MemberOfTwoPractices_ListsBothAndChoosingOneIssuesATokenForItAndRevokesTheOldSession()
    {
        var (me, email, secondPractice) = await MemberOfTwoPracticesAsync();
        var signIn = Assert.IsType<SignInResult.Success>(await SignInAsync(email));
        Assert.Null(signIn.EnteredPractice);
        var current = new FakeCurrentUser(me.UserId, signIn.SessionId, null);

        var practices = await Handler<ListMyPracticesHandler>(current).HandleAsync(new ListMyPracticesCommand(), Client, Ct);
        var target = Assert.Single(practices, p => p.PracticeId == secondPractice);
        var chosen = await Handler<ChoosePracticeHandler>(current).HandleAsync(new ChoosePracticeCommand(target.MembershipId), Client, Ct);

        Assert.Equal(2, practices.Count);
        Assert.Equal(secondPractice, chosen.EnteredPractice?.PracticeId);
        var claims = (await Fixture.Get<ITokenService>().ValidateAsync(chosen.Token.Value, Ct)).Claims!;
        Assert.Equal(secondPractice, claims.Subject.PracticeId);
        Assert.Equal(PracticeRole.Clinician, claims.Subject.Role);
        var sessions = Fixture.Get<ISessionRepository>();
        Assert.Equal(SessionRevocationReason.PracticeChosen, (await sessions.GetAsync(signIn.SessionId, Ct))!.RevokedReason);
        Assert.True((await sessions.GetAsync(chosen.SessionId, Ct))!.IsActiveAt(Now));
    }

    [Fact]
    public async Task ChoosePractice_SomeoneElsesMembership_IsNotFoundAndChangesNothing()
    {
        var (me, email, _) = await MemberOfTwoPracticesAsync();
        var (stranger, _) = await SignUpAsync();
        var strangerMembership = (await Fixture.Get<IMembershipRepository>().ListForUserAsync(stranger.UserId, Ct)).Single();
        var signIn = Assert.IsType<SignInResult.Success>(await SignInAsync(email));
        var current = new FakeCurrentUser(me.UserId, signIn.SessionId, null);

        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            Handler<ChoosePracticeHandler>(current).HandleAsync(new ChoosePracticeCommand(strangerMembership.Id), Client, Ct));

        Assert.True((await Fixture.Get<ISessionRepository>().GetAsync(signIn.SessionId, Ct))!.IsActiveAt(Now));
    }

    [Fact]
    public async Task ChoosePractice_NobodySignedIn_IsRefused()
    {
        await Assert.ThrowsAsync<NotSignedInException>(() =>
            Handler<ChoosePracticeHandler>().HandleAsync(new ChoosePracticeCommand(MembershipId.New()), Client, Ct));
    }

    /// <summary>An owner of one practice who is also a clinician in a second practice.</summary>
    private async Task<(Core.Identity.SignUp.SignUpResult Me, string Email, PracticeId Second)> MemberOfTwoPracticesAsync()
    {
        var (me, email) = await SignUpAsync();
        var (other, _) = await SignUpAsync();
        await Fixture.Get<IMembershipRepository>().AddAsync(
            other.PracticeId, new Membership(MembershipId.New(), other.PracticeId, me.UserId, PracticeRole.Clinician, Now), Ct);
        return (me, email, other.PracticeId);
    }
}
