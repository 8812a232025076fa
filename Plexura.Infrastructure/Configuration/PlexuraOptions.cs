using System.ComponentModel.DataAnnotations;

namespace Plexura.Infrastructure.Configuration;

/// <summary>Which database engine stores the data.</summary>
public enum StorageProvider
{
    /// <summary>Embedded SQLite file: the default for development, tests and single-node installs.</summary>
    Sqlite,

    /// <summary>MongoDB (Atlas in production).</summary>
    Mongo,
}

/// <summary>Section <c>Plexura:Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Plexura:Storage";

    public string Provider { get; set; } = nameof(StorageProvider.Sqlite);

    /// <summary>SQLite database file. Relative paths are under the content root.</summary>
    public string SqlitePath { get; set; } = "data/plexura.db";

    public string? MongoConnectionString { get; set; }

    public string MongoDatabase { get; set; } = "plexura";

    /// <summary>
    /// The key vault's SQLite file (session audio keys), kept apart from the main database so main backups never hold
    /// them. Unset: next to <see cref="SqlitePath"/>, its name with <c>-keys</c> added (<c>data/plexura-keys.db</c>).
    /// </summary>
    public string? KeyVaultPath { get; set; }

    /// <summary>The key vault's MongoDB database. Unset: <see cref="MongoDatabase"/> with <c>_keys</c> added.</summary>
    public string? MongoKeyVaultDatabase { get; set; }

    /// <summary>The key vault's MongoDB connection string (a cluster with its own backup policy). Unset: <see cref="MongoConnectionString"/>.</summary>
    public string? MongoKeyVaultConnectionString { get; set; }

    /// <summary>The key vault's SQLite file as configured, or the default next to <see cref="SqlitePath"/>.</summary>
    public string ResolvedKeyVaultPath => KeyVaultPath ?? DefaultKeyVaultPath(SqlitePath);

    /// <summary>The key vault's MongoDB database as configured, or the default beside <see cref="MongoDatabase"/>.</summary>
    public string ResolvedMongoKeyVaultDatabase => MongoKeyVaultDatabase ?? MongoDatabase + "_keys";

    public StorageProvider ParsedProvider => Enum.Parse<StorageProvider>(Provider, ignoreCase: true);

    /// <summary><c>data/plexura.db</c> → <c>data/plexura-keys.db</c>: the same folder, so each database gets its own vault.</summary>
    public static string DefaultKeyVaultPath(string sqlitePath)
    {
        ArgumentNullException.ThrowIfNull(sqlitePath);
        var name = Path.GetFileNameWithoutExtension(sqlitePath) + "-keys" + Path.GetExtension(sqlitePath);
        var folder = Path.GetDirectoryName(sqlitePath);
        return string.IsNullOrEmpty(folder) ? name : Path.Combine(folder, name);
    }
}

/// <summary>Section <c>Plexura:Security</c>.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Plexura:Security";

    /// <summary>The current master key: 32 random bytes, base64. Wraps every practice's data key.</summary>
    public string? MasterKey { get; set; }

    /// <summary>The current master key's id, written beside every key it wraps.</summary>
    public string MasterKeyId { get; set; } = "master-1";

    /// <summary>Earlier master keys by id (base64), kept until every data key is re-wrapped.</summary>
    public Dictionary<string, string> PreviousMasterKeys { get; set; } = [];
}

/// <summary>Section <c>Plexura:OpenAI</c>: transcription (and later drafting) through OpenAI's API.</summary>
public sealed class OpenAiOptions
{
    public const string Section = "Plexura:OpenAI";

    /// <summary>The API key; without one, transcription is not configured (recording still works, segments wait).</summary>
    public string? ApiKey { get; set; }

    /// <summary>The API's base address including <c>/v1</c> (for example <c>http://127.0.0.1:8080/v1</c>); OpenAI's own when empty.</summary>
    [Url]
    public string? Endpoint { get; set; }

    /// <summary>
    /// The transcription model: <c>gpt-4o-transcribe</c> (text only), <c>whisper-1</c> (timed segments) or
    /// <c>gpt-4o-transcribe-diarize</c> (timed segments with speaker labels).
    /// </summary>
    [Required]
    public string TranscriptionModel { get; set; } = "gpt-4o-transcribe";

