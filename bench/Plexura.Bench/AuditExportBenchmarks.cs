using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Compliance.Export;

namespace Plexura.Bench;

/// <summary>
/// audit-export: the real export path (<see cref="AuditExportStreamer"/> over the SQLite <see cref="IAuditStore"/>:
/// stream, format, SHA-256) writing the whole chain of one practice as CSV and as JSONL, at a tenth of the events and
/// at all of them, so "constant memory in the event count" is seen. The chain is bulk-inserted with SQL in one
/// transaction per 50,000 rows, each row hashed with the real <see cref="AuditHasher"/>.
/// </summary>
internal sealed class AuditExportBenchmarks(IAuditStore store, string databasePath, int events)
{
    private static readonly string[] Agents = ["Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 Safari/605.1.15", "curl/8.5"];

    public async Task RunAsync()
    {
        var practice = PracticeId.New();
        var head = AuditChainHead.Genesis;
        var rows = new List<(string Size, string Format, double Seconds, long Bytes, long PeakMb, long BaseMb)>();
        foreach (var size in new[] { Math.Max(1, events / 10), events })
        {
            var seed = Stopwatch.StartNew();
            head = await SeedAsync(practice, head, size);
            Console.WriteLine($"Seeded {size:N0} events in {seed.Elapsed.TotalSeconds:N1} s");
            foreach (var format in new[] { AuditExportFormat.Csv, AuditExportFormat.Jsonl })
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                using var process = Process.GetCurrentProcess();
                process.Refresh();
                var baseline = process.WorkingSet64;
                long peak = baseline;
                using var sampling = new CancellationTokenSource();
                var sampler = Task.Run(async () =>
                {
                    using var p = Process.GetCurrentProcess();
                    while (!sampling.IsCancellationRequested)
                    {
                        p.Refresh();
                        peak = Math.Max(peak, p.WorkingSet64);
                        try
                        {
                            await Task.Delay(20, sampling.Token);
                        }
                        catch (OperationCanceledException)
                        {
                        }
                    }
                });
                await using var sink = new CountingStream();
                var timer = Stopwatch.StartNew();
                var summary = await AuditExportStreamer.WriteAsync(store, practice, new AuditQuery(BeforeSequence: head.Sequence + 1), format, sink, CancellationToken.None);
                timer.Stop();
                await sampling.CancelAsync();
                await sampler;
                if (summary.Count != head.Sequence)
                {
                    throw new InvalidOperationException($"Exported {summary.Count} events, expected {head.Sequence}.");
                }

                rows.Add(($"{head.Sequence:N0}", AuditExportCodec.Extension(format), timer.Elapsed.TotalSeconds, sink.Length, peak / 1024 / 1024, baseline / 1024 / 1024));
                Console.WriteLine($"  {format,-5} {head.Sequence,10:N0} events  {timer.Elapsed.TotalSeconds,6:N2} s  {sink.Length / 1024.0 / 1024.0,7:N1} MiB  peak working set {peak / 1024 / 1024} MB (before {baseline / 1024 / 1024} MB)");
            }
        }

        Console.WriteLine();
        Console.WriteLine("| events | format | seconds | file MiB | peak working set | working set before |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var r in rows)
        {
            Console.WriteLine($"| {r.Size} | {r.Format} | {r.Seconds:N2} | {r.Bytes / 1024.0 / 1024.0:N1} | {r.PeakMb} MB | {r.BaseMb} MB |");
        }
    }

    /// <summary>Appends <paramref name="count"/> realistic events after <paramref name="head"/> straight into the table.</summary>
    private async Task<AuditChainHead> SeedAsync(PracticeId practice, AuditChainHead head, int count)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        await connection.OpenAsync();
        var actions = Enum.GetValues<AuditAction>();
        var users = Enumerable.Range(0, 40).Select(_ => UserId.New()).ToArray();
        var time = DateTimeOffset.UtcNow.AddYears(-1);
        time = DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());
        var written = 0;
        while (written < count)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO audit_events (id, practice_id, sequence, timestamp_ms, actor_user_id, actor_email, source_ip, user_agent, action, " +
                                 "target_type, target_id, client_id, result, details, previous_hash, hash) VALUES ($id, $p, $seq, $ts, $uid, $email, $ip, $ua, $action, $tt, $tid, $cid, $result, $details, $prev, $hash)";
            var names = new[] { "$id", "$p", "$seq", "$ts", "$uid", "$email", "$ip", "$ua", "$action", "$tt", "$tid", "$cid", "$result", "$details", "$prev", "$hash" };
            foreach (var name in names)
            {
                insert.Parameters.Add(new SqliteParameter(name, null));
            }

            insert.Prepare();
            for (var i = 0; i < 50_000 && written < count; i++, written++)
            {
                var n = head.Sequence + 1;
                var user = users[n % users.Length];
                var details = new Dictionary<string, string>(StringComparer.Ordinal) { ["reason"] = "policy", ["n"] = n.ToString(CultureInfo.InvariantCulture) };
                var e = new AuditEvent(
                    Guid.CreateVersion7(), practice, n, time.AddMilliseconds(n * 37), user, $"member{n % 40}@example.com", "203.0.113.7",
                    Agents[n % 2], actions[n % actions.Length], "client", Guid.NewGuid().ToString("D"), n % 3 == 0 ? Guid.NewGuid().ToString("D") : null,
                    AuditResult.Success, details, head.Hash, string.Empty);
                e = e with { Hash = AuditHasher.ComputeHash(e) };
                object?[] values =
                [
                    e.Id.ToString("D"), practice.ToString(), e.Sequence, e.Timestamp.ToUnixTimeMilliseconds(), user.ToString(), e.ActorEmail, e.SourceIp, e.UserAgent,
                    e.Action.ToString(), e.TargetType, e.TargetId, e.ClientId, e.Result.ToString(), JsonSerializer.Serialize(details), e.PreviousHash, e.Hash,
                ];
                for (var v = 0; v < values.Length; v++)
                {
                    insert.Parameters[v].Value = values[v] ?? DBNull.Value;
                }

                await insert.ExecuteNonQueryAsync();
                head = new AuditChainHead(e.Sequence, e.Hash);
            }

            await transaction.CommitAsync();
        }

        return head;
    }

    /// <summary>Discards what is written, counting bytes (the export's network sink without a network).</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _length += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }
}
