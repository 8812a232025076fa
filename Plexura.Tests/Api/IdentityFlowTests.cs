using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Email;
using Plexura.Core.Identity;
using Plexura.Core.Identity.BeginMfaEnrollment;
using Plexura.Core.Identity.ConfirmMfaEnrollment;
using Plexura.Core.Memberships;
using Plexura.Tests.Web;
using Plexura.Web.Security;

namespace Plexura.Tests.Api;

/// <summary>Second factor over the API, password reset, invitation links and page gating, through the whole app.</summary>
public sealed class IdentityFlowTests(IdentityFlowTests.Factory factory) : IClassFixture<IdentityFlowTests.Factory>
{
    private static readonly Uri TokenUri = new("/api/v1/auth/token", UriKind.Relative);

    [Fact]
    public async Task Token_AccountWithMfa_AsksForTheCodeThenIssuesTheTokenOnlyForARightOne()
    {
        var (email, _) = await IdentityArrange.SignUpAsync(factory.Services);
        var secret = await EnrollMfaAsync(email);
        var client = factory.CreateClient();

        var first = await client.PostAsJsonAsync(TokenUri, new { email, password = IdentityArrange.Password });
        var problem = await first.Content.ReadFromJsonAsync<JsonElement>();
        var challenge = problem.GetProperty("challenge").GetString()!;
        var wrong = await client.PostAsJsonAsync(new Uri("/api/v1/auth/token/mfa", UriKind.Relative), new { challenge, code = "000000" });
        var right = await client.PostAsJsonAsync(new Uri("/api/v1/auth/token/mfa", UriKind.Relative),
            new { challenge, code = new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow.AddSeconds(30)) });
        var reused = await client.PostAsJsonAsync(new Uri("/api/v1/auth/token/mfa", UriKind.Relative), new { challenge, code = "123456" });

        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.True(problem.GetProperty("mfaRequired").GetBoolean());
        Assert.False(problem.TryGetProperty("accessToken", out _));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.False(string.IsNullOrEmpty((await right.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()));
        Assert.Equal(HttpStatusCode.Unauthorized, reused.StatusCode);
    }

