using Plexura.Core.Access;
using Plexura.Core.Access.Emergency;
using Plexura.Core.Billing;
using Plexura.Core.Clients;
using Plexura.Core.Compliance.Checkpoints;
using Plexura.Core.Compliance.Export;
using Plexura.Core.Consent;
using Plexura.Core.Email;
using Plexura.Core.Identity;
using Plexura.Core.Invitations;
using Plexura.Core.Jobs;
using Plexura.Core.Memberships;
using Plexura.Core.Notes;
using Plexura.Core.Notes.Templates;
using Plexura.Core.Practices;
using Plexura.Core.Security;
using Plexura.Core.Sessions;
using Plexura.Core.Transcription;
using Plexura.Core.Users;
using Plexura.Infrastructure.Audio;
using Plexura.Infrastructure.Auditing;
using Plexura.Infrastructure.Persistence.Documents;
using Plexura.Infrastructure.Security.DataProtection;

namespace Plexura.Infrastructure.Persistence;

/// <summary>Every document collection, defined once for both engines.</summary>
internal static class Collections
{
    public static readonly CollectionDefinition<Practice> Practices = new(
        "practices",
        "practice",
        IsPracticeOwned: true,
        p => p.Id.ToString(),
        p => p.Id,
        p => p.Version,
        (p, v) => p with { Version = v },
        []);

    /// <summary>
    /// Finds the account a verification link belongs to. Not unique: most users have no pending token, and a unique
    /// MongoDB index would count every missing value as the same one; 32 random bytes never collide.
    /// </summary>
    public static readonly IndexDefinition UserEmailVerificationTokenIndex =
        new(DocumentFields.Of(nameof(User.EmailVerificationTokenHash)), Unique: false);

    /// <summary>
    /// Finds the account a password-reset link belongs to. Not unique, for the same reasons as
    /// <see cref="UserEmailVerificationTokenIndex"/>.
    /// </summary>
    public static readonly IndexDefinition UserPasswordResetTokenIndex =
        new(DocumentFields.Of(nameof(User.PasswordResetTokenHash)), Unique: false);

    public static readonly CollectionDefinition<User> Users = new(
        "users",
        "user",
        IsPracticeOwned: false,
        u => u.Id.ToString(),
        _ => null,
        u => u.Version,
        (u, v) => u with { Version = v },
        [
            new IndexDefinition(DocumentFields.Of(nameof(User.Email)), Unique: true),
            UserEmailVerificationTokenIndex,
            UserPasswordResetTokenIndex,
        ]);

    public static readonly CollectionDefinition<Membership> Memberships = new(
        "memberships",
        "membership",
        IsPracticeOwned: true,
        m => m.Id.ToString(),
        m => m.PracticeId,
        m => m.Version,
        (m, v) => m with { Version = v },
        [new IndexDefinition(DocumentFields.Of(nameof(Membership.UserId)), Unique: true, CrossPracticeLookup: true)]);

    public static readonly CollectionDefinition<PracticeDataKey> PracticeKeys = new(
        "practice_keys",
        "practice key",
        IsPracticeOwned: true,
        k => k.Id,
        k => k.PracticeId,
        k => k.Version,
        (k, v) => k with { Version = v },
        []);

    public static readonly CollectionDefinition<UserSession> Sessions = new(
        "user_sessions",
        "session",
        IsPracticeOwned: false,
        s => s.Id.ToString(),
        _ => null,
        s => s.Version,
        (s, v) => s with { Version = v },
        [new IndexDefinition(DocumentFields.Of(nameof(UserSession.UserId)), Unique: false)]);

    /// <summary>The email queue's delivery workers find pending and sending messages without reading sent ones.</summary>
    public static readonly IndexDefinition OutboxStatusIndex = new(DocumentFields.Of(nameof(OutboxMessage.Status)), Unique: false);

    public static readonly CollectionDefinition<OutboxMessage> Outbox = new(
        "outbox_messages",
        "outbox message",
        IsPracticeOwned: false,
        m => m.Id.ToString("D"),
        _ => null,
        m => m.Version,
        (m, v) => m with { Version = v },
        [OutboxStatusIndex]);

