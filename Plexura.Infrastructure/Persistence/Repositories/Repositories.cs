using System.Runtime.CompilerServices;
using Plexura.Core.Common;
using Plexura.Core.Email;
using Plexura.Core.Jobs;
using Plexura.Core.Memberships;
using Plexura.Core.Practices;
using Plexura.Core.Security;
using Plexura.Core.Users;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Infrastructure.Persistence.Repositories;

/// <summary>Practices, on any engine.</summary>
internal sealed class PracticeRepository(IDocumentStore store) : IPracticeRepository
{
    private readonly IDocumentCollection<Practice> _practices = store.Collection(Collections.Practices);

    public Task AddAsync(PracticeId practiceId, Practice practice, CancellationToken ct) =>
        _practices.InsertAsync(DocumentScope.Practice(practiceId), practice, ct);

    public Task<Practice?> GetAsync(PracticeId practiceId, CancellationToken ct) =>
        _practices.GetAsync(DocumentScope.Practice(practiceId), practiceId.ToString(), ct);

    public Task<Practice> UpdateAsync(PracticeId practiceId, Practice practice, CancellationToken ct) =>
        _practices.ReplaceAsync(DocumentScope.Practice(practiceId), practice, ct);
}

/// <summary>User accounts, on any engine. Emails are stored normalized.</summary>
internal sealed class UserRepository(IDocumentStore store) : IUserRepository
{
    private static readonly string EmailField = DocumentFields.Of(nameof(User.Email));
    private static readonly string VerificationTokenField = DocumentFields.Of(nameof(User.EmailVerificationTokenHash));
    private static readonly string PasswordResetTokenField = DocumentFields.Of(nameof(User.PasswordResetTokenHash));

    private readonly IDocumentCollection<User> _users = store.Collection(Collections.Users);

    public Task AddAsync(User user, CancellationToken ct) =>
        _users.InsertAsync(DocumentScope.Global, user with { Email = User.NormalizeEmail(user.Email) }, ct);

    public Task<User?> GetAsync(UserId userId, CancellationToken ct) =>
        _users.GetAsync(DocumentScope.Global, userId.ToString(), ct);

    public Task<User?> FindByEmailAsync(string email, CancellationToken ct) =>
        _users.FindOneAsync(DocumentScope.Global, EmailField, User.NormalizeEmail(email), ct);

    public Task<User?> FindByEmailVerificationTokenHashAsync(string tokenHash, CancellationToken ct) =>
        string.IsNullOrEmpty(tokenHash)
            ? Task.FromResult<User?>(null)
            : _users.FindOneAsync(DocumentScope.Global, VerificationTokenField, tokenHash, ct);

    public Task<User?> FindByPasswordResetTokenHashAsync(string tokenHash, CancellationToken ct) =>
        string.IsNullOrEmpty(tokenHash)
            ? Task.FromResult<User?>(null)
            : _users.FindOneAsync(DocumentScope.Global, PasswordResetTokenField, tokenHash, ct);

    public Task DeleteAsync(UserId userId, long expectedVersion, CancellationToken ct) =>
        _users.DeleteAsync(DocumentScope.Global, userId.ToString(), expectedVersion, ct);

    public Task<User> UpdateAsync(User user, CancellationToken ct) =>
        _users.ReplaceAsync(DocumentScope.Global, user with { Email = User.NormalizeEmail(user.Email) }, ct);
}

/// <summary>Memberships, on any engine.</summary>
internal sealed class MembershipRepository(IDocumentStore store) : IMembershipRepository
{
    private static readonly string UserField = DocumentFields.Of(nameof(Membership.UserId));

    private readonly IDocumentCollection<Membership> _memberships = store.Collection(Collections.Memberships);

    public Task AddAsync(PracticeId practiceId, Membership membership, CancellationToken ct) =>
        _memberships.InsertAsync(DocumentScope.Practice(practiceId), membership, ct);

    public Task<Membership?> GetAsync(PracticeId practiceId, MembershipId membershipId, CancellationToken ct) =>
        _memberships.GetAsync(DocumentScope.Practice(practiceId), membershipId.ToString(), ct);

    public Task<Membership?> FindByUserAsync(PracticeId practiceId, UserId userId, CancellationToken ct) =>
        _memberships.FindOneAsync(DocumentScope.Practice(practiceId), UserField, userId.ToString(), ct);