    [Fact]
    public async Task PasswordReset_ByEmailedLink_ChangesThePasswordRevokesEverySessionAndWorksOnce()
    {
        var (email, _) = await IdentityArrange.SignUpAsync(factory.Services);
        var oldToken = await TokenAsync(email, IdentityArrange.Password);
        var browser = Browser();

        var requested = await BrowserForm.SubmitAsync(browser, "/account/forgot-password", new Dictionary<string, string> { ["Input.Email"] = email });
        var unknown = await BrowserForm.SubmitAsync(Browser(), "/account/forgot-password", new Dictionary<string, string> { ["Input.Email"] = IdentityArrange.NewEmail() });
        var link = await LinkAsync(email, "/account/reset-password");
        var reset = await BrowserForm.SubmitAsync(browser, link, new Dictionary<string, string> { ["Input.NewPassword"] = "Copper-Lantern-84!" });
        var again = await Browser().GetAsync(new Uri(link, UriKind.RelativeOrAbsolute));

        Assert.Equal(
            BrowserForm.TextOf(await requested.Content.ReadAsStringAsync(), "form-info"),
            BrowserForm.TextOf(await unknown.Content.ReadAsStringAsync(), "form-info"));
        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        Assert.EndsWith("/account/sign-in?reason=reset", reset.Headers.Location!.ToString(), StringComparison.Ordinal);
        // The used link says so before asking for a password.
        var againHtml = await again.Content.ReadAsStringAsync();
        Assert.Contains("not valid or has already been used", BrowserForm.TextOf(againHtml, "form-error"), StringComparison.Ordinal);
        Assert.Null(BrowserForm.TextOf(againHtml, "reset-submit"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await MeAsync(oldToken)).StatusCode);
        Assert.NotNull(await TokenAsync(email, "Copper-Lantern-84!"));
        var notice = (await Outbox()).First(m => m.To == email && m.Kind != "password-reset" && m.Subject.Contains("password", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("Copper-Lantern-84!", notice.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptInvitation_UnknownToken_SaysTheLinkDoesNotWorkAndOffersNoForm()
    {
        var response = await Browser().GetAsync(new Uri("/account/accept-invitation?token=forged-token", UriKind.Relative));

        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("expired or was already used", BrowserForm.TextOf(html, "form-error"), StringComparison.Ordinal);
        Assert.Null(BrowserForm.TextOf(html, "accept-submit"));
    }

    [Fact]
    public async Task ProtectedPage_Anonymous_RedirectsToSignInWithTheLocalReturnPath()
    {
        var response = await Browser().GetAsync(new Uri("/account?tab=x", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/sign-in?returnUrl=%2Faccount%3Ftab%3Dx", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task ProtectedPage_RevokedCookie_RedirectsToSignInAndDropsTheCookie()
    {
        var (email, _) = await IdentityArrange.SignUpAsync(factory.Services);
        var token = await TokenAsync(email, IdentityArrange.Password);
        var browser = Browser();
        using (var signOut = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/sign-out"))
        {
            signOut.Headers.Authorization = new("Bearer", token);
            Assert.Equal(HttpStatusCode.NoContent, (await browser.SendAsync(signOut)).StatusCode);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/account");
        request.Headers.Add("Cookie", $"__Host-plexura={token}");
        var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/sign-in", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-plexura=;", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MembersPage_Clinician_IsSentToAccessDeniedAndTheRefusalIsAudited()
    {
        var (_, owner) = await IdentityArrange.SignUpAsync(factory.Services);
        var clinicianEmail = IdentityArrange.NewEmail("clinician");
        var (_, clinicianPractice) = await IdentityArrange.SignUpAsync(factory.Services, clinicianEmail);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            // Make the clinician's only membership a clinician one in the owner's practice.
            var memberships = scope.ServiceProvider.GetRequiredService<IMembershipRepository>();
            var own = (await memberships.ListForUserAsync(clinicianPractice.UserId, CancellationToken.None)).Single();
            await memberships.DeleteAsync(own.PracticeId, own.Id, own.Version, CancellationToken.None);
            await memberships.AddAsync(owner.PracticeId, new Membership(MembershipId.New(), owner.PracticeId, clinicianPractice.UserId, PracticeRole.Clinician, DateTimeOffset.UtcNow), CancellationToken.None);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/practice/members");
        request.Headers.Add("Cookie", $"__Host-plexura={await TokenAsync(clinicianEmail, IdentityArrange.Password)}");
        var response = await Browser().SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/access-denied", response.Headers.Location!.OriginalString);
        var refusal = Assert.Single(await factory.Services.GetRequiredService<IAuditStore>().QueryAsync(
            owner.PracticeId, new AuditQuery(Action: AuditAction.AccessRefused, ActorUserId: clinicianPractice.UserId), CancellationToken.None));
        Assert.Equal((AuditResult.Denied, "page", "GET /practice/members"), (refusal.Result, refusal.TargetType, refusal.TargetId));
        Assert.Equal(Policies.PracticeManager, refusal.Details["policy"]);
    }

    private async Task<string> EnrollMfaAsync(string email)
    {
        var token = await TokenAsync(email, IdentityArrange.Password);
        await using var scope = factory.Services.CreateAsyncScope();
        var claims = (await scope.ServiceProvider.GetRequiredService<ITokenService>().ValidateAsync(token, CancellationToken.None)).Claims!;
        var me = new SessionUser(claims.Subject.UserId, claims.Subject.SessionId, claims.Subject.PracticeId);
        var enrollment = await ActivatorUtilities.CreateInstance<BeginMfaEnrollmentHandler>(scope.ServiceProvider, me)
            .HandleAsync(new BeginMfaEnrollmentCommand(), ClientInfo.Unknown, CancellationToken.None);
        await ActivatorUtilities.CreateInstance<ConfirmMfaEnrollmentHandler>(scope.ServiceProvider, me).HandleAsync(
            new ConfirmMfaEnrollmentCommand(enrollment.Secret, new Totp(Base32Encoding.ToBytes(enrollment.Secret)).ComputeTotp(DateTime.UtcNow)),
            ClientInfo.Unknown,
            CancellationToken.None);
        return enrollment.Secret;
    }

    private async Task<string> TokenAsync(string email, string password)
    {
        var response = await factory.CreateClient().PostAsJsonAsync(TokenUri, new { email, password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private Task<HttpResponseMessage> MeAsync(string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        request.Headers.Authorization = new("Bearer", token);
        return factory.CreateClient().SendAsync(request);
    }

    private Task<IReadOnlyList<OutboxMessage>> Outbox() =>
        factory.Services.GetRequiredService<IOutboxRepository>().ListNewestAsync(500, CancellationToken.None);

    private async Task<string> LinkAsync(string email, string path)
    {
        var mail = (await Outbox()).First(m => m.To == email && m.TextBody.Contains(path, StringComparison.Ordinal));
        return new Uri(Regex.Match(mail.TextBody, @"https?://\S+" + Regex.Escape(path) + @"\S*").Value).PathAndQuery;
    }

    private HttpClient Browser() => factory.CreateClient(new WebApplicationFactoryClientOptions
    {
        BaseAddress = new Uri("https://localhost"),
        AllowAutoRedirect = false,
        HandleCookies = true,
    });

    private sealed class SessionUser(UserId userId, SessionId sessionId, PracticeId? practiceId) : ICurrentUser
    {
        public bool IsAuthenticated => true;

        public UserId UserId => userId;

        public SessionId SessionId => sessionId;

        public PracticeId? PracticeId => practiceId;
    }

    public sealed class Factory : PlexuraWebFactory
    {
        public Factory()
        {
            Settings["Plexura:Auth:BcryptWorkFactor"] = "10";
            Settings["Plexura:RateLimits:SignInPerMinute"] = "1000";
            Settings["Plexura:RateLimits:SignUpPerHour"] = "1000";
            Settings["Plexura:RateLimits:PasswordResetPer15Minutes"] = "1000";
        }
    }
}
