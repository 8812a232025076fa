using Plexura.Core.Common;
using Plexura.Core.Memberships;
using Plexura.Core.Practices.Access;

namespace Plexura.Tests.Unit.Practices.Access;

/// <summary>Every rule of the practice policy over every role, second-factor state and practice setting.</summary>
public sealed class PracticePolicyTests
{
    public static TheoryData<PracticeRole, bool, bool> AllActors()
    {
        var data = new TheoryData<PracticeRole, bool, bool>();
        foreach (var role in Enum.GetValues<PracticeRole>())
        {
            foreach (var hasMfa in new[] { false, true })
            {
                foreach (var practiceRequiresMfa in new[] { false, true })
                {
                    data.Add(role, hasMfa, practiceRequiresMfa);
                }
            }
        }

        return data;
    }

    public static TheoryData<PracticeRole, bool, bool, PracticeRole> AllInvitations()
    {
        var data = new TheoryData<PracticeRole, bool, bool, PracticeRole>();
        foreach (var (role, hasMfa, requires) in Combinations())
        {
            foreach (var invited in Enum.GetValues<PracticeRole>())
            {
                data.Add(role, hasMfa, requires, invited);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllActors))]
    public void MayReachPracticeData_AnyActor_RefusesOnlyWithoutMfaWhenThePracticeRequiresIt(PracticeRole role, bool hasMfa, bool practiceRequiresMfa)
    {
        var decision = PracticePolicy.MayReachPracticeData(Actor(role, hasMfa, practiceRequiresMfa));

        var expected = !(practiceRequiresMfa && !hasMfa);
        Assert.Equal(expected, decision.IsAllowed);
        Assert.Equal(expected ? string.Empty : PracticePolicy.PracticeRequiresMfaMessage, decision.Reason);
    }

    [Theory]
    [MemberData(nameof(AllActors))]
    public void MayReachPracticeData_UnverifiedEmail_IsRefusedWhateverElseHolds(PracticeRole role, bool hasMfa, bool practiceRequiresMfa)
    {
        var actor = Actor(role, hasMfa, practiceRequiresMfa) with { IsEmailVerified = false };

        var decision = PracticePolicy.MayReachPracticeData(actor);

        Assert.False(decision.IsAllowed);
        Assert.Equal(PracticePolicy.EmailUnverifiedMessage, decision.Reason);
    }

    [Theory]
    [MemberData(nameof(AllActors))]
    public void CanManageMembers_AnyActor_AllowsOnlyOwnersAndAdminsWithMfa(PracticeRole role, bool hasMfa, bool practiceRequiresMfa)
    {
        var decision = PracticePolicy.CanManageMembers(Actor(role, hasMfa, practiceRequiresMfa));

        var manager = role is PracticeRole.Owner or PracticeRole.Admin;
        Assert.Equal(manager && hasMfa, decision.IsAllowed);
        var expectedReason = !manager ? PracticePolicy.NotAManagerMessage : hasMfa ? string.Empty : PracticePolicy.ManagerNeedsMfaMessage;
        Assert.Equal(expectedReason, decision.Reason);
        Assert.Equal(!manager ? "role" : hasMfa ? "allowed" : "mfa-required", decision.Code);
    }

    [Theory]
    [MemberData(nameof(AllActors))]
    public void CanChangePracticeSettings_AnyActor_AllowsOnlyOwnersAndAdminsWithMfa(PracticeRole role, bool hasMfa, bool practiceRequiresMfa)
    {
        var decision = PracticePolicy.CanChangePracticeSettings(Actor(role, hasMfa, practiceRequiresMfa));

        var manager = role is PracticeRole.Owner or PracticeRole.Admin;
        Assert.Equal(manager && hasMfa, decision.IsAllowed);
        var expectedReason = !manager ? PracticePolicy.NotASettingsManagerMessage : hasMfa ? string.Empty : PracticePolicy.ManagerNeedsMfaMessage;
        Assert.Equal(expectedReason, decision.Reason);
    }

    [Theory]
    [MemberData(nameof(AllInvitations))]
    public void CanInvite_AnyActorAndRole_AllowsOwnersAnyNonOwnerAndAdminsOnlyClinicalAndCompliance(
        PracticeRole role, bool hasMfa, bool practiceRequiresMfa, PracticeRole invited)
    {
        var decision = PracticePolicy.CanInvite(Actor(role, hasMfa, practiceRequiresMfa), invited);

        var expected = hasMfa && invited switch
        {
            PracticeRole.Owner => false,
            PracticeRole.Admin => role == PracticeRole.Owner,
            _ => role is PracticeRole.Owner or PracticeRole.Admin,
        };
        Assert.Equal(expected, decision.IsAllowed);
        Assert.Equal(expected, decision.Reason.Length == 0);
    }

    [Fact]
    public void CanInvite_AdminInvitesAdmin_SaysOnlyAnOwnerCan()
    {
        var decision = PracticePolicy.CanInvite(Actor(PracticeRole.Admin, hasMfa: true, practiceRequiresMfa: false), PracticeRole.Admin);

        Assert.False(decision.IsAllowed);
        Assert.Equal(PracticePolicy.OnlyOwnerInvitesAdminsMessage, decision.Reason);
    }

    [Theory]
    [InlineData(PracticeRole.Owner, false, true)]
    [InlineData(PracticeRole.Admin, false, true)]
    [InlineData(PracticeRole.Clinician, false, false)]
    [InlineData(PracticeRole.Compliance, false, false)]
    [InlineData(PracticeRole.Clinician, true, true)]
    [InlineData(PracticeRole.Compliance, true, true)]
    public void RequiresMfa_RoleAndPracticeSetting_IsManagersOrEveryoneWhenRequired(PracticeRole role, bool practiceRequiresMfa, bool expected)
    {
        Assert.Equal(expected, PracticePolicy.RequiresMfa(role, practiceRequiresMfa));
    }

    private static IEnumerable<(PracticeRole Role, bool HasMfa, bool Requires)> Combinations() =>
        from role in Enum.GetValues<PracticeRole>()
        from hasMfa in new[] { false, true }
        from requires in new[] { false, true }
        select (role, hasMfa, requires);

    private static PracticeActor Actor(PracticeRole role, bool hasMfa, bool practiceRequiresMfa) =>
        new(UserId.New(), "dana@example.com", "Dana Reyes", PracticeId.New(), MembershipId.New(), role, hasMfa, true, practiceRequiresMfa, "Riverbend");
}
