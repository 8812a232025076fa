using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Common;

namespace Plexura.Tests.Web;

/// <summary>Starts recorded sessions and speaks the recorder's HTTP contract with a Bearer token, for API tests.</summary>
public static class SessionArrange
{
    /// <summary>The sessions API.</summary>
    public const string Sessions = "/api/v1/sessions";

    /// <summary>A new client of the practice with recording and AI-processing consents, and a session started for it.</summary>
    public static async Task<(ClientId ClientId, string SessionId)> StartedSessionAsync(PracticeArrangeFactory factory, Practice practice)
    {
        var clientId = await PracticeArrange.CreateClientAsync(factory, practice);
        foreach (var kind in new[] { "Recording", "AiProcessing" })
        {
            var consent = await SendAsync(factory, HttpMethod.Post, $"/api/v1/clients/{clientId}/consents", practice.Owner.Token, new
            {
                kind,
                method = "Written",
                effectiveFrom = DateTimeOffset.UtcNow.AddMinutes(-1),
            });
            Assert.Equal(HttpStatusCode.Created, consent.StatusCode);
        }

        var started = await SendAsync(factory, HttpMethod.Post, $"/api/v1/clients/{clientId}/sessions", practice.Owner.Token);
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var body = await JsonAsync(started);
        Assert.Equal("recording", body.GetProperty("status").GetString());
        return (clientId, body.GetProperty("id").GetString()!);
    }

    /// <summary>Uploads one audio chunk.</summary>
    public static async Task<HttpResponseMessage> PutChunkAsync(PracticeArrangeFactory factory, string token, string sessionId, int sequence, byte[] wav, string? contentType = "audio/wav")
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{Sessions}/{sessionId}/audio/{sequence}") { Content = new ByteArrayContent(wav) };
        if (contentType is not null)
        {
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await factory.CreateClient().SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>Sends a request with the token and an optional JSON body.</summary>
    public static async Task<HttpResponseMessage> SendAsync(PracticeArrangeFactory factory, HttpMethod method, string path, string token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        var response = await factory.CreateClient().SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>The response body as JSON.</summary>
    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>Revokes the client's AI-processing consent through the API.</summary>
    public static async Task RevokeAiConsentAsync(PracticeArrangeFactory factory, Practice practice, ClientId clientId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var consents = await scope.ServiceProvider.GetRequiredService<Core.Consent.IClientConsentRepository>().ListForClientAsync(practice.PracticeId, clientId, CancellationToken.None);
        var ai = consents.Single(c => c.Kind == Core.Consent.ConsentKind.AiProcessing);
        var revoked = await SendAsync(factory, HttpMethod.Post, $"/api/v1/clients/{clientId}/consents/{ai.Id}/revoke", practice.Owner.Token, new { reason = "Changed their mind" });
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
    }
}
