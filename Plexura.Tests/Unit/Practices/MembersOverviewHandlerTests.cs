using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity.SignIn;
using Plexura.Core.Memberships;
using Plexura.Core.Practices.ListMembers;
using Plexura.Core.Practices.RecentFailedSignIns;
using Plexura.Core.Users;
using Plexura.Tests.Persistence;

namespace Plexura.Tests.Unit.Practices;

/// <summary>The members overview and recent failed sign-ins: owners and admins with a second factor, one practice only.</summary>
public sealed class MembersOverviewHandlerTests(SqliteStorageFixture fixture) : PracticeUseCaseTestBase(fixture)
{
    [Fact]
    public async Task ListMembers_ByOwner_ReturnsEveryMemberWithTheirSecurityPosture()
    {
        var owner = await NewPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician, hasMfa: false);
        var users = Fixture.Get<IUserRepository>();
        var stored = await users.GetAsync(clinician.UserId, Ct);
        var lastSignIn = Now.AddHours(-3);
        await users.UpdateAsync(stored! with { LastSignInAt = lastSignIn }, Ct);

        var members = await As<ListMembersHandler>(owner).HandleAsync(new ListMembersCommand(), Client, Ct);

        Assert.Equal(2, members.Count);
        var first = members[0];
        Assert.Equal(owner.MembershipId, first.MembershipId);
        Assert.Equal(PracticeRole.Owner, first.Role);
        Assert.Equal("Dana Reyes", first.DisplayName);
        Assert.Equal(owner.Email, first.Email);
        Assert.True(first.HasMfa);
        Assert.False(first.IsEmailVerified);
        Assert.Null(first.LastSignInAt);
        Assert.Equal(
            new MemberSummary(clinician.MembershipId, clinician.UserId, "Sam Lee", clinician.Email, PracticeRole.Clinician, false, lastSignIn, true, Now),
            members[1]);
    }

    [Fact]
    public async Task ListMembers_ClinicianWithAllClientsScope_ReturnsTheScopeAndPermissions()
    {
        var owner = await NewPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var memberships = Fixture.Get<IMembershipRepository>();
        var stored = await memberships.GetAsync(owner.PracticeId, clinician.MembershipId, Ct);
        await memberships.UpdateAsync(owner.PracticeId, stored! with { ClientScope = ClientScope.AllClients, AllClientsPermissions = new ClientPermissions(true, true, false, false) }, Ct);

        var members = await As<ListMembersHandler>(owner).HandleAsync(new ListMembersCommand(), Client, Ct);

        var listed = Assert.Single(members, m => m.MembershipId == clinician.MembershipId);
        Assert.Equal(ClientScope.AllClients, listed.ClientScope);
        Assert.Equal(new ClientPermissions(true, true, false, false), listed.AllClientsPermissions);
        Assert.Equal(ClientScope.GrantedOnly, members.Single(m => m.MembershipId == owner.MembershipId).ClientScope);
    }

    [Fact]
    public async Task ListMembers_OtherPracticesMembers_AreNotIncluded()
    {
        var owner = await NewPracticeAsync();
        var other = await NewPracticeAsync();
        await AddMemberAsync(other.PracticeId, PracticeRole.Clinician);

        var members = await As<ListMembersHandler>(owner).HandleAsync(new ListMembersCommand(), Client, Ct);

        Assert.Equal([owner.UserId], members.Select(m => m.UserId));
    }

    [Theory]
    [InlineData(PracticeRole.Clinician, true)]
    [InlineData(PracticeRole.Compliance, true)]
    [InlineData(PracticeRole.Admin, false)]
    public async Task ListMembers_ByMemberNotAllowed_ThrowsAccessDeniedAndAuditsDenied(PracticeRole role, bool hasMfa)
    {
        var owner = await NewPracticeAsync();
        var member = await AddMemberAsync(owner.PracticeId, role, hasMfa);

        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<ListMembersHandler>(member).HandleAsync(new ListMembersCommand(), Client, Ct));

        var denied = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.AdministrationViewed));
        Assert.Equal(AuditResult.Denied, denied.Result);
        Assert.Equal("membership", denied.TargetType);
    }

    [Fact]
    public async Task RecentFailedSignIns_AfterAMembersWrongPassword_ListsTimeEmailIpAndReason()
    {
        var owner = await NewPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        Assert.IsType<SignInResult.Failed>(await SignInAsync(clinician.Email, "Wrong-Password-123!"));

        var failures = await As<RecentFailedSignInsHandler>(owner).HandleAsync(new RecentFailedSignInsCommand(), Client, Ct);

        var failure = Assert.Single(failures);
        Assert.Equal(Now, failure.At);
        Assert.Equal(clinician.UserId, failure.UserId);
        Assert.Equal(clinician.Email, failure.Email);
        Assert.Equal("203.0.113.7", failure.SourceIp);
        Assert.Equal("wrong-password", failure.Reason);
        Assert.False(failure.LockoutStarted);
    }

    [Fact]
    public async Task RecentFailedSignIns_ManyFailures_ReturnsTheNewest50NewestFirst()
    {
        var owner = await NewPracticeAsync();
        var audit = Fixture.Get<IAuditLog>();
        for (var i = 0; i < RecentFailedSignInsHandler.Limit + 5; i++)
        {
            Fixture.Time.Advance(TimeSpan.FromSeconds(1));
            await audit.RecordAsync(
                new AuditEntry(owner.PracticeId, new AuditActor(owner.UserId, owner.Email), $"198.51.100.{i}", null, AuditAction.SignInFailed, "user",
                    owner.UserId.ToString(), null, AuditResult.Failed, new Dictionary<string, string> { ["reason"] = "wrong-password" }),
                Ct);
        }

        var failures = await As<RecentFailedSignInsHandler>(owner).HandleAsync(new RecentFailedSignInsCommand(), Client, Ct);

        Assert.Equal(RecentFailedSignInsHandler.Limit, failures.Count);
        Assert.Equal($"198.51.100.{RecentFailedSignInsHandler.Limit + 4}", failures[0].SourceIp);
        Assert.True(failures.Zip(failures.Skip(1)).All(p => p.First.At >= p.Second.At));
    }

    [Fact]
    public async Task RecentFailedSignIns_OtherPracticesFailures_AreNotIncluded()
    {
        var owner = await NewPracticeAsync();
        var other = await NewPracticeAsync();
        var theirs = await AddMemberAsync(other.PracticeId, PracticeRole.Clinician);
        await SignInAsync(theirs.Email, "Wrong-Password-123!");

        Assert.Empty(await As<RecentFailedSignInsHandler>(owner).HandleAsync(new RecentFailedSignInsCommand(), Client, Ct));
    }

    [Fact]
    public async Task RecentFailedSignIns_ByClinician_ThrowsAccessDeniedAndAuditsDenied()
    {
        var owner = await NewPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);

        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<RecentFailedSignInsHandler>(clinician).HandleAsync(new RecentFailedSignInsCommand(), Client, Ct));

        var denied = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.AdministrationViewed));
        Assert.Equal(AuditResult.Denied, denied.Result);
    }
}
