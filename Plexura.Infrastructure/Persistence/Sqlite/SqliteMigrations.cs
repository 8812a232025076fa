using Microsoft.Data.Sqlite;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Infrastructure.Persistence.Sqlite;

/// <summary>One schema step. Steps are applied in order, once, each in its own transaction.</summary>
public sealed record SqliteMigration(int Version, string Name, Func<SqliteConnection, SqliteTransaction, Task> ApplyAsync);

/// <summary>The schema history of the embedded database. Append new steps; never edit a released one.</summary>
internal static class SqliteMigrations
{
    public static readonly IReadOnlyList<SqliteMigration> All =
    [
        new(1, "core collections", async (c, t) =>
        {
            await CreateCollectionAsync(c, t, Collections.Practices);
            await CreateCollectionAsync(c, t, Collections.Users);
            await CreateCollectionAsync(c, t, Collections.Memberships);
            await CreateCollectionAsync(c, t, Collections.PracticeKeys);
        }),
        new(2, "audit log", (c, t) => ExecuteAsync(c, t, """
            CREATE TABLE audit_events (
                practice_id   TEXT    NOT NULL,
                sequence      INTEGER NOT NULL,
                id            TEXT    NOT NULL UNIQUE,
                timestamp_ms  INTEGER NOT NULL,
                actor_user_id TEXT,
                actor_email   TEXT,
                source_ip     TEXT,
                user_agent    TEXT,
                action        TEXT    NOT NULL,
                target_type   TEXT,
                target_id     TEXT,
                client_id     TEXT,
                result        TEXT    NOT NULL,
                details       TEXT    NOT NULL,
                previous_hash TEXT    NOT NULL,
                hash          TEXT    NOT NULL,
                PRIMARY KEY (practice_id, sequence)
            ) WITHOUT ROWID, STRICT;
            CREATE INDEX ix_audit_events_time ON audit_events (practice_id, timestamp_ms);
            CREATE INDEX ix_audit_events_client ON audit_events (practice_id, client_id) WHERE client_id IS NOT NULL;
            CREATE INDEX ix_audit_events_actor ON audit_events (practice_id, actor_user_id);
            CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
            BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
            CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
            BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
            """)),
        new(3, "user sessions", (c, t) => CreateCollectionAsync(c, t, Collections.Sessions)),
        new(4, "development email outbox", (c, t) => CreateCollectionAsync(c, t, Collections.Outbox)),

        // A database made after this index joined the definition already has it from step 1, hence IF NOT EXISTS.
        new(5, "user email-verification token index", (c, t) =>
            CreateIndexAsync(c, t, Collections.Users, Collections.UserEmailVerificationTokenIndex, ifNotExists: true)),

        // Same reason for IF NOT EXISTS as step 5.
        new(6, "user password-reset token index", (c, t) =>
            CreateIndexAsync(c, t, Collections.Users, Collections.UserPasswordResetTokenIndex, ifNotExists: true)),

        new(7, "invitations", (c, t) => CreateCollectionAsync(c, t, Collections.Invitations)),
        new(8, "clients with their name search tokens", (c, t) => CreateCollectionAsync(c, t, Collections.Clients)),
        new(9, "client consents", (c, t) => CreateCollectionAsync(c, t, Collections.ClientConsents)),

        new(10, "client grants", (c, t) => CreateCollectionAsync(c, t, Collections.ClientGrants)),
        new(11, "clinical sessions", (c, t) => CreateCollectionAsync(c, t, Collections.ClinicalSessions)),
        new(12, "clients by creator", (c, t) => CreateIndexAsync(c, t, Collections.Clients, Collections.ClientCreatorIndex, ifNotExists: true)),
        new(13, "data protection keys", (c, t) => CreateCollectionAsync(c, t, Collections.DataProtectionKeys)),

        // The outbox became the stored email queue. Same reason for IF NOT EXISTS as step 5.
        new(14, "outbox by delivery status", (c, t) => CreateIndexAsync(c, t, Collections.Outbox, Collections.OutboxStatusIndex, ifNotExists: true)),

        // REPLACE (and INSERT OR REPLACE) resolves a key conflict by deleting the old row without firing DELETE
        // triggers, so step 2's triggers let `REPLACE INTO audit_events SELECT ...` rewrite an event. A BEFORE INSERT
        // trigger runs before conflict resolution: any insert that names an existing (practice, sequence) or id is
        // aborted, whatever its OR clause (REPLACE, IGNORE) or upsert. `PRAGMA recursive_triggers` would also make
        // REPLACE fire the DELETE trigger, but it is a per-connection setting that a tool opening the file leaves off;
        // the guard has to live in the schema.
        new(15, "audit events cannot be replaced", (c, t) => ExecuteAsync(c, t, """
            CREATE TRIGGER audit_events_no_replace BEFORE INSERT ON audit_events
            WHEN EXISTS (SELECT 1 FROM audit_events WHERE (practice_id = NEW.practice_id AND sequence = NEW.sequence) OR id = NEW.id)
            BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
            """)),

        // Step 17 was reserved for the job queue and stays unused; 18-19 are session audio.
        new(16, "durable job queue", (c, t) => CreateCollectionAsync(c, t, Collections.Jobs)),
        new(18, "session audio keys and chunks", async (c, t) =>
        {
            await CreateCollectionAsync(c, t, Collections.SessionAudioKeys);
            await CreateCollectionAsync(c, t, Collections.SessionAudioChunks);
        }),

        // Same reason for IF NOT EXISTS as step 5.
        new(19, "clinical sessions by clinician", (c, t) =>
            CreateIndexAsync(c, t, Collections.ClinicalSessions, Collections.ClinicalSessionClinicianIndex, ifNotExists: true)),
        new(20, "transcript segments", (c, t) => CreateCollectionAsync(c, t, Collections.TranscriptSegments)),
        new(21, "transcript speaker names", (c, t) => CreateCollectionAsync(c, t, Collections.TranscriptSpeakers)),
        new(22, "notes", (c, t) => CreateCollectionAsync(c, t, Collections.Notes)),
        new(23, "note versions", (c, t) => CreateCollectionAsync(c, t, Collections.NoteVersions)),
        new(24, "note templates", (c, t) => CreateCollectionAsync(c, t, Collections.NoteTemplates)),
        new(25, "note preferences", (c, t) => CreateCollectionAsync(c, t, Collections.NotePreferences)),
        new(26, "audit signing keys", (c, t) => CreateCollectionAsync(c, t, Collections.AuditSigningKeys)),

        // The audit log viewer's single filters, each led by the practice and ending in the sequence, so "the newest page
        // with this value" walks one index range backwards and stops after a page, at any size. The actor and client
        // indexes of step 2 already end in the sequence: every index of a WITHOUT ROWID table carries the primary key.
        new(27, "audit log filter indexes", (c, t) => ExecuteAsync(c, t, """
            CREATE INDEX ix_audit_events_action ON audit_events (practice_id, action, sequence);
            CREATE INDEX ix_audit_events_result ON audit_events (practice_id, result, sequence);
            CREATE INDEX ix_audit_events_target_type ON audit_events (practice_id, target_type, sequence) WHERE target_type IS NOT NULL;
            CREATE INDEX ix_audit_events_target_id ON audit_events (practice_id, target_id, sequence) WHERE target_id IS NOT NULL;
            CREATE INDEX ix_audit_events_source_ip ON audit_events (practice_id, source_ip, sequence) WHERE source_ip IS NOT NULL;
            """)),
        new(29, "audit statistics index", (c, t) => ExecuteAsync(c, t, Auditing.SqliteAuditStatistics.CreateIndexSql)),
        new(30, "audit exports", (c, t) => CreateCollectionAsync(c, t, Collections.AuditExports)),
        new(32, "audit checkpoints", (c, t) => CreateCollectionAsync(c, t, Collections.AuditCheckpoints)),
        new(33, "audit verifications", (c, t) => CreateCollectionAsync(c, t, Collections.AuditVerifications)),
        new(35, "break-glass emergency accesses", (c, t) => CreateCollectionAsync(c, t, Collections.EmergencyAccesses)),
        new(37, "practice billing", (c, t) => CreateCollectionAsync(c, t, Collections.PracticeBillings)),
        new(38, "stripe webhook events", (c, t) => CreateCollectionAsync(c, t, Collections.StripeEvents)),

        // The compliance dashboard: closed days' statistics kept once counted, and windowed counts filtered by action
        // (failed sign-ins, break-glass, PHI views) read from an index that seeks each action's time range.
        // Like audit_events, the day statistics do not reference the practice row: they describe the audit log, which
        // is kept whatever happens to the practice's other records (the same table shape as CreateCollectionAsync's).
        new(39, "audit day statistics and the by-action statistics index", (c, t) => ExecuteAsync(c, t, $"""
            CREATE TABLE {SqliteNames.Table(Collections.AuditDayStats)} (
                id          TEXT    NOT NULL PRIMARY KEY,
                practice_id TEXT    NOT NULL,
                version     INTEGER NOT NULL,
                doc         TEXT    NOT NULL CHECK (json_valid(doc))
            ) STRICT;
            CREATE INDEX ix_{SqliteNames.Table(Collections.AuditDayStats)}_practice ON {SqliteNames.Table(Collections.AuditDayStats)} (practice_id, id);
            {Auditing.SqliteAuditStatistics.CreateActionIndexSql};
            """)),

        // Session audio chunks as BLOBs instead of Base64 inside JSON documents (issue 11, 1,000 recorders): chunks
        // already stored as documents stay there and are still read (Audio.SqliteSealedChunkStore).
        new(41, "session audio chunk data", (c, t) => ExecuteAsync(c, t, Audio.SqliteSealedChunkStore.CreateTableSql)),
    ];

