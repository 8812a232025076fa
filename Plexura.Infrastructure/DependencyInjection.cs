using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Plexura.Core.Access;
using Plexura.Core.Access.Emergency;
using Plexura.Core.Auditing;
using Plexura.Core.Auditing.Signing;
using Plexura.Core.Clients;
using Plexura.Core.Common;
using Plexura.Core.Compliance.Checkpoints;
using Plexura.Core.Compliance.Export;
using Plexura.Core.Consent;
using Plexura.Core.Email;
using Plexura.Core.Identity;
using Plexura.Core.Invitations;
using Plexura.Core.Jobs;
using Plexura.Core.Memberships;
using Plexura.Core.Notes;
using Plexura.Core.Notes.Drafting;
using Plexura.Core.Notes.Templates;
using Plexura.Core.Practices;
using Plexura.Core.Security;
using Plexura.Core.Sessions;
using Plexura.Core.Sessions.Audio;
using Plexura.Core.Transcription;
using Plexura.Core.Users;
using Plexura.Infrastructure.Audio;
using Plexura.Infrastructure.Auditing;
using Plexura.Infrastructure.Common;
using Plexura.Infrastructure.Configuration;
using Plexura.Infrastructure.Drafting;
using Plexura.Infrastructure.Email;
using Plexura.Infrastructure.Identity;
using Plexura.Infrastructure.Jobs;
using Plexura.Infrastructure.Persistence;
using Plexura.Infrastructure.Persistence.Documents;
using Plexura.Infrastructure.Persistence.Repositories;
using Plexura.Infrastructure.Persistence.Sqlite;
using Plexura.Infrastructure.Security;
using Plexura.Infrastructure.Security.DataProtection;
using Plexura.Infrastructure.Transcription;

namespace Plexura.Infrastructure;

/// <summary>Registers storage, encryption and auditing for the configured engine.</summary>
public static class DependencyInjection
{
    /// <summary>Health-check tag of the checks that gate readiness.</summary>
    public const string ReadyTag = "ready";

    /// <summary>The service key of the main database's own engine (the <see cref="IStorageEngine"/> also prepares the key vault).</summary>
    internal const string MainEngineKey = "main";