    public Task<IReadOnlyList<Membership>> ListAsync(PracticeId practiceId, CancellationToken ct) =>
        _memberships.FindManyAsync(DocumentScope.Practice(practiceId), null, null, ct);

    public Task<IReadOnlyList<Membership>> ListForUserAsync(UserId userId, CancellationToken ct) =>
        _memberships.FindAcrossPracticesAsync(UserField, userId.ToString(), ct);

    public Task<Membership> UpdateAsync(PracticeId practiceId, Membership membership, CancellationToken ct) =>
        _memberships.ReplaceAsync(DocumentScope.Practice(practiceId), membership, ct);

    public Task DeleteAsync(PracticeId practiceId, MembershipId membershipId, long expectedVersion, CancellationToken ct) =>
        _memberships.DeleteAsync(DocumentScope.Practice(practiceId), membershipId.ToString(), expectedVersion, ct);
}

/// <summary>Wrapped practice data keys, on any engine. The key id is the practice id: one key per practice.</summary>
internal sealed class PracticeKeyRepository(IDocumentStore store) : IPracticeKeyRepository
{
    private readonly IDocumentCollection<PracticeDataKey> _keys = store.Collection(Collections.PracticeKeys);

    public Task AddAsync(PracticeId practiceId, PracticeDataKey key, CancellationToken ct) =>
        key.Id == practiceId.ToString()
            ? _keys.InsertAsync(DocumentScope.Practice(practiceId), key, ct)
            : throw new InvalidOperationException("A practice's data key id is its practice id.");

    public Task<PracticeDataKey?> GetAsync(PracticeId practiceId, CancellationToken ct) =>
        _keys.GetAsync(DocumentScope.Practice(practiceId), practiceId.ToString(), ct);

    public Task<PracticeDataKey> UpdateAsync(PracticeId practiceId, PracticeDataKey key, CancellationToken ct) =>
        _keys.ReplaceAsync(DocumentScope.Practice(practiceId), key, ct);

    public async IAsyncEnumerable<PracticeDataKey> ListAllAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var key in _keys.ScanAllAsync(ct))
        {
            yield return key;
        }
    }
}

/// <summary>The stored email queue (and development outbox), on any engine.</summary>
/// <remarks>
/// "Newest first" sorts in memory: only the development outbox page lists, on a developer's machine. The delivery
/// workers read pending and sending messages through the status index, never the delivered history.
/// </remarks>
internal sealed class OutboxRepository(IDocumentStore store) : IOutboxRepository
{
    private static readonly string StatusField = DocumentFields.Of(nameof(OutboxMessage.Status));

    private readonly IDocumentCollection<OutboxMessage> _messages = store.Collection(Collections.Outbox);

    public Task AddAsync(OutboxMessage message, CancellationToken ct) =>
        _messages.InsertAsync(DocumentScope.Global, message, ct);

    public Task<OutboxMessage?> GetAsync(Guid id, CancellationToken ct) =>
        _messages.GetAsync(DocumentScope.Global, id.ToString("D"), ct);

    public async Task<IReadOnlyList<OutboxMessage>> ListNewestAsync(int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var all = await _messages.FindManyAsync(DocumentScope.Global, null, null, ct);
        return [.. all.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id.ToString("D"), StringComparer.Ordinal).Take(limit)];
    }

    public async Task<IReadOnlyList<OutboxMessage>> ListUnfinishedAsync(CancellationToken ct)
    {
        var pending = await _messages.FindManyAsync(DocumentScope.Global, StatusField, nameof(OutboxStatus.Pending), ct);
        var sending = await _messages.FindManyAsync(DocumentScope.Global, StatusField, nameof(OutboxStatus.Sending), ct);
        return [.. pending.Concat(sending).OrderBy(m => m.CreatedAt).ThenBy(m => m.Id.ToString("D"), StringComparer.Ordinal)];
    }

    public Task<int> DeleteFinishedBeforeAsync(DateTimeOffset before, CancellationToken ct) =>
        OldestFirst.DeleteAsync(
            _messages,
            m => m.CreatedAt < before,
            m => m.Status is OutboxStatus.Sent or OutboxStatus.Suppressed or OutboxStatus.Failed,
            m => (m.Id.ToString("D"), m.Version),
            ct);

    public Task<OutboxMessage> UpdateAsync(OutboxMessage message, CancellationToken ct) =>
        _messages.ReplaceAsync(DocumentScope.Global, message, ct);
}

