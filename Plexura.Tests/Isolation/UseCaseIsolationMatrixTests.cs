using System.Text.Json;
using Plexura.Core.Access;
using Plexura.Core.Access.Emergency;
using Plexura.Core.Access.GrantClientAccess;
using Plexura.Core.Access.ListClientAccess;
using Plexura.Core.Access.RevokeClientAccess;
using Plexura.Core.Access.SetMemberScope;
using Plexura.Core.Auditing;
using Plexura.Core.Billing.CompleteCheckout;
using Plexura.Core.Billing.GetBillingOverview;
using Plexura.Core.Billing.OpenBillingPortal;
using Plexura.Core.Billing.StartCheckout;
using Plexura.Core.Billing.SyncSeats;
using Plexura.Core.Clients;
using Plexura.Core.Clients.ArchiveClient;
using Plexura.Core.Clients.CreateClient;
using Plexura.Core.Clients.GetClient;
using Plexura.Core.Clients.ListClients;
using Plexura.Core.Clients.SearchClients;
using Plexura.Core.Clients.UpdateClient;
using Plexura.Core.Common;
using Plexura.Core.Compliance;
using Plexura.Core.Compliance.Checkpoints;
using Plexura.Core.Compliance.EmergencyReview;
using Plexura.Core.Compliance.Export;
using Plexura.Core.Compliance.ExportAuditLog;
using Plexura.Core.Compliance.GetAuditExportKey;
using Plexura.Core.Compliance.GetAuditExportManifest;
using Plexura.Core.Compliance.GetComplianceDashboard;
using Plexura.Core.Compliance.Reports;
using Plexura.Core.Compliance.SearchAuditLog;
using Plexura.Core.Consent;
using Plexura.Core.Consent.ListConsents;
using Plexura.Core.Consent.RecordConsent;
using Plexura.Core.Consent.RevokeConsent;
using Plexura.Core.Invitations;
using Plexura.Core.Invitations.InviteMember;
using Plexura.Core.Invitations.ListInvitations;
using Plexura.Core.Invitations.ResendInvitation;
using Plexura.Core.Invitations.RevokeInvitation;
using Plexura.Core.Memberships;
using Plexura.Core.Memberships.ChangeMemberRole;
using Plexura.Core.Memberships.LeavePractice;
using Plexura.Core.Memberships.RemoveMember;
using Plexura.Core.Memberships.TransferOwnership;
using Plexura.Core.Notes;
using Plexura.Core.Notes.Drafting;
using Plexura.Core.Notes.EditNote;
using Plexura.Core.Notes.GetNote;
using Plexura.Core.Notes.Psychotherapy;
using Plexura.Core.Notes.SignNote;
using Plexura.Core.Notes.StartNote;
using Plexura.Core.Notes.Templates;
using Plexura.Core.Notes.Templates.ArchiveTemplate;
using Plexura.Core.Notes.Templates.ChooseSessionTemplate;
using Plexura.Core.Notes.Templates.CreateTemplate;
using Plexura.Core.Notes.Templates.ListTemplates;
using Plexura.Core.Notes.Templates.SetMyDefaultTemplate;
using Plexura.Core.Notes.Templates.UpdateTemplate;
using Plexura.Core.Notes.Versions;
using Plexura.Core.Practices;
using Plexura.Core.Practices.ChangeSettings;
using Plexura.Core.Practices.GetFirstRunChecklist;
using Plexura.Core.Practices.ListMembers;
using Plexura.Core.Practices.RecentFailedSignIns;
using Plexura.Core.Practices.SetAudioRetention;
using Plexura.Core.Practices.SetPracticeMfaRequirement;
using Plexura.Core.Practices.SetPracticeTimeZone;
using Plexura.Core.Security;
using Plexura.Core.Sessions;
using Plexura.Core.Sessions.Audio;
using Plexura.Core.Sessions.ChangeRecording;
using Plexura.Core.Sessions.GetSession;
using Plexura.Core.Sessions.ListSessions;
using Plexura.Core.Sessions.StartRecording;
using Plexura.Core.Sessions.StoreAudioChunk;
using Plexura.Core.Transcription;
using Plexura.Core.Transcription.CorrectSegmentText;
using Plexura.Core.Transcription.GetSegmentHistory;
using Plexura.Core.Transcription.GetTranscript;
using Plexura.Core.Transcription.NameSpeaker;
using Plexura.Core.Transcription.RetryTranscription;
using Plexura.Tests.Persistence;
using Plexura.Tests.Unit.Practices;

namespace Plexura.Tests.Isolation;

/// <summary>
/// Every Core use case, tried as every role against its own practice and against another practice: the roles the
/// rules name succeed, everyone else is refused and audited, and no attempt reads or writes another practice's records.
/// </summary>
/// <remarks>
/// The list of use cases is checked against the Core assembly, so a new handler fails this suite until it is placed in
/// the matrix (or named, with a reason, as one that touches no practice's data).
/// </remarks>
public sealed class UseCaseIsolationMatrixTests(SqliteStorageFixture fixture) : PracticeUseCaseTestBase(fixture)
{
    private const string ClientName = "Dana Reyes";

    private static readonly PracticeRole[] Roles = [PracticeRole.Owner, PracticeRole.Admin, PracticeRole.Clinician, PracticeRole.Compliance];

    private static readonly PracticeRole[] Managers = [PracticeRole.Owner, PracticeRole.Admin];

    /// <summary>Who reads the audit log and its reports (compliance staff only read: no other use case lets them change anything).</summary>
    private static readonly PracticeRole[] AuditReaders = [PracticeRole.Owner, PracticeRole.Admin, PracticeRole.Compliance];

    /// <summary>A tenth of a second of silence: a valid chunk of samples.</summary>
    private static readonly byte[] Samples = new byte[PcmWav.SampleRate / 10 * PcmWav.BytesPerSample];

