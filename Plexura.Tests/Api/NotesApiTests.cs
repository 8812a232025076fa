using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Auditing;
using Plexura.Core.Notes;
using Plexura.Tests.Isolation;
using Plexura.Tests.Web;
using static Plexura.Tests.Web.SessionArrange;

namespace Plexura.Tests.Api;

/// <summary>The note API's bad input: refused clearly (ProblemDetails), audited where it matters, the note unchanged.</summary>
public sealed class NotesApiTests(PracticeArrangeFactory factory) : IClassFixture<PracticeArrangeFactory>
{
    [Fact]
    public async Task BadInput_StaleVersion_SignWithoutAttestation_EditAfterSigning_AndA5MbBody_AreRefusedAndTheNoteUnchanged()
    {
        var (a, _) = await factory.SharedPairAsync();
        var (_, sessionId) = await StartedSessionAsync(factory, a);
        var note = await ApiMatrixArrange.WriteNoteAsync(factory, a, Core.Common.ClinicalSessionId.Parse(sessionId, null));
        var path = $"/api/v1/notes/{note.Id}";
        var token = a.Owner.Token;

        var stale = await SendAsync(factory, HttpMethod.Put, $"{path}/sections/plan", token, new { statements = new[] { new { text = "Other tab." } }, basedOnVersion = 1 });
        var notAttested = await SendAsync(factory, HttpMethod.Post, $"{path}/sign", token, new { attested = false, basedOnVersion = 2 });
        var huge = await SendRawAsync($"{path}/sections/plan", token, $$"""{"statements":[{"text":"{{new string('a', 5 * 1024 * 1024)}}"}],"basedOnVersion":2}""");
        var noVersion = await SendAsync(factory, HttpMethod.Put, $"{path}/sections/plan", token, new { statements = Array.Empty<object>() });

        Assert.Equal((HttpStatusCode.Conflict, "application/problem+json"), (stale.StatusCode, stale.Content.Headers.ContentType?.MediaType));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notAttested.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noVersion.StatusCode);
        Assert.Equal(2, await CurrentVersionAsync(a, note));

        // Make it signable: the required sections written and the risk item confirmed, then sign and try to edit.
        var version = 2;
        foreach (var key in new[] { "interventions", "plan" })
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(factory, HttpMethod.Put, $"{path}/sections/{key}", token, new { statements = new[] { new { text = $"Wrote {key}." } }, basedOnVersion = version++ })).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(factory, HttpMethod.Post, $"{path}/risks/{note.RiskId}/review", token, new { decision = "Confirm", basedOnVersion = version++ })).StatusCode);
        var signed = await SendAsync(factory, HttpMethod.Post, $"{path}/sign", token, new { attested = true, basedOnVersion = version });
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        var edit = await SendAsync(factory, HttpMethod.Put, $"{path}/sections/plan", token, new { statements = new[] { new { text = "Changed after signing." } }, basedOnVersion = version });
        var verified = await JsonAsync(await SendAsync(factory, HttpMethod.Get, $"{path}/signature", token));

        Assert.Equal((HttpStatusCode.Conflict, "application/problem+json"), (edit.StatusCode, edit.Content.Headers.ContentType?.MediaType));
        Assert.Equal(version, await CurrentVersionAsync(a, note));
        Assert.True(verified.GetProperty("valid").GetBoolean());
        await using var scope = factory.Services.CreateAsyncScope();
        var events = await scope.ServiceProvider.GetRequiredService<IAuditStore>().QueryAsync(a.PracticeId, new AuditQuery(Limit: 500), CancellationToken.None);
        Assert.Contains(events, e => e.TargetId == note.Id.ToString() && e.Result == AuditResult.Failed && e.Details.GetValueOrDefault("reason") == "stale-version");
        Assert.Contains(events, e => e.TargetId == note.Id.ToString() && e.Result == AuditResult.Failed && e.Details.GetValueOrDefault("reason") == "no-attestation");
        Assert.Contains(events, e => e.TargetId == note.Id.ToString() && e.Result == AuditResult.Failed && e.Details.GetValueOrDefault("reason") == "signed");
    }

    [Fact]
    public async Task AnotherPracticesNote_AndSigningWithoutEditPermission_AreRefusedAndAudited()
    {
        var (a, b) = await factory.SharedPairAsync();
        var (_, sessionId) = await StartedSessionAsync(factory, a);
        var note = await ApiMatrixArrange.WriteNoteAsync(factory, a, Core.Common.ClinicalSessionId.Parse(sessionId, null));

        var foreign = await SendAsync(factory, HttpMethod.Post, $"/api/v1/sessions/{sessionId}/note/", b.Owner.Token);
        var foreignSign = await SendAsync(factory, HttpMethod.Post, $"/api/v1/notes/{note.Id}/sign", b.Owner.Token, new { attested = true, basedOnVersion = 2 });
        var compliance = await SendAsync(factory, HttpMethod.Post, $"/api/v1/notes/{note.Id}/sign", a.Compliance.Token, new { attested = true, basedOnVersion = 2 });

        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, foreignSign.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, compliance.StatusCode);
        Assert.Equal(2, await CurrentVersionAsync(a, note));
        await using var scope = factory.Services.CreateAsyncScope();
        var denied = await scope.ServiceProvider.GetRequiredService<IAuditStore>().QueryAsync(b.PracticeId, new AuditQuery(Result: AuditResult.Denied), CancellationToken.None);
        Assert.Contains(denied, e => e.TargetId == note.Id.ToString());
    }

    private async Task<int> CurrentVersionAsync(Practice practice, MatrixNote note)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<INoteRepository>().GetAsync(practice.PracticeId, note.Id, CancellationToken.None))!.CurrentVersion;
    }

    private async Task<HttpResponseMessage> SendRawAsync(string path, string token, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await factory.CreateClient().SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
