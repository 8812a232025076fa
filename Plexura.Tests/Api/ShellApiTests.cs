using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Plexura.Tests.Support;
using Plexura.Tests.Web;

namespace Plexura.Tests.Api;

public sealed class ShellApiTests(ShellApiTests.Factory factory) : IClassFixture<ShellApiTests.Factory>
{
    private const string AllowedOrigin = "https://app.plexura.test";
    private const string CspReportPath = "/api/v1/csp-reports";
    private const string ProblemJson = "application/problem+json";

    private const string ValidReport =
        """{"csp-report":{"document-uri":"https://app.plexura.test/patients/123","violated-directive":"script-src-elem","effective-directive":"script-src-elem","blocked-uri":"https://evil.example/steal.js?patient=Jane","original-policy":"default-src 'self'"}}""";

    [Fact]
    public async Task HealthLive_AppRunning_Returns200()
    {
        var response = await factory.CreateClient().GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task HomePage_ThemeCookieDark_LinksTheThemeStylesheetAndStartsDark()
    {
        var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/", UriKind.Relative));
        request.Headers.Add("Cookie", "plexura-theme=dark");

        var html = await (await client.SendAsync(request)).Content.ReadAsStringAsync();

        Assert.Contains("<html lang=\"en\" class=\"plx-dark\">", html, StringComparison.Ordinal);
        var href = System.Text.RegularExpressions.Regex.Match(html, "href=\"(/theme\\.css\\?v=[0-9a-f]+)\"").Groups[1].Value;
        Assert.NotEmpty(href);
        var css = await client.GetAsync(new Uri(href, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.Contains("immutable", css.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        var text = await css.Content.ReadAsStringAsync();
        Assert.Contains(":root.plx-dark", text, StringComparison.Ordinal);
        Assert.Contains("--mud-palette-primary", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthReady_StorageUp_Returns200()
    {
        var response = await factory.CreateClient().GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task HealthReady_DatabaseFileCorrupted_Returns503AndLiveStays200()
    {
        await using var broken = new PlexuraWebFactory();
        var client = broken.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);

        // Replace the database with bytes that are not SQLite; pooled connections would still see the old file.
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(broken.DataFolder))
        {
            File.Delete(file);
        }

        await File.WriteAllBytesAsync(broken.SqlitePath, Encoding.ASCII.GetBytes(new string('x', 8192)));

        var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.css")]
    [InlineData("/favicon.svg")]
    [InlineData("/no-such-page")]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/api/v1/nothing-here")]
    [InlineData("/openapi/v1.json")]
    public async Task AnyResponse_Always_CarriesSecurityHeaders(string path)
    {
        var response = await factory.CreateClient().GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.NotNull(Header(response, "Content-Security-Policy"));
    }

    [Fact]
    public async Task StaticFile_Existing_Returns200()
    {
        var response = await factory.CreateClient().GetAsync(new Uri("/_content/MudBlazor/MudBlazor.min.css", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task HomePage_Get_RendersShellWithStrictCsp()
    {
        var response = await factory.CreateClient().GetAsync(new Uri("/", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();
        var csp = Header(response, "Content-Security-Policy")!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("AI clinical scribe", html, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("report-uri /api/v1/csp-reports", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("importmap", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task UnknownPage_Get_Returns404NotFoundPage()
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html");

        var response = await client.GetAsync(new Uri("/no-such-page", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Page not found", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hsts_HttpsInProduction_HeaderPresent()
    {
        // HSTS skips localhost by design, so the request goes to a real-looking host name.
        var client = factory.CreateClient(new() { BaseAddress = new Uri("https://app.plexura.test") });

        var response = await client.GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.StartsWith("max-age=31536000", Header(response, "Strict-Transport-Security"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hsts_HttpsInDevelopment_HeaderAbsent()
    {
        await using var development = new PlexuraWebFactory { EnvironmentName = Environments.Development };
        var client = development.CreateClient(new() { BaseAddress = new Uri("https://app.plexura.test") });

        var response = await client.GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(Header(response, "Strict-Transport-Security"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
    }

    [Fact]
    public async Task UnknownApiRoute_Get_Returns404ProblemDetails()
    {
        var response = await factory.CreateClient().GetAsync(new Uri("/api/v1/nothing-here", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(404, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task CspReport_Valid_Returns204AndLogsOnlyDirectiveAndOrigin()
    {
        var host = $"{Guid.NewGuid():N}.example";
        var report = ValidReport.Replace("evil.example", host, StringComparison.Ordinal);

        var response = await PostReportAsync(factory.CreateClient(), report, "application/csp-report");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var line = Assert.Single(factory.Logs, l => l.Contains(host, StringComparison.Ordinal));
        Assert.StartsWith("Warning ", line, StringComparison.Ordinal);
        Assert.Contains("script-src-elem", line, StringComparison.Ordinal);
        Assert.Contains($"https://{host}", line, StringComparison.Ordinal);
        Assert.DoesNotContain(factory.Logs, l => l.Contains("Jane", StringComparison.Ordinal) || l.Contains("patients/123", StringComparison.Ordinal) || l.Contains("steal.js", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CspReport_ReportingApiJson_Returns204()
    {
        const string body = """[{"type":"csp-violation","body":{"effectiveDirective":"img-src","blockedURL":"data"}}]""";

        var response = await PostReportAsync(factory.CreateClient(), body, "application/reports+json");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Theory]
    [InlineData("{\"csp-report\": {", "application/csp-report")]
    [InlineData("not json at all", "application/json")]
    [InlineData("{\"hello\":\"world\"}", "application/json")]
    public async Task CspReport_Malformed_Returns400ProblemDetails(string body, string contentType)
    {
        var response = await PostReportAsync(factory.CreateClient(), body, contentType);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("traceId", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CspReport_Oversized_Returns413ProblemDetails()
    {
        var padding = new string('a', 17 * 1024);
        var body = $$$"""{"csp-report":{"violated-directive":"img-src","blocked-uri":"https://x.example/{{{padding}}}"}}""";

        var response = await PostReportAsync(factory.CreateClient(), body, "application/csp-report");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task CspReport_OversizedWithoutContentLength_Returns413ProblemDetails()
    {
        var padding = new string('a', 17 * 1024);
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($$$"""{"csp-report":{"blocked-uri":"{{{padding}}}"}}""")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/csp-report");
        using var request = new HttpRequestMessage(HttpMethod.Post, CspReportPath) { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task CspReport_WrongContentType_Returns415ProblemDetails()
    {
        var response = await PostReportAsync(factory.CreateClient(), ValidReport, "text/plain");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task CspReport_OverRateLimit_Returns429WithRetryAfter()
    {
        await using var limited = new PlexuraWebFactory();
        var client = limited.CreateClient();
        for (var i = 0; i < 60; i++)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await PostReportAsync(client, ValidReport, "application/csp-report")).StatusCode);
        }

        var response = await PostReportAsync(client, ValidReport, "application/csp-report");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Cors_AllowedOrigin_GetsAllowOriginHeader()
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("Origin", AllowedOrigin);

        var response = await PostReportAsync(client, ValidReport, "application/csp-report");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(AllowedOrigin, Header(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Cors_PreflightFromAllowedOrigin_Allowed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, CspReportPath);
        request.Headers.Add("Origin", AllowedOrigin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");

        var response = await factory.CreateClient().SendAsync(request);

        Assert.Equal(AllowedOrigin, Header(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Cors_UnknownOrigin_GetsNoAllowOriginHeader()
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("Origin", "https://evil.example");

        var response = await PostReportAsync(client, ValidReport, "application/csp-report");

        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task OpenApi_Get_ReturnsDocumentWithCspReportPath()
    {
        var response = await factory.CreateClient().GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith("3.", document.RootElement.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.True(document.RootElement.GetProperty("paths").TryGetProperty(CspReportPath, out _));
    }

    [Theory]
    [InlineData("Plexura:Storage:Provider", "Foo", "Plexura:Storage:Provider")]
    [InlineData(PlexuraWebFactory.MasterKeySetting, null, "Plexura:Security:MasterKey")]
    [InlineData(PlexuraWebFactory.MasterKeySetting, "dG9vIHNob3J0", "Plexura:Security:MasterKey")]
    [InlineData("Plexura:Cors:AllowedOrigins:0", "https://app.plexura.test/path", "Plexura:Cors:AllowedOrigins:0")]
    [InlineData("Plexura:Cors:AllowedOrigins:0", "*", "Plexura:Cors:AllowedOrigins:0")]
    [InlineData("Plexura:Network:TrustedProxies:0", "proxy.internal", "Plexura:Network:TrustedProxies:0")]
    [InlineData("Plexura:Network:TrustedProxies:0", "10.0.0.0/33", "Plexura:Network:TrustedProxies:0")]
    public async Task Startup_InvalidSetting_FailsNamingTheSetting(string key, string? value, string expected)
    {
        // The real entry point, not WebApplicationFactory: when a host fails to start, the factory's deferred host can
        // lose the exception in a race and report ObjectDisposedException instead (seen under load).
        var folder = TestConfiguration.NewTempFolder();
        try
        {
            var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
            {
                ["Plexura:Storage:Provider"] = "Sqlite",
                ["Plexura:Storage:SqlitePath"] = Path.Combine(folder, "plexura.db"),
                [PlexuraWebFactory.MasterKeySetting] = TestConfiguration.NewMasterKey(),
                ["Plexura:Auth:SigningKey"] = TestConfiguration.NewSigningKey(),
                [key] = value,
            };
            string[] args =
            [
                "--environment", "Production", "--applicationName", "Plexura.Web", "--urls", "http://127.0.0.1:0",
                .. settings.Where(s => s.Value is not null).Select(s => $"--{s.Key}={s.Value}"),
            ];

            var main = typeof(Program).Assembly.EntryPoint!;
            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => Task.Run(() =>
            {
                try
                {
                    return (int)main.Invoke(null, [args])!;
                }
                catch (System.Reflection.TargetInvocationException e) when (e.InnerException is not null)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
                    throw;
                }
            }));

            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Task<HttpResponseMessage> PostReportAsync(HttpClient client, string body, string contentType) =>
        client.PostAsync(new Uri(CspReportPath, UriKind.Relative), new StringContent(body, Encoding.UTF8, contentType));

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;

    public sealed class Factory : PlexuraWebFactory
    {
        public Factory()
        {
            Settings["Plexura:Cors:AllowedOrigins:0"] = AllowedOrigin;
            Settings["Plexura:OpenApi:Enabled"] = "true";
        }
    }
}
