using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Plexura.Infrastructure.Security.DataProtection;
using Plexura.Tests.Web;

namespace Plexura.Tests.Api;

/// <summary>The data protection key ring lives in the database, sealed by the master key (issue 9, point 8).</summary>
public sealed class DataProtectionKeyTests
{
    [Fact]
    public async Task AntiforgeryToken_IssuedByOneInstance_IsAcceptedByASecondOnTheSameDatabase()
    {
        await using var first = new Factory();
        await using var second = new Factory();
        foreach (var key in new[] { "Plexura:Storage:SqlitePath", PlexuraWebFactory.MasterKeySetting, "Plexura:Security:MasterKeyId", "Plexura:Auth:SigningKey" })
        {
            second.Settings[key] = first.Settings[key];
        }

        var (email, _) = await IdentityArrange.SignUpAsync(first.Services);
        var token = await TokenAsync(first, email);
        using var onFirst = new CookieApiClient(first, token);
        var antiforgery = await onFirst.AntiforgeryTokenAsync();
        using var onSecond = new CookieApiClient(second, token, onFirst.Cookies);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/sign-out");
        request.Headers.Add(Plexura.Web.Security.ApiForgeryProtectionMiddleware.HeaderName, antiforgery);

        var response = await onSecond.SendRawAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task StoredKeys_AreSealedWithTheMasterKey_NotPlaintext()
    {
        await using var factory = new Factory();
        var (email, _) = await IdentityArrange.SignUpAsync(factory.Services);
        using var browser = new CookieApiClient(factory, await TokenAsync(factory, email));
        await browser.AntiforgeryTokenAsync();

        var stored = await factory.Services.GetRequiredService<StoredXmlRepository>().GetAllAsync(CancellationToken.None);

        var key = Assert.Single(stored);
        Assert.StartsWith("key-", key.FriendlyName, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", key.Xml, StringComparison.Ordinal);
        Assert.Contains($"<{MasterKeyXmlEncryptor.ElementName} ", key.Xml, StringComparison.Ordinal);
        Assert.Contains($"{MasterKeyXmlEncryptor.MasterKeyIdAttribute}=\"test-key\"", key.Xml, StringComparison.Ordinal);
        Assert.DoesNotContain(factory.Logs, line => line.StartsWith("Error", StringComparison.Ordinal) || line.StartsWith("Critical", StringComparison.Ordinal));
    }

    private static async Task<string> TokenAsync(PlexuraWebFactory factory, string email)
    {
        var response = await factory.CreateClient().PostAsJsonAsync(new Uri("/api/v1/auth/token", UriKind.Relative), new { email, password = IdentityArrange.Password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private sealed class Factory : PlexuraWebFactory
    {
        public Factory()
        {
            Settings["Plexura:Auth:BcryptWorkFactor"] = "10";
        }
    }
}