    /// <summary>Use cases that act on no practice's records, or only on the caller's own account, with why.</summary>
    private static readonly Dictionary<string, string> AccountScoped = new(StringComparer.Ordinal)
    {
        ["SignUpHandler"] = "creates a new practice for a new account; no existing practice is named",
        ["SignInHandler"] = "opens a session for the account whose credentials are given",
        ["CompleteMfaSignInHandler"] = "second sign-in step for the challenge's own account",
        ["VerifyEmailHandler"] = "marks the token's own account verified",
        ["ResendEmailVerificationHandler"] = "the signed-in account's own verification mail",
        ["RequestPasswordResetHandler"] = "mails a reset link to the address given, answering the same either way",
        ["CompletePasswordResetHandler"] = "sets the password of the token's own account",
        ["ChangePasswordHandler"] = "the signed-in account's own password",
        ["BeginMfaEnrollmentHandler"] = "the signed-in account's own second factor",
        ["ConfirmMfaEnrollmentHandler"] = "the signed-in account's own second factor",
        ["DisableMfaHandler"] = "the signed-in account's own second factor",
        ["RegenerateRecoveryCodesHandler"] = "the signed-in account's own recovery codes",
        ["UpdateProfileHandler"] = "the signed-in account's own display name",
        ["ListMySessionsHandler"] = "the signed-in account's own sessions",
        ["RevokeMySessionHandler"] = "the signed-in account's own sessions, filtered by user in the query",
        ["SignOutHandler"] = "ends the current session",
        ["SignOutEverywhereHandler"] = "ends the signed-in account's own sessions",
        ["ChoosePracticeHandler"] = "enters one of the account's own memberships; tested in ChoosePracticeHandlerTests",
        ["ListMyPracticesHandler"] = "lists the signed-in account's own memberships",
        ["GetInvitationHandler"] = "previews the invitation the secret token names, for the person holding it",
        ["AcceptInvitationHandler"] = "joins the practice the secret token names, as the person holding it",
        ["ProcessStripeWebhookHandler"] = "anonymous: applies a Stripe-signed event to the practice it names; tested in BillingApiTests",
    };

