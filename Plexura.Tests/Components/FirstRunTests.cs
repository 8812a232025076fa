using System.Security.Cryptography;
using Bunit;
using Microsoft.AspNetCore.Components;
using Plexura.Core.Common;
using Plexura.Core.Consent;
using Plexura.Core.Consent.RecordConsent;
using Plexura.Core.Identity;
using Plexura.Core.Invitations.InviteMember;
using Plexura.Core.Memberships;
using Plexura.Core.Users;
using Plexura.Web.Components.Pages;
using Plexura.Web.Components.Shared;

namespace Plexura.Tests.Components;

/// <summary>The home page answers "what do I do next?": the landing page, a new owner's checklist, a clinician's contacts.</summary>
public sealed class FirstRunTests : ClientPagesTestBase
{
    private static readonly string[] Steps = ["VerifyEmail", "TwoStepSignIn", "InviteMember", "AddClient", "RecordConsent"];

    [Fact]
    public void Home_Anonymous_OffersCreateAPracticeAndSignIn()
    {
        var cut = Context.Render<Home>();

        Assert.Equal("/account/sign-up", cut.Find("#create-practice").GetAttribute("href"));
        Assert.Contains("Create a practice", cut.Find("#create-practice").TextContent, StringComparison.Ordinal);
        Assert.Equal("/account/sign-in", cut.Find("#landing-sign-in").GetAttribute("href"));
    }

