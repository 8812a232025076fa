using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Email;
using Plexura.Core.Identity;
using Plexura.Core.Identity.BeginMfaEnrollment;
using Plexura.Core.Identity.ConfirmMfaEnrollment;
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

    /// <summary>Every outbox message of <paramref name="kind"/> sent to <paramref name="email"/>, newest first.</summary>
    protected async Task<IReadOnlyList<OutboxMessage>> EmailsAsync(string email, string kind)
    {
        var messages = await Fixture.Get<IOutboxRepository>().ListNewestAsync(500, Ct);
        return [.. messages.Where(m => string.Equals(m.To, email, StringComparison.OrdinalIgnoreCase) && m.Kind == kind)];
    }

    /// <summary>The token of the link after <paramref name="marker"/> in <paramref name="message"/>'s text body.</summary>
    protected static string LinkToken(OutboxMessage message, string marker)
    {
        var start = message.TextBody.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(start >= 0, "The email has no such link.");
        start += marker.Length;
        var end = message.TextBody.IndexOfAny([' ', '\n', '\r'], start);
        return Uri.UnescapeDataString(message.TextBody[start..(end < 0 ? message.TextBody.Length : end)]);
    }

    /// <summary>A new account, signed in with a password: its sign-up, email and the current user of that session.</summary>
    protected async Task<(SignUpResult SignUp, string Email, FakeCurrentUser Me)> SignedInAsync()
    {
        var (signUp, email) = await SignUpAsync();
        var success = Assert.IsType<SignInResult.Success>(await SignInAsync(email));
        return (signUp, email, new FakeCurrentUser(signUp.UserId, success.SessionId, signUp.PracticeId));
    }

    /// <summary>The code an authenticator app with <paramref name="secret"/> shows at the fake clock's time.</summary>
    protected string TotpCode(string secret) => new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(Now.UtcDateTime);

    /// <summary>Enrolls the current user in MFA; returns the secret and the recovery codes. The clock then moves a step on.</summary>
    protected async Task<(string Secret, IReadOnlyList<string> RecoveryCodes)> EnrollMfaAsync(ICurrentUser me)
    {
        var enrollment = await Handler<BeginMfaEnrollmentHandler>(me).HandleAsync(new BeginMfaEnrollmentCommand(), Client, Ct);
        var result = await Handler<ConfirmMfaEnrollmentHandler>(me).HandleAsync(
            new ConfirmMfaEnrollmentCommand(enrollment.Secret, TotpCode(enrollment.Secret)), Client, Ct);
        Fixture.Time.Advance(TimeSpan.FromSeconds(30));
        return (enrollment.Secret, result.RecoveryCodes);
    }

    /// <summary>The events of <paramref name="action"/> by <paramref name="userId"/> on a chain, newest first.</summary>
    protected Task<IReadOnlyList<AuditEvent>> AuditAsync(PracticeId practiceId, AuditAction action, UserId? userId = null) =>
        Fixture.Get<IAuditStore>().QueryAsync(practiceId, new AuditQuery(Action: action, ActorUserId: userId), Ct);

    /// <summary>An <see cref="ICurrentUser"/> for a signed-in session.</summary>
    protected sealed class FakeCurrentUser(UserId userId, SessionId sessionId, PracticeId? practiceId) : ICurrentUser
    {
        public bool IsAuthenticated => true;

        public UserId UserId => userId;

        public SessionId SessionId => sessionId;

        public PracticeId? PracticeId => practiceId;
    }
}
