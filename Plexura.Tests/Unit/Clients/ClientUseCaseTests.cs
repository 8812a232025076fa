using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Access;
using Plexura.Core.Access.GrantClientAccess;
using Plexura.Core.Auditing;
using Plexura.Core.Clients;
using Plexura.Core.Clients.ArchiveClient;
using Plexura.Core.Clients.CreateClient;
using Plexura.Core.Clients.GetClient;
using Plexura.Core.Clients.ListClients;
using Plexura.Core.Clients.SearchClients;
using Plexura.Core.Clients.UpdateClient;
using Plexura.Core.Common;
using Plexura.Core.Consent;
using Plexura.Core.Consent.ListConsents;
using Plexura.Core.Consent.RecordConsent;
using Plexura.Core.Consent.RevokeConsent;
using Plexura.Core.Identity;
using Plexura.Core.Memberships;
using Plexura.Core.Practices;
using Plexura.Tests.Persistence;
using Plexura.Tests.Unit.Practices;

namespace Plexura.Tests.Unit.Clients;

/// <summary>Creating and opening clients on the real storage, access gate and audit log.</summary>
public sealed class ClientUseCaseTests(SqliteStorageFixture fixture) : PracticeUseCaseTestBase(fixture)
{
    private static readonly ClientDetails Dana = new("Dana Reyes", new DateOnly(1990, 4, 2), "she/her");

