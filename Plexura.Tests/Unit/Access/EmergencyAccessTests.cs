using Plexura.Core.Access;
using Plexura.Core.Access.Emergency;
using Plexura.Core.Auditing;
using Plexura.Core.Clients;
using Plexura.Core.Clients.CreateClient;
using Plexura.Core.Clients.GetClient;
using Plexura.Core.Clients.UpdateClient;
using Plexura.Core.Common;
using Plexura.Core.Compliance.EmergencyReview;
using Plexura.Core.Consent.ListConsents;
using Plexura.Core.Email;
using Plexura.Core.Memberships;
using Plexura.Core.Practices;
using Plexura.Core.Practices.ChangeSettings;
using Plexura.Tests.Persistence;
using Plexura.Tests.Unit.Practices;

namespace Plexura.Tests.Unit.Access;

/// <summary>Break-glass emergency access (HIPAA 5.1) on the real storage, gates, audit log and email queue.</summary>
public sealed class EmergencyAccessTests(SqliteStorageFixture fixture) : PracticeUseCaseTestBase(fixture)
{
    private const string ClientName = "Jordan Ellis";
    private const string Reason = "Client called in crisis; their clinician Dr. Ortiz is away.";

    [Fact]
    public async Task Declare_ByDesignatedClinician_OpensTheClientForViewOnlyUntilTheWindowEnds()
    {
        var (owner, clinician, clientId) = await ArrangeAsync(minutes: 30);

        var declared = await As<DeclareEmergencyAccessHandler>(clinician).HandleAsync(new DeclareEmergencyAccessCommand(clientId, Reason), Client, Ct);

        Assert.Equal(Now.AddMinutes(30), declared.ExpiresAt);
        var view = await As<GetClientHandler>(clinician).HandleAsync(new GetClientCommand(clientId), Client, Ct);
        Assert.Equal(ClientName, view.Details.Name);
        Assert.Equal(declared.ExpiresAt, view.EmergencyAccessUntil);
        Assert.Equal(new ClientPermissions(true, false, false, false), view.Permissions);
        await As<ListConsentsHandler>(clinician).HandleAsync(new ListConsentsCommand(clientId), Client, Ct);
        await Assert.ThrowsAsync<AccessDeniedException>(() => As<UpdateClientHandler>(clinician).HandleAsync(
            new UpdateClientCommand(clientId, new ClientDetails("Changed", new DateOnly(1990, 4, 2)), false, false, view.Version), Client, Ct));

        var emergency = await AuditAsync(owner.PracticeId, AuditAction.EmergencyAccess);
        Assert.Equal(["declared", "view", "view"], emergency.Reverse().Select(e => e.Details["phase"]));
        Assert.All(emergency, e => Assert.Equal((AuditResult.Success, clientId.ToString(), clinician.UserId), (e.Result, e.ClientId, e.ActorUserId)));
        Assert.All(emergency, e => Assert.DoesNotContain("crisis", string.Join(' ', e.Details.Values), StringComparison.Ordinal));

        Fixture.Time.Advance(TimeSpan.FromMinutes(30));
        await Assert.ThrowsAsync<AccessDeniedException>(() => As<GetClientHandler>(clinician).HandleAsync(new GetClientCommand(clientId), Client, Ct));
    }