    /// <summary>Adds options (validated at start), the storage engine, repositories, PHI and secret encryption, identity services, TOTP, email, the job queue and its runner, and the audit store.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The app configuration.</param>
    /// <param name="contentRoot">Relative file paths (the SQLite file) resolve against this folder.</param>
    public static IServiceCollection AddPlexuraInfrastructure(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        AddValidatedOptions<StorageOptions, StorageOptionsValidator>(services, configuration, StorageOptions.Section);
        AddValidatedOptions<SecurityOptions, SecurityOptionsValidator>(services, configuration, SecurityOptions.Section);
        AddValidatedOptions<AuthOptions, AuthOptionsValidator>(services, configuration, AuthOptions.Section);
        AddValidatedOptions<AppOptions, AppOptionsValidator>(services, configuration, AppOptions.Section);
        services.AddOptions<OpenAiOptions>().Bind(configuration.GetSection(OpenAiOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EmailOptions>().Bind(configuration.GetSection(EmailOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<JobOptions>().Bind(configuration.GetSection(JobOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BillingOptions>().Bind(configuration.GetSection(BillingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();

        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var isMongo = string.Equals(storage.Provider, nameof(StorageProvider.Mongo), StringComparison.OrdinalIgnoreCase);
        if (isMongo)
        {
            AddMongo(services);
        }
        else
        {
            AddSqlite(services, contentRoot);
        }

        services.AddSingleton<IPracticeRepository, PracticeRepository>();
        services.AddSingleton<IUserRepository, UserRepository>();
        services.AddSingleton<IMembershipRepository, MembershipRepository>();
        services.AddSingleton<IPracticeKeyRepository, PracticeKeyRepository>();
        services.AddSingleton<ISessionRepository, SessionRepository>();
        services.AddSingleton<IInvitationRepository, InvitationRepository>();
        services.AddSingleton<IClientGrantRepository, ClientGrantRepository>();
        Billing.BillingRegistration.Add(services);
        services.AddSingleton<IClientRepository, ClientRepository>();
        services.AddSingleton<IClientConsentRepository, ClientConsentRepository>();
        services.AddSingleton<IClinicalSessionRepository, ClinicalSessionRepository>();
        services.AddSingleton<ITranscriptRepository, TranscriptRepository>();
        services.AddSingleton<INoteTemplateRepository, NoteTemplateRepository>();
        services.AddSingleton<INotePreferenceRepository, NotePreferenceRepository>();
        services.AddSingleton<IAuditSigner, AuditSigner>();
        services.AddSingleton<IAuditCheckpointStore, AuditCheckpointStore>();
        services.AddSingleton<IAuditExportRepository, AuditExportRepository>();
        services.AddSingleton<INoteRepository, NoteRepository>();
        services.AddSingleton<IEmergencyAccessRepository, EmergencyAccessRepository>();
        services.AddSingleton<ISessionAudioStore, EncryptedSessionAudioStore>();

        services.AddSingleton<IBreachedPasswordList, BreachedPasswordList>();
        services.AddSingleton<PasswordHashingLimiter>();
        services.AddSingleton<IPasswordHasher, BcryptPasswordHasher>();
        services.AddSingleton<ITokenService, JwtTokenService>();

        services.AddSingleton<MasterKeyRing>();
        services.AddSingleton<PracticeKeyService>();
        services.AddSingleton<IPracticeKeyService>(sp => sp.GetRequiredService<PracticeKeyService>());
        services.AddSingleton<IPhiProtector, AesGcmPhiProtector>();
        services.AddSingleton<ITranscriptionService, OpenAiTranscriptionService>();
        services.AddSingleton<INoteDrafter, OpenAiNoteDrafter>();
        services.AddSingleton<IClientSearchIndexer, HmacClientSearchIndexer>();
        services.AddSingleton<ISecretProtector, AesGcmSecretProtector>();
        services.AddSingleton<ITotpService, TotpService>();

        services.AddSingleton<IOutboxRepository, OutboxRepository>();
        EmailRegistration.Add(services, configuration.GetSection(EmailOptions.Section).Get<EmailOptions>() ?? new EmailOptions());

        services.AddSingleton<IJobStore, JobRepository>();
        services.AddSingleton<WakeSignal<JobQueue>>();
        services.AddSingleton<IJobQueue, JobQueue>();

        services.AddSingleton<LegacyAudioKeyMove>();
        services.AddSingleton<IStorageEngine>(sp => new StorageEngineWithKeyVault(
            sp.GetRequiredKeyedService<IStorageEngine>(MainEngineKey), sp.GetRequiredService<KeyVault>(), sp.GetRequiredService<LegacyAudioKeyMove>()));

        services.AddHostedService<StorageStartup>();
        DataProtectionRegistration.Add(services);
        services.AddHostedService<EmailDeliveryWorker>();
        services.AddHostedService<JobRunner>();
        services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", tags: [ReadyTag])
            .Add(new HealthCheckRegistration("keyvault", sp => new StorageHealthCheck(sp.GetRequiredService<KeyVault>().Engine), failureStatus: null, tags: [ReadyTag]))
            .AddCheck<JobQueueHealthCheck>("jobs", tags: [ReadyTag]);
        return services;
    }

    private static void AddSqlite(IServiceCollection services, string contentRoot)
    {
        services.AddSingleton(sp =>
        {
            var path = sp.GetRequiredService<IOptions<StorageOptions>>().Value.SqlitePath;
            return new SqliteDatabase(Path.IsPathRooted(path) ? path : Path.Combine(contentRoot, path));
        });
        services.AddSingleton<SqliteMigrator>();
        services.AddKeyedSingleton<IStorageEngine, SqliteEngine>(MainEngineKey);
        services.AddSingleton<IFreeSpaceScrubber, SqliteFreeSpaceScrubber>();
        services.AddSingleton(sp =>
        {
            // Its own file, next to the main one unless configured: main-database backups never hold it.
            var path = sp.GetRequiredService<IOptions<StorageOptions>>().Value.ResolvedKeyVaultPath;
            var database = new SqliteDatabase(Path.IsPathRooted(path) ? path : Path.Combine(contentRoot, path), secureDelete: true);
            var migrator = new SqliteMigrator(
                database, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SqliteMigrator>>())
            {
                Migrations = KeyVaultMigrations.All,
            };
            return new KeyVault(new SqliteDocumentStore(database), new SqliteEngine(database, migrator, "sqlite key vault"));
        });
        services.AddSingleton<IDocumentStore, SqliteDocumentStore>();
        services.AddSingleton<IAuditStore, SqliteAuditStore>();
        services.AddSingleton<ISealedChunkStore, SqliteSealedChunkStore>();
        services.AddSingleton<SqliteAuditStatistics>();
        services.AddSingleton<Core.Compliance.IAuditStatistics>(sp => new CachedAuditStatistics(
            sp.GetRequiredService<SqliteAuditStatistics>(), sp.GetRequiredService<IDocumentStore>(), sp.GetRequiredService<TimeProvider>()));
    }

    private static void AddMongo(IServiceCollection services)
    {
        Persistence.Mongo.MongoRegistration.Add(services);
        services.AddSingleton<ISealedChunkStore, DocumentSealedChunkStore>();
    }

    private static void AddValidatedOptions<TOptions, TValidator>(IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
    }
}
