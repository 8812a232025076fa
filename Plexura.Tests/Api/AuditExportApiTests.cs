using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Auditing;
using Plexura.Core.Compliance.Export;
using Plexura.Tests.Web;
using Plexura.Web;

namespace Plexura.Tests.Api;

/// <summary>The audit export endpoints over HTTP, and the verify-export command on a real export.</summary>
public sealed class AuditExportApiTests(PracticeArrangeFactory factory) : IClassFixture<PracticeArrangeFactory>
{
    private const string Export = "/api/v1/compliance/audit-export";

    [Theory]
    [InlineData("csv", "text/csv")]
    [InlineData("jsonl", "application/jsonl")]
    public async Task Export_Owner_StreamsTheFileAndASignedManifestThatVerifies(string format, string mediaType)
    {
        var (a, _) = await factory.SharedPairAsync();
        var token = a.Owner.Token;

        var (file, manifestJson, exportId) = await DownloadAsync(token, $"{Export}?format={format}", mediaType);

        var manifest = AuditExportManifest.Parse(manifestJson);
        Assert.Equal(a.PracticeId, manifest.PracticeId);
        Assert.Equal(exportId, manifest.ExportId);
        Assert.True(manifest.IsFullRange);
        var report = await AuditExportVerifier.VerifyAsync(() => new MemoryStream(file), manifestJson, new AuditExportPins(manifest.PublicKey.KeyId, a.PracticeId), CancellationToken.None);
        Assert.True(report.IsValid, report.Problem);
        var exported = await factory.Services.GetRequiredService<IAuditStore>().QueryAsync(
            a.PracticeId, new AuditQuery(Action: AuditAction.Exported, TargetType: "audit-log", TargetId: exportId), CancellationToken.None);
        var audited = Assert.Single(exported);
        Assert.Equal(AuditResult.Success, audited.Result);
        Assert.Equal(manifest.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), audited.Details["count"]);
        Assert.Equal("none", audited.Details["filters"]);
    }

    [Fact]
    public async Task Export_Filtered_AuditsOnlyTheFilterNames()
    {
        var (a, _) = await factory.SharedPairAsync();

        var (_, manifestJson, exportId) = await DownloadAsync(a.Owner.Token, $"{Export}?format=csv&action=SignIn&action=PhiViewed&result=Success", "text/csv");

        Assert.Equal("PhiViewed,SignIn", AuditExportManifest.Parse(manifestJson).Filter["actions"]);
        var audited = (await factory.Services.GetRequiredService<IAuditStore>().QueryAsync(
            a.PracticeId, new AuditQuery(Action: AuditAction.Exported, TargetId: exportId), CancellationToken.None)).Single();
        Assert.Equal("actions,result", audited.Details["filters"]);
    }

    [Fact]
    public async Task Export_Clinician_Is403ProblemAndAudited()
    {
        var (a, _) = await factory.SharedPairAsync();
        using var client = PracticeArrange.ApiClient(factory, a.Clinician.Token);

        using var response = await client.GetAsync(new Uri($"{Export}?format=csv", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var refused = await factory.Services.GetRequiredService<IAuditStore>().QueryAsync(
            a.PracticeId, new AuditQuery(ActorUserId: a.Clinician.UserId, Result: AuditResult.Denied), CancellationToken.None);
        Assert.Contains(refused, e => e.TargetId?.Contains("audit-export", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Export_ComplianceWithoutSecondFactor_Is403FromCore()
    {
        var (a, _) = await factory.SharedPairAsync();
        using var client = PracticeArrange.ApiClient(factory, a.Compliance.Token);

        using var response = await client.GetAsync(new Uri($"{Export}?format=csv", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("format=xml")]
    [InlineData("format=csv&from=yesterday")]
    [InlineData("format=csv&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z")]
    [InlineData("format=csv&from=1800-01-01T00:00:00Z")]
    [InlineData("format=csv&action=Nope")]
    [InlineData("format=csv&action=7")]
    [InlineData("format=csv&result=Maybe")]
    [InlineData("format=csv&clientId=Jordan%20Lee")]
    [InlineData("format=csv&exportId=not-a-guid")]
    [InlineData("format=csv&exportId=6f1c1c3e-8a1b-4c0e-9a7e-1c2d3e4f5a6b")]
    public async Task Export_BadFilter_Is400Problem(string query)
    {
        var (a, _) = await factory.SharedPairAsync();
        using var client = PracticeArrange.ApiClient(factory, a.Owner.Token);

        using var response = await client.GetAsync(new Uri($"{Export}?{query}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Export_TenThousandActionValues_Is400Problem()
    {
        var (a, _) = await factory.SharedPairAsync();
        using var client = PracticeArrange.ApiClient(factory, a.Owner.Token);
        var query = string.Join('&', Enumerable.Repeat("action=SignIn", 10_000));

        using var response = await client.GetAsync(new Uri($"{Export}?{query}", UriKind.Relative));

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestUriTooLong, $"{response.StatusCode}");
    }

    [Fact]
    public async Task Manifest_OfAnotherPracticesExport_Is404()
    {
        var (a, b) = await factory.SharedPairAsync();
        var (_, _, exportId) = await DownloadAsync(a.Owner.Token, $"{Export}?format=csv", "text/csv");
        using var client = PracticeArrange.ApiClient(factory, b.Owner.Token);

        using var response = await client.GetAsync(new Uri($"/api/v1/compliance/audit-exports/{exportId}/manifest", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task VerifyExportCommand_RealExport_VerifiesAndRefusesATamperedFileAndAForgedManifest()
    {
        var (a, b) = await factory.SharedPairAsync();
        var (file, manifestJson, _) = await DownloadAsync(a.Owner.Token, $"{Export}?format=csv", "text/csv");
        var (_, otherManifest, _) = await DownloadAsync(b.Owner.Token, $"{Export}?format=csv", "text/csv");
        var keyId = AuditExportManifest.Parse(manifestJson).PublicKey.KeyId;
        var folder = Directory.CreateTempSubdirectory("plexura-verify-");
        try
        {
            var filePath = Path.Combine(folder.FullName, "export.csv");
            var manifestPath = Path.Combine(folder.FullName, "manifest.json");
            await File.WriteAllBytesAsync(filePath, file);
            await File.WriteAllTextAsync(manifestPath, manifestJson);

            var (ok, okText) = await RunAsync(filePath, manifestPath, "--key-id", keyId, "--practice", a.PracticeId.ToString());

            var tamperedPath = Path.Combine(folder.FullName, "tampered.csv");
            await File.WriteAllTextAsync(tamperedPath, Encoding.UTF8.GetString(file).Replace(",Success,", ",Denied,", StringComparison.Ordinal));
            var (tampered, tamperedText) = await RunAsync(tamperedPath, manifestPath);

            var forgedPath = Path.Combine(folder.FullName, "forged.json");
            using (var doc = JsonDocument.Parse(manifestJson))
            {
                await File.WriteAllTextAsync(forgedPath, manifestJson.Replace($"\"count\": {doc.RootElement.GetProperty("count").GetInt64()}", "\"count\": 1", StringComparison.Ordinal));
            }

            var (forged, forgedText) = await RunAsync(filePath, forgedPath);

            var otherPath = Path.Combine(folder.FullName, "other.json");
            await File.WriteAllTextAsync(otherPath, otherManifest);
            var (other, otherText) = await RunAsync(filePath, otherPath, "--practice", a.PracticeId.ToString());

            Assert.True(ok == 0, okText);
            Assert.Contains("VERIFIED", okText, StringComparison.Ordinal);
            Assert.Contains("Hash chain recomputed", okText, StringComparison.Ordinal);
            Assert.Equal(1, tampered);
            Assert.Contains("REFUSED", tamperedText, StringComparison.Ordinal);
            Assert.Contains("SHA-256", tamperedText, StringComparison.Ordinal);
            Assert.Equal(1, forged);
            Assert.Contains("signature does not verify", forgedText, StringComparison.Ordinal);
            Assert.Equal(1, other);
            Assert.Contains("another practice", otherText, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        var code = await VerifyExportCommand.RunAsync(args, output, CancellationToken.None);
        return (code, output.ToString());
    }

    private async Task<(byte[] File, string Manifest, string ExportId)> DownloadAsync(string token, string url, string mediaType)
    {
        using var client = PracticeArrange.ApiClient(factory, token);
        using var response = await client.GetAsync(new Uri(url, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        var exportId = response.Headers.GetValues("X-Export-Id").Single();
        var file = await response.Content.ReadAsByteArrayAsync();
        using var manifest = await client.GetAsync(new Uri($"/api/v1/compliance/audit-exports/{exportId}/manifest", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, manifest.StatusCode);
        return (file, await manifest.Content.ReadAsStringAsync(), exportId);
    }
}
