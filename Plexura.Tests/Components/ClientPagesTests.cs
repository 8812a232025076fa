using Bunit;
using Microsoft.AspNetCore.Components;
using Plexura.Core.Access;
using Plexura.Core.Access.GrantClientAccess;
using Plexura.Core.Clients;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;
using Plexura.Web.Components.Pages.Clients;

namespace Plexura.Tests.Components;

/// <summary>The client list and client pages, on the real use cases and storage.</summary>
public sealed class ClientPagesTests : ClientPagesTestBase
{
    [Fact]
    public async Task ClientList_NewClient_LandsAtItsConsentPanelAndTwoLetterSearchFindsOnlyIt()
    {
        await SignInVerifiedOwnerAsync();
        await CreateClientAsync(Dana with { Name = "Sam Lee" });
        var form = Context.Render<ClientList>();
        form.WaitForElement("#new-client").Click();

        Input(form, "#client-name").Input("Dana Reyes");
        Input(form, "#client-dob").Input("1990-04-02");
        Input(form, "#client-flags-restricted").Change(true);
        form.Find("#client-save").Click();
        form.WaitForAssertion(() => Assert.Matches("/clients/[0-9a-f-]{36}\\?at=consent$", Get<NavigationManager>().Uri));
        var cut = Context.Render<ClientList>();
        cut.WaitForElement("#client-search");
        Input(cut, "#client-search").Input("Da");
        PassDebounce();

        cut.WaitForAssertion(() =>
        {
            var list = cut.Find("#client-list").TextContent;
            Assert.Contains("Dana Reyes", list, StringComparison.Ordinal);
            Assert.Contains("Restricted", list, StringComparison.Ordinal);
            Assert.DoesNotContain("Sam Lee", list, StringComparison.Ordinal);
        });
        var link = cut.Find("#client-list a.client-link").GetAttribute("href")!;
        Assert.Matches("^/clients/[0-9a-f-]{36}$", link);
    }

    [Fact]
    public async Task ClientList_OneLetterSearch_AsksForTwoLetters()
    {
        await SignInVerifiedOwnerAsync();
        var cut = Context.Render<ClientList>();
        cut.WaitForElement("#client-search");

        Input(cut, "#client-search").Input("D");
        PassDebounce();

        cut.WaitForAssertion(() => Assert.Contains("at least 2 letters", cut.Find("#client-search-hint").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ClientList_OverLongName_ShowsTheRuleAndCreatesNothing()
    {
        var (practiceId, _, _) = await SignInVerifiedOwnerAsync();
        var cut = Context.Render<ClientList>();
        cut.WaitForElement("#new-client").Click();

        Input(cut, "#client-name").Input(new string('x', ClientValidation.NameMaxLength + 1));
        Input(cut, "#client-dob").Input("1990-04-02");
        cut.Find("#client-save").Click();

        cut.WaitForAssertion(() => Assert.Contains($"at most {ClientValidation.NameMaxLength} characters", cut.Find("#client-form-error").TextContent, StringComparison.Ordinal));
        Assert.Empty(await Get<IClientRepository>().ListAsync(practiceId, null, includeArchived: true, 10, Ct));
    }

    [Fact]
    public async Task ClientList_FutureBirthDate_ShowsTheRule()
    {
        await SignInVerifiedOwnerAsync();
        var cut = Context.Render<ClientList>();
        cut.WaitForElement("#new-client").Click();

        Input(cut, "#client-name").Input("Dana Reyes");
        Input(cut, "#client-dob").Input("2030-01-01");
        cut.Find("#client-save").Click();

        cut.WaitForAssertion(() => Assert.Contains("cannot be in the future", cut.Find("#client-form-error").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ClientDetails_RestrictedPart2Client_ShowsBothBanners()
    {
        await SignInVerifiedOwnerAsync();
        var id = await CreateClientAsync(Dana, restricted: true, part2: true);

        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, id.ToString()));

        cut.WaitForAssertion(() =>
        {
            Assert.Contains("§ 164.522", cut.Find("#client-restricted-banner").TextContent, StringComparison.Ordinal);
            Assert.Contains("42 CFR Part 2", cut.Find("#client-part2-banner").TextContent, StringComparison.Ordinal);
            Assert.Equal("Dana Reyes", cut.Find("#client-detail-name").TextContent);
        });
    }

    [Fact]
    public async Task ClientDetails_Edit_SavesAndShowsTheNewName()
    {
        await SignInVerifiedOwnerAsync();
        var id = await CreateClientAsync(Dana);
        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, id.ToString()));
        cut.WaitForElement("#client-edit").Click();

        Input(cut, "#client-name").Input("Dana Reyes-Ortiz");
        cut.Find("#client-save").Click();

        cut.WaitForAssertion(() => Assert.Equal("Dana Reyes-Ortiz", cut.Find("#client-detail-name").TextContent));
    }

    [Fact]
    public async Task ClientDetails_EditAfterSomeoneElseSaved_SaysToReload()
    {
        await SignInVerifiedOwnerAsync();
        var id = await CreateClientAsync(Dana);
        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, id.ToString()));
        cut.WaitForElement("#client-edit").Click();
        await Get<Plexura.Core.Clients.UpdateClient.UpdateClientHandler>().HandleAsync(
            new Plexura.Core.Clients.UpdateClient.UpdateClientCommand(id, Dana with { Name = "Dana Park" }, false, false, 0), ClientInfo.Unknown, Ct);

        Input(cut, "#client-name").Input("Dana Reyes-Ortiz");
        cut.Find("#client-save").Click();

        cut.WaitForAssertion(() => Assert.Contains("Someone else changed this client", cut.Find("#client-error").TextContent, StringComparison.Ordinal));
        cut.Find("#client-reload").Click();
        cut.WaitForAssertion(() => Assert.Equal("Dana Park", cut.Find("#client-detail-name").TextContent));
    }

