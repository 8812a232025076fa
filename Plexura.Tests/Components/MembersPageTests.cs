using AngleSharp.Dom;
using Bunit;
using OtpNet;
using Plexura.Core.Identity;
using Plexura.Core.Identity.BeginMfaEnrollment;
using Plexura.Core.Identity.ConfirmMfaEnrollment;
using Plexura.Core.Practices.Access;
using Plexura.Web.Components.Pages.Practice;

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

    private async Task EnrollMfaAsync()
    {
        var enrollment = await Get<BeginMfaEnrollmentHandler>().HandleAsync(new BeginMfaEnrollmentCommand(), ClientInfo.Unknown, Ct);
        await Get<ConfirmMfaEnrollmentHandler>().HandleAsync(
            new ConfirmMfaEnrollmentCommand(enrollment.Secret, new Totp(Base32Encoding.ToBytes(enrollment.Secret)).ComputeTotp(Time.GetUtcNow().UtcDateTime)),
            ClientInfo.Unknown,
            Ct);
    }

    private static IElement Input(IRenderedComponent<Members> cut, string selector)
    {
        var element = cut.Find(selector);
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }
}
