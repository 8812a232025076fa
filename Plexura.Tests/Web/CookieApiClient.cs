using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Plexura.Web.Security;
using Plexura.Web.Security.Authentication;

namespace Plexura.Tests.Web;

/// <summary>
/// Calls <c>/api</c> the way the app's own pages do: signed in by the <c>__Host-</c> cookie (no Bearer header), from the
/// app's origin, with the antiforgery token fetched from <c>GET /api/v1/antiforgery-token</c> in <c>X-CSRF-TOKEN</c>.
/// </summary>
/// <remarks>
/// Cookies live in <see cref="Cookies"/>, so a second app instance (another factory) can be called with the same
/// browser state. Requests made with <see cref="SendAsync"/> carry the same-origin headers a browser adds; tests of
/// forged requests build theirs by hand with <see cref="SendRawAsync"/>.
/// </remarks>
public sealed class CookieApiClient : IDisposable
{
    public static readonly Uri Origin = new("https://localhost");

    private readonly HttpClient _http;
    private string? _token;

    public CookieApiClient(WebApplicationFactory<Program> factory, string sessionToken, CookieContainer? cookies = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Cookies = cookies ?? new CookieContainer();
        Cookies.Add(Origin, new Cookie(AuthCookie.Name, sessionToken, "/") { Secure = true, HttpOnly = true });
        _http = factory.CreateDefaultClient(Origin, new CookieContainerHandler(Cookies));
    }

    /// <summary>The browser's cookie jar (sign-in cookie, antiforgery cookie).</summary>
    public CookieContainer Cookies { get; }

    /// <summary>Fetches (once) the antiforgery request token, as the page script does before its first change.</summary>
    public async Task<string> AntiforgeryTokenAsync()
    {
        if (_token is null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/antiforgery-token");
            request.Headers.Add("Sec-Fetch-Site", "same-origin");
            var response = await _http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            _token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        }

        return _token!;
    }

    /// <summary>Sends a same-origin request; unsafe methods carry the antiforgery token.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        if (method != HttpMethod.Get && method != HttpMethod.Head)
        {
            request.Headers.Add("Origin", Origin.GetLeftPart(UriPartial.Authority));
            request.Headers.Add(ApiForgeryProtectionMiddleware.HeaderName, await AntiforgeryTokenAsync());
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await _http.SendAsync(request);
    }

    /// <summary>The underlying client (cookies handled, redirects not followed), for page GETs and form posts.</summary>
    public HttpClient Http => _http;

    /// <summary>Sends <paramref name="request"/> as built, with only the browser's cookies added.</summary>
    public Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request) => _http.SendAsync(request);

    public void Dispose() => _http.Dispose();
}