    /// <summary>Every use case on practice data: how to aim it at a practice's records, and which roles may do it there.</summary>
    private static readonly IReadOnlyList<UseCase> Cases =
    [
        Act<CreateClientHandler>([PracticeRole.Owner, PracticeRole.Admin, PracticeRole.Clinician], false, (m, actor, t) =>
            m.Acting<CreateClientHandler>(actor).HandleAsync(new CreateClientCommand(new ClientDetails("Avery Quinn", new DateOnly(1985, 1, 5))), Client, Ct)),
        Act<GetClientHandler>(Managers, true, (m, actor, t) =>
            m.Acting<GetClientHandler>(actor).HandleAsync(new GetClientCommand(t.ClientId), Client, Ct)),
        Act<UpdateClientHandler>(Managers, true, (m, actor, t) =>
            m.Acting<UpdateClientHandler>(actor).HandleAsync(
                new UpdateClientCommand(t.ClientId, new ClientDetails("Changed Name", new DateOnly(1990, 4, 2)), true, true, t.ClientVersion), Client, Ct)),
        Act<ArchiveClientHandler>(Managers, true, (m, actor, t) =>
            m.Acting<ArchiveClientHandler>(actor).HandleAsync(new ArchiveClientCommand(t.ClientId), Client, Ct)),
        List<SearchClientsHandler>([PracticeRole.Owner, PracticeRole.Admin, PracticeRole.Clinician], async (m, actor, t) =>
            (await m.Acting<SearchClientsHandler>(actor).HandleAsync(new SearchClientsCommand("Dana"), Client, Ct)).Select(c => c.ClientId.ToString())),
        List<ListClientsHandler>([PracticeRole.Owner, PracticeRole.Admin, PracticeRole.Clinician], async (m, actor, t) =>
            (await m.Acting<ListClientsHandler>(actor).HandleAsync(new ListClientsCommand(IncludeArchived: true), Client, Ct)).Clients.Select(c => c.ClientId.ToString())),
        Act<ListConsentsHandler>(Managers, true, (m, actor, t) =>
            m.Acting<ListConsentsHandler>(actor).HandleAsync(new ListConsentsCommand(t.ClientId), Client, Ct)),
        Act<RecordConsentHandler>(Managers, true, (m, actor, t) =>
            m.Acting<RecordConsentHandler>(actor).HandleAsync(
                new RecordConsentCommand(t.ClientId, new ConsentDetails(ConsentKind.AiProcessing, ConsentMethod.Written, m.Now)), Client, Ct)),
        Act<RevokeConsentHandler>(Managers, true, (m, actor, t) =>
            m.Acting<RevokeConsentHandler>(actor).HandleAsync(new RevokeConsentCommand(t.ClientId, t.ConsentId, "Client asked"), Client, Ct)),
        Act<StartRecordingHandler>(Managers, true, (m, actor, t) =>
            m.Acting<StartRecordingHandler>(actor).HandleAsync(new StartRecordingCommand(t.ClientId), Client, Ct)),
        Act<GetSessionHandler>(Managers, true, (m, actor, t) =>
            m.Acting<GetSessionHandler>(actor).HandleAsync(new GetSessionCommand(t.SessionId), Client, Ct)),
        Read<ListClientSessionsHandler>(Managers, async (m, actor, t) =>
            (await m.Acting<ListClientSessionsHandler>(actor).HandleAsync(new ListClientSessionsCommand(t.ClientId), Client, Ct)).Select(s => s.Id.ToString())),
        List<ListMyDayHandler>(Roles, async (m, actor, t) =>
            (await m.Acting<ListMyDayHandler>(actor).HandleAsync(Client, Ct)).Select(s => s.Id.ToString())),
        List<ListUnfinishedSessionsHandler>(Roles, async (m, actor, t) =>
            (await m.Acting<ListUnfinishedSessionsHandler>(actor).HandleAsync(Ct)).Select(s => s.Id.ToString())),
        Recorder<StoreAudioChunkHandler>((m, actor, t) =>
            m.Acting<StoreAudioChunkHandler>(actor).HandleAsync(new StoreAudioChunkCommand(t.SessionId, 0, Samples), Client, Ct)),
        Recorder<PauseRecordingHandler>((m, actor, t) =>
            m.Acting<PauseRecordingHandler>(actor).HandleAsync(new PauseRecordingCommand(t.SessionId), Client, Ct)),
        Recorder<ResumeRecordingHandler>((m, actor, t) =>
            m.Acting<ResumeRecordingHandler>(actor).HandleAsync(new ResumeRecordingCommand(t.SessionId), Client, Ct)),
        Recorder<StopRecordingHandler>((m, actor, t) =>
            m.Acting<StopRecordingHandler>(actor).HandleAsync(new StopRecordingCommand(t.SessionId, 0), Client, Ct)),
        Act<GetTranscriptHandler>(Managers, true, (m, actor, t) =>
            m.Acting<GetTranscriptHandler>(actor).HandleAsync(new GetTranscriptCommand(t.SessionId), Client, Ct)),
        Act<GetSegmentHistoryHandler>(Managers, true, (m, actor, t) =>
            m.Acting<GetSegmentHistoryHandler>(actor).HandleAsync(new GetSegmentHistoryCommand(t.SessionId, 0), Client, Ct)),
        Act<CorrectSegmentTextHandler>(Managers, true, (m, actor, t) =>
            m.Acting<CorrectSegmentTextHandler>(actor).HandleAsync(new CorrectSegmentTextCommand(t.SessionId, 0, 0, "Corrected words.", 0), Client, Ct)),
        Act<NameSpeakerHandler>(Managers, true, (m, actor, t) =>
            m.Acting<NameSpeakerHandler>(actor).HandleAsync(new NameSpeakerCommand(t.SessionId, "A", SpeakerRole.Client), Client, Ct)),
        Act<RetryTranscriptionHandler>(Managers, true, (m, actor, t) =>
            m.Acting<RetryTranscriptionHandler>(actor).HandleAsync(new RetryTranscriptionCommand(t.SessionId), Client, Ct)),
        Act<WriteNoteHandler>(Managers, true, (m, actor, t) =>
            m.Acting<WriteNoteHandler>(actor).HandleAsync(new WriteNoteCommand(t.SessionId), Client, Ct)),
        Act<GetNoteHandler>(Managers, true, (m, actor, t) =>
            m.Acting<GetNoteHandler>(actor).HandleAsync(new GetNoteCommand(t.NoteId), Client, Ct)),
        Act<GetSessionNoteHandler>(Managers, true, (m, actor, t) =>
            m.Acting<GetSessionNoteHandler>(actor).HandleAsync(new GetSessionNoteCommand(t.SessionId), Client, Ct)),
        Act<SaveSectionHandler>(Managers, true, (m, actor, t) =>
            m.Acting<SaveSectionHandler>(actor).HandleAsync(new SaveSectionCommand(t.NoteId, "plan", [new StatementInput(null, "Meet next week.")], 2), Client, Ct)),
        Act<ResolveStatementHandler>(Managers, true, (m, actor, t) =>
            m.Acting<ResolveStatementHandler>(actor).HandleAsync(new ResolveStatementCommand(t.NoteId, t.StatementId, StatementDecision.Accept, null, 2), Client, Ct)),
        Act<ResolveRiskHandler>(Managers, true, (m, actor, t) =>
            m.Acting<ResolveRiskHandler>(actor).HandleAsync(new ResolveRiskCommand(t.NoteId, t.RiskId, RiskDecision.Confirm, null, null, null, 2), Client, Ct)),
        Act<ListNoteVersionsHandler>(Managers, true, (m, actor, t) =>
            m.Acting<ListNoteVersionsHandler>(actor).HandleAsync(new ListNoteVersionsCommand(t.NoteId), Client, Ct)),
        Act<GetNoteVersionsHandler>(Managers, true, (m, actor, t) =>
            m.Acting<GetNoteVersionsHandler>(actor).HandleAsync(new GetNoteVersionsCommand(t.NoteId, [1, 2]), Client, Ct)),
        Act<RestoreNoteVersionHandler>(Managers, true, (m, actor, t) =>
            m.Acting<RestoreNoteVersionHandler>(actor).HandleAsync(new RestoreNoteVersionCommand(t.NoteId, 1, 2), Client, Ct)),
        Act<SignNoteHandler>(Managers, true, (m, actor, t) =>
            RuleRefusalIsAuthorizedAsync(m.Acting<SignNoteHandler>(actor).HandleAsync(new SignNoteCommand(t.NoteId, true, 2), Client, Ct))),
        Act<VerifyNoteSignatureHandler>(Managers, true, (m, actor, t) =>
            m.Acting<VerifyNoteSignatureHandler>(actor).HandleAsync(new VerifyNoteSignatureCommand(t.NoteId), Client, Ct)),
        Act<AmendNoteHandler>(Managers, true, (m, actor, t) =>
            RuleRefusalIsAuthorizedAsync(m.Acting<AmendNoteHandler>(actor).HandleAsync(new AmendNoteCommand(t.NoteId, "Late entry", "Words."), Client, Ct))),
        Act<RequestRedraftHandler>(Managers, true, (m, actor, t) =>
            RuleRefusalIsAuthorizedAsync(m.Acting<RequestRedraftHandler>(actor).HandleAsync(new RequestRedraftCommand(t.NoteId, "plan"), Client, Ct))),
        Act<RetryDraftingHandler>(Managers, true, (m, actor, t) =>
            RuleRefusalIsAuthorizedAsync(m.Acting<RetryDraftingHandler>(actor).HandleAsync(new RetryDraftingCommand(t.NoteId), Client, Ct))),
        Act<CreatePsychotherapyNoteHandler>(Managers, true, (m, actor, t) =>
            m.Acting<CreatePsychotherapyNoteHandler>(actor).HandleAsync(new CreatePsychotherapyNoteCommand(t.ClientId), Client, Ct)),
        Read<ListPsychotherapyNotesHandler>(Managers, async (m, actor, t) =>
            (await m.Acting<ListPsychotherapyNotesHandler>(actor).HandleAsync(new ListPsychotherapyNotesCommand(t.ClientId), Client, Ct)).Select(n => n.NoteId.ToString())),
        Act<ListClientAccessHandler>(Managers, true, (m, actor, t) =>
            m.Acting<ListClientAccessHandler>(actor).HandleAsync(new ListClientAccessCommand(t.ClientId), Client, Ct)),
        Act<GrantClientAccessHandler>(Managers, true, (m, actor, t) =>
            m.Acting<GrantClientAccessHandler>(actor).HandleAsync(new GrantClientAccessCommand(t.TaylorId, t.ClientId, ClientPermissions.All), Client, Ct)),
        Act<RevokeClientAccessHandler>(Managers, true, (m, actor, t) =>
            m.Acting<RevokeClientAccessHandler>(actor).HandleAsync(new RevokeClientAccessCommand(t.TaylorId, t.ClientId), Client, Ct)),
        Act<SetMemberScopeHandler>(Managers, true, (m, actor, t) =>
            m.Acting<SetMemberScopeHandler>(actor).HandleAsync(new SetMemberScopeCommand(t.TaylorId, ClientScope.AllClients, ClientPermissions.All), Client, Ct)),
        Act<ChangeMemberRoleHandler>(Managers, true, (m, actor, t) =>
            m.Acting<ChangeMemberRoleHandler>(actor).HandleAsync(new ChangeMemberRoleCommand(t.TaylorId, PracticeRole.Compliance), Client, Ct)),
        Act<RemoveMemberHandler>(Managers, true, (m, actor, t) =>
            m.Acting<RemoveMemberHandler>(actor).HandleAsync(new RemoveMemberCommand(t.TaylorId), Client, Ct)),
        Act<TransferOwnershipHandler>([PracticeRole.Owner], true, (m, actor, t) =>
            m.Acting<TransferOwnershipHandler>(actor).HandleAsync(new TransferOwnershipCommand(t.TaylorId), Client, Ct)),
        Act<ResendInvitationHandler>(Managers, true, (m, actor, t) =>
            m.Acting<ResendInvitationHandler>(actor).HandleAsync(new ResendInvitationCommand(t.InvitationId), Client, Ct)),
        Act<RevokeInvitationHandler>(Managers, true, (m, actor, t) =>
            m.Acting<RevokeInvitationHandler>(actor).HandleAsync(new RevokeInvitationCommand(t.InvitationId), Client, Ct)),
        Act<InviteMemberHandler>(Managers, false, (m, actor, t) =>
            m.Acting<InviteMemberHandler>(actor).HandleAsync(new InviteMemberCommand($"new-{Guid.NewGuid():N}@example.com", PracticeRole.Clinician), Client, Ct)),
        List<ListInvitationsHandler>(Managers, async (m, actor, t) =>
            (await m.Acting<ListInvitationsHandler>(actor).HandleAsync(new ListInvitationsCommand(), Client, Ct)).Select(i => i.InvitationId.ToString())),
        List<ListMembersHandler>(Managers, async (m, actor, t) =>
            (await m.Acting<ListMembersHandler>(actor).HandleAsync(new ListMembersCommand(), Client, Ct)).Select(s => s.MembershipId.ToString())),
        Act<GetFirstRunChecklistHandler>(Roles, false, (m, actor, t) =>
            m.Acting<GetFirstRunChecklistHandler>(actor).HandleAsync(new GetFirstRunChecklistCommand(), Client, Ct)),
        Act<ExportAuditLogHandler>(AuditReaders, false, (m, actor, t) =>
            m.Acting<ExportAuditLogHandler>(actor).HandleAsync(new ExportAuditLogCommand(AuditExportFormat.Csv, AuditExportFilter.None), Stream.Null, Client, Ct)),
        Act<GetAuditExportManifestHandler>(AuditReaders, false, async (m, actor, t) =>
        {
            // The member's own export: the manifest read is the step under test (an export refused first is refused too).
            var manifest = await m.Acting<ExportAuditLogHandler>(actor).HandleAsync(new ExportAuditLogCommand(AuditExportFormat.Jsonl, AuditExportFilter.None), Stream.Null, Client, Ct);
            await m.Acting<GetAuditExportManifestHandler>(actor).HandleAsync(new GetAuditExportManifestCommand(manifest.ExportId), Client, Ct);
        }),
        Act<GetAuditExportKeyHandler>(AuditReaders, false, (m, actor, t) =>
            m.Acting<GetAuditExportKeyHandler>(actor).HandleAsync(new GetAuditExportKeyCommand(), Client, Ct)),
        Act<RecentFailedSignInsHandler>(Managers, false, (m, actor, t) =>
            m.Acting<RecentFailedSignInsHandler>(actor).HandleAsync(new RecentFailedSignInsCommand(), Client, Ct)),
        List<GetComplianceDashboardHandler>([PracticeRole.Owner, PracticeRole.Admin, PracticeRole.Compliance], async (m, actor, t) =>
            (await m.Acting<GetComplianceDashboardHandler>(actor).HandleAsync(new GetComplianceDashboardQuery(), Client, Ct)).PhiViewsByMember.Select(v => $"{v.UserId}")),
        List<SearchAuditLogHandler>([PracticeRole.Owner, PracticeRole.Admin, PracticeRole.Compliance], async (m, actor, t) =>
            (await m.Acting<SearchAuditLogHandler>(actor).HandleAsync(new SearchAuditLogCommand(new AuditFilterInput(), PageSize: 200), Client, Ct))
                .Events.SelectMany(e => new[] { e.Id.ToString(), e.ClientId ?? string.Empty, e.TargetId ?? string.Empty }).Where(id => id.Length > 0)),
        Act<ClientReportHandler>(AuditReaders, true, (m, actor, t) =>
            m.Acting<ClientReportHandler>(actor).HandleAsync(new ClientReportCommand(t.ClientId, ClientReportKind.Access), Client, Ct)),
        Act<ClientReportCsvHandler>(AuditReaders, true, async (m, actor, t) =>
            await (await m.Acting<ClientReportCsvHandler>(actor).HandleAsync(new ClientReportCsvCommand(t.ClientId, ClientReportKind.Disclosures), Client, Ct)).Lines.ToListAsync()),
        List<BreachReportHandler>(AuditReaders, async (m, actor, t) =>
            (await m.Acting<BreachReportHandler>(actor).HandleAsync(new BreachReportCommand(), Client, Ct)).Clients.Select(c => c.ClientId.ToString())),
        Act<BreachReportCsvHandler>(AuditReaders, false, async (m, actor, t) =>
            await (await m.Acting<BreachReportCsvHandler>(actor).HandleAsync(new BreachReportCsvCommand(new BreachReportCommand()), Client, Ct)).Lines.ToListAsync()),
        Act<SetPracticeMfaRequirementHandler>(Managers, false, (m, actor, t) =>
            m.Acting<SetPracticeMfaRequirementHandler>(actor).HandleAsync(new SetPracticeMfaRequirementCommand(true), Client, Ct)),
        Act<SetAudioRetentionHandler>([PracticeRole.Owner], false, (m, actor, t) =>
            m.Acting<SetAudioRetentionHandler>(actor).HandleAsync(new SetAudioRetentionCommand(AudioRetention.OneDay), Client, Ct)),
        Act<GetBillingOverviewHandler>([PracticeRole.Owner], false, (m, actor, t) =>
            m.Acting<GetBillingOverviewHandler>(actor).HandleAsync(Client, Ct)),
        Act<SyncSeatsHandler>([PracticeRole.Owner], false, (m, actor, t) =>
            m.Acting<SyncSeatsHandler>(actor).HandleAsync(Client, Ct)),

        // Billing is off in this fixture, so an owner's Checkout and portal stop at "billing is off" after the gate;
        // the Stripe path, with another practice's Checkout refused, is in BillingApiTests.
        Act<StartCheckoutHandler>([PracticeRole.Owner], false, (m, actor, t) =>
            BillingOffAsync(() => m.Acting<StartCheckoutHandler>(actor).HandleAsync(new StartCheckoutCommand(), Client, Ct))),
        Act<CompleteCheckoutHandler>([PracticeRole.Owner], false, (m, actor, t) =>
            BillingOffAsync(() => m.Acting<CompleteCheckoutHandler>(actor).HandleAsync(new CompleteCheckoutCommand("cs_test_1"), Client, Ct))),
        Act<OpenBillingPortalHandler>([PracticeRole.Owner], false, (m, actor, t) =>
            BillingOffAsync(() => m.Acting<OpenBillingPortalHandler>(actor).HandleAsync(Client, Ct))),
        Act<SetPracticeTimeZoneHandler>([PracticeRole.Owner], false, (m, actor, t) =>
            m.Acting<SetPracticeTimeZoneHandler>(actor).HandleAsync(new SetPracticeTimeZoneCommand("Europe/London"), Client, Ct)),
        Act<StartAuditVerificationHandler>(AuditReaders, false, async (m, actor, t) =>
        {
            // Waits for the run: it reads and writes nothing but its own practice's chain, results and audit events.
            await m.Acting<StartAuditVerificationHandler>(actor).HandleAsync(new StartAuditVerificationCommand(null), Client, Ct);
            await m.Fixture.Get<AuditVerificationRunner>().Current(actor.PracticeId)!.Completion;
        }),
        Act<GetAuditVerificationHandler>(AuditReaders, false, (m, actor, t) =>
            m.Acting<GetAuditVerificationHandler>(actor).HandleAsync(new GetAuditVerificationQuery(), Client, Ct)),
        Act<LeavePracticeHandler>([PracticeRole.Admin, PracticeRole.Clinician, PracticeRole.Compliance], false, (m, actor, t) =>
            m.Acting<LeavePracticeHandler>(actor).HandleAsync(new LeavePracticeCommand(), Client, Ct)),
        Act<CreateTemplateHandler>(Managers, false, (m, actor, t) =>
            m.Acting<CreateTemplateHandler>(actor).HandleAsync(new CreateTemplateCommand("Brief", [new(null, "Plan", "", true)]), Client, Ct)),
        Act<UpdateTemplateHandler>(Managers, true, (m, actor, t) =>
            m.Acting<UpdateTemplateHandler>(actor).HandleAsync(new UpdateTemplateCommand(t.TemplateKey, 0, "Renamed", [new(null, "Plan", "", true)]), Client, Ct)),
        Act<ArchiveTemplateHandler>(Managers, true, (m, actor, t) =>
            m.Acting<ArchiveTemplateHandler>(actor).HandleAsync(new ArchiveTemplateCommand(t.TemplateKey, 0), Client, Ct)),
        List<ListTemplatesHandler>(Roles, async (m, actor, t) =>
            (await m.Acting<ListTemplatesHandler>(actor).HandleAsync(new ListTemplatesQuery(IncludeArchived: true), Client, Ct)).Templates.Select(c => c.Template.Key)),
        Act<SetMyDefaultTemplateHandler>(Roles, true, (m, actor, t) =>
            m.Acting<SetMyDefaultTemplateHandler>(actor).HandleAsync(new SetMyDefaultTemplateCommand(t.TemplateKey), Client, Ct)),
        Act<ChooseSessionTemplateHandler>(Managers, true, (m, actor, t) =>
            m.Acting<ChooseSessionTemplateHandler>(actor).HandleAsync(new ChooseSessionTemplateCommand(t.SessionId, "soap"), Client, Ct)),
        Act<GetPracticeSettingsHandler>([PracticeRole.Owner], false, (m, actor, t) =>
            m.Acting<GetPracticeSettingsHandler>(actor).HandleAsync(new GetPracticeSettingsQuery(), Client, Ct)),
        Act<SetPracticeNameHandler>([PracticeRole.Owner], false, (m, actor, t) =>
            m.Acting<SetPracticeNameHandler>(actor).HandleAsync(new SetPracticeNameCommand("Renamed Practice"), Client, Ct)),
        Act<SetWorkingHoursHandler>([PracticeRole.Owner], false, (m, actor, t) =>
            m.Acting<SetWorkingHoursHandler>(actor).HandleAsync(new SetWorkingHoursCommand(WorkingHours.Weekdays), Client, Ct)),
        Act<SetPracticeDefaultTemplateHandler>([PracticeRole.Owner], true, (m, actor, t) =>
            m.Acting<SetPracticeDefaultTemplateHandler>(actor).HandleAsync(new SetPracticeDefaultTemplateCommand(t.TemplateKey), Client, Ct)),
        Act<SetEmergencyAccessMembersHandler>([PracticeRole.Owner], false, (m, actor, t) =>
            m.Acting<SetEmergencyAccessMembersHandler>(actor).HandleAsync(new SetEmergencyAccessMembersCommand([]), Client, Ct)),
        Act<SetEmergencyAccessMinutesHandler>([PracticeRole.Owner], false, (m, actor, t) =>
            m.Acting<SetEmergencyAccessMinutesHandler>(actor).HandleAsync(new SetEmergencyAccessMinutesCommand(90), Client, Ct)),
        Act<SetAdminsManageSettingsHandler>([PracticeRole.Owner], false, (m, actor, t) =>
            m.Acting<SetAdminsManageSettingsHandler>(actor).HandleAsync(new SetAdminsManageSettingsCommand(true), Client, Ct)),
        Act<DeclareEmergencyAccessHandler>([PracticeRole.Clinician], true, (m, actor, t) =>
            m.Acting<DeclareEmergencyAccessHandler>(actor).HandleAsync(new DeclareEmergencyAccessCommand(t.ClientId, "Crisis call; their clinician is away."), Client, Ct)),
        Act<GetEmergencyDesignationHandler>(Roles, false, (m, actor, t) =>
            m.Acting<GetEmergencyDesignationHandler>(actor).HandleAsync(Client, Ct)),
        List<ListEmergencyAccessesHandler>([PracticeRole.Owner, PracticeRole.Compliance], async (m, actor, t) =>
            (await m.Acting<ListEmergencyAccessesHandler>(actor).HandleAsync(new ListEmergencyAccessesQuery(), Client, Ct)).Select(a => a.Id.ToString())),
        Act<AcknowledgeEmergencyAccessHandler>([PracticeRole.Owner, PracticeRole.Compliance], true, (m, actor, t) =>
            m.Acting<AcknowledgeEmergencyAccessHandler>(actor).HandleAsync(new AcknowledgeEmergencyAccessCommand(t.EmergencyAccessId, "Reviewed."), Client, Ct)),
    ];