    /// <summary>
    /// Invitations. The token hash is indexed for the cross-practice lookup an anonymous invitee's link needs; it is
    /// not unique, like the verification token's: 32 random bytes never collide. The email index finds a practice's
    /// earlier invitations to the same address.
    /// </summary>
    public static readonly CollectionDefinition<Invitation> Invitations = new(
        "invitations",
        "invitation",
        IsPracticeOwned: true,
        i => i.Id.ToString(),
        i => i.PracticeId,
        i => i.Version,
        (i, v) => i with { Version = v },
        [
            new IndexDefinition(DocumentFields.Of(nameof(Invitation.TokenHash)), Unique: false, CrossPracticeLookup: true),
            new IndexDefinition(DocumentFields.Of(nameof(Invitation.Email)), Unique: false),
        ]);

    /// <summary>The blind-index tokens of clients' names: an array index, so search is an index lookup per token.</summary>
    public static readonly IndexDefinition ClientSearchTokenIndex =
        new(DocumentFields.Of(nameof(Client.SearchTokens)), Unique: false, IsArray: true);

    /// <summary>Clients by who added them: a clinician's own clients, listed without scanning the practice.</summary>
    public static readonly IndexDefinition ClientCreatorIndex = new(DocumentFields.Of(nameof(Client.CreatedBy)), Unique: false);

    /// <summary>Clients (patients). PHI is stored only as ciphertexts; search goes through <see cref="ClientSearchTokenIndex"/>.</summary>
    public static readonly CollectionDefinition<Client> Clients = new(
        "clients",
        Client.RecordType,
        IsPracticeOwned: true,
        c => c.Id.ToString(),
        c => c.PracticeId,
        c => c.Version,
        (c, v) => c with { Version = v },
        [ClientSearchTokenIndex, ClientCreatorIndex]);

    /// <summary>Consents, listed per client.</summary>
    public static readonly CollectionDefinition<ClientConsent> ClientConsents = new(
        "client_consents",
        ClientConsent.RecordType,
        IsPracticeOwned: true,
        c => c.Id.ToString(),
        c => c.PracticeId,
        c => c.Version,
        (c, v) => c with { Version = v },
        [new IndexDefinition(DocumentFields.Of(nameof(ClientConsent.ClientId)), Unique: false)]);

    /// <summary>A clinician's own sessions (the recorder finds an unfinished one after a reload).</summary>
    public static readonly IndexDefinition ClinicalSessionClinicianIndex =
        new(DocumentFields.Of(nameof(ClinicalSession.ClinicianUserId)), Unique: false);

    /// <summary>Clinical sessions (recorded therapy sessions), listed per client and per clinician.</summary>
    public static readonly CollectionDefinition<ClinicalSession> ClinicalSessions = new(
        "clinical_sessions",
        ClinicalSession.RecordType,
        IsPracticeOwned: true,
        s => s.Id.ToString(),
        s => s.PracticeId,
        s => s.Version,
        (s, v) => s with { Version = v },
        [new IndexDefinition(DocumentFields.Of(nameof(ClinicalSession.ClientId)), Unique: false), ClinicalSessionClinicianIndex]);

    /// <summary>
    /// Per-session audio keys (wrapped by the practice key) with the index of the stored chunks; id = session id. Lives
    /// in the key vault (<see cref="KeyVault"/>), a database of its own; the main database keeps the definition only
    /// for moving keys stored there by earlier versions (<c>LegacyAudioKeyMove</c>).
    /// </summary>
    public static readonly CollectionDefinition<SessionAudioKey> SessionAudioKeys = new(
        "session_audio_keys",
        SessionAudioKey.RecordType,
        IsPracticeOwned: true,
        k => k.Id,
        k => k.PracticeId,
        k => k.Version,
        (k, v) => k with { Version = v },
        []);

