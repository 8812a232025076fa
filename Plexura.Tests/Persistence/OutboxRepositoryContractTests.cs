using Plexura.Core.Common;
using Plexura.Core.Email;
using Plexura.Tests.Support;

namespace Plexura.Tests.Persistence;

/// <summary>The development outbox on every engine, and the sender that fills it when no Resend key is configured.</summary>
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
    public async Task Sender_WithoutResendKey_KeepsTheMessageInTheOutbox()
    {
        var key = $"password-reset/{Guid.NewGuid():N}";
        var email = new EmailMessage("sam.ortiz@example.com", "Reset your Plexura password", "https://app.plexura.ai/reset/x", "<a href=\"https://app.plexura.ai/reset/x\">Reset</a>", key, "password-reset");

        await fixture.Get<IEmailSender>().SendAsync(email, Ct);

        var stored = (await Outbox.ListNewestAsync(1000, Ct)).Single(m => m.Subject == email.Subject);
        Assert.Equal((email.To, email.TextBody, email.HtmlBody, email.Kind), (stored.To, stored.TextBody, stored.HtmlBody, stored.Kind));
        Assert.Equal(fixture.Time.GetUtcNow(), stored.CreatedAt);
        Assert.Equal(stored, await Outbox.GetAsync(stored.Id, Ct));
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
