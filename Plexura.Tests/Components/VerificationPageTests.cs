using Bunit;
using Plexura.Core.Auditing;
using Plexura.Core.Compliance.Checkpoints;
using Plexura.Web.Components.Pages.Compliance;

namespace Plexura.Tests.Components;

/// <summary>The chain verification page: start, result, checkpoints listed, refused without a second factor.</summary>
public sealed class VerificationPageTests : AppComponentTestBase
{
    [Fact]
    public async Task Verification_OwnerStarts_SeesTheResultAndTheCheckpoints()
    {
        var (signUp, _) = await SignInNewOwnerAsync();
        await EnrollMfaAsync();
        await Get<IAuditCheckpointService>().CreateAsync(signUp.PracticeId, "on-demand", Ct);
        var cut = Context.Render<Verification>();
        cut.WaitForElement("#verify-start");
        Assert.Contains("on-demand", cut.Find("#checkpoint-list").TextContent, StringComparison.Ordinal);

        cut.Find("#verify-start").Click();

        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("#verify-result").GetAttribute("data-valid")), TimeSpan.FromSeconds(30));
        Assert.Contains("verified", cut.Find("#verify-result").TextContent, StringComparison.Ordinal);
        var viewed = await Get<IAuditStore>().QueryAsync(signUp.PracticeId, new AuditQuery(Action: AuditAction.AuditLogViewed), Ct);
        Assert.Equal(GetAuditVerificationHandler.ViewTargetType, Assert.Single(viewed).TargetType);
    }

    [Fact]
    public async Task Verification_WithoutSecondFactor_IsRefused()
    {
        await SignInNewOwnerAsync();
        var cut = Context.Render<Verification>();

        cut.WaitForAssertion(() => Assert.Contains("two-step", cut.Find("#verify-denied").TextContent, StringComparison.Ordinal));
    }
}
