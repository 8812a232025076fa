using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plexura.Core.Email;
using Plexura.Infrastructure.Configuration;
using Plexura.Infrastructure.Email;

namespace Plexura.Tests.Unit.Email;

/// <summary>Use cases always get the queue; its transport is chosen by configuration: Resend with a key, the development outbox without.</summary>
public sealed class EmailRegistrationTests
{
    [Theory]
    [InlineData(null, typeof(DevelopmentOutboxTransport))]
    [InlineData("  ", typeof(DevelopmentOutboxTransport))]
    [InlineData("re_live_key", typeof(ResendEmailSender))]
    public void Add_ByApiKey_QueuesAndChoosesTheTransport(string? apiKey, Type expected)
    {
        var services = new ServiceCollection().AddLogging(b => b.SetMinimumLevel(LogLevel.Warning)).AddSingleton(TimeProvider.System);
        services.AddOptions<EmailOptions>().Configure(o => o.ResendApiKey = apiKey);
        services.AddSingleton<IOutboxRepository>(new NoOutbox());

        EmailRegistration.Add(services, new EmailOptions { ResendApiKey = apiKey });
        using var provider = services.BuildServiceProvider();

        Assert.IsType<EmailQueue>(provider.GetRequiredService<IEmailSender>());
        Assert.IsType(expected, provider.GetRequiredService<IEmailTransport>());
    }

    private sealed class NoOutbox : IOutboxRepository
    {
        public Task AddAsync(OutboxMessage message, CancellationToken ct) => Task.CompletedTask;

        public Task<OutboxMessage?> GetAsync(Guid id, CancellationToken ct) => Task.FromResult<OutboxMessage?>(null);

        public Task<IReadOnlyList<OutboxMessage>> ListNewestAsync(int limit, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<OutboxMessage>>([]);

        public Task<IReadOnlyList<OutboxMessage>> ListUnfinishedAsync(CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<OutboxMessage>>([]);

        public Task<int> DeleteFinishedBeforeAsync(DateTimeOffset before, CancellationToken ct) => Task.FromResult(0);

        public Task<OutboxMessage> UpdateAsync(OutboxMessage message, CancellationToken ct) => Task.FromResult(message);
    }
}
