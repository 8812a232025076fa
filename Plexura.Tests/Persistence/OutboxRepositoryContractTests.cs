using Plexura.Core.Common;
using Plexura.Core.Email;
using Plexura.Tests.Support;

namespace Plexura.Tests.Persistence;

/// <summary>The stored email queue (and development outbox) on every engine, and the queue use cases write to.</summary>
public abstract class OutboxRepositoryContractTests<TFixture>(TFixture fixture)
    where TFixture : StorageFixture
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private IOutboxRepository Outbox => fixture.Get<IOutboxRepository>();

    [EngineFact]
    public async Task Add_ThenGet_ReturnsItWithVersionZero()
    {
        var message = NewMessage(fixture.Time.GetUtcNow());

        await Outbox.AddAsync(message, Ct);

        Assert.Equal(message, await Outbox.GetAsync(message.Id, Ct));
    }

    [EngineFact]
    public async Task Get_Unknown_ReturnsNull()
    {
        Assert.Null(await Outbox.GetAsync(Guid.CreateVersion7(), Ct));
    }

    [EngineFact]
    public async Task Add_SameIdTwice_ThrowsDuplicate()
    {
        var message = NewMessage(fixture.Time.GetUtcNow());
        await Outbox.AddAsync(message, Ct);

        await Assert.ThrowsAsync<DuplicateRecordException>(() => Outbox.AddAsync(message, Ct));
    }

    [EngineFact]
    public async Task ListNewest_WithLimit_ReturnsTheNewestFirst()
    {
        var later = fixture.Time.GetUtcNow().AddDays(100);
        var oldest = NewMessage(later);
        var middle = NewMessage(later.AddMinutes(1));
        var newest = NewMessage(later.AddMinutes(2));
        await Outbox.AddAsync(middle, Ct);
        await Outbox.AddAsync(newest, Ct);
        await Outbox.AddAsync(oldest, Ct);

        var listed = await Outbox.ListNewestAsync(2, Ct);

        Assert.Equal([newest, middle], listed);
    }

    [EngineFact]
    public async Task Enqueue_StoresThePendingMessageDueNowWithItsIdempotencyKey()
    {
        var key = $"password-reset/{Guid.NewGuid():N}";
        var email = new EmailMessage("sam.ortiz@example.com", "Reset your Plexura password", "https://app.plexura.ai/reset/x", "<a href=\"https://app.plexura.ai/reset/x\">Reset</a>", key, "password-reset");

        await fixture.Get<IEmailSender>().EnqueueAsync(email, Ct);

        var stored = (await Outbox.ListNewestAsync(1000, Ct)).Single(m => m.IdempotencyKey == key);
        Assert.Equal((email.To, email.Subject, email.TextBody, email.HtmlBody, email.Kind), (stored.To, stored.Subject, stored.TextBody, stored.HtmlBody, stored.Kind));
        Assert.Equal((OutboxStatus.Pending, 0, fixture.Time.GetUtcNow()), (stored.Status, stored.Attempts, stored.NextAttemptAt));
        Assert.Equal(fixture.Time.GetUtcNow(), stored.CreatedAt);
        Assert.Equal(stored, await Outbox.GetAsync(stored.Id, Ct));
        Assert.Contains(stored, await Outbox.ListUnfinishedAsync(Ct));
    }

    [EngineFact]
    public async Task Suppress_StoresAContentFreeStandInThatIsNeverDelivered()
    {
        var before = (await Outbox.ListNewestAsync(1000, Ct)).Select(m => m.Id).ToHashSet();

        await fixture.Get<IEmailSender>().SuppressAsync("password-reset", Ct);

        var stored = Assert.Single(await Outbox.ListNewestAsync(1000, Ct), m => !before.Contains(m.Id));
        Assert.Equal((OutboxStatus.Suppressed, "password-reset"), (stored.Status, stored.Kind));
        Assert.Equal(string.Empty, stored.To + stored.Subject + stored.TextBody + stored.HtmlBody);
        Assert.DoesNotContain(await Outbox.ListUnfinishedAsync(Ct), m => m.Id == stored.Id);
    }

    [EngineFact]
    public async Task ListUnfinished_ReturnsPendingAndSendingButNotFinishedMessages()
    {
        var now = fixture.Time.GetUtcNow();
        var pending = Queued(now);
        var sending = Queued(now);
        var sent = Queued(now);
        var failed = Queued(now);
        foreach (var message in new[] { pending, sending, sent, failed })
        {
            await Outbox.AddAsync(message, Ct);
        }

        var claimed = await Outbox.UpdateAsync(sending.Claim("worker-a", now, TimeSpan.FromMinutes(2)), Ct);
        await Outbox.UpdateAsync((await Outbox.UpdateAsync(sent.Claim("worker-a", now, TimeSpan.FromMinutes(2)), Ct)).Delivered(now, keepContent: false), Ct);
        await Outbox.UpdateAsync(failed.Failed(now, "422 validation_error", keepContent: false), Ct);

        var unfinished = (await Outbox.ListUnfinishedAsync(Ct)).Where(m => m.Id == pending.Id || m.Id == sending.Id || m.Id == sent.Id || m.Id == failed.Id);

        Assert.Equal(new[] { pending.Id, sending.Id }.Order(), unfinished.Select(m => m.Id).Order());
        Assert.Equal((OutboxStatus.Sending, "worker-a", 1, 1L), (claimed.Status, claimed.LeaseOwner, claimed.Attempts, claimed.Version));
    }

    [EngineFact]
    public async Task Update_TwoWorkersClaimTheSameRead_OnlyTheFirstWins()
    {
        var now = fixture.Time.GetUtcNow();
        var message = Queued(now);
        await Outbox.AddAsync(message, Ct);
        var read = await Outbox.GetAsync(message.Id, Ct);

        await Outbox.UpdateAsync(read!.Claim("worker-a", now, TimeSpan.FromMinutes(2)), Ct);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Outbox.UpdateAsync(read.Claim("worker-b", now, TimeSpan.FromMinutes(2)), Ct));
        Assert.Equal("worker-a", (await Outbox.GetAsync(message.Id, Ct))!.LeaseOwner);
    }

    [EngineFact]
    public async Task Update_DeliveredThroughAProvider_BlanksSubjectAndBodiesButKeepsTheKey()
    {
        var now = fixture.Time.GetUtcNow();
        var message = Queued(now);
        await Outbox.AddAsync(message, Ct);
        var claimed = await Outbox.UpdateAsync(message.Claim("worker-a", now, TimeSpan.FromMinutes(2)), Ct);

        var delivered = await Outbox.UpdateAsync(claimed.Delivered(now, keepContent: false), Ct);

        Assert.Equal(delivered, await Outbox.GetAsync(message.Id, Ct));
        Assert.Equal((OutboxStatus.Sent, now, message.IdempotencyKey), (delivered.Status, delivered.FinishedAt, delivered.IdempotencyKey));
        Assert.Equal(string.Empty, delivered.Subject + delivered.TextBody + delivered.HtmlBody);
    }

    private static OutboxMessage Queued(DateTimeOffset now) => OutboxMessage.Queue(
        new EmailMessage("dana.reyes@example.com", "Verify your email", "Open https://app.plexura.ai/verify/abc", "<a href=\"https://app.plexura.ai/verify/abc\">Verify</a>", $"verify/{Guid.NewGuid():N}", "email-verification"),
        now);

    [EngineFact]
    public async Task DeleteFinishedBefore_DeletesFinishedMessagesQueuedBeforeTheCutoff_PageAfterPage_AndKeepsTheRest()
    {
        var now = fixture.Time.GetUtcNow();
        var email = new EmailMessage("sam.ortiz@example.com", "Subject", "Text", "<p>Html</p>", $"k/{Guid.NewGuid():N}", "invitation");
        // More than one page of the walk (500), all sent.
        var sent = Enumerable.Range(0, 520).Select(_ => NewMessage(now)).ToList();
        var suppressed = OutboxMessage.Suppressed("password-reset", now);
        var failed = OutboxMessage.Queue(email, now).Claim("worker-a", now, TimeSpan.FromMinutes(1)).Failed(now, "422", keepContent: false);
        var pending = OutboxMessage.Queue(email, now);
        var sending = OutboxMessage.Queue(email, now).Claim("worker-a", now, TimeSpan.FromMinutes(1));
        foreach (var message in sent.Append(suppressed).Append(failed).Append(pending).Append(sending))
        {
            await Outbox.AddAsync(message, Ct);
        }

        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        var cutoff = fixture.Time.GetUtcNow();
        var young = NewMessage(cutoff);
        await Outbox.AddAsync(young, Ct);

        var deleted = await Outbox.DeleteFinishedBeforeAsync(cutoff, Ct);

        Assert.InRange(deleted, 522, int.MaxValue);
        foreach (var gone in sent.Append(suppressed).Append(failed))
        {
            Assert.Null(await Outbox.GetAsync(gone.Id, Ct));
        }

        Assert.NotNull(await Outbox.GetAsync(pending.Id, Ct));
        Assert.NotNull(await Outbox.GetAsync(sending.Id, Ct));
        Assert.NotNull(await Outbox.GetAsync(young.Id, Ct));
        Assert.Equal(0, await Outbox.DeleteFinishedBeforeAsync(cutoff, Ct));
    }

    private static OutboxMessage NewMessage(DateTimeOffset createdAt) => new(
        Guid.CreateVersion7(createdAt),
        "dana.reyes@example.com",
        "Verify your email",
        "Open https://app.plexura.ai/verify/abc",
        "<a href=\"https://app.plexura.ai/verify/abc\">Verify</a>",
        "email-verification",
        createdAt);
}

public sealed class SqliteOutboxRepositoryContractTests(SqliteStorageFixture fixture)
    : OutboxRepositoryContractTests<SqliteStorageFixture>(fixture), IClassFixture<SqliteStorageFixture>;

[RequiresEnvironment(MongoStorageFixture.UriVariable)]
public sealed class MongoOutboxRepositoryContractTests(MongoStorageFixture fixture)
    : OutboxRepositoryContractTests<MongoStorageFixture>(fixture), IClassFixture<MongoStorageFixture>;
