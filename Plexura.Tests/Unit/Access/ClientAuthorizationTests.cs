using Plexura.Core.Access;
using Plexura.Core.Common;
using Plexura.Core.Memberships;
using Plexura.Core.Practices.Access;

namespace Plexura.Tests.Unit.Access;

/// <summary>The client authorization rules over every role × scope × grant × permission × flag combination.</summary>
public sealed class ClientAuthorizationTests
{
    private static readonly PracticeId Practice = PracticeId.New();
    private static readonly MembershipId MembershipId = MembershipId.New();
    private static readonly UserId UserId = UserId.New();
    private static readonly ClientId ClientId = ClientId.New();

    public static TheoryData<PracticeRole> Roles() => [.. Enum.GetValues<PracticeRole>()];

    [Fact]
    public void Decide_EveryCombination_MatchesTheWrittenRules()
    {
        var checkedCount = 0;
        foreach (var role in Enum.GetValues<PracticeRole>())
        {
            foreach (var scope in Enum.GetValues<ClientScope>())
            {
                for (var allMask = 0; allMask < 16; allMask++)
                {
                    for (var grantMask = -1; grantMask < 16; grantMask++)
                    {
                        foreach (var isCreator in new[] { false, true })
                        {
                            foreach (var facts in AllFacts(isCreator))
                            {
                                var access = new MemberAccess(MembershipId, scope, Mask(allMask), grantMask < 0 ? null : Grant(Mask(grantMask)));
                                foreach (var permission in Enum.GetValues<ClientPermission>())
                                {
                                    var decision = ClientAuthorization.Decide(Actor(role), access, facts, permission);

                                    var expected = ExpectedCode(role, scope, allMask, grantMask, isCreator, facts, permission);
                                    Assert.True(
                                        expected == decision.Code,
                                        $"{role} {scope} all={allMask} grant={grantMask} creator={isCreator} {facts} {permission}: expected {expected}, got {decision.Code}");
                                    Assert.Equal(expected == "allowed", decision.IsAllowed);
                                    Assert.Equal(decision.IsAllowed, decision.Reason.Length == 0);
                                    checkedCount++;
                                }
                            }
                        }
                    }
                }
            }
        }

        Assert.Equal(4 * 2 * 16 * 17 * 2 * 16 * 4, checkedCount);
    }

    [Theory]
    [MemberData(nameof(Roles))]
    public void Decide_UnverifiedEmail_IsRefusedWhateverTheAccess(PracticeRole role)
    {
        var actor = Actor(role) with { IsEmailVerified = false };

        foreach (var permission in Enum.GetValues<ClientPermission>())
        {
            var decision = ClientAuthorization.Decide(actor, FullAccess(), Facts(), permission);

            Assert.False(decision.IsAllowed);
            Assert.Equal("email-unverified", decision.Code);
        }
    }

    [Theory]
    [MemberData(nameof(Roles))]
    public void Decide_PracticeRequiresMfaAndActorHasNone_IsRefused(PracticeRole role)
    {
        var actor = Actor(role) with { HasMfa = false, PracticeRequiresMfa = true };

        var decision = ClientAuthorization.Decide(actor, FullAccess(), Facts(), ClientPermission.View);

        Assert.False(decision.IsAllowed);
        Assert.Equal(PracticePolicy.PracticeRequiresMfaMessage, decision.Reason);
    }

    [Fact]
    public void Decide_AccessOfAnotherMembership_IsRefusedAsMismatch()
    {
        var access = FullAccess() with { MembershipId = MembershipId.New() };

        var decision = ClientAuthorization.Decide(Actor(PracticeRole.Owner), access, Facts(), ClientPermission.View);

        Assert.Equal("access-mismatch", decision.Code);
    }

    [Fact]
    public void Decide_GrantOnAnotherClient_IsRefusedAsMismatch()
    {
        var grant = Grant(ClientPermissions.All) with { ClientId = ClientId.New() };
        var access = new MemberAccess(MembershipId, ClientScope.GrantedOnly, ClientPermissions.None, grant);

        var decision = ClientAuthorization.Decide(Actor(PracticeRole.Clinician), access, Facts(), ClientPermission.View);

        Assert.False(decision.IsAllowed);
        Assert.Equal("access-mismatch", decision.Code);
    }

    [Fact]
    public void Decide_GrantOfAnotherPractice_IsRefusedAsMismatch()
    {
        var grant = Grant(ClientPermissions.All) with { PracticeId = PracticeId.New() };
        var access = new MemberAccess(MembershipId, ClientScope.GrantedOnly, ClientPermissions.None, grant);

        var decision = ClientAuthorization.Decide(Actor(PracticeRole.Clinician), access, Facts(), ClientPermission.View);

        Assert.Equal("access-mismatch", decision.Code);
    }

    [Fact]
    public void Decide_ClinicianWithoutGrantOrScope_IsRefusedWithTheNotGrantedMessage()
    {
        var access = new MemberAccess(MembershipId, ClientScope.GrantedOnly, ClientPermissions.All, null);

        var decision = ClientAuthorization.Decide(Actor(PracticeRole.Clinician), access, Facts(), ClientPermission.View);

        Assert.Equal(ClientAuthorization.NotGrantedMessage, decision.Reason);
    }

