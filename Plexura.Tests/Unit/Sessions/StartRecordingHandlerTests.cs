using Plexura.Core.Access;
using Plexura.Core.Access.GrantClientAccess;
using Plexura.Core.Auditing;
using Plexura.Core.Clients;
using Plexura.Core.Clients.ArchiveClient;
using Plexura.Core.Clients.CreateClient;
using Plexura.Core.Common;
using Plexura.Core.Consent;
using Plexura.Core.Consent.RecordConsent;
using Plexura.Core.Consent.RevokeConsent;
using Plexura.Core.Memberships;
using Plexura.Core.Sessions;
using Plexura.Core.Sessions.StartRecording;
using Plexura.Tests.Persistence;
using Plexura.Tests.Unit.Practices;

namespace Plexura.Tests.Unit.Sessions;

/// <summary>Starting a recorded session on the real storage, access gate, consents and audit log.</summary>
public sealed class StartRecordingHandlerTests(SqliteStorageFixture fixture) : PracticeUseCaseTestBase(fixture)
{
    private static readonly ClientDetails Dana = new("Dana Reyes", new DateOnly(1990, 4, 2), "she/her");

    [Fact]
    public async Task StartRecording_RecordingAndAiConsentActive_StoresTheSessionWithBothConsentIdsAndAuditsIt()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clientId = await NewClientAsync(owner);
        var recording = await RecordConsentAsync(owner, clientId, ConsentKind.Recording);
        var ai = await RecordConsentAsync(owner, clientId, ConsentKind.AiProcessing);

        var id = await As<StartRecordingHandler>(owner).HandleAsync(new StartRecordingCommand(clientId), Client, Ct);