    public static TheoryData<string, PracticeRole> OwnPracticeRows() => Rows();

    public static TheoryData<string, PracticeRole> OtherPracticeRows()
    {
        var data = new TheoryData<string, PracticeRole>();
        foreach (var useCase in Cases.Where(c => c.NamesARecord))
        {
            foreach (var role in Roles)
            {
                data.Add(useCase.Name, role);
            }
        }

        return data;
    }

    [Fact]
    public void EveryCoreUseCase_IsInTheMatrixOrNamedAsAccountScoped()
    {
        var handlers = typeof(PracticeId).Assembly.GetTypes()
            .Where(t => t.IsClass && t.Name.EndsWith("Handler", StringComparison.Ordinal) && t.GetMethod("HandleAsync") is not null)
            .Select(t => t.Name)
            .ToHashSet(StringComparer.Ordinal);

        var placed = Cases.Select(c => c.Name).Concat(AccountScoped.Keys).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(handlers.Except(placed));
        Assert.Empty(placed.Except(handlers));
        Assert.DoesNotContain(Cases.GroupBy(c => c.Name), g => g.Count() > 1);
        Assert.Equal(handlers.Count, placed.Count);
    }

    [Theory]
    [MemberData(nameof(OwnPracticeRows))]
    public async Task UseCase_OwnPractice_AllowedRolesSucceedOthersAreRefusedAuditedAndNoOtherPracticeIsTouched(string name, PracticeRole role)
    {
        var useCase = Cases.Single(c => c.Name == name);
        var bystander = await NewWorldAsync();
        var home = await NewWorldAsync();
        var actor = home.Members[role];
        var bystanderBefore = await SnapshotAsync(bystander, withAudit: true);
        var before = await SnapshotAsync(home, withAudit: false);

        var outcome = await AttemptAsync(useCase, actor, home);

        Assert.Equal(bystanderBefore, await SnapshotAsync(bystander, withAudit: true));
        Assert.DoesNotContain(bystander.RecordIds, id => (outcome.Returned ?? []).Contains(id));
        if (useCase.Allowed.Contains(role))
        {
            Assert.True(outcome.Error is null, $"{name} as {role} should succeed in its own practice but threw {outcome.Error}");
            return;
        }

        var expected = useCase.NotFound.Contains(role) ? typeof(RecordNotFoundException) : typeof(AccessDeniedException);
        Assert.True(outcome.Error?.GetType() == expected, $"{name} as {role} should be refused ({expected.Name}), but {Describe(outcome)}");
        Assert.Equal(before, await SnapshotAsync(home, withAudit: false));
        var denied = await Fixture.Get<IAuditStore>().QueryAsync(home.PracticeId, new AuditQuery(ActorUserId: actor.UserId, Result: AuditResult.Denied), Ct);
        Assert.NotEmpty(denied);
    }

