using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Consent;
using Plexura.Core.Memberships;
using Plexura.Tests.Web;

namespace Plexura.Tests.Browser;

/// <summary>
/// The same-site, cross-origin attack of issue 9 in Chromium: a page on another port of the host (a sibling subdomain
/// in production) fires no-cors fetches at the API with the signed-in user's cookie; nothing changes. The app's own
/// page, through <c>js/api.js</c>, still can.
/// </summary>
public sealed class ForgeryBrowserTests(ForgeryBrowserTests.Fixture fixture) : IClassFixture<ForgeryBrowserTests.Fixture>
{
    [Fact]
    public async Task NoCorsFetch_FromAnotherPortOfTheHost_ArchivesNothingAndRevokesNothing()
    {
        var factory = (PracticeArrangeFactory)fixture.Factory;
        var practice = await PracticeArrange.CreateAsync(factory);
        var clientId = practice.ClientId.ToString();
        var consentId = await RecordConsentAsync(factory, practice, clientId);
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        var account = new AccountPages(page, fixture.BaseAddress);
        await account.SignInWithRecoveryCodeAsync(practice.Owner);

        using var attacker = AttackerSite.Start();
        await page.GotoAsync(attacker.Address.ToString());
        var app = fixture.BaseAddress.GetLeftPart(UriPartial.Authority);
        var sent = await page.EvaluateAsync<int>(
            """
            async ([app, client, consent]) => {
                const attempts = [
                    fetch(`${app}/api/v1/clients/${client}/archive`, { method: 'POST', credentials: 'include', mode: 'no-cors' }),
                    fetch(`${app}/api/v1/clients/${client}/consents/${consent}/revoke`, {
                        method: 'POST', credentials: 'include', mode: 'no-cors',
                        headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'reason=forged' }),
                ];
                const done = await Promise.allSettled(attempts);
                return done.filter(r => r.status === 'fulfilled').length;
            }
            """,
            new[] { app, clientId, consentId });

        Assert.Equal(2, sent);
        using var api = PracticeArrange.ApiClient(factory, practice.Owner.Token);
        var client = await api.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/clients/{clientId}", UriKind.Relative));
        Assert.False(client.GetProperty("isArchived").GetBoolean());
        var consents = await factory.Services.GetRequiredService<IClientConsentRepository>()
            .ListForClientAsync(practice.PracticeId, practice.ClientId, CancellationToken.None);
        Assert.False(consents.Single(c => c.Id.ToString() == consentId).IsRevoked);

        // The app's own page, through the module later features use, may archive.
        await page.GotoAsync(new Uri(fixture.BaseAddress, "/clients").ToString());
        var status = await page.EvaluateAsync<int>(
            "async client => (await (await import('/js/api.js')).apiFetch(`/api/v1/clients/${client}/archive`, { method: 'POST' })).status",
            clientId);
        Assert.Equal(204, status);
    }

    private static async Task<string> RecordConsentAsync(PracticeArrangeFactory factory, Practice practice, string clientId)
    {
        using var api = PracticeArrange.ApiClient(factory, practice, PracticeRole.Owner);
        var response = await api.PostAsJsonAsync(
            new Uri($"/api/v1/clients/{clientId}/consents", UriKind.Relative),
            new { kind = "AiProcessing", method = "Written", effectiveFrom = DateTimeOffset.UtcNow.AddMinutes(-1) });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>The attacker's page: an empty HTML page served on another loopback port of the same host.</summary>
    private sealed class AttackerSite : IDisposable
    {
        private readonly HttpListener _listener;

        private AttackerSite(HttpListener listener, Uri address)
        {
            _listener = listener;
            Address = address;
        }

        public Uri Address { get; }

        public static AttackerSite Start()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var address = new Uri($"http://localhost:{port}/");
            var listener = new HttpListener();
            listener.Prefixes.Add(address.ToString());
            listener.Start();
            var site = new AttackerSite(listener, address);
            _ = Task.Run(site.ServeAsync);
            return site;
        }

        public void Dispose() => _listener.Close();

        private async Task ServeAsync()
        {
            var html = Encoding.UTF8.GetBytes("<!DOCTYPE html><html><head><title>Totally harmless</title></head><body>Hi</body></html>");
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.OutputStream.WriteAsync(html);
                context.Response.Close();
            }
        }
    }

    public sealed class Fixture : BrowserFixture
    {
        protected override PlexuraWebFactory CreateFactory() => new PracticeArrangeFactory();
    }
}
