using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Common;
using Plexura.Core.Email;
using Plexura.Core.Identity;
using Plexura.Core.Identity.SignIn;
using Plexura.Core.Identity.SignUp;
using Plexura.Tests.Persistence;

namespace Plexura.Tests.Unit.Identity.UseCases;

/// <summary>Runs identity use cases on the real services over a fresh SQLite database with a fake clock.</summary>
public abstract class IdentityUseCaseTestBase(SqliteStorageFixture fixture) : IClassFixture<SqliteStorageFixture>
{
    protected const string Password = "Violet-Harbor-73!";

    protected static readonly CancellationToken Ct = CancellationToken.None;

    protected static readonly ClientInfo Client = new("203.0.113.7", "Firefox/140");

    protected SqliteStorageFixture Fixture { get; } = fixture;

    protected DateTimeOffset Now => Fixture.Time.GetUtcNow();

    /// <summary>A handler from a fresh scope, with <paramref name="overrides"/> taking the place of registered services.</summary>
    protected T Handler<T>(params object[] overrides)
        where T : class
    {
        var scope = Fixture.Services.CreateScope();
        return overrides.Length == 0
            ? scope.ServiceProvider.GetRequiredService<T>()
            : ActivatorUtilities.CreateInstance<T>(scope.ServiceProvider, overrides);
    }

    protected static string NewEmail() => $"owner-{Guid.NewGuid():N}@example.com";

    protected static SignUpCommand NewSignUp(string? email = null) =>
        new("Riverbend Counseling", "Dana Reyes", email ?? NewEmail(), Password);

    protected async Task<(SignUpResult Result, string Email)> SignUpAsync(string? email = null)
    {
        var command = NewSignUp(email);
        var result = await Handler<SignUpHandler>().HandleAsync(command, Client, Ct);
        return (result, command.Email);
    }

    protected Task<SignInResult> SignInAsync(string email, string password = Password) =>
        Handler<SignInHandler>().HandleAsync(new SignInCommand(email, password), Client, Ct);

    /// <summary>The newest outbox message sent to <paramref name="email"/>.</summary>
    protected async Task<OutboxMessage> EmailToAsync(string email)
    {
        var messages = await Fixture.Get<IOutboxRepository>().ListNewestAsync(500, Ct);
        return messages.First(m => string.Equals(m.To, email, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The token in the verification link of the newest email to <paramref name="email"/>.</summary>
    protected async Task<string> VerificationTokenAsync(string email)
    {
        var message = await EmailToAsync(email);
        const string marker = "/account/verify-email?token=";
        var start = message.TextBody.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        var end = message.TextBody.IndexOfAny([' ', '\n', '\r'], start);
        return Uri.UnescapeDataString(message.TextBody[start..(end < 0 ? message.TextBody.Length : end)]);
    }

    /// <summary>An <see cref="ICurrentUser"/> for a signed-in session.</summary>
    protected sealed class FakeCurrentUser(UserId userId, SessionId sessionId, PracticeId? practiceId) : ICurrentUser
    {
        public bool IsAuthenticated => true;

        public UserId UserId => userId;

        public SessionId SessionId => sessionId;

        public PracticeId? PracticeId => practiceId;
    }
}
