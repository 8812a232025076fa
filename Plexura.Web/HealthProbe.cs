namespace Plexura.Web;

/// <summary>The <c>--healthcheck</c> mode: asks the running app's liveness endpoint, so the container image needs no curl.</summary>
public static class HealthProbe
{
    public const string Argument = "--healthcheck";

    /// <summary>GETs <c>http://127.0.0.1:{port}/health/live</c>; the port is the first of ASPNETCORE_HTTP_PORTS (8080 by default).</summary>
    /// <returns>0 when the app answers 200, 1 otherwise.</returns>
    public static async Task<int> RunAsync()
    {
        var ports = Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS");
        var port = ports?.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "8080";
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/health/live"));
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return 1;
        }
    }
}
