using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Plexura.Core.Auditing;
using Plexura.Core.Common;

namespace Plexura.Bench;

/// <summary>
/// Seeds hash-chained audit events straight into the app's <c>audit_events</c> table, for the audit-query,
/// audit-verify and audit-export scenarios: one connection, one transaction, a prepared insert, and every row chained
/// and hashed with the real <see cref="AuditHasher"/> exactly as the log would (only the seeding bypasses the log;
/// what is timed afterwards goes through the app's own store). A million appends through the log would take minutes.
/// </summary>
internal static class AuditChainSeeder
{
    /// <summary>A real browser's user agent (about 100 characters).</summary>
    public const string UserAgent =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";

    private const string Insert =
        "INSERT INTO audit_events (id, practice_id, sequence, timestamp_ms, actor_user_id, actor_email, source_ip, user_agent, " +
        "action, target_type, target_id, client_id, result, details, previous_hash, hash) VALUES " +
        "($id, $p, $seq, $ts, $uid, $email, $ip, $ua, $action, $tt, $tid, $cid, $result, $details, $prev, $hash)";

    private static readonly AuditAction[] TypicalActions = [AuditAction.PhiViewed, AuditAction.Updated, AuditAction.Created, AuditAction.Exported];

    /// <summary>
    /// Appends <paramref name="count"/> events to <paramref name="practice"/>'s chain after <paramref name="head"/>;
    /// <paramref name="shape"/> makes the event of each 0-based index (its practice, sequence, previous hash and hash
    /// are set here). Returns the new head.
    /// </summary>
    public static async Task<AuditChainHead> SeedAsync(
        string databasePath, PracticeId practice, AuditChainHead head, int count, Func<int, AuditEvent> shape)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        await connection.OpenAsync();
        await using (var pragma = connection.CreateCommand())
        {
            // Seeding only: a large page cache for the random-order index inserts (ids, target ids), no fsync.
            pragma.CommandText = "PRAGMA cache_size = -1000000; PRAGMA synchronous = OFF;";
            await pragma.ExecuteNonQueryAsync();
        }

        await using var transaction = connection.BeginTransaction();
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = Insert;
        string[] names = ["$id", "$p", "$seq", "$ts", "$uid", "$email", "$ip", "$ua", "$action", "$tt", "$tid", "$cid", "$result", "$details", "$prev", "$hash"];
        var p = new SqliteParameter[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            p[i] = insert.Parameters.Add(names[i], names[i] is "$seq" or "$ts" ? SqliteType.Integer : SqliteType.Text);
        }

        insert.Prepare();
        var practiceText = practice.ToString();
        for (var i = 0; i < count; i++)
        {
            var e = shape(i) with { PracticeId = practice, Sequence = head.Sequence + 1, PreviousHash = head.Hash };
            e = e with { Hash = AuditHasher.ComputeHash(e) };
            p[0].Value = e.Id.ToString("D");
            p[1].Value = practiceText;
            p[2].Value = e.Sequence;
            p[3].Value = e.Timestamp.ToUnixTimeMilliseconds();
            p[4].Value = (object?)e.ActorUserId?.ToString() ?? DBNull.Value;
            p[5].Value = (object?)e.ActorEmail ?? DBNull.Value;
            p[6].Value = (object?)e.SourceIp ?? DBNull.Value;
            p[7].Value = (object?)e.UserAgent ?? DBNull.Value;
            p[8].Value = e.Action.ToString();
            p[9].Value = (object?)e.TargetType ?? DBNull.Value;
            p[10].Value = (object?)e.TargetId ?? DBNull.Value;
            p[11].Value = (object?)e.ClientId ?? DBNull.Value;
            p[12].Value = e.Result.ToString();
            p[13].Value = JsonSerializer.Serialize(e.Details);
            p[14].Value = e.PreviousHash;
            p[15].Value = e.Hash;
            await insert.ExecuteNonQueryAsync();
            head = new AuditChainHead(e.Sequence, e.Hash);
        }

        await transaction.CommitAsync();
        return head;
    }

    /// <summary>
    /// The chain that audit-verify and audit-export read: one practice of <paramref name="count"/> typical events
    /// (<see cref="Typical"/>) plus 1 % as many of a second practice, so the table holds other practices' rows too.
    /// With a database kept from an earlier run (<c>--audit-db</c>) whose longest chain has exactly
    /// <paramref name="count"/> events, that chain is used as it is.
    /// </summary>
    public static async Task<(PracticeId Practice, AuditChainHead Head)> EnsureTypicalChainAsync(string databasePath, int count)
    {
        await using (var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var longest = connection.CreateCommand();
            longest.CommandText =
                "SELECT a.practice_id, a.sequence, a.hash FROM audit_events a WHERE a.sequence = " +
                "(SELECT MAX(sequence) FROM audit_events) LIMIT 1";
            await using var reader = await longest.ExecuteReaderAsync();
            if (await reader.ReadAsync() && reader.GetInt64(1) == count)
            {
                Console.WriteLine($"Reusing the seeded chain of {count:N0} events in {databasePath}");
                return (PracticeId.Parse(reader.GetString(0), null), new AuditChainHead(count, reader.GetString(2)));
            }

            if (reader.HasRows)
            {
                throw new InvalidOperationException($"{databasePath} holds another chain; give a new file to --audit-db.");
            }
        }

        var practice = PracticeId.New();
        var seed = Stopwatch.StartNew();
        var head = await SeedAsync(databasePath, practice, AuditChainHead.Genesis, count, Typical(DateTimeOffset.UtcNow.AddDays(-30)));
        var other = Math.Max(1, count / 100);
        await SeedAsync(databasePath, PracticeId.New(), AuditChainHead.Genesis, other, Typical(DateTimeOffset.UtcNow.AddDays(-30)));
        Console.WriteLine($"Seeded {count:N0} + {other:N0} events (bulk insert, real AuditHasher) in {seed.Elapsed.TotalSeconds:N1} s, " +
                          $"database {new FileInfo(databasePath).Length / 1024.0 / 1024.0:N0} MiB");
        return (practice, head);
    }

    /// <summary>
    /// Typical events: 8 clinicians, a distinct IP per event, the browser's user agent, PHI views and updates of
    /// clients, a third naming a client, two details (a note id and a reason); 7 ms apart from <paramref name="start"/>.
    /// </summary>
    public static Func<int, AuditEvent> Typical(DateTimeOffset start)
    {
        start = DateTimeOffset.FromUnixTimeMilliseconds(start.ToUnixTimeMilliseconds());
        var actors = Enumerable.Range(0, 8).Select(i => (Id: UserId.New(), Email: $"clinician{i}@example-clinic.org")).ToArray();
        return i =>
        {
            var actor = actors[i % actors.Length];
            return new AuditEvent(
                Guid.CreateVersion7(),
                default,
                0,
                start.AddMilliseconds(i * 7L),
                actor.Id,
                actor.Email,
                $"10.20.{(i >> 8) & 0xFF}.{i & 0xFF}",
                UserAgent,
                TypicalActions[i % TypicalActions.Length],
                "client",
                Guid.CreateVersion7().ToString("D"),
                i % 3 == 0 ? Guid.CreateVersion7().ToString("D") : null,
                AuditResult.Success,
                new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["noteId"] = Guid.CreateVersion7().ToString("D"),
                    ["reason"] = "treatment",
                },
                string.Empty,
                Hash: string.Empty);
        };
    }
}