    /// <summary>Encrypted audio chunks; id = session id and zero-padded sequence, so a chunk is stored once.</summary>
    public static readonly CollectionDefinition<SessionAudioChunk> SessionAudioChunks = new(
        "session_audio_chunks",
        SessionAudioChunk.RecordType,
        IsPracticeOwned: true,
        c => c.Id,
        c => c.PracticeId,
        c => c.Version,
        (c, v) => c with { Version = v },
        []);

    /// <summary>
    /// Client grants. The member-and-client key is unique within the practice (one answer per member and client);
    /// the member and client indexes serve "this member's grants" and "who can see this client".
    /// </summary>
    public static readonly CollectionDefinition<ClientGrant> ClientGrants = new(
        "client_grants",
        "client grant",
        IsPracticeOwned: true,
        g => g.Id.ToString(),
        g => g.PracticeId,
        g => g.Version,
        (g, v) => g with { Version = v },
        [
            new IndexDefinition(DocumentFields.Of(nameof(ClientGrant.MemberClientKey)), Unique: true),
            new IndexDefinition(DocumentFields.Of(nameof(ClientGrant.MembershipId)), Unique: false),
            new IndexDefinition(DocumentFields.Of(nameof(ClientGrant.ClientId)), Unique: false),
        ]);

    /// <summary>The data protection key ring (antiforgery and circuit keys), shared by every instance; key material sealed.</summary>
    public static readonly CollectionDefinition<DataProtectionKeyDocument> DataProtectionKeys = new(
        "data_protection_keys",
        "data protection key",
        IsPracticeOwned: false,
        k => k.Id,
        _ => null,
        k => k.Version,
        (k, v) => k with { Version = v },
        []);

    /// <summary>The job runners find pending and running jobs (and operators failed ones) without reading finished ones.</summary>
    public static readonly IndexDefinition JobStatusIndex = new(DocumentFields.Of(nameof(Job.Status)), Unique: false);

    /// <summary>A job's identity for callers: enqueueing an existing key stores nothing.</summary>
    public static readonly IndexDefinition JobDedupeKeyIndex = new(DocumentFields.Of(nameof(Job.DedupeKey)), Unique: true);

    /// <summary>The durable job queue (ids only, never PHI), drained by every instance's runner.</summary>
    public static readonly CollectionDefinition<Job> Jobs = new(
        "jobs",
        "job",
        IsPracticeOwned: false,
        j => j.Id.ToString(),
        _ => null,
        j => j.Version,
        (j, v) => j with { Version = v },
        [JobStatusIndex, JobDedupeKeyIndex]);

    /// <summary>
    /// Transcript segments: one document per segment, keyed by session and index (so a job that runs twice stores one),
    /// holding every revision of its text encrypted; listed per session.
    /// </summary>
    public static readonly CollectionDefinition<TranscriptSegment> TranscriptSegments = new(
        "transcript_segments",
        TranscriptSegment.RecordType,
        IsPracticeOwned: true,
        s => s.Id,
        s => s.PracticeId,
        s => s.Version,
        (s, v) => s with { Version = v },
        [new IndexDefinition(DocumentFields.Of(nameof(TranscriptSegment.SessionId)), Unique: false)]);

    /// <summary>The speaker names of a session's transcript with their history: one document per session, keyed by its id.</summary>
    public static readonly CollectionDefinition<TranscriptSpeakers> TranscriptSpeakers = new(
        "transcript_speakers",
        Core.Transcription.TranscriptSpeakers.RecordType,
        IsPracticeOwned: true,
        s => s.Id,
        s => s.PracticeId,
        s => s.Version,
        (s, v) => s with { Version = v },
        []);

    /// <summary>Practices' own note templates (not PHI; never deleted, archived instead); listed per practice.</summary>
    public static readonly CollectionDefinition<PracticeTemplate> NoteTemplates = new(
        "note_templates",
        PracticeTemplate.RecordType,
        IsPracticeOwned: true,
        t => t.Id.ToString(),
        t => t.PracticeId,
        t => t.Version,
        (t, v) => t with { Version = v },
        []);