    [Fact]
    public async Task CreateClient_Clinician_StoresItEncryptedAuditsWithoutPhiAndCanOpenIt()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);

        var id = await As<CreateClientHandler>(clinician).HandleAsync(new CreateClientCommand(Dana, IsRestricted: true), ClientInfo.Unknown, Ct);
        var view = await As<GetClientHandler>(clinician).HandleAsync(new GetClientCommand(id), ClientInfo.Unknown, Ct);

        Assert.Equal(Dana, view.Details);
        Assert.True(view.IsRestricted);
        Assert.Equal(new ClientPermissions(true, true, false, false), view.Permissions);
        var stored = await Fixture.Get<IClientRepository>().GetAsync(owner.PracticeId, id, Ct);
        Assert.DoesNotContain("Dana", stored!.ProtectedName, StringComparison.Ordinal);
        var created = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.Created), e => e.TargetType == "client");
        Assert.Equal(id.ToString(), created.ClientId);
        var viewed = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.PhiViewed));
        Assert.Equal(AuditResult.Success, viewed.Result);
        Assert.All(await AuditAsync(owner.PracticeId), e => Assert.DoesNotContain("Dana", string.Join(' ', e.Details.Values), StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateClient_Compliance_IsDeniedAuditedAndStoresNothing()
    {
        var owner = await NewVerifiedPracticeAsync();
        var compliance = await AddMemberAsync(owner.PracticeId, PracticeRole.Compliance);

        var error = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<CreateClientHandler>(compliance).HandleAsync(new CreateClientCommand(Dana), ClientInfo.Unknown, Ct));

        Assert.Equal(ClientAuthorization.CannotCreateClientsMessage, error.Message);
        Assert.Contains(await AuditAsync(owner.PracticeId, AuditAction.Created), e => e.Result == AuditResult.Denied);
        Assert.Empty(await Fixture.Get<IClientRepository>().ListAsync(owner.PracticeId, null, includeArchived: true, 10, Ct));
    }

    [Fact]
    public async Task GetClient_ClinicianWithoutAGrant_IsDeniedAndAuditedAsDenied()
    {
        var owner = await NewVerifiedPracticeAsync();
        var id = await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(Dana), ClientInfo.Unknown, Ct);
        var other = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);

        await Assert.ThrowsAsync<AccessDeniedException>(() => As<GetClientHandler>(other).HandleAsync(new GetClientCommand(id), ClientInfo.Unknown, Ct));

        var denied = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.PhiViewed));
        Assert.Equal((AuditResult.Denied, id.ToString()), (denied.Result, denied.ClientId));
    }

    [Fact]
    public async Task GetClient_AnotherPracticesClient_IsNotFound()
    {
        var owner = await NewVerifiedPracticeAsync();
        var id = await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(Dana), ClientInfo.Unknown, Ct);
        var stranger = await NewVerifiedPracticeAsync();

        await Assert.ThrowsAsync<RecordNotFoundException>(() => As<GetClientHandler>(stranger).HandleAsync(new GetClientCommand(id), ClientInfo.Unknown, Ct));
    }

    [Fact]
    public async Task CreateClient_OverLongName_IsRefusedAuditedWithoutEchoingIt()
    {
        var owner = await NewVerifiedPracticeAsync();
        var name = new string('x', 500);

        var error = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(Dana with { Name = name }), ClientInfo.Unknown, Ct));

        Assert.DoesNotContain(name, error.Message, StringComparison.Ordinal);
        Assert.Empty(await Fixture.Get<IClientRepository>().ListAsync(owner.PracticeId, null, includeArchived: true, 10, Ct));
        var refused = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.Created), e => e.TargetType == "client");
        Assert.Equal((AuditResult.Failed, "invalid-input", error.Message), (refused.Result, refused.Details["reason"], refused.Details["rule"]));
        Assert.DoesNotContain(name, string.Join(' ', refused.Details.Values), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordConsent_RecordingAndAiConsent_AllowRecordingUntilOneIsRevoked()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var id = await As<CreateClientHandler>(clinician).HandleAsync(new CreateClientCommand(Dana), ClientInfo.Unknown, Ct);

        var recording = await As<RecordConsentHandler>(clinician).HandleAsync(
            new RecordConsentCommand(id, new ConsentDetails(ConsentKind.Recording, ConsentMethod.Verbal, Now)), ClientInfo.Unknown, Ct);
        Assert.False(ConsentRules.CanStartRecording(await ConsentsAsync(owner, id), Now));
        await As<RecordConsentHandler>(clinician).HandleAsync(
            new RecordConsentCommand(id, new ConsentDetails(ConsentKind.AiProcessing, ConsentMethod.Written, Now, Now.AddDays(365), Notes: "Signed form")),
            ClientInfo.Unknown, Ct);
        Assert.True(ConsentRules.CanStartRecording(await ConsentsAsync(owner, id), Now));

        await As<RevokeConsentHandler>(clinician).HandleAsync(new RevokeConsentCommand(id, recording, "Client asked"), ClientInfo.Unknown, Ct);

        Assert.False(ConsentRules.CanStartRecording(await ConsentsAsync(owner, id), Now));
        var events = await AuditAsync(owner.PracticeId);
        Assert.Equal(2, events.Count(e => e.TargetType == "client-consent" && e.Action == AuditAction.Created));
        Assert.Single(events, e => e.TargetType == "client-consent" && e.Action == AuditAction.Updated && e.Details["change"] == "revoked");
        Assert.All(events, e => Assert.DoesNotContain("Signed form", string.Join(' ', e.Details.Values), StringComparison.Ordinal));
    }

    [Fact]
    public async Task RecordConsent_ExpiryInThePast_IsRefusedAuditedAndStoresNothing()
    {
        var owner = await NewVerifiedPracticeAsync();
        var id = await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(Dana), ClientInfo.Unknown, Ct);

        await Assert.ThrowsAsync<ValidationFailedException>(() => As<RecordConsentHandler>(owner).HandleAsync(
            new RecordConsentCommand(id, new ConsentDetails(ConsentKind.Recording, ConsentMethod.Verbal, Now.AddDays(-2), Now.AddDays(-1))), ClientInfo.Unknown, Ct));

        Assert.Empty(await ConsentsAsync(owner, id));
        var refused = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.Created), e => e.TargetType == "client-consent");
        Assert.Equal((AuditResult.Failed, id.ToString()), (refused.Result, refused.ClientId));
    }

    [Fact]
    public async Task RecordConsent_ComplianceMember_IsDeniedAndAudited()
    {
        var owner = await NewVerifiedPracticeAsync();
        var id = await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(Dana), ClientInfo.Unknown, Ct);
        var compliance = await AddMemberAsync(owner.PracticeId, PracticeRole.Compliance);

        await Assert.ThrowsAsync<AccessDeniedException>(() => As<RecordConsentHandler>(compliance).HandleAsync(
            new RecordConsentCommand(id, new ConsentDetails(ConsentKind.Recording, ConsentMethod.Verbal, Now)), ClientInfo.Unknown, Ct));

        Assert.Contains(await AuditAsync(owner.PracticeId, AuditAction.Updated), e => e.Result == AuditResult.Denied && e.ClientId == id.ToString());
        Assert.Empty(await ConsentsAsync(owner, id));
    }

    [Fact]
    public async Task RevokeConsent_ConsentOfAnotherClient_IsNotFoundAuditedAndStaysActive()
    {
        var owner = await NewVerifiedPracticeAsync();
        var first = await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(Dana), ClientInfo.Unknown, Ct);
        var second = await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(Dana with { Name = "Sam Lee" }), ClientInfo.Unknown, Ct);
        var consent = await As<RecordConsentHandler>(owner).HandleAsync(
            new RecordConsentCommand(first, new ConsentDetails(ConsentKind.Recording, ConsentMethod.Verbal, Now)), ClientInfo.Unknown, Ct);

        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            As<RevokeConsentHandler>(owner).HandleAsync(new RevokeConsentCommand(second, consent), ClientInfo.Unknown, Ct));

        Assert.False((await ConsentsAsync(owner, first)).Single().IsRevoked);
        var denied = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.Updated), e => e.TargetType == "client-consent");
        Assert.Equal((AuditResult.Denied, "unknown-consent", consent.ToString()), (denied.Result, denied.Details["reason"], denied.TargetId));
    }

    [Fact]
    public async Task UpdateClient_CreatorWithCurrentVersion_ChangesDetailsAndFlagsAndAStaleVersionConflicts()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var id = await As<CreateClientHandler>(clinician).HandleAsync(new CreateClientCommand(Dana), ClientInfo.Unknown, Ct);
        var renamed = Dana with { Name = "Dana Reyes-Ortiz" };

        await As<UpdateClientHandler>(clinician).HandleAsync(new UpdateClientCommand(id, renamed, IsRestricted: true, IsPart2: true, ExpectedVersion: 0), ClientInfo.Unknown, Ct);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => As<UpdateClientHandler>(clinician).HandleAsync(
            new UpdateClientCommand(id, Dana, IsRestricted: false, IsPart2: false, ExpectedVersion: 0), ClientInfo.Unknown, Ct));

        var view = await As<GetClientHandler>(clinician).HandleAsync(new GetClientCommand(id), ClientInfo.Unknown, Ct);
        Assert.Equal((renamed, true, true), (view.Details, view.IsRestricted, view.IsPart2));
        var updated = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.Updated), e => e.Result == AuditResult.Success);
        Assert.Equal("true", updated.Details["flagsChanged"]);
    }

    [Fact]
    public async Task ArchiveClient_Owner_KeepsItViewableButNoLongerEditable()
    {
        var owner = await NewVerifiedPracticeAsync();
        var id = await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(Dana), ClientInfo.Unknown, Ct);

        await As<ArchiveClientHandler>(owner).HandleAsync(new ArchiveClientCommand(id), ClientInfo.Unknown, Ct);

        Assert.True((await As<GetClientHandler>(owner).HandleAsync(new GetClientCommand(id), ClientInfo.Unknown, Ct)).IsArchived);
        await Assert.ThrowsAsync<AccessDeniedException>(() => As<UpdateClientHandler>(owner).HandleAsync(
            new UpdateClientCommand(id, Dana, false, false, ExpectedVersion: 1), ClientInfo.Unknown, Ct));
        Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.Deleted), e => e.Details["change"] == "archived");
    }

    [Fact]
    public async Task SearchClients_ByNamePrefix_ReturnsOnlyWhatEachMemberMayViewAndNothingOfOtherPractices()
    {
        var owner = await NewVerifiedPracticeAsync();
        var creator = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var outsider = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(Dana), ClientInfo.Unknown, Ct);
        await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(Dana with { Name = "Sam Lee" }), ClientInfo.Unknown, Ct);
        var park = await As<CreateClientHandler>(creator).HandleAsync(new CreateClientCommand(Dana with { Name = "Dana Park" }), ClientInfo.Unknown, Ct);
        var stranger = await NewVerifiedPracticeAsync();
        await As<CreateClientHandler>(stranger).HandleAsync(new CreateClientCommand(Dana), ClientInfo.Unknown, Ct);

        var ownerSees = await As<SearchClientsHandler>(owner).HandleAsync(new SearchClientsCommand("da"), ClientInfo.Unknown, Ct);
        var creatorSees = await As<SearchClientsHandler>(creator).HandleAsync(new SearchClientsCommand("dan"), ClientInfo.Unknown, Ct);
        var outsiderSees = await As<SearchClientsHandler>(outsider).HandleAsync(new SearchClientsCommand("dana"), ClientInfo.Unknown, Ct);
        var oneLetter = await As<SearchClientsHandler>(owner).HandleAsync(new SearchClientsCommand("d"), ClientInfo.Unknown, Ct);

        Assert.Equal(["Dana Park", "Dana Reyes"], ownerSees.Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.Equal(park, Assert.Single(creatorSees).ClientId);
        Assert.Empty(outsiderSees);
        Assert.Empty(oneLetter);
        // Ids are hex, so "da" may occur in them: the query is looked for in every detail but the shown ids.
        Assert.All(await AuditAsync(owner.PracticeId, AuditAction.PhiViewed), e => Assert.DoesNotContain(
            "da", string.Join(' ', e.Details.Where(d => !d.Key.StartsWith("clients-", StringComparison.Ordinal)).Select(d => d.Value)), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task SearchClients_ShowingClientsOrNothing_AuditsTheShownIdsAndEmptySearchesWithoutNamesOrQuery()
    {
        var owner = await NewVerifiedPracticeAsync();
        var dana = await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(Dana), ClientInfo.Unknown, Ct);
        var park = await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(Dana with { Name = "Dana Park" }), ClientInfo.Unknown, Ct);
        await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(Dana with { Name = "Sam Lee" }), ClientInfo.Unknown, Ct);

        await As<SearchClientsHandler>(owner).HandleAsync(new SearchClientsCommand("dana"), ClientInfo.Unknown, Ct);
        await As<SearchClientsHandler>(owner).HandleAsync(new SearchClientsCommand("zelda"), ClientInfo.Unknown, Ct);
        await As<SearchClientsHandler>(owner).HandleAsync(new SearchClientsCommand("z"), ClientInfo.Unknown, Ct);

        var searches = (await AuditAsync(owner.PracticeId, AuditAction.PhiViewed)).Where(e => e.TargetType == "client-search").OrderBy(e => e.Sequence).ToList();
        Assert.Equal(3, searches.Count);
        Assert.Equal(new[] { dana, park }.OrderBy(id => id.Value), ShownClients.Read(searches[0].Details).OrderBy(id => id.Value));
        Assert.Equal("2", searches[0].Details["shown"]);
        Assert.All(searches.Skip(1), e => Assert.Equal(("0", 0), (e.Details["shown"], ShownClients.Read(e.Details).Count)));
        Assert.All(searches, e => Assert.Equal(owner.UserId, e.ActorUserId));
        var written = string.Join(' ', searches.SelectMany(e => e.Details.Keys.Concat(e.Details.Values)));
        Assert.DoesNotContain("dana", written, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("zelda", written, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Reyes", written, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ListClients_FullPage_AuditsTheIdOfEveryClientShown()
    {
        var owner = await NewVerifiedPracticeAsync();
        for (var i = 0; i < ListClientsCommand.PageSize + 1; i++)
        {
            await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(Dana with { Name = $"Client Number{i}" }), ClientInfo.Unknown, Ct);
        }

        var page = await As<ListClientsHandler>(owner).HandleAsync(new ListClientsCommand(), ClientInfo.Unknown, Ct);

        var listed = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.PhiViewed), e => e.TargetType == "client-list");
        Assert.Equal(page.Clients.Select(c => c.ClientId), ShownClients.Read(listed.Details));
        Assert.Equal(ListClientsCommand.PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture), listed.Details["shown"]);
        Assert.DoesNotContain("Client", string.Join(' ', listed.Details.Values), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListClients_ClinicianAndOwner_ListOnlyViewableClientsAuditedOncePerPageWithoutNames()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(Dana), ClientInfo.Unknown, Ct);
        var own = await As<CreateClientHandler>(clinician).HandleAsync(new CreateClientCommand(Dana with { Name = "Sam Lee" }), ClientInfo.Unknown, Ct);
        var archived = await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(Dana with { Name = "Ari Cole" }), ClientInfo.Unknown, Ct);
        await As<ArchiveClientHandler>(owner).HandleAsync(new ArchiveClientCommand(archived), ClientInfo.Unknown, Ct);
        var stranger = await NewVerifiedPracticeAsync();
        await As<CreateClientHandler>(stranger).HandleAsync(new CreateClientCommand(Dana with { Name = "Other Practice" }), ClientInfo.Unknown, Ct);

        var ownerSees = await As<ListClientsHandler>(owner).HandleAsync(new ListClientsCommand(), ClientInfo.Unknown, Ct);
        var ownerWithArchived = await As<ListClientsHandler>(owner).HandleAsync(new ListClientsCommand(IncludeArchived: true), ClientInfo.Unknown, Ct);
        var clinicianSees = await As<ListClientsHandler>(clinician).HandleAsync(new ListClientsCommand(), ClientInfo.Unknown, Ct);

        // Listed in id order (names are encrypted, so the store cannot sort by them); ids made in one millisecond have no order.
        Assert.Equal(["Dana Reyes", "Sam Lee"], ownerSees.Clients.Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.Null(ownerSees.NextAfter);
        Assert.Equal(["Ari Cole", "Dana Reyes", "Sam Lee"], ownerWithArchived.Clients.Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.Equal(own, Assert.Single(clinicianSees.Clients).ClientId);
        var listed = (await AuditAsync(owner.PracticeId, AuditAction.PhiViewed)).Where(e => e.TargetType == "client-list").ToList();
        Assert.Equal(3, listed.Count);
        Assert.All(listed, e => Assert.DoesNotContain("Dana", string.Join(' ', e.Details.Values), StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListClients_ClinicianWithGrantsAmongManyClients_GetsFullPagesOfExactlyTheirClients()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var theirs = new List<ClientId>();
        for (var i = 0; i < 60; i++)
        {
            var id = await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(Dana with { Name = $"Client Number{i}" }), ClientInfo.Unknown, Ct);
            if (i % 2 == 0)
            {
                await As<GrantClientAccessHandler>(owner).HandleAsync(
                    new GrantClientAccessCommand(clinician.MembershipId, id, new ClientPermissions(true, false, false, false)), ClientInfo.Unknown, Ct);
                theirs.Add(id);
            }
        }

        theirs.Add(await As<CreateClientHandler>(clinician).HandleAsync(new CreateClientCommand(Dana with { Name = "Own Client" }), ClientInfo.Unknown, Ct));

        var first = await As<ListClientsHandler>(clinician).HandleAsync(new ListClientsCommand(), ClientInfo.Unknown, Ct);
        var second = await As<ListClientsHandler>(clinician).HandleAsync(new ListClientsCommand(first.NextAfter), ClientInfo.Unknown, Ct);

        Assert.Equal(ListClientsCommand.PageSize, first.Clients.Count);
        Assert.NotNull(first.NextAfter);
        Assert.Equal(theirs.Count - ListClientsCommand.PageSize, second.Clients.Count);
        Assert.Null(second.NextAfter);
        var listed = first.Clients.Concat(second.Clients).Select(c => c.ClientId.ToString()).ToList();
        Assert.Equal(listed.Order(StringComparer.Ordinal), listed);
        Assert.Equal(theirs.Select(id => id.ToString()).Order(StringComparer.Ordinal), listed);
    }

    [Fact]
    public async Task ListClients_MoreThanAPage_ContinuesFromTheCursor()
    {
        var owner = await NewVerifiedPracticeAsync();
        for (var i = 0; i < ListClientsCommand.PageSize + 2; i++)
        {
            await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(Dana with { Name = $"Client {i}" }), ClientInfo.Unknown, Ct);
        }

        var first = await As<ListClientsHandler>(owner).HandleAsync(new ListClientsCommand(), ClientInfo.Unknown, Ct);
        var second = await As<ListClientsHandler>(owner).HandleAsync(new ListClientsCommand(first.NextAfter), ClientInfo.Unknown, Ct);

        Assert.Equal(ListClientsCommand.PageSize, first.Clients.Count);
        Assert.NotNull(first.NextAfter);
        Assert.Equal(2, second.Clients.Count);
        Assert.Empty(first.Clients.Select(c => c.ClientId).Intersect(second.Clients.Select(c => c.ClientId)));
    }

    [Fact]
    public async Task ListClients_ComplianceMember_IsRefusedAuditedAndSeesNothing()
    {
        var owner = await NewVerifiedPracticeAsync();
        await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(Dana), ClientInfo.Unknown, Ct);
        var compliance = await AddMemberAsync(owner.PracticeId, PracticeRole.Compliance);

        var error = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<ListClientsHandler>(compliance).HandleAsync(new ListClientsCommand(), ClientInfo.Unknown, Ct));

        Assert.Equal(ClientAuthorization.NoClinicalRecordsMessage, error.Message);
        var events = await AuditAsync(owner.PracticeId, AuditAction.PhiViewed);
        Assert.DoesNotContain(events, e => e.Result == AuditResult.Success);
        Assert.Contains(events, e => e.Result == AuditResult.Denied && e.ActorUserId == compliance.UserId);
    }

    [Fact]
    public async Task ListConsents_RecordedAndRevoked_ShowsStatesTextAndRecorderAndAuditsOneView()
    {
        var owner = await NewVerifiedPracticeAsync();
        var id = await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(Dana, IsPart2: true), ClientInfo.Unknown, Ct);
        var recording = await As<RecordConsentHandler>(owner).HandleAsync(
            new RecordConsentCommand(id, new ConsentDetails(ConsentKind.Recording, ConsentMethod.Verbal, Now)), ClientInfo.Unknown, Ct);
        await As<RecordConsentHandler>(owner).HandleAsync(
            new RecordConsentCommand(id, new ConsentDetails(ConsentKind.Part2Disclosure, ConsentMethod.Written, Now, Now.AddDays(30), "County clinic", "Care coordination")),
            ClientInfo.Unknown, Ct);
        await As<RevokeConsentHandler>(owner).HandleAsync(new RevokeConsentCommand(id, recording), ClientInfo.Unknown, Ct);

        var list = await As<ListConsentsHandler>(owner).HandleAsync(new ListConsentsCommand(id), ClientInfo.Unknown, Ct);

        Assert.False(list.CanStartRecording);
        Assert.Equal(ConsentState.Revoked, Assert.Single(list.Consents, c => c.Kind == ConsentKind.Recording).State);
        var disclosure = Assert.Single(list.Consents, c => c.Kind == ConsentKind.Part2Disclosure);
        Assert.Equal((ConsentState.Active, "County clinic", "Care coordination", "Dana Reyes"), (disclosure.State, disclosure.Recipient, disclosure.Purpose, disclosure.RecordedByName));
        var viewed = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.PhiViewed), e => e.TargetType == "client-consent");
        Assert.Equal((id.ToString(), "2"), (viewed.ClientId, viewed.Details["shown"]));
        Assert.DoesNotContain("County", string.Join(' ', viewed.Details.Values), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListConsents_ClinicianWithoutAGrant_IsDenied()
    {
        var owner = await NewVerifiedPracticeAsync();
        var id = await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(Dana), ClientInfo.Unknown, Ct);
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);

        await Assert.ThrowsAsync<AccessDeniedException>(() => As<ListConsentsHandler>(clinician).HandleAsync(new ListConsentsCommand(id), ClientInfo.Unknown, Ct));

        Assert.DoesNotContain(await AuditAsync(owner.PracticeId, AuditAction.PhiViewed), e => e.Result == AuditResult.Success);
    }

    [Fact]
    public async Task ListConsents_AnotherPracticesClient_IsNotFound()
    {
        var owner = await NewVerifiedPracticeAsync();
        var id = await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(Dana), ClientInfo.Unknown, Ct);
        var stranger = await NewVerifiedPracticeAsync();

        await Assert.ThrowsAsync<RecordNotFoundException>(() => As<ListConsentsHandler>(stranger).HandleAsync(new ListConsentsCommand(id), ClientInfo.Unknown, Ct));
    }

    [Fact]
    public async Task RecordConsent_ExpiryAsADate_EndsAtTheEndOfThatDayInThePracticeZone()
    {
        var owner = await NewVerifiedPracticeAsync();
        await SetZoneAsync(owner, "America/New_York");
        var id = await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(Dana), ClientInfo.Unknown, Ct);
        var day = DateOnly.FromDateTime(Now.UtcDateTime).AddDays(10);

        await As<RecordConsentHandler>(owner).HandleAsync(
            new RecordConsentCommand(id, new ConsentDetails(ConsentKind.Recording, ConsentMethod.Verbal, Now), day), ClientInfo.Unknown, Ct);

        var expires = Assert.Single(await ConsentsAsync(owner, id)).ExpiresAt!.Value;
        Assert.Equal(day.ToDateTime(new TimeOnly(23, 59, 59, 999)), TimeZoneInfo.ConvertTime(expires, TimeZoneInfo.FindSystemTimeZoneById("America/New_York")).DateTime);
        Assert.Equal(PracticeTimeZone.EndOfDay(day, TimeZoneInfo.FindSystemTimeZoneById("America/New_York")), expires);
    }

    [Fact]
    public async Task RecordConsent_ExpiryAsADateAndAsAMoment_IsRefusedAndStoresNothing()
    {
        var owner = await NewVerifiedPracticeAsync();
        var id = await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(Dana), ClientInfo.Unknown, Ct);

        await Assert.ThrowsAsync<ValidationFailedException>(() => As<RecordConsentHandler>(owner).HandleAsync(
            new RecordConsentCommand(id, new ConsentDetails(ConsentKind.Recording, ConsentMethod.Verbal, Now, Now.AddDays(3)), DateOnly.FromDateTime(Now.UtcDateTime).AddDays(5)),
            ClientInfo.Unknown,
            Ct));

        Assert.Empty(await ConsentsAsync(owner, id));
    }

    private async Task SetZoneAsync(Member owner, string zone)
    {
        var practices = Fixture.Get<IPracticeRepository>();
        var practice = await practices.GetAsync(owner.PracticeId, Ct);
        await practices.UpdateAsync(owner.PracticeId, practice! with { TimeZoneId = zone }, Ct);
    }

    private Task<IReadOnlyList<ClientConsent>> ConsentsAsync(Member owner, ClientId clientId) =>
        Fixture.Get<IClientConsentRepository>().ListForClientAsync(owner.PracticeId, clientId, Ct);

}
