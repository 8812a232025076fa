using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Memberships;
using Plexura.Infrastructure.Configuration;
using Plexura.Infrastructure.Identity;
using Plexura.Tests.Fakes;

namespace Plexura.Tests.Unit.Identity;

/// <summary>The session check behind every token, with the real token service.</summary>
public sealed class SessionValidatorTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemorySessionRepository _sessions = new();

    private InMemorySessionRepository Sessions => _sessions;

    private SessionValidator Validator => new(_sessions, _time);

    private JwtTokenService Tokens => new(
        Options.Create(new AuthOptions { SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) }),
        _time);

    [Fact]
    public async Task Validate_ActiveSession_ReturnsIt()
    {
        var (session, claims) = await SignInAsync(PracticeId.New());

        var result = await Validator.ValidateAsync(claims, Ct);

        Assert.True(result.IsValid);
        Assert.Equal(session.Id, result.Session!.Id);
    }

    [Fact]
    public async Task Validate_SessionWithoutPractice_ReturnsIt()
    {
        var (_, claims) = await SignInAsync(practiceId: null);

        Assert.True((await Validator.ValidateAsync(claims, Ct)).IsValid);
    }

    [Fact]
    public async Task Validate_RevokedSession_FailsRevoked()
    {
        var (session, claims) = await SignInAsync(PracticeId.New());
        await Sessions.RevokeAsync(session, SessionRevocationReason.SignedOut, _time.GetUtcNow(), Ct);

        Assert.Equal(SessionFailure.Revoked, (await Validator.ValidateAsync(claims, Ct)).Failure);
    }

    [Fact]
    public async Task Validate_AfterSignOutEverywhere_FailsAtOnceThoughTheTokenIsStillValid()
    {
        var (session, claims) = await SignInAsync(PracticeId.New());
        var tokens = Tokens;
        var token = tokens.Issue(claims.Subject);

        await Sessions.RevokeAllForUserAsync(session.UserId, SessionRevocationReason.SignedOutEverywhere, _time.GetUtcNow(), Ct);

        var tokenCheck = await tokens.ValidateAsync(token.Value, Ct);
        Assert.True(tokenCheck.IsValid);
        Assert.Equal(SessionFailure.Revoked, (await Validator.ValidateAsync(tokenCheck.Claims!, Ct)).Failure);
    }

    [Fact]
    public async Task Validate_UnknownSession_FailsNotFound()
    {
        var (_, claims) = await SignInAsync(PracticeId.New());
        var forged = claims with { Subject = claims.Subject with { SessionId = SessionId.New() } };

        Assert.Equal(SessionFailure.NotFound, (await Validator.ValidateAsync(forged, Ct)).Failure);
    }

    [Fact]
    public async Task Validate_AnotherUsersSession_FailsMismatch()
    {
        var (_, claims) = await SignInAsync(PracticeId.New());
        var forged = claims with { Subject = claims.Subject with { UserId = UserId.New() } };

        Assert.Equal(SessionFailure.Mismatch, (await Validator.ValidateAsync(forged, Ct)).Failure);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Validate_TokenForAnotherPracticeThanTheSession_FailsMismatch(bool sessionHasPractice)
    {
        var (_, claims) = await SignInAsync(sessionHasPractice ? PracticeId.New() : null);
        var forged = claims with { Subject = claims.Subject with { PracticeId = PracticeId.New() } };

        Assert.Equal(SessionFailure.Mismatch, (await Validator.ValidateAsync(forged, Ct)).Failure);
    }

    [Fact]
    public async Task Validate_AtTheSessionExpiry_FailsExpired()
    {
        var (session, claims) = await SignInAsync(PracticeId.New());

        _time.Advance(session.ExpiresAt - _time.GetUtcNow());

        Assert.Equal(SessionFailure.Expired, (await Validator.ValidateAsync(claims, Ct)).Failure);
    }

    [Fact]
    public async Task Validate_TokenExpiringTenYearsAhead_FailsTokenOutlivesSession()
    {
        var (_, claims) = await SignInAsync(PracticeId.New());
        var forged = claims with { ExpiresAt = claims.IssuedAt.AddYears(10) };

        Assert.Equal(SessionFailure.TokenOutlivesSession, (await Validator.ValidateAsync(forged, Ct)).Failure);
    }

    [Fact]
    public async Task Validate_TokenOfExactLifetimeEndingAfterItsSession_FailsTokenOutlivesSession()
    {
        var (session, _) = await SignInAsync(PracticeId.New());
        _time.Advance(TimeSpan.FromMinutes(30));

        // Issued half an hour into the session with the real key and the right lifetime: it would outlive the session.
        var tokens = Tokens;
        var issued = tokens.Issue(new TokenSubject(session.UserId, "dana@example.com", session.Id, session.PracticeId, PracticeRole.Clinician));
        var claims = (await tokens.ValidateAsync(issued.Value, Ct)).Claims!;

        Assert.Equal(SessionFailure.TokenOutlivesSession, (await Validator.ValidateAsync(claims, Ct)).Failure);
    }

    private async Task<(UserSession Session, TokenClaims Claims)> SignInAsync(PracticeId? practiceId)
    {
        var session = UserSession.Start(UserId.New(), practiceId, _time.GetUtcNow(), "203.0.113.7", "Mozilla/5.0");
        await Sessions.AddAsync(session, Ct);
        var role = practiceId is null ? (PracticeRole?)null : PracticeRole.Clinician;
        var subject = new TokenSubject(session.UserId, "dana@example.com", session.Id, practiceId, role);
        var issued = Tokens.Issue(subject);
        return (session, new TokenClaims(subject, issued.TokenId, issued.IssuedAt, issued.ExpiresAt));
    }
}
