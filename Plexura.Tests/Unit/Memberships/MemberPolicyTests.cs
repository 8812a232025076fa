using Plexura.Core.Common;
using Plexura.Core.Memberships;
using Plexura.Core.Practices.Access;

namespace Plexura.Tests.Unit.Memberships;

/// <summary>The member management rules over every actor role × target role × new role, with and without a second factor.</summary>
public sealed class MemberPolicyTests
{
    [Fact]
    public void CanChangeRole_EveryCombination_MatchesTheWrittenRules()
    {
        foreach (var actorRole in Enum.GetValues<PracticeRole>())
        {
            foreach (var hasMfa in new[] { false, true })
            {
                foreach (var targetRole in Enum.GetValues<PracticeRole>())
                {
                    foreach (var newRole in Enum.GetValues<PracticeRole>())
                    {
                        var decision = MemberPolicy.CanChangeRole(Actor(actorRole, hasMfa), Target(targetRole), newRole);

                        var manager = actorRole is PracticeRole.Owner or PracticeRole.Admin && hasMfa;
                        var expected = manager
                            && newRole != PracticeRole.Owner
                            && (actorRole == PracticeRole.Owner || (targetRole is PracticeRole.Clinician or PracticeRole.Compliance && newRole != PracticeRole.Admin));
                        Assert.True(expected == decision.IsAllowed, $"{actorRole} mfa={hasMfa} {targetRole}->{newRole}: expected {expected}");
                    }
                }
            }
        }
    }

    [Fact]
    public void CanRemove_EveryCombination_MatchesTheWrittenRules()
    {
        foreach (var actorRole in Enum.GetValues<PracticeRole>())
        {
            foreach (var hasMfa in new[] { false, true })
            {
                foreach (var targetRole in Enum.GetValues<PracticeRole>())
                {
                    var decision = MemberPolicy.CanRemove(Actor(actorRole, hasMfa), Target(targetRole));

                    var manager = actorRole is PracticeRole.Owner or PracticeRole.Admin && hasMfa;
                    var expected = manager && (actorRole == PracticeRole.Owner || targetRole is PracticeRole.Clinician or PracticeRole.Compliance);
                    Assert.True(expected == decision.IsAllowed, $"{actorRole} mfa={hasMfa} removes {targetRole}: expected {expected}");
                }
            }
        }
    }

    [Fact]
    public void CanRemove_Themselves_IsRefused()
    {
        var actor = Actor(PracticeRole.Owner, true);

        var decision = MemberPolicy.CanRemove(actor, Target(PracticeRole.Clinician) with { Id = actor.MembershipId });

        Assert.Equal("self", decision.Code);
    }

    [Theory]
    [InlineData(PracticeRole.Owner, true, true)]
    [InlineData(PracticeRole.Owner, false, false)]
    [InlineData(PracticeRole.Admin, true, false)]
    [InlineData(PracticeRole.Clinician, true, false)]
    [InlineData(PracticeRole.Compliance, true, false)]
    public void CanTransferOwnership_ByRoleAndMfa_OwnersWithMfaOnly(PracticeRole role, bool hasMfa, bool expected)
    {
        Assert.Equal(expected, MemberPolicy.CanTransferOwnership(Actor(role, hasMfa)).IsAllowed);
    }

    private static PracticeActor Actor(PracticeRole role, bool hasMfa) =>
        new(UserId.New(), "a@example.com", "A", PracticeId.New(), MembershipId.New(), role, hasMfa, true, false, "P");

    private static Membership Target(PracticeRole role) => new(MembershipId.New(), PracticeId.New(), UserId.New(), role, DateTimeOffset.UnixEpoch);
}