        var session = await Fixture.Get<IClinicalSessionRepository>().GetAsync(owner.PracticeId, id, Ct);
        Assert.NotNull(session);
        Assert.Equal((clientId, owner.UserId, ClinicalSessionStatus.Recording, Now), (session.ClientId, session.ClinicianUserId, session.Status, session.StartedAt));
        Assert.Equal(new[] { recording, ai }.OrderBy(c => c.ToString(), StringComparer.Ordinal), session.ConsentIds.OrderBy(c => c.ToString(), StringComparer.Ordinal));
        var created = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.Created), e => e.TargetType == StartRecordingHandler.TargetType);
        Assert.Equal((AuditResult.Success, id.ToString(), clientId.ToString()), (created.Result, created.TargetId, created.ClientId));
        Assert.All(await AuditAsync(owner.PracticeId), e => Assert.DoesNotContain("Dana", string.Join(' ', e.Details.Values), StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartRecording_OnlyRecordingConsent_IsRefusedAuditedWithAiProcessingMissingAndStoresNothing()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clientId = await NewClientAsync(owner);
        await RecordConsentAsync(owner, clientId, ConsentKind.Recording);

        var error = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            As<StartRecordingHandler>(owner).HandleAsync(new StartRecordingCommand(clientId), Client, Ct));

        Assert.Equal(StartRecordingHandler.ConsentRequiredMessage, error.Message);
        var denied = Assert.Single(await SessionEventsAsync(owner));
        Assert.Equal((AuditResult.Denied, clientId.ToString(), "no-active-consent", "ai-processing"), (denied.Result, denied.ClientId, denied.Details["reason"], denied.Details["missing"]));
        Assert.Empty(await SessionsAsync(owner, clientId));
    }

    [Fact]
    public async Task StartRecording_NoConsentAtAll_IsRefusedWithBothKindsMissing()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clientId = await NewClientAsync(owner);

        await Assert.ThrowsAsync<ValidationFailedException>(() =>
            As<StartRecordingHandler>(owner).HandleAsync(new StartRecordingCommand(clientId), Client, Ct));

        Assert.Equal("recording,ai-processing", Assert.Single(await SessionEventsAsync(owner)).Details["missing"]);
        Assert.Empty(await SessionsAsync(owner, clientId));
    }

    [Fact]
    public async Task StartRecording_RecordingConsentRevoked_IsRefusedWithRecordingMissing()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clientId = await NewClientAsync(owner);
        var recording = await RecordConsentAsync(owner, clientId, ConsentKind.Recording);
        await RecordConsentAsync(owner, clientId, ConsentKind.AiProcessing);
        await As<RevokeConsentHandler>(owner).HandleAsync(new RevokeConsentCommand(clientId, recording), Client, Ct);

        await Assert.ThrowsAsync<ValidationFailedException>(() =>
            As<StartRecordingHandler>(owner).HandleAsync(new StartRecordingCommand(clientId), Client, Ct));

        var denied = Assert.Single(await SessionEventsAsync(owner));
        Assert.Equal((AuditResult.Denied, "recording"), (denied.Result, denied.Details["missing"]));
        Assert.Empty(await SessionsAsync(owner, clientId));
    }

    [Fact]
    public async Task StartRecording_AiConsentExpired_IsRefusedAndStoresNothing()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clientId = await NewClientAsync(owner);
        await RecordConsentAsync(owner, clientId, ConsentKind.Recording);
        await RecordConsentAsync(owner, clientId, ConsentKind.AiProcessing, expiresAt: Now.AddDays(1));
        Fixture.Time.Advance(TimeSpan.FromDays(1));

        await Assert.ThrowsAsync<ValidationFailedException>(() =>
            As<StartRecordingHandler>(owner).HandleAsync(new StartRecordingCommand(clientId), Client, Ct));

        Assert.Equal("ai-processing", Assert.Single(await SessionEventsAsync(owner)).Details["missing"]);
        Assert.Empty(await SessionsAsync(owner, clientId));
    }

    [Fact]
    public async Task StartRecording_ClinicianWithViewOnlyGrant_IsDeniedAuditedAndStoresNothing()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clientId = await NewConsentedClientAsync(owner);
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        await As<GrantClientAccessHandler>(owner).HandleAsync(
            new GrantClientAccessCommand(clinician.MembershipId, clientId, new ClientPermissions(View: true, Edit: false, Push: false, Export: false)), Client, Ct);

        var error = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<StartRecordingHandler>(clinician).HandleAsync(new StartRecordingCommand(clientId), Client, Ct));

        Assert.Equal(ClientAuthorization.NotGrantedMessage, error.Message);
        var denied = await Fixture.Get<IAuditStore>().QueryAsync(owner.PracticeId, new AuditQuery(ActorUserId: clinician.UserId, Result: AuditResult.Denied), Ct);
        Assert.Contains(denied, e => e.ClientId == clientId.ToString() && e.Details["reason"] == "not-granted");
        Assert.Empty(await SessionsAsync(owner, clientId));
    }

    [Fact]
    public async Task StartRecording_ClinicianWithoutAnyGrant_IsDeniedAndStoresNothing()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clientId = await NewConsentedClientAsync(owner);
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);

        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<StartRecordingHandler>(clinician).HandleAsync(new StartRecordingCommand(clientId), Client, Ct));

        Assert.Empty(await SessionsAsync(owner, clientId));
    }

    [Fact]
    public async Task StartRecording_ClinicianWhoCreatedTheClient_IsAllowed()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var clientId = await NewConsentedClientAsync(clinician);

        var id = await As<StartRecordingHandler>(clinician).HandleAsync(new StartRecordingCommand(clientId), Client, Ct);

        var session = Assert.Single(await SessionsAsync(owner, clientId));
        Assert.Equal((id, clinician.UserId, 2), (session.Id, session.ClinicianUserId, session.ConsentIds.Count));
    }

    [Fact]
    public async Task StartRecording_ComplianceMember_IsDeniedAuditedAndStoresNothing()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clientId = await NewConsentedClientAsync(owner);
        var compliance = await AddMemberAsync(owner.PracticeId, PracticeRole.Compliance);

        var error = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<StartRecordingHandler>(compliance).HandleAsync(new StartRecordingCommand(clientId), Client, Ct));

        Assert.Equal(ClientAuthorization.ComplianceNoClinicalContentMessage, error.Message);
        var denied = await Fixture.Get<IAuditStore>().QueryAsync(owner.PracticeId, new AuditQuery(ActorUserId: compliance.UserId, Result: AuditResult.Denied), Ct);
        Assert.NotEmpty(denied);
        Assert.Empty(await SessionsAsync(owner, clientId));
    }

    [Fact]
    public async Task StartRecording_AnotherPracticesClient_IsNotFoundAndStoresNothingThere()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clientId = await NewConsentedClientAsync(owner);
        var stranger = await NewVerifiedPracticeAsync();

        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            As<StartRecordingHandler>(stranger).HandleAsync(new StartRecordingCommand(clientId), Client, Ct));

        Assert.Empty(await SessionsAsync(owner, clientId));
        Assert.Empty(await SessionsAsync(stranger, clientId));
        Assert.Contains(await AuditAsync(stranger.PracticeId), e => e.Result == AuditResult.Denied && e.Details.GetValueOrDefault("reason") == "unknown-client");
    }

    [Fact]
    public async Task StartRecording_ArchivedClient_IsDeniedAndStoresNothing()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clientId = await NewConsentedClientAsync(owner);
        await As<ArchiveClientHandler>(owner).HandleAsync(new ArchiveClientCommand(clientId), Client, Ct);

        var error = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<StartRecordingHandler>(owner).HandleAsync(new StartRecordingCommand(clientId), Client, Ct));

        Assert.Equal(ClientAuthorization.ArchivedMessage, error.Message);
        Assert.Empty(await SessionsAsync(owner, clientId));
    }

    private Task<ClientId> NewClientAsync(Member creator) =>
        As<CreateClientHandler>(creator).HandleAsync(new CreateClientCommand(Dana), Client, Ct);

    /// <summary>A client created by <paramref name="creator"/> with active recording and AI-processing consents.</summary>
    private async Task<ClientId> NewConsentedClientAsync(Member creator)
    {
        var clientId = await NewClientAsync(creator);
        await RecordConsentAsync(creator, clientId, ConsentKind.Recording);
        await RecordConsentAsync(creator, clientId, ConsentKind.AiProcessing);
        return clientId;
    }

    private Task<ClientConsentId> RecordConsentAsync(Member member, ClientId clientId, ConsentKind kind, DateTimeOffset? expiresAt = null) =>
        As<RecordConsentHandler>(member).HandleAsync(
            new RecordConsentCommand(clientId, new ConsentDetails(kind, ConsentMethod.Verbal, Now, expiresAt)), Client, Ct);

    private Task<IReadOnlyList<ClinicalSession>> SessionsAsync(Member member, ClientId clientId) =>
        Fixture.Get<IClinicalSessionRepository>().ListForClientAsync(member.PracticeId, clientId, Ct);

    private async Task<IReadOnlyList<AuditEvent>> SessionEventsAsync(Member owner) =>
        [.. (await AuditAsync(owner.PracticeId, AuditAction.Created)).Where(e => e.TargetType == StartRecordingHandler.TargetType)];

}
