using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Tests.Web;

namespace Plexura.Tests.Api;

/// <summary>
/// Forwarded headers believed only from configured proxies (issue 9, point 2), and no <c>Server</c> header (point 9),
/// on real Kestrel: the peer is the loopback address, as a proxy (or an attacker) next to the app would be.
/// </summary>
public sealed class ForwardedHeadersTests
{
    private const string TokenPath = "/api/v1/auth/token";

    [Fact]
    public async Task SignIn_RotatingXForwardedForFromAnUntrustedPeer_Reaches429AndAuditsThePeer()
    {
        // As the Dockerfile used to: the framework's switch that believes X-Forwarded-* from anyone.
        await using var factory = Start(new PlexuraWebFactory { Settings = { ["FORWARDEDHEADERS_ENABLED"] = "true" } });
        using var client = new HttpClient { BaseAddress = factory.ServerAddress };
        var statuses = new List<HttpStatusCode>();
        var email = IdentityArrange.NewEmail("nobody");

        for (var i = 1; i <= 15; i++)
        {
            statuses.Add((await WrongPasswordAsync(client, email, $"198.51.100.{i}")).StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        var failures = await SignInFailuresAsync(factory);
        Assert.NotEmpty(failures);
        Assert.DoesNotContain(failures, e => e.SourceIp!.StartsWith("198.51.100.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignIn_XForwardedForFromATrustedProxy_CountsAndAuditsTheForwardedClient()
    {
        await using var factory = Start(new PlexuraWebFactory { Settings = { ["Plexura:Network:TrustedProxies:0"] = "127.0.0.0/8" } });
        using var client = new HttpClient { BaseAddress = factory.ServerAddress };
        var email = IdentityArrange.NewEmail("nobody");
        var statuses = new List<HttpStatusCode>();

        for (var i = 0; i < 11; i++)
        {
            statuses.Add((await WrongPasswordAsync(client, email, "203.0.113.7")).StatusCode);
        }

        var otherClient = await WrongPasswordAsync(client, email, "203.0.113.8");

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.All(statuses[..10], s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.Unauthorized, otherClient.StatusCode);
        var failures = await SignInFailuresAsync(factory);
        Assert.Equal(10, failures.Count(e => e.SourceIp == "203.0.113.7"));
        Assert.Single(failures, e => e.SourceIp == "203.0.113.8");
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.9.9.9", false)]
    public async Task Hsts_ForwardedHttpsScheme_IsSentOnlyBehindATrustedProxy(string trustedProxy, bool expectHsts)
    {
        await using var factory = Start(new PlexuraWebFactory { Settings = { ["Plexura:Network:TrustedProxies:0"] = trustedProxy } });
        using var client = new HttpClient { BaseAddress = factory.ServerAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Host = "app.plexura.test";
        request.Headers.Add("X-Forwarded-Proto", "https");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expectHsts, response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task AnyResponse_Kestrel_HasNoServerHeader()
    {
        await using var factory = Start(new PlexuraWebFactory());
        using var client = new HttpClient { BaseAddress = factory.ServerAddress };

        var page = await client.GetAsync(new Uri("/account/sign-in", UriKind.Relative));
        var api = await client.GetAsync(new Uri("/api/v1/me", UriKind.Relative));

        Assert.False(page.Headers.Contains("Server"));
        Assert.False(api.Headers.Contains("Server"));
    }

    private static PlexuraWebFactory Start(PlexuraWebFactory factory)
    {
        factory.Settings["Plexura:Auth:BcryptWorkFactor"] = "10";
        factory.UseKestrel(0);
        factory.StartServer();
        return factory;
    }

    private static async Task<HttpResponseMessage> WrongPasswordAsync(HttpClient client, string email, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, TokenPath)
        {
            Content = JsonContent.Create(new { email, password = "Wrong-Password-99!" }),
        };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return await client.SendAsync(request);
    }

    private static Task<IReadOnlyList<AuditEvent>> SignInFailuresAsync(PlexuraWebFactory factory) =>
        factory.Services.GetRequiredService<IAuditStore>().QueryAsync(
            PracticeId.None, new AuditQuery(Action: AuditAction.SignInFailed, Limit: 1000), CancellationToken.None);
}