    /// <summary>Creates a collection's table and indexes from its definition (the same one MongoDB indexes from).</summary>
    /// <remarks>
    /// Practice-owned tables reference the practice row, so no practice-owned document can outlive or precede its
    /// practice; their indexes lead with the practice, so lookups and uniqueness stay inside one practice.
    /// </remarks>
    /// <param name="c">The open connection.</param>
    /// <param name="t">The migration's transaction.</param>
    /// <param name="def">The collection.</param>
    /// <param name="referencesPractices">False in a database without the practices table (the key vault).</param>
    public static async Task CreateCollectionAsync<T>(SqliteConnection c, SqliteTransaction t, CollectionDefinition<T> def, bool referencesPractices = true)
        where T : class
    {
        var table = SqliteNames.Table(def);
        var practiceColumn = def.IsPracticeOwned
            ? ReferenceEquals(def, Collections.Practices) || !referencesPractices
                ? "practice_id TEXT NOT NULL"
                : $"practice_id TEXT NOT NULL REFERENCES {SqliteNames.Table(Collections.Practices)}(id)"
            : "practice_id TEXT NULL CHECK (practice_id IS NULL)";
        await ExecuteAsync(c, t, $"""
            CREATE TABLE {table} (
                id          TEXT    NOT NULL PRIMARY KEY,
                {practiceColumn},
                version     INTEGER NOT NULL,
                doc         TEXT    NOT NULL CHECK (json_valid(doc))
            ) STRICT;
            """);
        if (def.IsPracticeOwned)
        {
            await ExecuteAsync(c, t, $"CREATE INDEX ix_{table}_practice ON {table} (practice_id, id);");
        }

        foreach (var index in def.Indexes)
        {
            await CreateIndexAsync(c, t, def, index, ifNotExists: false);
        }
    }