    /// <summary>Members' note preferences (their default template); id = practice and user, so one per member and practice.</summary>
    public static readonly CollectionDefinition<NotePreference> NotePreferences = new(
        "note_preferences",
        NotePreference.RecordType,
        IsPracticeOwned: true,
        p => p.Id,
        p => p.PracticeId,
        p => p.Version,
        (p, v) => p with { Version = v },
        []);

    /// <summary>
    /// Notes: ids, state, signature and addenda summaries, never text. The key is unique in the practice (one progress
    /// note per session); the client index serves a client's notes.
    /// </summary>
    public static readonly CollectionDefinition<Note> Notes = new(
        "notes",
        Note.RecordType,
        IsPracticeOwned: true,
        n => n.Id.ToString(),
        n => n.PracticeId,
        n => n.Version,
        (n, v) => n with { Version = v },
        [
            new IndexDefinition(DocumentFields.Of(nameof(Note.Key)), Unique: true),
            new IndexDefinition(DocumentFields.Of(nameof(Note.ClientId)), Unique: false),
        ]);

    /// <summary>Note versions: one document per version (note id and number), content encrypted; listed per note.</summary>
    public static readonly CollectionDefinition<NoteVersion> NoteVersions = new(
        "note_versions",
        NoteVersion.RecordType,
        IsPracticeOwned: true,
        v => v.Id,
        v => v.PracticeId,
        v => v.Version,
        (v, n) => v with { Version = n },
        [new IndexDefinition(DocumentFields.Of(nameof(NoteVersion.NoteId)), Unique: false)]);

    /// <summary>Each practice's export signing key (one per practice, id = practice id; the private key protected by the master key).</summary>
    public static readonly CollectionDefinition<AuditSigningKeyDocument> AuditSigningKeys = new(
        "audit_signing_keys",
        AuditSigningKeyDocument.RecordType,
        IsPracticeOwned: true,
        k => k.Id,
        k => k.PracticeId,
        k => k.Version,
        (k, v) => k with { Version = v },
        []);

    /// <summary>Signed checkpoints of each practice's audit chain head (hashes only).</summary>
    public static readonly CollectionDefinition<AuditCheckpoint> AuditCheckpoints = new(
        "audit_checkpoints",
        "audit checkpoint",
        IsPracticeOwned: true,
        c => c.Id.ToString("D"),
        c => c.PracticeId,
        c => c.Version,
        (c, v) => c with { Version = v },
        []);

    /// <summary>Each practice's recorded chain verifications.</summary>
    public static readonly CollectionDefinition<AuditVerification> AuditVerifications = new(
        "audit_verifications",
        "audit verification",
        IsPracticeOwned: true,
        v => v.Id.ToString("D"),
        v => v.PracticeId,
        v => v.Version,
        (v, version) => v with { Version = version },
        []);

    /// <summary>
    /// Break-glass emergency accesses (reason encrypted). The member-and-client key finds a member's active access to a
    /// client (not unique: a member may declare again after one ends); the review lists the practice's, newest first.
    /// </summary>
    public static readonly CollectionDefinition<EmergencyAccess> EmergencyAccesses = new(
        "emergency_accesses",
        EmergencyAccess.RecordType,
        IsPracticeOwned: true,
        a => a.Id.ToString(),
        a => a.PracticeId,
        a => a.Version,
        (a, v) => a with { Version = v },
        [new IndexDefinition(DocumentFields.Of(nameof(EmergencyAccess.MemberClientKey)), Unique: false)]);

    /// <summary>Audit exports and their signed manifests (hashes, counts, filter codes: no PHI); id = export id.</summary>
    public static readonly CollectionDefinition<AuditExportRecord> AuditExports = new(
        "audit_exports",
        AuditExportRecord.RecordType,
        IsPracticeOwned: true,
        e => e.Id,
        e => e.PracticeId,
        e => e.Version,
        (e, v) => e with { Version = v },
        []);

    /// <summary>
    /// Cached per-day audit statistics of closed days (counts and enum names, no PHI); id = practice, statistic, zone and day
    /// (<see cref="CachedAuditStatistics.Key"/>), so a range of days is one page in id order.
    /// </summary>
    public static readonly CollectionDefinition<AuditDayStats> AuditDayStats = new(
        "audit_day_stats",
        Auditing.AuditDayStats.RecordType,
        IsPracticeOwned: true,
        s => s.Id,
        s => s.PracticeId,
        s => s.Version,
        (s, v) => s with { Version = v },
        []);

