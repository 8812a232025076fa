using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Users;
using Plexura.Tests.Web;

namespace Plexura.Tests.Api;

public sealed class AuthApiTests(AuthApiTests.Factory factory) : IClassFixture<AuthApiTests.Factory>
{
    private static readonly Uri TokenUri = new("/api/v1/auth/token", UriKind.Relative);
    private static readonly Uri MeUri = new("/api/v1/me", UriKind.Relative);

    [Fact]
    public async Task Token_RightPassword_ReturnsABearerTokenThatOpensMe()
    {
        var (email, signUp) = await IdentityArrange.SignUpAsync(factory.Services);
        var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync(TokenUri, new { email, password = IdentityArrange.Password });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var token = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Bearer", token.GetProperty("tokenType").GetString());
        Assert.Equal(signUp.PracticeId.ToString(), token.GetProperty("practiceId").GetString());
        var me = await GetMeAsync(client, token.GetProperty("accessToken").GetString()!);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var body = await me.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(email, body.GetProperty("email").GetString());
        Assert.Equal("Owner", body.GetProperty("role").GetString());
    }

    [Fact]
    public async Task Me_NoToken_Is401ProblemWithBearerChallenge()
    {
        var response = await factory.CreateClient().GetAsync(MeUri);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4In0.")]
    public async Task Me_GarbageOrAlgNoneToken_Is401(string token)
    {
        var response = await GetMeAsync(factory.CreateClient(), token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Me_TamperedSignature_Is401()
    {
        var token = await TokenAsync((await IdentityArrange.SignUpAsync(factory.Services)).Email);
        var tampered = token[..^4] + (token[^4] == 'A' ? "BBBB" : "AAAA");

        var response = await GetMeAsync(factory.CreateClient(), tampered);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Me_TokenSignedWithTheRealKeyExpiringInTenYears_Is401()
    {
        var token = new JsonWebToken(await TokenAsync((await IdentityArrange.SignUpAsync(factory.Services)).Email));
        var client = factory.CreateClient();

        // The same claims re-signed with the real key: with the real lifetime it opens /me, with ten years it does not.
        var resigned = SignWithTheRealKey(token, token.IssuedAt, token.IssuedAt.AddMinutes(120));
        var longLived = SignWithTheRealKey(token, token.IssuedAt, token.IssuedAt.AddYears(10));

        Assert.Equal(HttpStatusCode.OK, (await GetMeAsync(client, resigned)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetMeAsync(client, longLived)).StatusCode);
    }

    [Fact]
    public async Task Me_TokenSignedWithTheRealKeyEndingAfterItsSession_Is401()
    {
        var token = new JsonWebToken(await TokenAsync((await IdentityArrange.SignUpAsync(factory.Services)).Email));
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        // A live session that began half an hour ago, and a token of exactly 120 minutes issued now for it.
        var session = UserSession.Start(
            UserId.Parse(token.Subject, null), PracticeId.Parse(token.GetPayloadValue<string>("practice_id"), null), now.AddMinutes(-30), null, null);
        await factory.Services.GetRequiredService<ISessionRepository>().AddAsync(session, CancellationToken.None);
        var outliving = SignWithTheRealKey(token, now.UtcDateTime, now.AddMinutes(120).UtcDateTime, session.Id);

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetMeAsync(factory.CreateClient(), outliving)).StatusCode);
    }

    [Fact]
    public async Task SignOut_WithToken_RevokesItAtOnce()
    {
        var token = await TokenAsync((await IdentityArrange.SignUpAsync(factory.Services)).Email);
        var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/sign-out");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var signOut = await client.SendAsync(request);
        var me = await GetMeAsync(client, token);

        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task Token_WrongPasswordAndUnknownEmail_GetTheSame401()
    {
        var (email, _) = await IdentityArrange.SignUpAsync(factory.Services);
        var client = factory.CreateClient();

        var wrong = await client.PostAsJsonAsync(TokenUri, new { email, password = "Wrong-Password-99!" });
        var unknown = await client.PostAsJsonAsync(TokenUri, new { email = IdentityArrange.NewEmail(), password = "Wrong-Password-99!" });

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal(
            (await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(),
            (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Token_FiveWrongPasswords_LocksWith429RetryAfterAndAuditsEachFailure()
    {
        var (email, signUp) = await IdentityArrange.SignUpAsync(factory.Services);
        var client = factory.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            var wrong = await client.PostAsJsonAsync(TokenUri, new { email, password = $"Wrong-Password-{i}9!" });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        var locked = await client.PostAsJsonAsync(TokenUri, new { email, password = IdentityArrange.Password });

        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        var retryAfter = int.Parse(locked.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        var user = await factory.Services.GetRequiredService<IUserRepository>().FindByEmailAsync(email, CancellationToken.None);
        Assert.NotNull(user!.LockedUntil);
        var failures = await factory.Services.GetRequiredService<IAuditStore>().QueryAsync(
            signUp.PracticeId, new AuditQuery(Action: AuditAction.SignInFailed), CancellationToken.None);
        Assert.Equal(6, failures.Count);
        Assert.All(failures, f => Assert.Equal(AuditResult.Failed, f.Result));
    }

    [Fact]
    public async Task Token_MalformedOrEmptyBody_Is400Problem()
    {
        var client = factory.CreateClient();
        using var malformed = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json");
        using var empty = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");

        var a = await client.PostAsync(TokenUri, malformed);
        var b = await client.PostAsync(TokenUri, empty);

        Assert.Equal(HttpStatusCode.BadRequest, a.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, b.StatusCode);
        Assert.Equal("application/problem+json", b.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Token_OversizedBody_Is413Problem()
    {
        using var huge = new StringContent($"{{\"email\":\"a@b.c\",\"password\":\"{new string('x', 20_000)}\"}}", System.Text.Encoding.UTF8, "application/json");

        var response = await factory.CreateClient().PostAsync(TokenUri, huge);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    private async Task<string> TokenAsync(string email)
    {
        var response = await factory.CreateClient().PostAsJsonAsync(TokenUri, new { email, password = IdentityArrange.Password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    /// <summary>The claims of <paramref name="token"/> signed with the app's own key, with other times (and session).</summary>
    private string SignWithTheRealKey(JsonWebToken token, DateTime issuedAt, DateTime expires, SessionId? session = null)
    {
        var claims = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var name in new[] { "sub", "jti", "sid", "email", "practice_id", "role" })
        {
            if (token.TryGetPayloadValue<string>(name, out var value))
            {
                claims[name] = value;
            }
        }

        if (session is { } sid)
        {
            claims["sid"] = sid.ToString();
        }

        var key = new SymmetricSecurityKey(Convert.FromBase64String(factory.Settings["Plexura:Auth:SigningKey"]!));
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "plexura",
            Audience = "plexura",
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = expires,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }

    private static Task<HttpResponseMessage> GetMeAsync(HttpClient client, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, MeUri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request);
    }

    public sealed class Factory : PlexuraWebFactory
    {
        public Factory()
        {
            Settings["Plexura:Auth:BcryptWorkFactor"] = "10";
            Settings["Plexura:RateLimits:SignInPerMinute"] = "1000";
        }
    }
}
