using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Plexura.Tests.Web;

namespace Plexura.Tests.Api;

/// <summary>Per-IP limits on the identity endpoints (HIPAA 3.5), with tiny limits so a handful of requests reach them.</summary>
public sealed class RateLimitTests(RateLimitTests.Factory factory) : IClassFixture<RateLimitTests.Factory>
{
    [Fact]
    public async Task TokenEndpoint_OverTheLimit_Is429ProblemWithRetryAfter()
    {
        var client = factory.CreateClient();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 3; i++)
        {
            last = await client.PostAsJsonAsync(new Uri("/api/v1/auth/token", UriKind.Relative), new { email = "nobody@example.com", password = "Wrong-Password-99!" });
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal("application/problem+json", last!.Content.Headers.ContentType?.MediaType);
        Assert.True(int.Parse(last.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task SignUpPage_ReadingIsFreeButTheThirdSubmissionIs429()
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/account/sign-up", UriKind.Relative))).StatusCode);
        }

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            var response = await BrowserForm.SubmitAsync(client, "/account/sign-up", new Dictionary<string, string> { ["Input.Password"] = "short" });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    public sealed class Factory : PlexuraWebFactory
    {
        public Factory()
        {
            Settings["Plexura:Auth:BcryptWorkFactor"] = "10";
            Settings["Plexura:RateLimits:SignInPerMinute"] = "2";
            Settings["Plexura:RateLimits:SignUpPerHour"] = "2";
        }
    }
}
