using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Plexura.Core.Access;
using Plexura.Core.Access.Emergency;
using Plexura.Core.Access.GrantClientAccess;
using Plexura.Core.Access.ListClientAccess;
using Plexura.Core.Access.RevokeClientAccess;
using Plexura.Core.Access.SetMemberScope;
using Plexura.Core.Auditing;
using Plexura.Core.Billing;
using Plexura.Core.Clients;
using Plexura.Core.Clients.ArchiveClient;
using Plexura.Core.Clients.CreateClient;
using Plexura.Core.Clients.GetClient;
using Plexura.Core.Clients.ListClients;
using Plexura.Core.Clients.SearchClients;
using Plexura.Core.Clients.UpdateClient;
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
using Plexura.Core.Identity;
using Plexura.Core.Identity.BeginMfaEnrollment;
using Plexura.Core.Identity.ChangePassword;
using Plexura.Core.Identity.ChoosePractice;
using Plexura.Core.Identity.CompleteMfaSignIn;
using Plexura.Core.Identity.CompletePasswordReset;
using Plexura.Core.Identity.ConfirmMfaEnrollment;
using Plexura.Core.Identity.DisableMfa;
using Plexura.Core.Identity.ListMySessions;
using Plexura.Core.Identity.RegenerateRecoveryCodes;
using Plexura.Core.Identity.RequestPasswordReset;
using Plexura.Core.Identity.ResendEmailVerification;
using Plexura.Core.Identity.RevokeMySession;
using Plexura.Core.Identity.SignIn;
using Plexura.Core.Identity.SignOut;
using Plexura.Core.Identity.SignUp;
using Plexura.Core.Identity.UpdateProfile;
using Plexura.Core.Identity.VerifyEmail;
using Plexura.Core.Invitations.AcceptInvitation;
using Plexura.Core.Invitations.GetInvitation;
using Plexura.Core.Invitations.InviteMember;
using Plexura.Core.Invitations.ListInvitations;
using Plexura.Core.Invitations.ResendInvitation;
using Plexura.Core.Invitations.RevokeInvitation;
using Plexura.Core.Jobs;
using Plexura.Core.Memberships;
using Plexura.Core.Memberships.ChangeMemberRole;
using Plexura.Core.Memberships.LeavePractice;
using Plexura.Core.Memberships.RemoveMember;
using Plexura.Core.Memberships.TransferOwnership;
using Plexura.Core.Notes;
using Plexura.Core.Notes.Drafting;
using Plexura.Core.Notes.EditNote;
using Plexura.Core.Notes.Evidence;
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
using Plexura.Core.Practices.Access;
using Plexura.Core.Practices.ChangeSettings;
using Plexura.Core.Practices.GetFirstRunChecklist;
using Plexura.Core.Practices.ListMembers;
using Plexura.Core.Practices.RecentFailedSignIns;
using Plexura.Core.Practices.SetAudioRetention;
using Plexura.Core.Practices.SetPracticeMfaRequirement;
using Plexura.Core.Practices.SetPracticeTimeZone;
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
using Plexura.Core.Transcription.TranscribeSegment;

namespace Plexura.Core;

/// <summary>Registers Core services.</summary>
public static class DependencyInjection
{
    /// <summary>Adds the use cases and domain services of Core.</summary>
    public static IServiceCollection AddPlexuraCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IAuditLog, AuditLog>();
        services.AddSingleton<AuditChainVerifier>();
        services.AddSingleton<ComplianceMail>();
        services.AddSingleton<IAuditCheckpointService, AuditCheckpointService>();
        services.AddSingleton<AuditVerificationRunner>();
        services.AddSingleton<IAuditVerificationResults, StoredAuditVerificationResults>();
        services.AddScoped<StartAuditVerificationHandler>();
        services.AddScoped<GetAuditVerificationHandler>();
        services.AddJobHandler<AuditCheckpointJob>();
        services.AddRecurringJob<AuditCheckpointSweepJob>(AuditCheckpointSweepJob.Every);
        services.AddRecurringJob<QueueHistoryCleanupJob>(QueueHistoryCleanupJob.Every);
        services.AddSingleton<PasswordPolicy>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<SessionValidator>();
        services.AddSingleton<ClientProtector>();
        services.AddSingleton<ConsentProtector>();
        services.AddSingleton<TranscriptProtector>();

