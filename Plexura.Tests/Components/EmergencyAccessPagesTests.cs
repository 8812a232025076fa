using Bunit;
using Plexura.Core.Access.Emergency;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices;
using Plexura.Core.Users;
using Plexura.Web.Components.Pages.Clients;
using Plexura.Web.Components.Pages.Compliance;

namespace Plexura.Tests.Components;

/// <summary>Break-glass on screen: the client page's emergency form and the review page /compliance/emergency, on the real use cases.</summary>
public sealed class EmergencyAccessPagesTests : ClientPagesTestBase
{
    [Fact]
    public async Task ClientPage_DesignatedClinician_EmptyReasonRefused_ThenDeclares_SeesTheBannerAndTheClient()
    {
        var (practiceId, clientId, clinicianEmail, _) = await DesignatedClinicianAsync();
        await SignInAsync(clinicianEmail);
        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, clientId.ToString()));
        cut.WaitForElement("#client-denied");
        Assert.DoesNotContain("Harper", cut.Markup, StringComparison.Ordinal);

        cut.Find("#emergency-declare").Click();
        cut.WaitForElement("#emergency-submit").Click();

        cut.WaitForAssertion(() => Assert.Equal(EmergencyAccessMessages.ReasonMissingMessage, cut.Find("#emergency-error").TextContent.Trim()));
        Assert.Empty(await Get<IEmergencyAccessRepository>().ListAsync(practiceId, 10, Ct));
        Assert.Empty(cut.FindAll("#emergency-banner"));

        Input(cut, "#emergency-reason").Change("Crisis call while their clinician is on leave.");
        cut.Find("#emergency-submit").Click();

        cut.WaitForAssertion(() => Assert.Contains("Emergency access", cut.Find("#emergency-banner").TextContent, StringComparison.Ordinal));
        Assert.Equal("Harper Quill", cut.Find("#client-title").TextContent.Trim());
        Assert.Empty(cut.FindAll("#client-edit"));
        Assert.Empty(cut.FindAll("#client-start-session"));
        var access = Assert.Single(await Get<IEmergencyAccessRepository>().ListAsync(practiceId, 10, Ct));
        Assert.Equal(clientId, access.ClientId);
        Assert.DoesNotContain("Crisis", access.ReasonCiphertext, StringComparison.Ordinal);
        var events = await Get<IAuditStore>().QueryAsync(practiceId, new AuditQuery(Action: AuditAction.EmergencyAccess), Ct);
        Assert.Contains(events, e => e.Result == AuditResult.Failed);
        Assert.Contains(events, e => e.Result == AuditResult.Success && e.Details.GetValueOrDefault("phase") == "declared");
        Assert.Contains(events, e => e.Result == AuditResult.Success && e.Details.GetValueOrDefault("phase") == "view");
    }

    [Fact]
    public async Task ClientPage_UndesignatedClinician_IsRefusedWithoutAnEmergencyButton()
    {
        var (practiceId, _, _) = await SignInVerifiedOwnerAsync();
        var clientId = await CreateClientAsync(Dana);
        var (_, clinicianEmail) = await AddClinicianAsync(practiceId);
        await SignInAsync(clinicianEmail);

        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, clientId.ToString()));

        cut.WaitForElement("#client-denied");
        Assert.Empty(cut.FindAll("#emergency-card"));
        Assert.Empty(cut.FindAll("#emergency-declare"));
    }

    [Fact]
    public async Task ReviewPage_OwnerSeesTheUseWithItsReason_AcknowledgesWithANote_AndItShowsAsReviewed()
    {
        var (practiceId, clientId, clinicianEmail, ownerEmail) = await DesignatedClinicianAsync();
        await SignInAsync(clinicianEmail);
        var declared = await Get<DeclareEmergencyAccessHandler>().HandleAsync(
            new DeclareEmergencyAccessCommand(clientId, "Crisis call while their clinician is on leave."), ClientInfo.Unknown, Ct);
        await SignInAsync(ownerEmail);
        await EnrollMfaAsync();
        var cut = Context.Render<EmergencyAccessReview>();

        cut.WaitForElement($"#emergency-item-{declared.Id}");
        Assert.Equal("Crisis call while their clinician is on leave.", cut.Find($"#emergency-reason-{declared.Id}").TextContent);
        Assert.Contains("Jordan Park", cut.Find($"#emergency-item-{declared.Id}").TextContent, StringComparison.Ordinal);
        Assert.Contains(clientId.ToString(), cut.Find($"#emergency-item-{declared.Id}").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("Harper", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll($"#emergency-reviewed-{declared.Id}"));

        Input(cut, $"#emergency-note-{declared.Id}").Change("Confirmed with the clinician.");
        cut.Find($"#emergency-ack-{declared.Id}").Click();

        cut.WaitForAssertion(() => Assert.Contains("Confirmed with the clinician.", cut.Find($"#emergency-reviewed-{declared.Id}").TextContent, StringComparison.Ordinal));
        Assert.Contains("Dana Reyes", cut.Find($"#emergency-reviewed-{declared.Id}").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll($"#emergency-ack-{declared.Id}"));
        var stored = await Get<IEmergencyAccessRepository>().GetAsync(practiceId, declared.Id, Ct);
        Assert.NotNull(stored!.ReviewedAt);
        var reviewed = await Get<IAuditStore>().QueryAsync(practiceId, new AuditQuery(Action: AuditAction.EmergencyAccessReviewed), Ct);
        Assert.Equal(declared.Id.ToString(), Assert.Single(reviewed).TargetId);
    }

    [Fact]
    public async Task ReviewPage_NothingDeclared_SaysSo()
    {
        await SignInVerifiedOwnerAsync();
        await EnrollMfaAsync();

        var cut = Context.Render<EmergencyAccessReview>();

        cut.WaitForAssertion(() => Assert.Contains("No emergency access", cut.Find("#emergency-review-empty").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReviewPage_Clinician_IsRefusedAndSeesNoReason()
    {
        var (_, clientId, clinicianEmail, _) = await DesignatedClinicianAsync();
        await SignInAsync(clinicianEmail);
        await Get<DeclareEmergencyAccessHandler>().HandleAsync(new DeclareEmergencyAccessCommand(clientId, "Crisis call."), ClientInfo.Unknown, Ct);

        var cut = Context.Render<EmergencyAccessReview>();

        cut.WaitForElement("#emergency-review-denied");
        Assert.DoesNotContain("Crisis", cut.Markup, StringComparison.Ordinal);
    }

    /// <summary>An owner (signed in, no second factor yet), a client "Harper Quill", and a clinician "Jordan Park" the practice designated for emergency access.</summary>
    private async Task<(PracticeId PracticeId, ClientId ClientId, string ClinicianEmail, string OwnerEmail)> DesignatedClinicianAsync()
    {
        var (practiceId, _, ownerEmail) = await SignInVerifiedOwnerAsync();
        var clientId = await CreateClientAsync(Dana with { Name = "Harper Quill" });
        var (_, clinicianEmail) = await AddClinicianAsync(practiceId);
        var clinician = await Get<IUserRepository>().FindByEmailAsync(clinicianEmail, Ct);
        var practices = Get<IPracticeRepository>();
        var practice = await practices.GetAsync(practiceId, Ct);
        await practices.UpdateAsync(practiceId, practice! with { EmergencyAccessMembers = [clinician!.Id] }, Ct);
        return (practiceId, clientId, clinicianEmail, ownerEmail);
    }
}
