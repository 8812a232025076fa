using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Tests.Web;
using Plexura.Web.Security;

namespace Plexura.Tests.Api;

/// <summary>
/// Cross-origin request forgery against <c>/api</c> and the browser's sign-out (issue 9, point 1), and the smaller
/// hardening of point 9 that needs no real server: no-store on signed-in answers, OpenAPI off outside Development.
/// </summary>
public sealed class ApiForgeryTests(ApiForgeryTests.Factory factory) : IClassFixture<ApiForgeryTests.Factory>
{
    private const string Clients = "/api/v1/clients";
    private const string Evil = "https://evil.example";

    [Fact]
    public async Task ArchiveClient_CookieOnlyFormPostFromAnotherOrigin_Is403ProblemAuditedAndTheClientStaysActive()
    {
        var a = await PracticeArrange.CreateAsync(factory);
        var id = a.ClientId;
        using var browser = new CookieApiClient(factory, a.Owner.Token);
        using var forged = new HttpRequestMessage(HttpMethod.Post, $"{Clients}/{id}/archive")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["x"] = "1" }),
        };
        forged.Headers.Add("Origin", Evil);

        var response = await browser.SendRawAsync(forged);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(await IsArchivedAsync(a, id));
        var refusal = Assert.Single(await RefusalsAsync(a), e => e.Details.GetValueOrDefault("reason") == "forgery-origin");
        Assert.Equal((AuditResult.Denied, ApiForgeryProtectionMiddleware.AuditPolicy), (refusal.Result, refusal.Details["policy"]));
        Assert.Contains("/archive", refusal.TargetId, StringComparison.Ordinal);
    }

    /// <summary>Without the token the request is refused even when the browser sends no Origin or Sec-Fetch-Site at all.</summary>
    [Theory]
    [InlineData(null, null, "forgery-token")]
    [InlineData("https://localhost", null, "forgery-token")]
    [InlineData(null, "same-site", "forgery-sec-fetch-site")]
    [InlineData("https://localhost:8443", "same-site", "forgery-origin")]
    [InlineData("null", "cross-site", "forgery-origin")]
    public async Task ArchiveClient_CookieWithoutTheAntiforgeryToken_Is403AndTheClientStaysActive(string? origin, string? fetchSite, string reason)
    {
        var (a, _) = await factory.SharedPairAsync();
        var id = await PracticeArrange.CreateClientAsync(factory, a);
        using var browser = new CookieApiClient(factory, a.Owner.Token);
        using var forged = new HttpRequestMessage(HttpMethod.Post, $"{Clients}/{id}/archive") { Content = new StringContent("x") };
        if (origin is not null)
        {
            forged.Headers.Add("Origin", origin);
        }

        if (fetchSite is not null)
        {
            forged.Headers.Add("Sec-Fetch-Site", fetchSite);
        }

        var response = await browser.SendRawAsync(forged);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(await IsArchivedAsync(a, id));
        Assert.Contains(await RefusalsAsync(a), e => e.Details.GetValueOrDefault("reason") == reason && e.TargetId!.Contains("/archive", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ArchiveClient_TokenFromAnotherOriginWithTheRightCookie_Is403()
    {
        var (a, _) = await factory.SharedPairAsync();
        var id = await PracticeArrange.CreateClientAsync(factory, a);
        using var browser = new CookieApiClient(factory, a.Owner.Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Clients}/{id}/archive");
        request.Headers.Add(ApiForgeryProtectionMiddleware.HeaderName, await browser.AntiforgeryTokenAsync());
        request.Headers.Add("Origin", Evil);

        var response = await browser.SendRawAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(await IsArchivedAsync(a, id));
    }

    [Fact]
    public async Task ArchiveClient_AnotherUsersAntiforgeryToken_Is403()
    {
        var (a, _) = await factory.SharedPairAsync();
        var id = await PracticeArrange.CreateClientAsync(factory, a);
        using var attacker = new CookieApiClient(factory, a.Clinician.Token);
        var attackersToken = await attacker.AntiforgeryTokenAsync();
        using var victim = new CookieApiClient(factory, a.Owner.Token, attacker.Cookies);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Clients}/{id}/archive");
        request.Headers.Add(ApiForgeryProtectionMiddleware.HeaderName, attackersToken);

        var response = await victim.SendRawAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(await IsArchivedAsync(a, id));
    }

    [Fact]
    public async Task ArchiveClient_CookieWithTheAppsAntiforgeryToken_Is204()
    {
        var (a, _) = await factory.SharedPairAsync();
        var id = await PracticeArrange.CreateClientAsync(factory, a);
        using var browser = new CookieApiClient(factory, a.Owner.Token);

        var response = await browser.SendAsync(HttpMethod.Post, $"{Clients}/{id}/archive");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.True(await IsArchivedAsync(a, id));
    }

    [Fact]
    public async Task ArchiveClient_BearerFromAnotherOriginWithoutAntiforgeryToken_IsNotAffected()
    {
        var (a, _) = await factory.SharedPairAsync();
        var id = await PracticeArrange.CreateClientAsync(factory, a);
        using var client = PracticeArrange.ApiClient(factory, a.Owner.Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Clients}/{id}/archive");
        request.Headers.Add("Origin", Evil);
        request.Headers.Add("Sec-Fetch-Site", "cross-site");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.True(await IsArchivedAsync(a, id));
    }

    [Fact]
    public async Task AntiforgeryToken_AskedFromAnotherSite_Is403()
    {
        var (a, _) = await factory.SharedPairAsync();
        using var browser = new CookieApiClient(factory, a.Owner.Token);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/antiforgery-token");
        request.Headers.Add("Sec-Fetch-Site", "same-site");

        var response = await browser.SendRawAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task SignOut_FormWithoutAntiforgeryToken_IsRefusedAndTheSessionStaysActive()
    {
        var member = await FreshClinicianAsync();
        using var browser = new CookieApiClient(factory, member.Token);
        using var forged = new HttpRequestMessage(HttpMethod.Post, "/account/sign-out") { Content = new FormUrlEncodedContent([]) };
        forged.Headers.Add("Origin", "http://localhost:5081");

        var response = await browser.SendRawAsync(forged);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(member.Token)).StatusCode);
    }

    [Fact]
    public async Task SignOut_FormFromTheAppsPage_EndsTheSession()
    {
        var member = await FreshClinicianAsync();
        using var browser = new CookieApiClient(factory, member.Token);

        var response = await BrowserForm.SubmitAsync(browser.Http, "/account", new Dictionary<string, string>(), postPath: "/account/sign-out");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.EndsWith("/account/sign-in?reason=signed-out", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await MeAsync(member.Token)).StatusCode);
    }

    [Fact]
    public async Task Me_SignedInByCookieOrBearer_IsNoStore()
    {
        var (a, _) = await factory.SharedPairAsync();
        using var browser = new CookieApiClient(factory, a.Owner.Token);

        var byCookie = await browser.SendAsync(HttpMethod.Get, "/api/v1/me");
        var byBearer = await MeAsync(a.Owner.Token);

        Assert.Equal(HttpStatusCode.OK, byCookie.StatusCode);
        Assert.Equal("no-store", byCookie.Headers.CacheControl?.ToString());
        Assert.Equal(HttpStatusCode.OK, byBearer.StatusCode);
        Assert.Equal("no-store", byBearer.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task AntiforgeryCookie_IsSecureHostOnly()
    {
        var (a, _) = await factory.SharedPairAsync();
        using var browser = new CookieApiClient(factory, a.Owner.Token);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/antiforgery-token");

        var response = await browser.SendRawAsync(request);

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(Plexura.Web.DependencyInjection.AntiforgeryCookieName + "=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain=", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task OpenApi_ProductionWithoutTheSetting_Is404()
    {
        var response = await factory.CreateClient().GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<ArrangedMember> FreshClinicianAsync() => (await PracticeArrange.CreateAsync(factory)).Clinician;

    private async Task<bool> IsArchivedAsync(Practice practice, ClientId id)
    {
        using var client = PracticeArrange.ApiClient(factory, practice.Owner.Token);
        var read = await client.GetFromJsonAsync<JsonElement>(new Uri($"{Clients}/{id}", UriKind.Relative));
        return read.GetProperty("isArchived").GetBoolean();
    }

    private Task<IReadOnlyList<AuditEvent>> RefusalsAsync(Practice practice) =>
        factory.Services.GetRequiredService<IAuditStore>().QueryAsync(
            practice.PracticeId, new AuditQuery(Action: AuditAction.AccessRefused, ActorUserId: practice.Owner.UserId, Limit: 1000), CancellationToken.None);

    private Task<HttpResponseMessage> MeAsync(string token)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.GetAsync(new Uri("/api/v1/me", UriKind.Relative));
    }

    public sealed class Factory : PracticeArrangeFactory;
}