        // Use cases are scoped: they depend on the per-request ICurrentUser and on the transient email sender.
        services.TryAddScoped<ICurrentUser, NoCurrentUser>();
        services.AddScoped<SignUpHandler>();
        services.AddScoped<VerifyEmailHandler>();
        services.AddScoped<SessionOpener>();
        services.AddScoped<ListMyPracticesHandler>();
        services.AddScoped<ChoosePracticeHandler>();
        services.AddScoped<SignInHandler>();
        services.AddScoped<SignOutHandler>();
        services.AddScoped<SignOutEverywhereHandler>();
        services.AddScoped<BeginMfaEnrollmentHandler>();
        services.AddScoped<ConfirmMfaEnrollmentHandler>();
        services.AddScoped<DisableMfaHandler>();
        services.AddScoped<RegenerateRecoveryCodesHandler>();
        services.AddScoped<CompleteMfaSignInHandler>();
        services.AddScoped<RequestPasswordResetHandler>();
        services.AddScoped<CompletePasswordResetHandler>();
        services.AddScoped<ChangePasswordHandler>();
        services.AddScoped<ResendEmailVerificationHandler>();
        services.AddScoped<UpdateProfileHandler>();
        services.AddScoped<ListMySessionsHandler>();
        services.AddScoped<RevokeMySessionHandler>();

        // The practice access gate reads the actor fresh per scope (request or operation).
        services.AddScoped<PracticeActorLoader>();
        services.AddScoped<PracticeAccessGate>();
        services.AddScoped<SetPracticeMfaRequirementHandler>();
        services.AddScoped<SetPracticeTimeZoneHandler>();
        services.AddScoped<SetAudioRetentionHandler>();
        services.AddScoped<SetPracticeNameHandler>();
        services.AddScoped<SetWorkingHoursHandler>();
        services.AddScoped<SetPracticeDefaultTemplateHandler>();
        services.AddScoped<SetEmergencyAccessMembersHandler>();
        services.AddScoped<SetEmergencyAccessMinutesHandler>();
        services.AddScoped<SetAdminsManageSettingsHandler>();
        services.AddScoped<GetPracticeSettingsHandler>();
        services.AddScoped<ListMembersHandler>();
        services.AddScoped<GetFirstRunChecklistHandler>();
        services.AddScoped<RecentFailedSignInsHandler>();
        services.AddScoped<SearchAuditLogHandler>();

        // Compliance dashboard. Until the checkpoint feature stores verification results, none exist (TryAdd: it replaces this).
        services.AddScoped<GetComplianceDashboardHandler>();

        services.AddScoped<ClientReportAccess>();
        services.AddScoped<ClientReportHandler>();
        services.AddScoped<ClientReportCsvHandler>();
        services.AddScoped<BreachReportHandler>();
        services.AddScoped<BreachReportCsvHandler>();
        services.AddSingleton<AuditChainHeadReader>();
        services.AddScoped<ExportAuditLogHandler>();
        services.AddScoped<GetAuditExportManifestHandler>();
        services.AddScoped<GetAuditExportKeyHandler>();

        services.AddScoped<InviteMemberHandler>();
        services.AddScoped<ResendInvitationHandler>();
        services.AddScoped<RevokeInvitationHandler>();
        services.AddScoped<ListInvitationsHandler>();
        services.AddScoped<GetInvitationHandler>();
        services.AddScoped<AcceptInvitationHandler>();
        services.AddPlexuraBilling();