    [Fact]
    public async Task FirstRun_NewOwner_ListsEveryStepUndoneAndOffersTheFirst()
    {
        await SignInNewOwnerAsync();

        var cut = Context.Render<FirstRunPanel>();

        cut.WaitForAssertion(() => Assert.Equal(Steps, cut.FindAll("#first-run-checklist li").Select(li => li.GetAttribute("data-step"))));
        Assert.All(cut.FindAll("#first-run-checklist li"), li => Assert.Equal("false", li.GetAttribute("data-done")));
        Assert.Equal("/account", cut.Find("#first-run-VerifyEmail").GetAttribute("href"));
        Assert.Contains("an owner of Riverbend Counseling", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstRun_VerifiedOwnerWithMfaAndAnInvitation_MarksThoseDoneAndOffersAddingAClient()
    {
        await SignInVerifiedOwnerAsync(withMfa: true);
        await Get<InviteMemberHandler>().HandleAsync(new InviteMemberCommand("jordan.park@example.com", PracticeRole.Clinician), ClientInfo.Unknown, Ct);

        var cut = Context.Render<FirstRunPanel>();

        cut.WaitForAssertion(() => Assert.Equal(
            ["true", "true", "true", "false", "false"], cut.FindAll("#first-run-checklist li").Select(li => li.GetAttribute("data-done"))));
        Assert.Empty(cut.FindAll("#first-run-VerifyEmail"));
        Assert.Empty(cut.FindAll("#first-run-TwoStepSignIn"));
        Assert.Empty(cut.FindAll("#first-run-InviteMember"));
        Assert.Equal("/clients?new=1", cut.Find("#first-run-AddClient").GetAttribute("href"));
        Assert.Contains("3 of 5 done", cut.Find("#first-run-checklist").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstRun_ClientAddedWithoutConsent_LeavesOnlyRecordConsent()
    {
        await SignInVerifiedOwnerAsync(withMfa: true);
        await Get<InviteMemberHandler>().HandleAsync(new InviteMemberCommand("jordan.park@example.com", PracticeRole.Clinician), ClientInfo.Unknown, Ct);
        await CreateClientAsync(Dana);

        var cut = Context.Render<FirstRunPanel>();

        cut.WaitForAssertion(() => Assert.Equal(
            ["true", "true", "true", "true", "false"], cut.FindAll("#first-run-checklist li").Select(li => li.GetAttribute("data-done"))));
        Assert.NotNull(cut.Find("#first-run-RecordConsent"));
    }

    [Fact]
    public async Task FirstRun_EveryStepDone_ChecklistIsGoneAndClientsAreOffered()
    {
        await SignInVerifiedOwnerAsync(withMfa: true);
        await Get<InviteMemberHandler>().HandleAsync(new InviteMemberCommand("jordan.park@example.com", PracticeRole.Clinician), ClientInfo.Unknown, Ct);
        var clientId = await CreateClientAsync(Dana);
        await Get<RecordConsentHandler>().HandleAsync(
            new RecordConsentCommand(clientId, new ConsentDetails(ConsentKind.Recording, ConsentMethod.Verbal, Time.GetUtcNow())), ClientInfo.Unknown, Ct);

        var cut = Context.Render<FirstRunPanel>();

        cut.WaitForElement("#home-clients");
        Assert.Empty(cut.FindAll("#first-run-checklist"));
    }

    [Fact]
    public async Task FirstRun_ClinicianWithoutClients_NamesTheOwnersAndAdminsToAsk()
    {
        var (practiceId, _, _) = await SignInVerifiedOwnerAsync();
        await CreateClientAsync(Dana);
        await AddMemberAsync(practiceId, PracticeRole.Admin, "Sam Lee");
        await AddMemberAsync(practiceId, PracticeRole.Compliance, "Casey Moss");
        var (_, clinicianEmail) = await AddClinicianAsync(practiceId);
        await SignInAsync(clinicianEmail);

        var cut = Context.Render<FirstRunPanel>();

        cut.WaitForAssertion(() => Assert.Equal("Dana Reyes or Sam Lee", cut.Find("#access-contacts").TextContent));
        Assert.Contains("cannot see any client yet", cut.Find("#no-clients-ask").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("Casey Moss", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("#first-run-checklist"));
    }

    [Fact]
    public async Task FirstRun_ClinicianWithAClient_IsNotToldToAsk()
    {
        var (practiceId, _, _) = await SignInVerifiedOwnerAsync();
        var (_, clinicianEmail) = await AddClinicianAsync(practiceId);
        await SignInAsync(clinicianEmail);
        await CreateClientAsync(Dana);

        var cut = Context.Render<FirstRunPanel>();

        cut.WaitForElement("#home-clients");
        Assert.Empty(cut.FindAll("#no-clients-ask"));
    }

    [Fact]
    public async Task VerificationBanner_VerifiedElsewhere_DisappearsOnTheNextPage()
    {
        var (signUp, _) = await SignInNewOwnerAsync();
        var cut = Context.Render<VerificationBanner>();
        cut.WaitForElement("#verify-email-banner");

        var users = Get<IUserRepository>();
        var user = await users.GetAsync(signUp.UserId, Ct);
        await users.UpdateAsync(user! with { EmailVerifiedAt = Time.GetUtcNow() }, Ct);
        await cut.InvokeAsync(() => Get<NavigationManager>().NavigateTo("/clients"));

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#verify-email-banner")));
    }

    [Fact]
    public async Task UserMenu_SignedIn_ShowsTheNameNotTheEmail()
    {
        var (_, email) = await SignInNewOwnerAsync();

        var cut = Context.Render<UserMenu>();

        cut.WaitForAssertion(() => Assert.Equal("Dana Reyes", cut.Find("#account-link").TextContent.Trim()));
        Assert.DoesNotContain(email, cut.Find("#account-link").TextContent, StringComparison.Ordinal);
    }

    private async Task AddMemberAsync(PracticeId practiceId, PracticeRole role, string name)
    {
        var now = Time.GetUtcNow();
        var email = $"member-{RandomNumberGenerator.GetHexString(12, lowercase: true)}@example.com";
        var user = new User(UserId.New(), User.NormalizeEmail(email), name, "not-a-usable-hash", now, EmailVerifiedAt: now);
        await Get<IUserRepository>().AddAsync(user, Ct);
        await Get<IMembershipRepository>().AddAsync(practiceId, new Membership(MembershipId.New(), practiceId, user.Id, role, now), Ct);
    }
}