    [Theory]
    [MemberData(nameof(OtherPracticeRows))]
    public async Task UseCase_OtherPracticesRecord_IsNotFoundAuditedAtHomeAndChangesNothingThere(string name, PracticeRole role)
    {
        var useCase = Cases.Single(c => c.Name == name);
        var victim = await NewWorldAsync();
        var home = await NewWorldAsync();
        var actor = home.Members[role];
        var victimBefore = await SnapshotAsync(victim, withAudit: true);

        var outcome = await AttemptAsync(useCase, actor, victim);

        Assert.True(outcome.Error is RecordNotFoundException or AccessDeniedException, $"{name} as {role} of another practice must be refused, but {Describe(outcome)}");
        Assert.Equal(victimBefore, await SnapshotAsync(victim, withAudit: true));
        var denied = await Fixture.Get<IAuditStore>().QueryAsync(home.PracticeId, new AuditQuery(ActorUserId: actor.UserId, Result: AuditResult.Denied), Ct);
        Assert.NotEmpty(denied);
    }

    [Fact]
    public async Task SessionLists_ShowTheMembersOwnPracticesSessionsAndNeverAnotherPractices()
    {
        var other = await NewWorldAsync();
        var home = await NewWorldAsync();
        var owner = home.Members[PracticeRole.Owner];

        var myDay = await Acting<ListMyDayHandler>(owner).HandleAsync(Client, Ct);
        var unfinished = await Acting<ListUnfinishedSessionsHandler>(owner).HandleAsync(Ct);

        Assert.Equal(home.SessionId, Assert.Single(myDay).Id);
        Assert.Equal(home.SessionId, Assert.Single(unfinished).Id);
        Assert.Empty(await Acting<ListUnfinishedSessionsHandler>(home.Members[PracticeRole.Admin]).HandleAsync(Ct));
        Assert.DoesNotContain(other.SessionId, myDay.Concat(unfinished).Select(s => s.Id));
    }

