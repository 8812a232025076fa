using Bunit;
using Microsoft.AspNetCore.Components;
using Plexura.Core.Auditing;
using Plexura.Web.Components.Shared;

namespace Plexura.Tests.Components;

/// <summary>The router's refusal message, shown in a circuit when a page's policy turns the member away.</summary>
public sealed class AccessDeniedMessageTests : AppComponentTestBase
{
    [Fact]
    public async Task AccessDeniedMessage_SignedInMember_AuditsTheRefusedPageOnceWithoutTheQuery()
    {
        var (signUp, _) = await SignInNewOwnerAsync();
        Get<NavigationManager>().NavigateTo("/practice/members?tab=invitations");

        var cut = Context.Render<AccessDeniedMessage>();
        cut.Render();

        cut.WaitForElement("#access-denied");
        var refusal = Assert.Single(await Get<IAuditStore>().QueryAsync(signUp.PracticeId, new AuditQuery(Action: AuditAction.AccessRefused), Ct));
        Assert.Equal((AuditResult.Denied, signUp.UserId, "page", "GET /practice/members"), (refusal.Result, refusal.ActorUserId, refusal.TargetType, refusal.TargetId));
    }
}