        // Client access. Until client records register their own directory, no client exists: every client access
        // fails closed. A later registration (Infrastructure) replaces this one.
        services.TryAddSingleton<IClientDirectory, StoredClientDirectory>();
        services.AddScoped<CreateClientHandler>();
        services.AddScoped<GetClientHandler>();
        services.AddScoped<UpdateClientHandler>();
        services.AddScoped<ArchiveClientHandler>();
        services.AddScoped<SearchClientsHandler>();
        services.AddScoped<ListClientsHandler>();
        services.AddScoped<RecordConsentHandler>();
        services.AddScoped<RevokeConsentHandler>();
        services.AddScoped<ListConsentsHandler>();
        services.AddScoped<StartRecordingHandler>();
        services.AddScoped<SessionTranscriptAccess>();
        services.AddScoped<GetTranscriptHandler>();
        services.AddScoped<CorrectSegmentTextHandler>();
        services.AddScoped<NameSpeakerHandler>();
        services.AddScoped<GetSegmentHistoryHandler>();
        services.AddScoped<RetryTranscriptionHandler>();
        services.AddScoped<SessionAccess>();
        services.AddScoped<SegmentScheduler>();
        services.AddScoped<TranscriptCompletion>();
        services.AddJobHandler<TranscribeSegmentJob>();
        services.AddJobHandler<DeleteSessionAudioJob>();
        services.AddRecurringJob<AudioRetentionSweepJob>(AudioRetentionSweepJob.Every);
        services.AddScoped<StoreAudioChunkHandler>();
        services.AddScoped<PauseRecordingHandler>();
        services.AddScoped<ResumeRecordingHandler>();
        services.AddScoped<StopRecordingHandler>();
        services.AddScoped<GetSessionHandler>();
        services.AddScoped<ListClientSessionsHandler>();
        services.AddScoped<ListMyDayHandler>();
        services.AddScoped<ListUnfinishedSessionsHandler>();
        services.AddScoped<ClientAccessGate>();
        services.AddScoped<AccessTargets>();
        services.AddScoped<SetMemberScopeHandler>();
        services.AddScoped<GrantClientAccessHandler>();
        services.AddScoped<RevokeClientAccessHandler>();
        services.AddScoped<ListClientAccessHandler>();

        // Break-glass emergency access: declared on the client page, honoured by ClientAccessGate, reviewed in compliance.
        services.AddScoped<DeclareEmergencyAccessHandler>();
        services.AddScoped<GetEmergencyDesignationHandler>();
        services.AddScoped<ListEmergencyAccessesHandler>();
        services.AddScoped<AcknowledgeEmergencyAccessHandler>();

        services.AddScoped<MemberChanges>();
        services.AddScoped<ChangeMemberRoleHandler>();
        services.AddScoped<RemoveMemberHandler>();
        services.AddScoped<LeavePracticeHandler>();
        services.AddScoped<TransferOwnershipHandler>();

        // Notes. Practice templates replace the built-in-only catalog (TryAdd: a later registration wins).
        services.TryAddSingleton<INoteTemplateCatalog, StoredTemplateCatalog>();
        services.AddScoped<CreateTemplateHandler>();
        services.AddScoped<UpdateTemplateHandler>();
        services.AddScoped<ArchiveTemplateHandler>();
        services.AddScoped<ListTemplatesHandler>();
        services.AddScoped<SetMyDefaultTemplateHandler>();
        services.AddScoped<ChooseSessionTemplateHandler>();
        services.TryAddSingleton<INoteTemplateCatalog, BuiltInTemplateCatalog>();

        // AI drafting: the job streams through the in-process feed and writes through the notes' drafting store.
        services.TryAddSingleton<INoteDraftFeed, InProcessNoteDraftFeed>();
        services.AddJobHandler<DraftNoteJob>();
        // The app's own checks of a note: pure, stateless after construction (the phrase list is parsed once).
        services.AddSingleton<IEvidenceVerifier, OverlapEvidenceVerifier>();
        services.AddSingleton<IRiskScanner, PhraseListRiskScanner>();
        services.AddSingleton<NoteProtector>();
        services.AddSingleton<NoteWriter>();
        services.AddSingleton<NoteTranscript>();
        services.AddScoped<NoteAccess>();
        services.AddScoped<NoteReader>();
        services.AddScoped<NoteEditing>();
        services.AddScoped<NoteDraftRequests>();
        services.AddScoped<SessionNoteStarter>();
        services.AddScoped<INoteDraftingStore, NoteDraftingStore>();
        services.AddScoped<WriteNoteHandler>();
        services.AddScoped<GetNoteHandler>();
        services.AddScoped<GetSessionNoteHandler>();
        services.AddScoped<SaveSectionHandler>();
        services.AddScoped<ResolveStatementHandler>();
        services.AddScoped<ResolveRiskHandler>();
        services.AddScoped<ListNoteVersionsHandler>();
        services.AddScoped<GetNoteVersionsHandler>();
        services.AddScoped<RestoreNoteVersionHandler>();
        services.AddScoped<SignNoteHandler>();
        services.AddScoped<VerifyNoteSignatureHandler>();
        services.AddScoped<AmendNoteHandler>();
        services.AddScoped<RequestRedraftHandler>();
        services.AddScoped<RetryDraftingHandler>();
        services.AddScoped<CreatePsychotherapyNoteHandler>();
        services.AddScoped<ListPsychotherapyNotesHandler>();
        return services;
    }
}
