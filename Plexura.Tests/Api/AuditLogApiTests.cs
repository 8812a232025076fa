using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Auditing;
using Plexura.Tests.Web;
using static Plexura.Tests.Web.SessionArrange;

namespace Plexura.Tests.Api;

/// <summary><c>GET /api/v1/compliance/audit-events</c>: who may read it, the page it answers, absurd filters refused and audited.</summary>
public sealed class AuditLogApiTests(PracticeArrangeFactory factory) : IClassFixture<PracticeArrangeFactory>
{
    private const string Path = "/api/v1/compliance/audit-events";

    [Fact]
    public async Task Owner_GetsTheNewestPageWithEveryFieldAndOnlyTheirPractice_AndTheViewIsAudited()
    {
        var (a, b) = await factory.SharedPairAsync();

        var response = await SendAsync(factory, HttpMethod.Get, $"{Path}?pageSize=5&result=Success", a.Owner.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await JsonAsync(response);
        var events = page.GetProperty("events").EnumerateArray().ToList();
        Assert.InRange(events.Count, 1, 5);
        var sequences = events.Select(e => e.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(sequences.OrderDescending(), sequences);
        Assert.All(events, e => Assert.Equal(64, e.GetProperty("hash").GetString()!.Length));
        Assert.All(events, e => Assert.Equal("Success", e.GetProperty("result").GetString()));
        Assert.DoesNotContain(events, e => e.GetProperty("actorUserId").GetString() == b.Owner.UserId.ToString());
        var viewed = await EventsAsync(a.PracticeId, AuditAction.AuditLogViewed);
        Assert.Contains(viewed, e => e.ActorUserId == a.Owner.UserId && e.Result == AuditResult.Success && e.Details["filters"] == "result");

        if (page.GetProperty("older").ValueKind == System.Text.Json.JsonValueKind.Number)
        {
            var older = await JsonAsync(await SendAsync(factory, HttpMethod.Get, $"{Path}?pageSize=5&result=Success&before={page.GetProperty("older").GetInt64()}", a.Owner.Token));
            Assert.All(older.GetProperty("events").EnumerateArray(), e => Assert.True(e.GetProperty("sequence").GetInt64() < sequences[^1]));
        }
    }

    [Theory]
    [InlineData("from=1990-01-01&to=2026-01-01", "7 years")]
    [InlineData("from=2026-12-05&to=2026-12-01", "after its end")]
    [InlineData("client=Dana%20Reyes", "never a name")]
    [InlineData("result=Maybe", "Success, Denied or Failed")]
    [InlineData("pageSize=100000", "events")]
    public async Task AbsurdFilter_Is400ProblemDetails_AndAuditedFailed(string query, string expected)
    {
        var (a, _) = await factory.SharedPairAsync();

        var response = await SendAsync(factory, HttpMethod.Get, $"{Path}?{query}", a.Owner.Token);

        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
        Assert.Contains(expected, (await JsonAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains(await EventsAsync(a.PracticeId, AuditAction.AuditLogViewed), e => e.ActorUserId == a.Owner.UserId && e.Result == AuditResult.Failed);
    }

    [Fact]
    public async Task ManyActionValues_AreRefused()
    {
        var (a, _) = await factory.SharedPairAsync();
        var query = string.Join('&', Enumerable.Repeat("action=SignIn", 25));

        var response = await SendAsync(factory, HttpMethod.Get, $"{Path}?{query}", a.Owner.Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 20", (await JsonAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clinician_IsRefusedAtTheRoute_AndComplianceWithoutSecondFactorInCore_BothAudited()
    {
        var (a, _) = await factory.SharedPairAsync();

        var clinician = await SendAsync(factory, HttpMethod.Get, Path, a.Clinician.Token);
        var compliance = await SendAsync(factory, HttpMethod.Get, Path, a.Compliance.Token);

        Assert.Equal(HttpStatusCode.Forbidden, clinician.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, compliance.StatusCode);
        var denied = await EventsAsync(a.PracticeId, null);
        Assert.Contains(denied, e => e.ActorUserId == a.Clinician.UserId && e.Result == AuditResult.Denied);
        Assert.Contains(denied, e => e.ActorUserId == a.Compliance.UserId && e.Action == AuditAction.AuditLogViewed && e.Result == AuditResult.Denied);
    }

    [Fact]
    public async Task Anonymous_Is401()
    {
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(Path)).StatusCode);
    }

    private async Task<IReadOnlyList<AuditEvent>> EventsAsync(Core.Common.PracticeId practiceId, AuditAction? action)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IAuditStore>().QueryAsync(practiceId, new AuditQuery(Action: action, Limit: 500), CancellationToken.None);
    }
}