    [Fact]
    public async Task Declare_EmailsEveryOwnerAtOnceWithALinkAndNoPhi()
    {
        var (owner, clinician, clientId) = await ArrangeAsync();
        var coOwner = await AddMemberAsync(owner.PracticeId, PracticeRole.Owner);

        var declared = await As<DeclareEmergencyAccessHandler>(clinician).HandleAsync(new DeclareEmergencyAccessCommand(clientId, Reason), Client, Ct);

        var mails = (await Fixture.Get<IOutboxRepository>().ListNewestAsync(500, Ct)).Where(m => m.IdempotencyKey.Contains(declared.Id.ToString(), StringComparison.Ordinal)).ToList();
        Assert.Equal(new[] { owner.Email, coOwner.Email }.Order(), mails.Select(m => m.To).Order());
        Assert.All(mails, m =>
        {
            Assert.Equal("emergency-access", m.Kind);
            Assert.Contains("/compliance/emergency", m.TextBody, StringComparison.Ordinal);
            foreach (var secret in new[] { ClientName, "Jordan", "crisis", "Ortiz", clientId.ToString() })
            {
                Assert.DoesNotContain(secret, m.Subject + m.TextBody + m.HtmlBody, StringComparison.Ordinal);
            }
        });
        var stored = await Fixture.Get<IEmergencyAccessRepository>().GetAsync(owner.PracticeId, declared.Id, Ct);
        Assert.DoesNotContain("crisis", stored!.ReasonCiphertext, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Declare_EmptyReason_IsRefusedAuditedAndGrantsNothing()
    {
        var (owner, clinician, clientId) = await ArrangeAsync();

        var error = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            As<DeclareEmergencyAccessHandler>(clinician).HandleAsync(new DeclareEmergencyAccessCommand(clientId, "   "), Client, Ct));

        Assert.Equal(EmergencyAccessMessages.ReasonMissingMessage, error.Message);
        Assert.Empty(await Fixture.Get<IEmergencyAccessRepository>().ListAsync(owner.PracticeId, 10, Ct));
        Assert.Equal(AuditResult.Failed, Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.EmergencyAccess)).Result);
        await Assert.ThrowsAsync<AccessDeniedException>(() => As<GetClientHandler>(clinician).HandleAsync(new GetClientCommand(clientId), Client, Ct));
    }

    [Fact]
    public async Task Declare_UndesignatedMember_IsDeniedAndAudited()
    {
        var (owner, _, clientId) = await ArrangeAsync();
        var other = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);

        var error = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<DeclareEmergencyAccessHandler>(other).HandleAsync(new DeclareEmergencyAccessCommand(clientId, Reason), Client, Ct));

        Assert.Equal(EmergencyAccessMessages.NotDesignatedMessage, error.Message);
        var denied = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.EmergencyAccess));
        Assert.Equal((AuditResult.Denied, "not-designated"), (denied.Result, denied.Details["reason"]));
        Assert.Empty(await Fixture.Get<IEmergencyAccessRepository>().ListAsync(owner.PracticeId, 10, Ct));
    }

    [Fact]
    public async Task Declare_ClientTheyCanAlreadySee_IsRefusedJustOpenIt()
    {
        var (owner, clinician, _) = await ArrangeAsync();
        var own = await As<CreateClientHandler>(clinician).HandleAsync(new CreateClientCommand(new ClientDetails("Avery Quinn", new DateOnly(1985, 1, 5))), Client, Ct);

        var error = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<DeclareEmergencyAccessHandler>(clinician).HandleAsync(new DeclareEmergencyAccessCommand(own, Reason), Client, Ct));

        Assert.Equal(EmergencyAccessMessages.AlreadyVisibleMessage, error.Message);
        Assert.Equal("already-has-access", Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.EmergencyAccess)).Details["reason"]);
    }

    [Fact]
    public async Task Declare_AnotherPracticesClient_IsNotFoundAndAuditedAtHome()
    {
        var (owner, clinician, _) = await ArrangeAsync();
        var stranger = await NewVerifiedPracticeAsync();
        var theirs = await As<CreateClientHandler>(stranger).HandleAsync(new CreateClientCommand(new ClientDetails("Riley Park", new DateOnly(1980, 2, 3))), Client, Ct);

        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            As<DeclareEmergencyAccessHandler>(clinician).HandleAsync(new DeclareEmergencyAccessCommand(theirs, Reason), Client, Ct));

        var denied = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.EmergencyAccess));
        Assert.Equal((AuditResult.Denied, "unknown-client"), (denied.Result, denied.Details["reason"]));
        Assert.Empty(await Fixture.Get<IEmergencyAccessRepository>().ListAsync(stranger.PracticeId, 10, Ct));
        Assert.Empty(await AuditAsync(stranger.PracticeId, AuditAction.EmergencyAccess));
    }

    [Fact]
    public async Task Designation_Withdrawn_EndsAnActiveAccessAtOnce()
    {
        var (owner, clinician, clientId) = await ArrangeAsync();
        await As<DeclareEmergencyAccessHandler>(clinician).HandleAsync(new DeclareEmergencyAccessCommand(clientId, Reason), Client, Ct);

        await As<SetEmergencyAccessMembersHandler>(owner).HandleAsync(new SetEmergencyAccessMembersCommand([]), Client, Ct);

        await Assert.ThrowsAsync<AccessDeniedException>(() => As<GetClientHandler>(clinician).HandleAsync(new GetClientCommand(clientId), Client, Ct));
    }

    [Fact]
    public async Task Review_OwnerSeesTheDecryptedReasonAndAcknowledgesOnce()
    {
        var (owner, clinician, clientId) = await ArrangeAsync();
        var declared = await As<DeclareEmergencyAccessHandler>(clinician).HandleAsync(new DeclareEmergencyAccessCommand(clientId, Reason), Client, Ct);

        var item = Assert.Single(await As<ListEmergencyAccessesHandler>(owner).HandleAsync(new ListEmergencyAccessesQuery(), Client, Ct));
        Assert.Equal((declared.Id, clientId, Reason, clinician.UserId), (item.Id, item.ClientId, item.Reason, item.DeclaredBy));
        Assert.Null(item.ReviewedAt);

        await As<AcknowledgeEmergencyAccessHandler>(owner).HandleAsync(new AcknowledgeEmergencyAccessCommand(declared.Id, "Called the client back; justified."), Client, Ct);

        var reviewed = Assert.Single(await As<ListEmergencyAccessesHandler>(owner).HandleAsync(new ListEmergencyAccessesQuery(), Client, Ct));
        Assert.Equal((Now, "Called the client back; justified."), (reviewed.ReviewedAt, reviewed.ReviewNote));
        var ack = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.EmergencyAccessReviewed));
        Assert.Equal((AuditResult.Success, declared.Id.ToString(), clientId.ToString(), "given"), (ack.Result, ack.TargetId, ack.ClientId, ack.Details["note"]));
        Assert.Equal(2, (await AuditAsync(owner.PracticeId, AuditAction.AuditLogViewed)).Count);

        var again = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            As<AcknowledgeEmergencyAccessHandler>(owner).HandleAsync(new AcknowledgeEmergencyAccessCommand(declared.Id, null), Client, Ct));
        Assert.Equal(AcknowledgeEmergencyAccessHandler.AlreadyAcknowledgedMessage, again.Message);
        Assert.Contains(await AuditAsync(owner.PracticeId, AuditAction.EmergencyAccessReviewed), e => e.Result == AuditResult.Failed && e.Details["reason"] == "already-acknowledged");
    }

    [Fact]
    public async Task Acknowledge_Forged_UnknownOtherPracticeOrByAClinician_IsRefusedAuditedAndChangesNothing()
    {
        var (owner, clinician, clientId) = await ArrangeAsync();
        var declared = await As<DeclareEmergencyAccessHandler>(clinician).HandleAsync(new DeclareEmergencyAccessCommand(clientId, Reason), Client, Ct);
        var stranger = await NewVerifiedPracticeAsync();
        var compliance = await AddMemberAsync(owner.PracticeId, PracticeRole.Compliance);
        var admin = await AddMemberAsync(owner.PracticeId, PracticeRole.Admin);

        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            As<AcknowledgeEmergencyAccessHandler>(owner).HandleAsync(new AcknowledgeEmergencyAccessCommand(EmergencyAccessId.New(), null), Client, Ct));
        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            As<AcknowledgeEmergencyAccessHandler>(stranger).HandleAsync(new AcknowledgeEmergencyAccessCommand(declared.Id, null), Client, Ct));
        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<AcknowledgeEmergencyAccessHandler>(clinician).HandleAsync(new AcknowledgeEmergencyAccessCommand(declared.Id, null), Client, Ct));
        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<AcknowledgeEmergencyAccessHandler>(admin).HandleAsync(new AcknowledgeEmergencyAccessCommand(declared.Id, null), Client, Ct));

        Assert.False((await Fixture.Get<IEmergencyAccessRepository>().GetAsync(owner.PracticeId, declared.Id, Ct))!.IsReviewed);
        var refused = await AuditAsync(owner.PracticeId, AuditAction.EmergencyAccessReviewed);
        Assert.Equal(3, refused.Count(e => e.Result == AuditResult.Denied));
        Assert.Contains(await AuditAsync(stranger.PracticeId, AuditAction.EmergencyAccessReviewed), e => e.Details["reason"] == "unknown-emergency-access");

        await As<AcknowledgeEmergencyAccessHandler>(compliance).HandleAsync(new AcknowledgeEmergencyAccessCommand(declared.Id, null), Client, Ct);
        Assert.True((await Fixture.Get<IEmergencyAccessRepository>().GetAsync(owner.PracticeId, declared.Id, Ct))!.IsReviewed);
    }

    /// <summary>A practice whose owner created a client, with a clinician designated for emergency access who has no grant on it.</summary>
    private async Task<(Member Owner, Member Clinician, ClientId ClientId)> ArrangeAsync(int minutes = Practice.DefaultEmergencyAccessMinutes)
    {
        var owner = await NewVerifiedPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var clientId = await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(new ClientDetails(ClientName, new DateOnly(1990, 4, 2))), Client, Ct);
        await As<SetEmergencyAccessMembersHandler>(owner).HandleAsync(new SetEmergencyAccessMembersCommand([clinician.UserId]), Client, Ct);
        await As<SetEmergencyAccessMinutesHandler>(owner).HandleAsync(new SetEmergencyAccessMinutesCommand(minutes), Client, Ct);
        return (owner, clinician, clientId);
    }
}
