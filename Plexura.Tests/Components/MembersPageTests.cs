using System.Security.Cryptography;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Plexura.Core.Access;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Identity.SignIn;
using Plexura.Core.Memberships;
using Plexura.Core.Practices.Access;
using Plexura.Core.Users;
using Plexura.Web.Components.Pages.Account;
using Plexura.Web.Components.Pages.Practice;
using Plexura.Web.Security.Authentication;

namespace Plexura.Tests.Components;

/// <summary>The members page's forms, on the real use cases.</summary>
public sealed class MembersPageTests : AppComponentTestBase
{
    [Fact]
    public async Task MembersPage_OwnerWithoutMfa_ExplainsThatTwoStepSignInComesFirst()
    {
        await SignInNewOwnerAsync();

        var cut = Context.Render<Members>();

        cut.WaitForAssertion(() => Assert.Contains(PracticePolicy.ManagerNeedsMfaMessage, cut.Find("#members-denied").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("#invite-submit"));
    }

    [Fact]
    public async Task Invite_ValidEmail_ListsThePendingInvitation()
    {
        var (_, email) = await SignInNewOwnerAsync();
        await EnrollMfaAsync();
        var cut = Context.Render<Members>();
        cut.WaitForAssertion(() => Assert.Contains(email, cut.Find("#members-table").TextContent, StringComparison.Ordinal));

        Input(cut, "#invite-email").Input("jordan.park@example.com");
        cut.Find("#invite-submit").Click();

        cut.WaitForAssertion(() =>
        {
            Assert.Contains("jordan.park@example.com", cut.Find("#invitations-table").TextContent, StringComparison.Ordinal);
            Assert.Contains("Pending", cut.Find("#invitations-table").TextContent, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Invite_MalformedEmail_ShowsTheReasonAndInvitesNobody()
    {
        await SignInNewOwnerAsync();
        await EnrollMfaAsync();
        var cut = Context.Render<Members>();
        cut.WaitForElement("#invite-submit");

        Input(cut, "#invite-email").Input("not-an-email");
        cut.Find("#invite-submit").Click();

        cut.WaitForAssertion(() => Assert.False(string.IsNullOrWhiteSpace(cut.Find("#invite-error").TextContent)));
        Assert.NotEmpty(cut.FindAll("#no-invitations"));
    }

    [Fact]
    public async Task ChangeRole_ClinicianToCompliance_TableShowsTheNewRole()
    {
        var (signUp, _) = await SignInNewOwnerAsync();
        await EnrollMfaAsync();
        var clinician = await AddMemberAsync(signUp.PracticeId, PracticeRole.Clinician);
        var cut = Context.Render<Members>();

        cut.WaitForElement($"#member-role-{clinician.MembershipId}").Click();
        cut.WaitForElement("#role-option-compliance").Click();
        cut.Find("#role-save").Click();

        cut.WaitForAssertion(() =>
        {
            Assert.Equal(nameof(PracticeRole.Compliance), Row(cut, clinician.MembershipId).GetAttribute("data-role"));
            Assert.Empty(cut.FindAll("#member-panel"));
        });
        var stored = await Get<IMembershipRepository>().GetAsync(signUp.PracticeId, clinician.MembershipId, Ct);
        Assert.Equal(PracticeRole.Compliance, stored!.Role);
    }

    [Fact]
    public async Task ChangeRole_AdminPromotesToAdmin_ShowsTheCoresRefusalAndChangesNothing()
    {
        var (signUp, _) = await SignInNewOwnerAsync();
        var admin = await AddMemberAsync(signUp.PracticeId, PracticeRole.Admin);
        var clinician = await AddMemberAsync(signUp.PracticeId, PracticeRole.Clinician);
        await SignInAsync(admin.Email);
        await EnrollMfaAsync();
        var cut = Context.Render<Members>();

        cut.WaitForElement($"#member-role-{clinician.MembershipId}").Click();
        cut.WaitForElement("#role-option-admin").Click();
        cut.Find("#role-save").Click();

        cut.WaitForAssertion(() => Assert.Equal(MemberPolicy.OnlyOwnerManagesAdminsMessage, cut.Find("#member-action-error").TextContent.Trim()));
        Assert.Equal(nameof(PracticeRole.Clinician), Row(cut, clinician.MembershipId).GetAttribute("data-role"));
        Assert.Empty(cut.FindAll($"#member-transfer-{clinician.MembershipId}"));
    }

    [Fact]
    public async Task ChangeRole_AdminChangesTheOwner_ShowsTheCoresRefusal()
    {
        var (signUp, _) = await SignInNewOwnerAsync();
        var admin = await AddMemberAsync(signUp.PracticeId, PracticeRole.Admin);
        await SignInAsync(admin.Email);
        await EnrollMfaAsync();
        var cut = Context.Render<Members>();

        cut.WaitForElement($"#member-role-{signUp.MembershipId}").Click();
        cut.WaitForElement("#role-option-clinician").Click();
        cut.Find("#role-save").Click();

        cut.WaitForAssertion(() => Assert.Equal(MemberPolicy.OnlyOwnerManagesOwnersMessage, cut.Find("#member-action-error").TextContent.Trim()));
        Assert.Equal(nameof(PracticeRole.Owner), Row(cut, signUp.MembershipId).GetAttribute("data-role"));
    }

    [Fact]
    public async Task ChangeRole_LastOwnerStepsDown_ShowsTheLastOwnerMessageAndStaysOwner()
    {
        var (signUp, _) = await SignInNewOwnerAsync();
        await EnrollMfaAsync();
        var cut = Context.Render<Members>();

        cut.WaitForElement($"#member-role-{signUp.MembershipId}").Click();
        cut.WaitForElement("#role-option-admin").Click();
        cut.Find("#role-save").Click();

        cut.WaitForAssertion(() => Assert.Equal(MemberPolicy.LastOwnerMessage, cut.Find("#member-action-error").TextContent.Trim()));
        Assert.Equal(nameof(PracticeRole.Owner), Row(cut, signUp.MembershipId).GetAttribute("data-role"));
        Assert.Empty(cut.FindAll($"#member-remove-{signUp.MembershipId}"));
    }

    [Fact]
    public async Task Remove_Clinician_DisappearsFromTheTableAndTheirSessionIsRevoked()
    {
        var (signUp, _) = await SignInNewOwnerAsync();
        await EnrollMfaAsync();
        var clinician = await AddMemberAsync(signUp.PracticeId, PracticeRole.Clinician);
        var session = Assert.IsType<SignInResult.Success>(
            await Get<SignInHandler>().HandleAsync(new SignInCommand(clinician.Email, Password), ClientInfo.Unknown, Ct)).SessionId;
        var cut = Context.Render<Members>();

        cut.WaitForElement($"#member-remove-{clinician.MembershipId}").Click();
        cut.WaitForElement("#confirm-yes").Click();

        cut.WaitForAssertion(() =>
        {
            Assert.Empty(cut.FindAll($"tr[data-member-id='{clinician.MembershipId}']"));
            Assert.Single(cut.FindAll($"tr[data-member-id='{signUp.MembershipId}']"));
        });
        Assert.Null(await Get<IMembershipRepository>().GetAsync(signUp.PracticeId, clinician.MembershipId, Ct));
        var revoked = await Get<ISessionRepository>().GetAsync(session, Ct);
        Assert.Equal(SessionRevocationReason.MembershipRemoved, revoked!.RevokedReason);
    }

    [Fact]
    public async Task Remove_Cancelled_KeepsTheMember()
    {
        var (signUp, _) = await SignInNewOwnerAsync();
        await EnrollMfaAsync();
        var clinician = await AddMemberAsync(signUp.PracticeId, PracticeRole.Clinician);
        var cut = Context.Render<Members>();

        cut.WaitForElement($"#member-remove-{clinician.MembershipId}").Click();
        cut.WaitForElement("#confirm-cancel").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#member-panel")));
        Assert.Single(cut.FindAll($"tr[data-member-id='{clinician.MembershipId}']"));
        Assert.NotNull(await Get<IMembershipRepository>().GetAsync(signUp.PracticeId, clinician.MembershipId, Ct));
    }

    [Fact]
    public async Task TransferOwnership_ToAdminWithMfa_MakesThemOwnerAndTheOldOwnerAdminThenSignsInAgain()
    {
        var (signUp, _) = await SignInNewOwnerAsync();
        await EnrollMfaAsync();
        var admin = await AddMemberAsync(signUp.PracticeId, PracticeRole.Admin, hasMfa: true);
        var cut = Context.Render<Members>();

        cut.WaitForElement($"#member-transfer-{admin.MembershipId}").Click();
        cut.WaitForElement("#confirm-yes").Click();

        cut.WaitForAssertion(() =>
        {
            Assert.Equal(nameof(PracticeRole.Owner), Row(cut, admin.MembershipId).GetAttribute("data-role"));
            Assert.Equal(nameof(PracticeRole.Admin), Row(cut, signUp.MembershipId).GetAttribute("data-role"));
        });
        Assert.EndsWith("/account/sign-in?reason=role-changed", Get<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TransferOwnership_StayingOwner_MakesTwoOwnersAndStaysOnThePage()
    {
        var (signUp, _) = await SignInNewOwnerAsync();
        await EnrollMfaAsync();
        var admin = await AddMemberAsync(signUp.PracticeId, PracticeRole.Admin, hasMfa: true);
        var cut = Context.Render<Members>();

        cut.WaitForElement($"#member-transfer-{admin.MembershipId}").Click();
        cut.WaitForElement("#transfer-remain-owner").Change(true);
        cut.Find("#confirm-yes").Click();

        cut.WaitForAssertion(() =>
        {
            Assert.Equal(nameof(PracticeRole.Owner), Row(cut, admin.MembershipId).GetAttribute("data-role"));
            Assert.Equal(nameof(PracticeRole.Owner), Row(cut, signUp.MembershipId).GetAttribute("data-role"));
        });
        Assert.DoesNotContain("/account/sign-in", Get<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TransferOwnership_NewOwnerWithoutMfa_ShowsTheCoresRefusal()
    {
        var (signUp, _) = await SignInNewOwnerAsync();
        await EnrollMfaAsync();
        var clinician = await AddMemberAsync(signUp.PracticeId, PracticeRole.Clinician);
        var cut = Context.Render<Members>();

        cut.WaitForElement($"#member-transfer-{clinician.MembershipId}").Click();
        cut.WaitForElement("#confirm-yes").Click();

        cut.WaitForAssertion(() => Assert.Equal(MemberPolicy.NewOwnerNeedsMfaMessage, cut.Find("#member-action-error").TextContent.Trim()));
        Assert.Equal(nameof(PracticeRole.Owner), Row(cut, signUp.MembershipId).GetAttribute("data-role"));
        Assert.Equal(nameof(PracticeRole.Clinician), Row(cut, clinician.MembershipId).GetAttribute("data-role"));
    }

    [Fact]
    public async Task SetScope_AllClientsViewOnly_TableShowsTheScope()
    {
        var (signUp, _) = await SignInNewOwnerAsync();
        await EnrollMfaAsync();
        var clinician = await AddMemberAsync(signUp.PracticeId, PracticeRole.Clinician);
        var cut = Context.Render<Members>();
        cut.WaitForAssertion(() => Assert.Equal("Granted clients only", cut.Find($"#member-access-{clinician.MembershipId}").TextContent.Trim()));

        cut.Find($"#member-scope-{clinician.MembershipId}").Click();
        cut.WaitForElement("#scope-all").Click();
        cut.Find("#scope-view").Change(true);
        cut.Find("#scope-save").Click();

        cut.WaitForAssertion(() => Assert.Equal("All clients: view", cut.Find($"#member-access-{clinician.MembershipId}").TextContent.Trim()));
        var stored = await Get<IMembershipRepository>().GetAsync(signUp.PracticeId, clinician.MembershipId, Ct);
        Assert.Equal(ClientScope.AllClients, stored!.ClientScope);
        Assert.Equal(new ClientPermissions(true, false, false, false), stored.AllClientsPermissions);
    }

    [Fact]
    public async Task SetScope_AllClientsWithoutPermissions_AsksForOneAndChangesNothing()
    {
        var (signUp, _) = await SignInNewOwnerAsync();
        await EnrollMfaAsync();
        var clinician = await AddMemberAsync(signUp.PracticeId, PracticeRole.Clinician);
        var cut = Context.Render<Members>();

        cut.WaitForElement($"#member-scope-{clinician.MembershipId}").Click();
        cut.WaitForElement("#scope-all").Click();
        cut.Find("#scope-save").Click();

        cut.WaitForAssertion(() => Assert.False(string.IsNullOrWhiteSpace(cut.Find("#member-action-error").TextContent)));
        var stored = await Get<IMembershipRepository>().GetAsync(signUp.PracticeId, clinician.MembershipId, Ct);
        Assert.Equal(ClientScope.GrantedOnly, stored!.ClientScope);
    }

    [Fact]
    public async Task LeavePractice_Clinician_RemovesTheMembershipEndsTheSessionAndGoesToSignIn()
    {
        var (signUp, _) = await SignInNewOwnerAsync();
        var clinician = await AddMemberAsync(signUp.PracticeId, PracticeRole.Clinician);
        await SignInAsync(clinician.Email);
        var session = Get<CurrentUser>().SessionId;
        var cut = Context.Render<AccountSettings>();

        cut.WaitForElement("#leave-practice").Click();
        cut.WaitForElement("#confirm-yes").Click();

        cut.WaitForAssertion(() => Assert.EndsWith("/account/sign-in?reason=left", Get<NavigationManager>().Uri, StringComparison.Ordinal));
        Assert.Null(await Get<IMembershipRepository>().GetAsync(signUp.PracticeId, clinician.MembershipId, Ct));
        Assert.Equal(SessionRevocationReason.MembershipRemoved, (await Get<ISessionRepository>().GetAsync(session, Ct))!.RevokedReason);
    }

    [Fact]
    public async Task LeavePractice_LastOwner_ShowsTheLastOwnerMessageAndStays()
    {
        var (signUp, _) = await SignInNewOwnerAsync();
        var cut = Context.Render<AccountSettings>();

        cut.WaitForElement("#leave-practice").Click();
        cut.WaitForElement("#confirm-yes").Click();

        cut.WaitForAssertion(() => Assert.Equal(MemberPolicy.LastOwnerMessage, cut.Find("#leave-error").TextContent.Trim()));
        Assert.NotNull(await Get<IMembershipRepository>().GetAsync(signUp.PracticeId, signUp.MembershipId, Ct));
        Assert.DoesNotContain("reason=left", Get<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    /// <summary>A new account with a password and a verified email, a member of the practice with <paramref name="role"/>.</summary>
    /// <remarks>A stored second factor (as the transfer rules require of a new owner) blocks a password-only sign-in.</remarks>
    private async Task<(MembershipId MembershipId, UserId UserId, string Email)> AddMemberAsync(PracticeId practiceId, PracticeRole role, bool hasMfa = false)
    {
        var now = Time.GetUtcNow();
        var email = $"member-{RandomNumberGenerator.GetHexString(12, lowercase: true)}@example.com";
        var user = new User(UserId.New(), User.NormalizeEmail(email), "Sam Lee", await Get<IPasswordHasher>().HashAsync(Password, Ct), now, EmailVerifiedAt: now);
        if (hasMfa)
        {
            user = user with { TotpSecret = "sealed-test-secret", MfaEnabledAt = now };
        }

        await Get<IUserRepository>().AddAsync(user, Ct);
        var membership = new Membership(MembershipId.New(), practiceId, user.Id, role, now);
        await Get<IMembershipRepository>().AddAsync(practiceId, membership, Ct);
        return (membership.Id, user.Id, user.Email);
    }

    private static IElement Row(IRenderedComponent<Members> cut, MembershipId membershipId) =>
        cut.Find($"tr[data-member-id='{membershipId}']");

    private static IElement Input(IRenderedComponent<Members> cut, string selector)
    {
        var element = cut.Find(selector);
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }
}
