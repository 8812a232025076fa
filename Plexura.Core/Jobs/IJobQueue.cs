using Plexura.Core.Common;

namespace Plexura.Core.Jobs;

/// <summary>A unit of background work to be run at least once by a job runner.</summary>
/// <param name="Kind">Which handler runs it, for example <c>transcribe-segment</c>.</param>
/// <param name="PracticeId">The practice whose data the job touches, or null for a job of no practice.</param>
/// <param name="Payload">What the handler needs: ids only, never PHI (it is stored and logged as is).</param>
/// <param name="DedupeKey">Enqueueing the same key twice keeps one job.</param>
/// <param name="NotBefore">The earliest time the job may run, or null for now.</param>
public sealed record JobRequest(string Kind, PracticeId? PracticeId, string Payload, string DedupeKey, DateTimeOffset? NotBefore = null);

/// <summary>The durable job queue in the app's own database.</summary>
public interface IJobQueue
{
    /// <summary>Stores the job durably before returning; a second request with the same dedupe key keeps the first job.</summary>
    Task EnqueueAsync(JobRequest request, CancellationToken ct);
}

/// <summary>The queue used until a durable one is registered: refuses every job, so nothing is silently dropped.</summary>
/// <remarks>Registered by Core only if no other implementation is (like <c>NoCurrentUser</c>).</remarks>
public sealed class NoJobQueue : IJobQueue
{
    /// <inheritdoc />
    public Task EnqueueAsync(JobRequest request, CancellationToken ct) =>
        throw new InvalidOperationException("No job queue is registered.");
}
