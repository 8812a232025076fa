using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plexura.Core.Email;
using Plexura.Infrastructure.Configuration;
using Plexura.Infrastructure.Email;

namespace Plexura.Tests.Unit.Email;

/// <summary>The sender is chosen by configuration: Resend with a key, the development outbox without.</summary>
public sealed class EmailRegistrationTests
{
    [Theory]
    [InlineData(null, typeof(OutboxEmailSender))]
    [InlineData("  ", typeof(OutboxEmailSender))]
    [InlineData("re_live_key", typeof(ResendEmailSender))]
    public void Add_ByApiKey_ChoosesTheSender(string? apiKey, Type expected)
    {
        var services = new ServiceCollection().AddLogging(b => b.SetMinimumLevel(LogLevel.Warning)).AddSingleton(TimeProvider.System);
        services.AddOptions<EmailOptions>().Configure(o => o.ResendApiKey = apiKey);
        services.AddSingleton<IOutboxRepository>(new NoOutbox());

        EmailRegistration.Add(services, new EmailOptions { ResendApiKey = apiKey });
        using var provider = services.BuildServiceProvider();

        Assert.IsType(expected, provider.GetRequiredService<IEmailSender>());
    }

    private sealed class NoOutbox : IOutboxRepository
    {
        public Task AddAsync(OutboxMessage message, CancellationToken ct) => Task.CompletedTask;

        public Task<OutboxMessage?> GetAsync(Guid id, CancellationToken ct) => Task.FromResult<OutboxMessage?>(null);

        public Task<IReadOnlyList<OutboxMessage>> ListNewestAsync(int limit, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<OutboxMessage>>([]);
    }
}