    [Fact]
    public async Task ClientDetails_ArchiveConfirmed_ShowsArchivedAndHidesEdit()
    {
        await SignInVerifiedOwnerAsync();
        var id = await CreateClientAsync(Dana);
        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, id.ToString()));
        cut.WaitForElement("#client-archive").Click();

        cut.Find("#client-archive-confirm").Click();

        cut.WaitForElement("#client-archived-banner");
        Assert.Empty(cut.FindAll("#client-edit"));
        Assert.Empty(cut.FindAll("#client-archive"));
        Assert.Empty(cut.FindAll("#consent-record"));
    }

    [Fact]
    public async Task ClientDetails_AnotherPracticesClient_SaysNotFoundAndShowsNothingOfIt()
    {
        await SignInVerifiedOwnerAsync();
        var id = await CreateClientAsync(Dana);
        await SignInVerifiedOwnerAsync();

        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, id.ToString()));

        cut.WaitForElement("#client-not-found");
        Assert.DoesNotContain("Dana", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("#consent-panel"));
        Assert.Empty(cut.FindAll("#access-panel"));
    }

    [Fact]
    public async Task ClientDetails_MalformedId_SaysNotFound()
    {
        await SignInVerifiedOwnerAsync();

        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, "dana-reyes"));

        cut.WaitForElement("#client-not-found");
    }

    [Fact]
    public async Task ClientDetails_ClinicianWithoutAGrant_ShowsTheRefusal()
    {
        var (practiceId, _, _) = await SignInVerifiedOwnerAsync();
        var id = await CreateClientAsync(Dana);
        var (_, clinicianEmail) = await AddClinicianAsync(practiceId);
        await SignInAsync(clinicianEmail);

        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, id.ToString()));

        cut.WaitForAssertion(() => Assert.Equal(ClientAuthorization.NotGrantedMessage, cut.Find("#client-denied").TextContent.Trim()));
        Assert.DoesNotContain("Dana", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientDetails_ClinicianWithAViewGrant_SeesTheClientWithoutEditOrAccessPanel()
    {
        var (practiceId, _, _) = await SignInVerifiedOwnerAsync(withMfa: true);
        var id = await CreateClientAsync(Dana);
        var (membershipId, clinicianEmail) = await AddClinicianAsync(practiceId);
        await Get<GrantClientAccessHandler>().HandleAsync(
            new GrantClientAccessCommand(membershipId, id, new ClientPermissions(true, false, false, false)), ClientInfo.Unknown, Ct);
        await SignInAsync(clinicianEmail);

        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, id.ToString()));

        cut.WaitForAssertion(() => Assert.Equal("Dana Reyes", cut.Find("#client-detail-name").TextContent));
        cut.WaitForElement("#consent-panel");
        Assert.Empty(cut.FindAll("#client-edit"));
        Assert.Empty(cut.FindAll("#consent-record"));
        Assert.Empty(cut.FindAll("#access-panel"));
        Assert.Empty(cut.FindAll("#access-panel-unavailable"));
    }

    [Fact]
    public async Task ConsentPanel_RecordThenRevoke_ShowsActiveThenRevoked()
    {
        await SignInVerifiedOwnerAsync();
        var id = await CreateClientAsync(Dana);
        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, id.ToString()));
        cut.WaitForElement("#consent-record").Click();

        cut.WaitForAssertion(() =>
        {
            var row = cut.Find("#consent-list tbody tr").TextContent;
            Assert.Contains("Recording", row, StringComparison.Ordinal);
            Assert.Contains("Verbal", row, StringComparison.Ordinal);
            Assert.Contains("Dana Reyes", row, StringComparison.Ordinal);
            Assert.Equal("Active", cut.Find("#consent-list .consent-state").GetAttribute("data-state"));
        });
        Assert.Equal("false", cut.Find("#consent-recording-status").GetAttribute("data-can-record"));
        cut.Find("#consent-list .consent-revoke").Click();
        cut.WaitForElement("#consent-revoke-yes").Click();

        cut.WaitForAssertion(() => Assert.Equal("Revoked", cut.Find("#consent-list .consent-state").GetAttribute("data-state")));
        Assert.Empty(cut.FindAll("#consent-list .consent-revoke"));
    }

    [Fact]
    public async Task ConsentPanel_ExpiryInThePast_ShowsTheRuleAndRecordsNothing()
    {
        await SignInVerifiedOwnerAsync();
        var id = await CreateClientAsync(Dana);
        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, id.ToString()));
        cut.WaitForElement("#consent-record");

        Input(cut, "#consent-expires").Input("2020-01-01");
        cut.Find("#consent-record").Click();

        cut.WaitForAssertion(() => Assert.Contains("expiry", cut.Find("#consent-form-error").TextContent, StringComparison.Ordinal));
        Assert.NotEmpty(cut.FindAll("#consent-none"));
    }

    [Fact]
    public async Task AccessPanel_OwnerWithMfa_ListsTheOwnerAndAGrantedClinician()
    {
        var (practiceId, _, _) = await SignInVerifiedOwnerAsync(withMfa: true);
        var id = await CreateClientAsync(Dana);
        var (membershipId, _) = await AddClinicianAsync(practiceId);
        await Get<GrantClientAccessHandler>().HandleAsync(
            new GrantClientAccessCommand(membershipId, id, new ClientPermissions(true, true, false, false)), ClientInfo.Unknown, Ct);

        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, id.ToString()));

        cut.WaitForAssertion(() =>
        {
            var rows = cut.FindAll("#access-list tbody tr");
            var owner = Assert.Single(rows, r => r.TextContent.Contains("Dana Reyes", StringComparison.Ordinal));
            Assert.Contains("Owner", owner.TextContent, StringComparison.Ordinal);
            Assert.Equal("view,edit,push,export", owner.QuerySelector(".access-permissions")!.GetAttribute("data-permissions"));
            var clinician = Assert.Single(rows, r => r.TextContent.Contains("Jordan Park", StringComparison.Ordinal));
            Assert.Equal("view,edit", clinician.QuerySelector(".access-permissions")!.GetAttribute("data-permissions"));
            Assert.Contains("Granted for this client", clinician.TextContent, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task AccessPanel_GrantFromThePanel_AppearsAndCanBeRevoked()
    {
        var (practiceId, _, _) = await SignInVerifiedOwnerAsync(withMfa: true);
        var id = await CreateClientAsync(Dana);
        var (membershipId, _) = await AddClinicianAsync(practiceId);
        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, id.ToString()));
        cut.WaitForElement("#grant-member");

        cut.Find("#grant-member").Change(membershipId.ToString());
        Input(cut, "#grant-export").Change(true);
        cut.Find("#grant-submit").Click();

        cut.WaitForAssertion(() => Assert.Equal(
            "view,export", cut.Find($"#access-list td[data-membership-id='{membershipId}']").ParentElement!.QuerySelector(".access-permissions")!.GetAttribute("data-permissions")));
        cut.Find($"#access-revoke-{membershipId}").Click();
        cut.WaitForAssertion(() => Assert.Equal(
            "none", cut.Find($"#access-list td[data-membership-id='{membershipId}']").ParentElement!.QuerySelector(".access-permissions")!.GetAttribute("data-permissions")));
    }

    [Fact]
    public async Task AccessPanel_OwnerWithoutMfa_IsReplacedByWhatToDoFirst()
    {
        await SignInVerifiedOwnerAsync();
        var id = await CreateClientAsync(Dana);

        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, id.ToString()));

        cut.WaitForElement("#consent-panel");
        Assert.Empty(cut.FindAll("#access-panel"));
        Assert.Contains(PracticePolicy.ManagerNeedsMfaMessage, cut.Find("#access-panel-unavailable").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AccessPanel_ClientMarkedRestrictedFromTheEditForm_ShowsPushAndExportBlocked()
    {
        await SignInVerifiedOwnerAsync(withMfa: true);
        var id = await CreateClientAsync(Dana);
        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, id.ToString()));
        cut.WaitForAssertion(() => Assert.Equal("view,edit,push,export", cut.Find("#access-list .access-permissions").GetAttribute("data-permissions")));
        cut.Find("#client-edit").Click();

        Input(cut, "#client-flags-restricted").Change(true);
        cut.Find("#client-save").Click();

        cut.WaitForElement("#client-restricted-banner");
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("view,edit", cut.Find("#access-list .access-permissions").GetAttribute("data-permissions"));
            Assert.Contains("Restricted record", cut.Find("#access-list .access-reasons").TextContent, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task ConsentPanel_Part2DisclosureWithRecipientPurposeAndExpiry_IsListedActive()
    {
        await SignInVerifiedOwnerAsync();
        var id = await CreateClientAsync(Dana, part2: true);
        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, id.ToString()));
        cut.WaitForElement("#consent-kind-part2").Click();
        cut.WaitForElement("#consent-recipient");

        Input(cut, "#consent-recipient").Input("County clinic");
        Input(cut, "#consent-purpose").Input("Care coordination");
        Input(cut, "#consent-expires").Input("2027-06-30");
        cut.Find("#consent-method-written").Click();
        cut.Find("#consent-record").Click();

        cut.WaitForAssertion(() =>
        {
            var row = cut.Find("#consent-list tbody tr").TextContent;
            Assert.Contains("Substance-use record sharing", row, StringComparison.Ordinal);
            Assert.Contains("To County clinic, for Care coordination", row, StringComparison.Ordinal);
            Assert.Contains("Written", row, StringComparison.Ordinal);
            Assert.Contains("Wed 30 Jun 2027", row, StringComparison.Ordinal); // the day picked, shown as a day: it ends there at 23:59:59.999
            Assert.Equal("Active", cut.Find("#consent-list .consent-state").GetAttribute("data-state"));
        });
    }

    [Fact]
    public async Task ConsentPanel_Part2DisclosureWithoutRecipient_ShowsTheRule()
    {
        await SignInVerifiedOwnerAsync();
        var id = await CreateClientAsync(Dana, part2: true);
        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, id.ToString()));
        cut.WaitForElement("#consent-kind-part2").Click();
        cut.WaitForElement("#consent-recipient");

        Input(cut, "#consent-expires").Input("2027-06-30");
        cut.Find("#consent-record").Click();

        cut.WaitForAssertion(() => Assert.Contains("recipient, a purpose and an expiry", cut.Find("#consent-form-error").TextContent, StringComparison.Ordinal));
        Assert.NotEmpty(cut.FindAll("#consent-none"));
    }

    /// <summary>Moves the components' clock past the search box's debounce interval (MudBlazor times it on the injected clock).</summary>
    private void PassDebounce() => Time.Advance(TimeSpan.FromSeconds(1));
}
