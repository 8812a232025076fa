using Plexura.Core.Access;
using Plexura.Core.Access.GrantClientAccess;
using Plexura.Core.Clients;
using Plexura.Core.Clients.CreateClient;
using Plexura.Core.Consent;
using Plexura.Core.Consent.RecordConsent;
using Plexura.Core.Invitations.InviteMember;
using Plexura.Core.Memberships;
using Plexura.Core.Practices.GetFirstRunChecklist;
using Plexura.Tests.Persistence;

namespace Plexura.Tests.Unit.Practices;

/// <summary>The home page's "what do I do next?": the owner's setup checklist and the clinician's contacts.</summary>
public sealed class GetFirstRunChecklistHandlerTests(SqliteStorageFixture fixture) : PracticeUseCaseTestBase(fixture)
{
    [Fact]
    public async Task Handle_NewOwnerWithoutMfa_ListsEveryStepUndone()
    {
        var owner = await NewPracticeAsync(ownerHasMfa: false);

        var result = await As<GetFirstRunChecklistHandler>(owner).HandleAsync(new GetFirstRunChecklistCommand(), Client, Ct);

        Assert.Equal(
            [FirstRunStep.VerifyEmail, FirstRunStep.TwoStepSignIn, FirstRunStep.InviteMember, FirstRunStep.AddClient, FirstRunStep.RecordConsent],
            result.Checklist.Select(i => i.Step));
        Assert.All(result.Checklist, i => Assert.False(i.IsDone));
        Assert.False(result.HasClients);
    }

    [Fact]
    public async Task Handle_OwnerPartWay_MarksWhatIsDone()
    {
        var owner = await NewVerifiedPracticeAsync();
        await As<InviteMemberHandler>(owner).HandleAsync(new InviteMemberCommand("colleague@example.com", PracticeRole.Clinician), Client, Ct);

        var result = await As<GetFirstRunChecklistHandler>(owner).HandleAsync(new GetFirstRunChecklistCommand(), Client, Ct);

        Assert.Equal([true, true, true, false, false], result.Checklist.Select(i => i.IsDone));
    }

    [Fact]
    public async Task Handle_OwnerWithEveryStepDone_ReturnsNoChecklist()
    {
        var owner = await NewVerifiedPracticeAsync();
        await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var clientId = await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(new ClientDetails("Avery Quinn", new DateOnly(1985, 1, 5))), Client, Ct);
        await As<RecordConsentHandler>(owner).HandleAsync(
            new RecordConsentCommand(clientId, new ConsentDetails(ConsentKind.Recording, ConsentMethod.Verbal, Now)), Client, Ct);

        var result = await As<GetFirstRunChecklistHandler>(owner).HandleAsync(new GetFirstRunChecklistCommand(), Client, Ct);

        Assert.False(result.ShowsChecklist);
        Assert.True(result.HasClients);
    }

    [Fact]
    public async Task Handle_AnotherPracticeHasClientsAndConsents_DoesNotCountThem()
    {
        var other = await NewVerifiedPracticeAsync();
        var otherClient = await As<CreateClientHandler>(other).HandleAsync(new CreateClientCommand(new ClientDetails("Avery Quinn", new DateOnly(1985, 1, 5))), Client, Ct);
        await As<RecordConsentHandler>(other).HandleAsync(
            new RecordConsentCommand(otherClient, new ConsentDetails(ConsentKind.Recording, ConsentMethod.Verbal, Now)), Client, Ct);
        var owner = await NewVerifiedPracticeAsync();

        var result = await As<GetFirstRunChecklistHandler>(owner).HandleAsync(new GetFirstRunChecklistCommand(), Client, Ct);

        Assert.False(result.Checklist.Single(i => i.Step == FirstRunStep.AddClient).IsDone);
        Assert.False(result.Checklist.Single(i => i.Step == FirstRunStep.RecordConsent).IsDone);
    }

    [Fact]
    public async Task Handle_ClinicianWithoutClients_NamesOwnersAndAdminsToAsk()
    {
        var owner = await NewVerifiedPracticeAsync();
        await AddMemberAsync(owner.PracticeId, PracticeRole.Admin);
        await AddMemberAsync(owner.PracticeId, PracticeRole.Compliance);
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(new ClientDetails("Avery Quinn", new DateOnly(1985, 1, 5))), Client, Ct);

        var result = await As<GetFirstRunChecklistHandler>(clinician).HandleAsync(new GetFirstRunChecklistCommand(), Client, Ct);

        Assert.False(result.HasClients);
        Assert.Empty(result.Checklist);
        Assert.Equal(["Dana Reyes", "Sam Lee"], result.AccessContacts);
    }

    [Fact]
    public async Task Handle_ClinicianWithAGrant_HasClientsAndNoContacts()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var clientId = await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(new ClientDetails("Avery Quinn", new DateOnly(1985, 1, 5))), Client, Ct);
        await As<GrantClientAccessHandler>(owner).HandleAsync(new GrantClientAccessCommand(clinician.MembershipId, clientId, new ClientPermissions(true, false, false, false)), Client, Ct);

        var result = await As<GetFirstRunChecklistHandler>(clinician).HandleAsync(new GetFirstRunChecklistCommand(), Client, Ct);

        Assert.True(result.HasClients);
        Assert.Empty(result.AccessContacts);
    }
}
