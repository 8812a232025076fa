using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Tests.Web;

namespace Plexura.Tests.Api;

/// <summary>The compliance report endpoints over HTTP: JSON pages, streamed CSV, refusals and bad input.</summary>
public sealed class ComplianceReportApiTests(ComplianceReportApiTests.Factory factory) : IClassFixture<ComplianceReportApiTests.Factory>
{
    private const string Reports = "/api/v1/compliance/reports";

    [Fact]
    public async Task ClientReport_Owner_GetsThePageAsJsonWithoutTheName()
    {
        var (a, _) = await factory.SharedPairAsync();
        var export = await RecordAsync(a, AuditAction.Exported, a.ClientId);

        var response = await GetAsync($"{Reports}/clients/{a.ClientId}?kind=disclosures&limit=10", a.Owner.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Jordan", text, StringComparison.Ordinal);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal("disclosures", body.GetProperty("kind").GetString());
        Assert.True(body.GetProperty("mayViewClient").GetBoolean());
        Assert.Contains(body.GetProperty("rows").EnumerateArray(), r => r.GetProperty("sequence").GetInt64() == export.Sequence && r.GetProperty("kind").GetString() == "Export");
    }

    [Fact]
    public async Task ClientReportCsv_Owner_StreamsTheCsvAsAnAttachmentAndIsAuditedAsAnExport()
    {
        var (a, _) = await factory.SharedPairAsync();
        var view = await RecordAsync(a, AuditAction.PhiViewed, a.ClientId);

        var response = await GetAsync($"{Reports}/clients/{a.ClientId}/csv?kind=access", a.Owner.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(ClientReportCsvHeader, lines[0]);
        Assert.Contains(lines, l => l.StartsWith($"{view.Sequence},", StringComparison.Ordinal));
        var exported = await EventsAsync(a, new AuditQuery(Action: AuditAction.Exported, TargetType: "access-report", ActorUserId: a.Owner.UserId));
        Assert.NotEmpty(exported);
    }

    [Fact]
    public async Task ClientReport_ClinicianWithoutExport_Is403AndAudited()
    {
        var (a, _) = await factory.SharedPairAsync();

        var response = await GetAsync($"{Reports}/clients/{a.ClientId}", a.Clinician.Token);
        var csv = await GetAsync($"{Reports}/clients/{a.ClientId}/csv", a.Clinician.Token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, csv.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var denied = await EventsAsync(a, new AuditQuery(Action: AuditAction.Exported, Result: AuditResult.Denied, ActorUserId: a.Clinician.UserId));
        Assert.True(denied.Count >= 2);
    }

    [Fact]
    public async Task ClientReport_OtherPracticesOrUnknownClient_Is404()
    {
        var (a, b) = await factory.SharedPairAsync();

        var other = await GetAsync($"{Reports}/clients/{b.ClientId}", a.Owner.Token);
        var unknown = await GetAsync($"{Reports}/clients/{Guid.NewGuid()}/csv", a.Owner.Token);

        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Theory]
    [InlineData("?kind=everything")]
    [InlineData("?from=yesterday")]
    [InlineData("?from=2015-01-01&to=2026-01-01")]
    [InlineData("?from=2026-02-01&to=2026-01-01")]
    [InlineData("?limit=0")]
    public async Task ClientReport_BadInput_Is400ProblemDetails(string query)
    {
        var (a, _) = await factory.SharedPairAsync();

        var response = await GetAsync($"{Reports}/clients/{a.ClientId}{query}", a.Owner.Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrEmpty((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task BreachReport_Owner_ListsTheActorsClientsAndDownloadsCsv()
    {
        var (a, _) = await factory.SharedPairAsync();
        await RecordAsync(a, AuditAction.EhrPushed, a.ClientId, a.Admin.UserId, "198.51.100.23");

        var response = await GetAsync($"{Reports}/breach?actor={a.Admin.Email}&ip=198.51.100.23", a.Owner.Token);
        var csv = await GetAsync($"{Reports}/breach/csv?actor={a.Admin.UserId}&ip=198.51.100.23", a.Owner.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var row = Assert.Single((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("clients").EnumerateArray());
        Assert.Equal(a.ClientId.ToString(), row.GetProperty("clientId").GetString());
        Assert.Equal(1, row.GetProperty("pushes").GetInt32());
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.StartsWith($"{a.ClientId},0,0,1,0,1,", (await csv.Content.ReadAsStringAsync()).Split("\r\n")[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task BreachReport_ClinicianIs403_ComplianceWithoutSecondFactorIs403_BadIpIs400()
    {
        var (a, _) = await factory.SharedPairAsync();

        var clinician = await GetAsync($"{Reports}/breach", a.Clinician.Token);
        var compliance = await GetAsync($"{Reports}/breach", a.Compliance.Token);
        var badIp = await GetAsync($"{Reports}/breach?ip=999.1.1.1", a.Owner.Token);
        var tooLong = await GetAsync($"{Reports}/breach/csv?from=2000-01-01", a.Owner.Token);

        Assert.Equal(HttpStatusCode.Forbidden, clinician.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, compliance.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badIp.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.NotEmpty(await EventsAsync(a, new AuditQuery(Action: AuditAction.AuditLogViewed, Result: AuditResult.Denied, ActorUserId: a.Compliance.UserId)));
    }

    private const string ClientReportCsvHeader = Core.Compliance.Reports.ClientReportEvents.CsvHeader;

    private async Task<AuditEvent> RecordAsync(Practice practice, AuditAction action, ClientId clientId, UserId? actor = null, string ip = "203.0.113.7")
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IAuditLog>().RecordAsync(
            new AuditEntry(practice.PracticeId, new AuditActor(actor ?? practice.Owner.UserId, null), ip, "test", action, "client", clientId.ToString(), clientId.ToString(), AuditResult.Success),
            CancellationToken.None);
    }

    private async Task<IReadOnlyList<AuditEvent>> EventsAsync(Practice practice, AuditQuery query)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IAuditStore>().QueryAsync(practice.PracticeId, query, CancellationToken.None);
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await factory.CreateClient().SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>The app with two arranged practices.</summary>
    public sealed class Factory : PracticeArrangeFactory;
}
