using System.Diagnostics;
using Plexura.Core.Auditing;
using Plexura.Core.Compliance.Export;

namespace Plexura.Bench;

/// <summary>
/// audit-export: the real export path (<see cref="AuditExportStreamer"/> over the SQLite <see cref="IAuditStore"/>:
/// stream, format, SHA-256) writing the whole chain of one practice as CSV and as JSONL, at a tenth of the events and
/// at all of them (the first tenth of the chain, then the whole chain), so "constant memory in the event count" is seen.
/// The chain is seeded by <see cref="AuditChainSeeder.EnsureTypicalChainAsync"/>.
/// </summary>
internal sealed class AuditExportBenchmarks(IAuditStore store, string databasePath, int events)
{
    public async Task RunAsync()
    {
        var (practice, _) = await AuditChainSeeder.EnsureTypicalChainAsync(databasePath, events);
        var rows = new List<(string Size, string Format, double Seconds, double CpuSeconds, long Bytes, long PeakMb, long BaseMb)>();
        foreach (var size in new[] { Math.Max(1, events / 10), events })
        {
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
                var cpu = process.TotalProcessorTime;
                var timer = Stopwatch.StartNew();
                var summary = await AuditExportStreamer.WriteAsync(store, practice, new AuditQuery(BeforeSequence: size + 1L), format, sink, CancellationToken.None);
                timer.Stop();
                process.Refresh();
                var cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;
                await sampling.CancelAsync();
                await sampler;
                if (summary.Count != size)
                {
                    throw new InvalidOperationException($"Exported {summary.Count} events, expected {size}.");
                }

                rows.Add(($"{size:N0}", AuditExportCodec.Extension(format), timer.Elapsed.TotalSeconds, cpuSeconds, sink.Length, peak / 1024 / 1024, baseline / 1024 / 1024));
                Console.WriteLine($"  {format,-5} {size,10:N0} events  {timer.Elapsed.TotalSeconds,6:N2} s (CPU {cpuSeconds:N2} s)  {sink.Length / 1024.0 / 1024.0,7:N1} MiB  peak working set {peak / 1024 / 1024} MB (before {baseline / 1024 / 1024} MB)");
            }
        }

        Console.WriteLine();
        Console.WriteLine("| events | format | seconds | CPU seconds | file MiB | peak working set | working set before |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var r in rows)
        {
            Console.WriteLine($"| {r.Size} | {r.Format} | {r.Seconds:N2} | {r.CpuSeconds:N2} | {r.Bytes / 1024.0 / 1024.0:N1} | {r.PeakMb} MB | {r.BaseMb} MB |");
        }
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