    [Fact]
    public async Task SearchClients_ClinicianWithoutGrant_FindsNothingAndManagersFindTheClient()
    {
        var home = await NewWorldAsync();

        var asClinician = await Acting<SearchClientsHandler>(home.Members[PracticeRole.Clinician]).HandleAsync(new SearchClientsCommand("Dana"), Client, Ct);
        var asAdmin = await Acting<SearchClientsHandler>(home.Members[PracticeRole.Admin]).HandleAsync(new SearchClientsCommand("Dana"), Client, Ct);

        Assert.Empty(asClinician);
        Assert.Equal(home.ClientId, Assert.Single(asAdmin).ClientId);
    }

    /// <summary><typeparamref name="T"/> built as the signed-in <paramref name="member"/> (for the case table, which runs outside the base class).</summary>
    private T Acting<T>(Member member)
        where T : class => As<T>(member);

    private new DateTimeOffset Now => base.Now;

    private static TheoryData<string, PracticeRole> Rows()
    {
        var data = new TheoryData<string, PracticeRole>();
        foreach (var useCase in Cases)
        {
            foreach (var role in Roles)
            {
                data.Add(useCase.Name, role);
            }
        }

        return data;
    }

    private async Task<Outcome> AttemptAsync(UseCase useCase, Member actor, World target)
    {
        try
        {
            return new Outcome(await useCase.Run(this, actor, target), null);
        }
        catch (Exception ex) when (ex is AccessDeniedException or RecordNotFoundException or ValidationFailedException or ConcurrencyConflictException)
        {
            return new Outcome(null, ex);
        }
    }