    /// <summary>How long one transcription or drafting request may take before it counts as a (transient) timeout.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>True when an API key is set.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);

    /// <summary>
    /// The chat model that drafts notes, with Structured Outputs (a strict JSON schema), for example
    /// <c>gpt-4o-2024-08-06</c>. Empty turns drafting off while transcription stays on (notes are written by hand).
    /// </summary>
    public string? DraftingModel { get; set; } = "gpt-4o-2024-08-06";
}

/// <summary>Section <c>Plexura:Email</c> (filled by the identity issue).</summary>
public sealed class EmailOptions
{
    public const string Section = "Plexura:Email";

    /// <summary>Resend API key; without one, mail goes to the development outbox.</summary>
    public string? ResendApiKey { get; set; }

    [Url]
    public string ResendBaseUrl { get; set; } = "https://api.resend.com";

    public string From { get; set; } = "Plexura <no-reply@plexura.ai>";

    /// <summary>Delivery attempts per email before it is marked failed.</summary>
    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 10;

    /// <summary>The wait after the first failed attempt; it doubles with each further one (with jitter).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between two attempts (a provider's Retry-After is capped at it too).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "06:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often the delivery worker looks for due mail it was not woken for (queued by another instance).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a worker owns a claimed email; after that another worker may take it over. Longer than one attempt (10 s).</summary>
    [Range(typeof(TimeSpan), "00:00:15", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>True when mail is kept in the development outbox instead of being sent (no Resend key).</summary>
    public bool UsesDevelopmentOutbox => string.IsNullOrWhiteSpace(ResendApiKey);
}

/// <summary>Section <c>Plexura:Jobs</c>: the durable job queue's runner (<c>Plexura.Infrastructure.Jobs.JobRunner</c>).</summary>
public sealed class JobOptions
{
    public const string Section = "Plexura:Jobs";

    /// <summary>Runs per job before a transient failure becomes a permanent one.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait after the first failed run; it doubles with each further one (with jitter).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between two runs (a service's Retry-After is capped at it too).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often a runner looks for due jobs it was not woken for (queued by another instance, lapsed leases).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a runner holds a claimed job without renewing; it renews every third of it while the handler works,
    /// so only a dead or stalled instance loses a job, which another runner takes over once the lease lapses.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest one run may take; a run cut off counts as a transient failure (<c>timeout</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "1.00:00:00")]
    public TimeSpan RunTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How many jobs one runner (one instance) runs at once.</summary>
    [Range(1, 64)]
    public int Concurrency { get; set; } = 2;
}

/// <summary>Section <c>Plexura:Billing</c>: Stripe per-seat subscriptions. Without a secret key billing is off and every practice is unlimited.</summary>
public sealed class BillingOptions
{
    public const string Section = "Plexura:Billing";

    /// <summary>Stripe secret key; without one, billing is off.</summary>
    public string? StripeSecretKey { get; set; }

    /// <summary>The webhook endpoint's signing secret (<c>whsec_...</c>); deliveries are refused without it.</summary>
    public string? StripeWebhookSecret { get; set; }

    /// <summary>The monthly per-seat price (<c>price_...</c>).</summary>
    public string? StripePriceId { get; set; }

    /// <summary>The optional annual per-seat price.</summary>
    public string? StripeAnnualPriceId { get; set; }

    /// <summary>Free trial days Checkout gives a first subscription (0 = none).</summary>
    [Range(0, 365)]
    public int TrialDays { get; set; } = 14;

    /// <summary>Days a past-due practice keeps starting sessions and drafts after the first failed payment.</summary>
    [Range(0, 90)]
    public int GraceDays { get; set; } = 14;

    /// <summary>Stripe's API base without <c>/v1</c> (a local fake in tests); Stripe's own when empty.</summary>
    [Url]
    public string? StripeApiBase { get; set; }

    /// <summary>Attempts per Stripe call for transient failures (429, 5xx, network), with exponential backoff and jitter.</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The wait after the first failed attempt; it doubles with each further one.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long one Stripe call may take.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Allowed age of a webhook's signed timestamp (replay protection), in seconds.</summary>
    [Range(1, 3600)]
    public int WebhookToleranceSeconds { get; set; } = 300;

    /// <summary>True when a secret key is set.</summary>
    public bool IsEnabled => !string.IsNullOrWhiteSpace(StripeSecretKey);
}