    /// <summary>Creates one index of a collection as its definition describes it.</summary>
    /// <remarks>
    /// An array index is a side table keyed (practice_id, value, doc_id): a lookup by value reads only that practice's
    /// rows, and deleting the document deletes its rows with it (the foreign key cascades).
    /// </remarks>
    public static async Task CreateIndexAsync<T>(SqliteConnection c, SqliteTransaction t, CollectionDefinition<T> def, IndexDefinition index, bool ifNotExists)
        where T : class
    {
        var table = SqliteNames.Table(def);
        if (index.IsArray)
        {
            if (!def.IsPracticeOwned || index.Unique || index.CrossPracticeLookup)
            {
                throw new InvalidOperationException($"{def.Name}.{index.Field}: array indexes are per practice and never unique.");
            }

            var side = SqliteNames.ArrayTable(def, index);
            var ifMissing = ifNotExists ? "IF NOT EXISTS " : string.Empty;
            await ExecuteAsync(c, t, $"""
                CREATE TABLE {ifMissing}{side} (
                    practice_id TEXT NOT NULL,
                    value       TEXT NOT NULL,
                    doc_id      TEXT NOT NULL REFERENCES {table}(id) ON DELETE CASCADE,
                    PRIMARY KEY (practice_id, value, doc_id)
                ) WITHOUT ROWID, STRICT;
                CREATE INDEX {ifMissing}ix_{side}_doc ON {side} (doc_id);
                """);
            return;
        }

        var name = SqliteNames.Index(def, index);
        var unique = index.Unique ? "UNIQUE " : string.Empty;
        var practice = def.IsPracticeOwned ? "practice_id, " : string.Empty;
        var guard = ifNotExists ? "IF NOT EXISTS " : string.Empty;
        await ExecuteAsync(c, t, $"CREATE {unique}INDEX {guard}{name} ON {table} ({practice}{SqliteNames.FieldExpression(index.Field)});");
        if (index.CrossPracticeLookup)
        {
            await ExecuteAsync(c, t, $"CREATE INDEX {guard}{name}_all ON {table} ({SqliteNames.FieldExpression(index.Field)});");
        }
    }

    public static async Task ExecuteAsync(SqliteConnection c, SqliteTransaction t, string sql)
    {
        await using var command = c.CreateCommand();
        command.Transaction = t;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