    /// <summary>A practice with an owner, admin, clinician and compliance officer (all verified, with a second factor), a
    /// client created by the owner with recording and AI-processing consents, a clinician Taylor granted view on it, and a pending invitation.</summary>
    private async Task<World> NewWorldAsync()
    {
        var owner = await NewVerifiedPracticeAsync();
        var members = new Dictionary<PracticeRole, Member>
        {
            [PracticeRole.Owner] = owner,
            [PracticeRole.Admin] = await AddMemberAsync(owner.PracticeId, PracticeRole.Admin),
            [PracticeRole.Clinician] = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician),
            [PracticeRole.Compliance] = await AddMemberAsync(owner.PracticeId, PracticeRole.Compliance),
        };
        var taylor = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var clientId = await Acting<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(new ClientDetails(ClientName, new DateOnly(1990, 4, 2))), Client, Ct);
        var consentId = await Acting<RecordConsentHandler>(owner).HandleAsync(
            new RecordConsentCommand(clientId, new ConsentDetails(ConsentKind.Recording, ConsentMethod.Verbal, Now)), Client, Ct);
        await Acting<RecordConsentHandler>(owner).HandleAsync(
            new RecordConsentCommand(clientId, new ConsentDetails(ConsentKind.AiProcessing, ConsentMethod.Written, Now)), Client, Ct);
        await Acting<GrantClientAccessHandler>(owner).HandleAsync(new GrantClientAccessCommand(taylor.MembershipId, clientId, new ClientPermissions(true, false, false, false)), Client, Ct);
        var invitation = await Acting<InviteMemberHandler>(owner).HandleAsync(new InviteMemberCommand($"invitee-{Guid.NewGuid():N}@example.com", PracticeRole.Clinician), Client, Ct);
        var sessionId = await Acting<StartRecordingHandler>(owner).HandleAsync(new StartRecordingCommand(clientId), Client, Ct);
        await Fixture.Get<TranscriptProtector>().SaveMachineTextAsync(
            owner.PracticeId, sessionId, 0, TimeSpan.Zero, TimeSpan.FromSeconds(60),
            new TranscriptionResult(
                [
                    new TranscribedSpan(TimeSpan.Zero, TimeSpan.FromSeconds(5), "Machine words.", "A"),
                    new TranscribedSpan(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(9), "Some nights I thought about killing myself.", "B"),
                ],
                "gpt-4o-transcribe-diarize"),
            Ct);
        var noteId = await Acting<WriteNoteHandler>(owner).HandleAsync(new WriteNoteCommand(sessionId), Client, Ct);
        await Acting<SaveSectionHandler>(owner).HandleAsync(new SaveSectionCommand(noteId, "presentation", [new StatementInput(null, "Presented calm.")], 1), Client, Ct);
        var note = await Acting<GetNoteHandler>(owner).HandleAsync(new GetNoteCommand(noteId, ContinuingView: true), Client, Ct);
        var client = await Fixture.Get<IClientRepository>().GetAsync(owner.PracticeId, clientId, Ct);
        var invitations = await Fixture.Get<IInvitationRepository>().ListAsync(owner.PracticeId, Ct);
        var template = await Acting<CreateTemplateHandler>(owner).HandleAsync(new CreateTemplateCommand("Intake", [new(null, "Check-in", "", true)]), Client, Ct);
        var clinician = members[PracticeRole.Clinician];
        await Acting<SetEmergencyAccessMembersHandler>(owner).HandleAsync(new SetEmergencyAccessMembersCommand([clinician.UserId]), Client, Ct);
        // A past (expired) emergency access to review: it opens nothing now, so the clinician still cannot view the client.
        var pastId = EmergencyAccessId.New();
        var pastReason = await Fixture.Get<IPhiProtector>().ProtectAsync(
            owner.PracticeId, new PhiField(EmergencyAccess.RecordType, pastId.ToString(), "reason"), "Crisis call.", Ct);
        var past = new EmergencyAccess(pastId, owner.PracticeId, clientId, clinician.UserId, Now.AddHours(-3), Now.AddHours(-2), pastReason);
        await Fixture.Get<IEmergencyAccessRepository>().AddAsync(owner.PracticeId, past, Ct);

        return new World(
            owner.PracticeId, members, taylor.MembershipId, clientId, client!.Version, consentId, Assert.Single(invitations).Id, sessionId,
            template.Key, noteId, note.Content.Sections[0].Statements[0].Id, note.Content.Risks[0].Id, past.Id);
    }

    private static string Describe(Outcome outcome) =>
        outcome.Error is null ? "it succeeded" : $"it threw {outcome.Error.GetType().Name}: {outcome.Error.Message}";

    /// <summary>Everything stored for the practice, serialised, with the length of its audit chain when asked.</summary>
    private async Task<string> SnapshotAsync(World world, bool withAudit)
    {
        var id = world.PracticeId;
        var snapshot = new
        {
            Practice = await Fixture.Get<IPracticeRepository>().GetAsync(id, Ct),
            Members = await Fixture.Get<IMembershipRepository>().ListAsync(id, Ct),
            Clients = await Fixture.Get<IClientRepository>().ListAsync(id, null, includeArchived: true, 1000, Ct),
            Consents = await Fixture.Get<IClientConsentRepository>().ListForClientAsync(id, world.ClientId, Ct),
            Sessions = await Fixture.Get<IClinicalSessionRepository>().ListForClientAsync(id, world.ClientId, Ct),
            Transcript = await Fixture.Get<ITranscriptRepository>().ListSegmentsAsync(id, world.SessionId, Ct),
            Audio = await Fixture.Get<ISessionAudioStore>().GetStatusAsync(id, world.SessionId, Ct),
            Speakers = await Fixture.Get<ITranscriptRepository>().GetSpeakersAsync(id, world.SessionId, Ct),
            Grants = await Fixture.Get<IClientGrantRepository>().ListForClientAsync(id, world.ClientId, Ct),
            Invitations = await Fixture.Get<IInvitationRepository>().ListAsync(id, Ct),
            Templates = await Fixture.Get<INoteTemplateRepository>().ListAsync(id, Ct),
            Preferences = await Task.WhenAll(world.Members.Values.Select(member => Fixture.Get<INotePreferenceRepository>().GetAsync(id, member.UserId, Ct))),
            Notes = await Fixture.Get<INoteRepository>().ListForClientAsync(id, world.ClientId, Ct),
            NoteVersions = await Fixture.Get<INoteRepository>().ListVersionsAsync(id, world.NoteId, Ct),
            Emergencies = await Fixture.Get<IEmergencyAccessRepository>().ListAsync(id, 100, Ct),
            AuditHead = !withAudit ? 0 : (await Fixture.Get<IAuditStore>().QueryAsync(id, new AuditQuery(Limit: 1), Ct)).Select(e => e.Sequence).SingleOrDefault(),
        };
        return JsonSerializer.Serialize(snapshot);
    }

    /// <summary>Runs a note change whose own rules may refuse it (not signable yet, drafting off): getting that far means it was authorized.</summary>
    private static async Task RuleRefusalIsAuthorizedAsync<T>(Task<T> attempt)
    {
        try
        {
            await attempt;
        }
        catch (Exception ex) when (ex is NoteSigningRefusedException or NoteStateConflictException)
        {
        }
    }

    /// <summary>A use case that changes or reads one record (or the practice), returning nothing to compare.</summary>
    /// <summary>Runs a billing use case whose owner path ends at "billing is off" (or "no customer yet") in this fixture.</summary>
    private static async Task BillingOffAsync(Func<Task> run)
    {
        try
        {
            await run();
        }
        catch (ValidationFailedException e) when (e.Message is StartCheckoutHandler.BillingOffMessage or OpenBillingPortalHandler.NoCustomerMessage)
        {
        }
    }

    private static UseCase Act<THandler>(PracticeRole[] allowed, bool namesARecord, Func<UseCaseIsolationMatrixTests, Member, World, Task> run) =>
        new(typeof(THandler).Name, allowed, namesARecord, async (m, actor, t) =>
        {
            await run(m, actor, t);
            return null;
        });

    /// <summary>A use case that lists records, returning their ids so a leak from another practice is seen.</summary>
    private static UseCase List<THandler>(PracticeRole[] allowed, Func<UseCaseIsolationMatrixTests, Member, World, Task<IEnumerable<string>>> run) =>
        new(typeof(THandler).Name, allowed, false, async (m, actor, t) => [.. await run(m, actor, t)]);

    /// <summary>A use case that lists the records under one record (a client), returning their ids.</summary>
    private static UseCase Read<THandler>(PracticeRole[] allowed, Func<UseCaseIsolationMatrixTests, Member, World, Task<IEnumerable<string>>> run) =>
        new(typeof(THandler).Name, allowed, true, async (m, actor, t) => [.. await run(m, actor, t)]);

    /// <summary>A recorder operation on the world's session, which the owner started: only they may act on it; for every
    /// other member it is someone else's session, so "not found" (audited), whatever their role.</summary>
    private static UseCase Recorder<THandler>(Func<UseCaseIsolationMatrixTests, Member, World, Task> run) =>
        Act<THandler>([PracticeRole.Owner], true, run) with { NotFound = [PracticeRole.Admin, PracticeRole.Clinician, PracticeRole.Compliance] };

    /// <summary>One use case of the matrix.</summary>
    /// <param name="Name">The handler's type name.</param>
    /// <param name="Allowed">The roles that succeed on their own practice's records.</param>
    /// <param name="NamesARecord">Whether it is aimed at a record, so it is also tried with another practice's.</param>
    /// <param name="Run">Runs it as a member against a world; returns the ids it listed, or null.</param>
    private sealed record UseCase(string Name, PracticeRole[] Allowed, bool NamesARecord, Func<UseCaseIsolationMatrixTests, Member, World, Task<IReadOnlyList<string>?>> Run)
    {
        /// <summary>The roles refused as "not found" in their own practice (the record is another member's), rather than denied.</summary>
        public PracticeRole[] NotFound { get; init; } = [];
    }

    private sealed record Outcome(IReadOnlyList<string>? Returned, Exception? Error);

    /// <summary>One practice of the matrix, with its members by role and the records use cases are aimed at.</summary>
    private sealed record World(
        PracticeId PracticeId,
        Dictionary<PracticeRole, Member> Members,
        MembershipId TaylorId,
        ClientId ClientId,
        long ClientVersion,
        ClientConsentId ConsentId,
        InvitationId InvitationId,
        ClinicalSessionId SessionId,
        string TemplateKey,
        NoteId NoteId,
        string StatementId,
        string RiskId,
        EmergencyAccessId EmergencyAccessId)
    {
        /// <summary>Every record id a list or search could leak.</summary>
        public IReadOnlyList<string> RecordIds =>
            [ClientId.ToString(), ConsentId.ToString(), InvitationId.ToString(), SessionId.ToString(), TaylorId.ToString(), TemplateKey, NoteId.ToString(),
                EmergencyAccessId.ToString(), .. Members.Values.Select(m => m.MembershipId.ToString())];
    }
}