    [Fact]
    public void Decide_CreatorClinician_MayViewAndEditButNotPushOrExport()
    {
        var access = new MemberAccess(MembershipId, ClientScope.GrantedOnly, ClientPermissions.None, null);
        var facts = Facts() with { CreatedBy = UserId };

        Assert.Equal(
            new ClientPermissions(true, true, false, false),
            ClientAuthorization.Effective(PracticeRole.Clinician, UserId, access, facts));
    }

    [Fact]
    public void Decide_Part2WithConsent_AllowsPushAndExportToOwner()
    {
        var facts = Facts() with { IsPart2 = true, HasActivePart2DisclosureConsent = true };

        Assert.Equal(ClientPermissions.All, ClientAuthorization.Effective(PracticeRole.Owner, UserId, FullAccess(), facts));
    }

    [Theory]
    [InlineData(PracticeRole.Owner, true, true)]
    [InlineData(PracticeRole.Owner, false, false)]
    [InlineData(PracticeRole.Admin, true, true)]
    [InlineData(PracticeRole.Admin, false, false)]
    [InlineData(PracticeRole.Clinician, true, false)]
    [InlineData(PracticeRole.Compliance, true, false)]
    public void CanManageAccess_ByRoleAndMfa_OwnersAndAdminsWithMfaOnly(PracticeRole role, bool hasMfa, bool expected)
    {
        var decision = ClientAuthorization.CanManageAccess(Actor(role) with { HasMfa = hasMfa });

        Assert.Equal(expected, decision.IsAllowed);
        if (role is PracticeRole.Clinician or PracticeRole.Compliance)
        {
            Assert.Equal(ClientAuthorization.NotAnAccessManagerMessage, decision.Reason);
        }
    }

    [Theory]
    [InlineData(PracticeRole.Owner, true)]
    [InlineData(PracticeRole.Admin, true)]
    [InlineData(PracticeRole.Clinician, false)]
    [InlineData(PracticeRole.Compliance, true)]
    public void CanSeeAuditLog_ByRole_OwnersAdminsAndComplianceOnly(PracticeRole role, bool expected)
    {
        Assert.Equal(expected, ClientAuthorization.CanSeeAuditLog(Actor(role)).IsAllowed);
        Assert.False(ClientAuthorization.CanSeeAuditLog(Actor(role) with { IsEmailVerified = false }).IsAllowed);
    }

    [Fact]
    public void ClientPermissions_ToAuditString_ListsTheSetOnesOrNone()
    {
        Assert.Equal("none", ClientPermissions.None.ToAuditString());
        Assert.Equal("view,export", new ClientPermissions(true, false, false, true).ToAuditString());
    }

    /// <summary>The rules as the issue states them, written independently of the implementation's order.</summary>
    private static string ExpectedCode(
        PracticeRole role, ClientScope scope, int allMask, int grantMask, bool isCreator, ClientAccessFacts facts, ClientPermission permission)
    {
        if (role == PracticeRole.Compliance)
        {
            return "no-clinical-content";
        }

        var bit = 1 << (int)permission;
        var held = role is PracticeRole.Owner or PracticeRole.Admin
            || (scope == ClientScope.AllClients && (allMask & bit) != 0)
            || (grantMask >= 0 && (grantMask & bit) != 0)
            || (isCreator && permission is ClientPermission.View or ClientPermission.Edit);
        if (!held)
        {
            return "not-granted";
        }

        var changes = permission is ClientPermission.Edit or ClientPermission.Push;
        var discloses = permission is ClientPermission.Push or ClientPermission.Export;
        if (facts.IsArchived && changes)
        {
            return "archived";
        }

        if (facts.IsRestricted && discloses)
        {
            return "restricted";
        }

        return facts.IsPart2 && !facts.HasActivePart2DisclosureConsent && discloses ? "part2-consent-required" : "allowed";
    }

    private static IEnumerable<ClientAccessFacts> AllFacts(bool isCreator)
    {
        for (var flags = 0; flags < 16; flags++)
        {
            yield return new ClientAccessFacts(
                ClientId, isCreator ? UserId : UserId.New(), (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0, (flags & 8) != 0);
        }
    }

    private static ClientPermissions Mask(int mask) => new((mask & 1) != 0, (mask & 2) != 0, (mask & 4) != 0, (mask & 8) != 0);

    private static ClientGrant Grant(ClientPermissions permissions) =>
        new ClientGrant(ClientGrantId.New(), Practice, MembershipId, ClientId, false, false, false, false, UserId.New(), DateTimeOffset.UnixEpoch)
            .WithPermissions(permissions);

    private static MemberAccess FullAccess() => new(MembershipId, ClientScope.AllClients, ClientPermissions.All, Grant(ClientPermissions.All));

    private static ClientAccessFacts Facts() => new(ClientId, UserId.New(), false, false, false, false);

    private static PracticeActor Actor(PracticeRole role) =>
        new(UserId, "member@example.com", "Sam Lee", Practice, MembershipId, role, HasMfa: true, IsEmailVerified: true, PracticeRequiresMfa: false, "Practice");
}