/// <summary>The durable job queue, on any engine.</summary>
/// <remarks>
/// Runners read pending and running jobs through the status index, never the finished history; the dedupe key is a
/// unique index, so two instances enqueueing the same key at once store one job.
/// </remarks>
internal sealed class JobRepository(IDocumentStore store) : IJobStore
{
    private static readonly string StatusField = DocumentFields.Of(nameof(Job.Status));
    private static readonly string DedupeKeyField = DocumentFields.Of(nameof(Job.DedupeKey));

    private readonly IDocumentCollection<Job> _jobs = store.Collection(Collections.Jobs);

    public Task AddAsync(Job job, CancellationToken ct) => _jobs.InsertAsync(DocumentScope.Global, job, ct);

    public Task<Job?> GetAsync(JobId id, CancellationToken ct) => _jobs.GetAsync(DocumentScope.Global, id.ToString(), ct);

    public Task<Job?> FindByDedupeKeyAsync(string dedupeKey, CancellationToken ct) =>
        _jobs.FindOneAsync(DocumentScope.Global, DedupeKeyField, dedupeKey, ct);

    public async Task<IReadOnlyList<Job>> ListUnfinishedAsync(CancellationToken ct)
    {
        var pending = await _jobs.FindManyAsync(DocumentScope.Global, StatusField, nameof(JobStatus.Pending), ct);
        var running = await _jobs.FindManyAsync(DocumentScope.Global, StatusField, nameof(JobStatus.Running), ct);
        return [.. pending.Concat(running)];
    }

    public Task<IReadOnlyList<Job>> ListFailedAsync(CancellationToken ct) =>
        _jobs.FindManyAsync(DocumentScope.Global, StatusField, nameof(JobStatus.Failed), ct);

    public Task<int> DeleteDoneBeforeAsync(DateTimeOffset before, CancellationToken ct) =>
        OldestFirst.DeleteAsync(
            _jobs,
            j => j.CreatedAt < before,
            j => j is { Status: JobStatus.Done, FinishedAt: { } finished } && finished < before
                 && !j.DedupeKey.StartsWith(RecurringJob.DedupeKeyPrefix, StringComparison.Ordinal),
            j => (j.Id.ToString(), j.Version),
            ct);

    public Task<Job> UpdateAsync(Job job, CancellationToken ct) => _jobs.ReplaceAsync(DocumentScope.Global, job, ct);
}

/// <summary>Deletes old documents of a global collection whose ids are UUIDv7 from the app's clock (id order is age order).</summary>
internal static class OldestFirst
{
    private const int PageSize = 500;

    /// <summary>
    /// Walks the collection in id order while <paramref name="old"/> holds, deleting the documents <paramref name="due"/>
    /// picks; a document changed since it was read (a retry, say) is kept. Returns how many were deleted.
    /// </summary>
    public static async Task<int> DeleteAsync<T>(
        IDocumentCollection<T> collection, Func<T, bool> old, Func<T, bool> due, Func<T, (string Id, long Version)> key, CancellationToken ct)
        where T : class
    {
        var deleted = 0;
        string? after = null;
        while (true)
        {
            var page = await collection.FindPageAsync(DocumentScope.Global, new DocumentPageQuery(PageSize) { AfterId = after }, ct);
            foreach (var document in page)
            {
                if (!old(document))
                {
                    // Every later id is younger.
                    return deleted;
                }

                if (!due(document))
                {
                    continue;
                }

                var (id, version) = key(document);
                try
                {
                    await collection.DeleteAsync(DocumentScope.Global, id, version, ct);
                    deleted++;
                }
                catch (Exception e) when (e is ConcurrencyConflictException or RecordNotFoundException)
                {
                    // Changed since the read (no longer what was judged old and finished), or another instance's
                    // cleanup deleted it first.
                }
            }

            if (page.Count < PageSize)
            {
                return deleted;
            }

            after = key(page[^1]).Id;
        }
    }
}