    /// <summary>Finds the practice of a Stripe customer named by a webhook (across practices).</summary>
    public static readonly IndexDefinition PracticeBillingCustomerIndex =
        new(DocumentFields.Of(nameof(PracticeBilling.CustomerId)), Unique: false, CrossPracticeLookup: true);

    /// <summary>Each practice's subscription state (Stripe ids, status, seats; id = practice id).</summary>
    public static readonly CollectionDefinition<PracticeBilling> PracticeBillings = new(
        "practice_billing",
        PracticeBilling.RecordType,
        IsPracticeOwned: true,
        b => b.Id,
        b => b.PracticeId,
        b => b.Version,
        (b, v) => b with { Version = v },
        [PracticeBillingCustomerIndex]);

    /// <summary>
    /// Received Stripe webhook events. The document id is Stripe's event id: the primary key (SQLite) and <c>_id</c>
    /// (MongoDB) are the unique index that lets exactly one delivery of an event, at any instance, claim it.
    /// </summary>
    public static readonly CollectionDefinition<StripeEventRecord> StripeEvents = new(
        "stripe_events",
        StripeEventRecord.RecordType,
        IsPracticeOwned: false,
        e => e.Id,
        _ => null,
        e => e.Version,
        (e, v) => e with { Version = v },
        []);

    /// <summary>
    /// Every collection above, without its record type, for engines that lay out collections from definitions
    /// (MongoDB creates its indexes from this list). Declared last: static fields initialize in textual order.
    /// </summary>
    public static readonly IReadOnlyList<CollectionShape> All =
    [
        CollectionShape.Of(Practices),
        CollectionShape.Of(Users),
        CollectionShape.Of(Memberships),
        CollectionShape.Of(PracticeKeys),
        CollectionShape.Of(Sessions),
        CollectionShape.Of(Outbox),
        CollectionShape.Of(Invitations),
        CollectionShape.Of(ClientGrants),
        CollectionShape.Of(Clients),
        CollectionShape.Of(ClientConsents),
        CollectionShape.Of(ClinicalSessions),
        CollectionShape.Of(DataProtectionKeys),
        CollectionShape.Of(Jobs),
        CollectionShape.Of(TranscriptSegments),
        CollectionShape.Of(TranscriptSpeakers),
        CollectionShape.Of(SessionAudioKeys),
        CollectionShape.Of(SessionAudioChunks),
        CollectionShape.Of(NoteTemplates),
        CollectionShape.Of(NotePreferences),
        CollectionShape.Of(Notes),
        CollectionShape.Of(NoteVersions),
        CollectionShape.Of(AuditSigningKeys),
        CollectionShape.Of(AuditCheckpoints),
        CollectionShape.Of(AuditVerifications),
        CollectionShape.Of(EmergencyAccesses),
        CollectionShape.Of(AuditExports),
        CollectionShape.Of(PracticeBillings),
        CollectionShape.Of(StripeEvents),
        CollectionShape.Of(AuditDayStats),
    ];

    /// <summary>
    /// The collections of the key vault, a separate database (SQLite file, MongoDB database) backed up apart from the
    /// main one with short retention, so deleting a key there erases the audio from main-database backups too.
    /// </summary>
    public static readonly IReadOnlyList<CollectionShape> KeyVault =
    [
        CollectionShape.Of(SessionAudioKeys),
    ];
}

/// <summary>The engine-relevant part of a <see cref="CollectionDefinition{T}"/>: name, tenancy and indexes.</summary>
internal sealed record CollectionShape(string Name, bool IsPracticeOwned, IReadOnlyList<IndexDefinition> Indexes)
{
    public static CollectionShape Of<T>(CollectionDefinition<T> definition)
        where T : class => new(definition.Name, definition.IsPracticeOwned, definition.Indexes);
}
