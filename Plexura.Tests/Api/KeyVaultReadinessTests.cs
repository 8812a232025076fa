using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Plexura.Tests.Web;

namespace Plexura.Tests.Api;

/// <summary><c>/health/ready</c> reports the key vault, a database of its own: without it no audio can be stored or read.</summary>
public sealed class KeyVaultReadinessTests
{
    [Fact]
    public async Task HealthReady_KeyVaultReachable_ReportsItHealthy()
    {
        await using var factory = new PlexuraWebFactory();

        var response = await factory.CreateClient().GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("keyvault").GetProperty("status").GetString());
        Assert.True(File.Exists(Path.Combine(factory.DataFolder, "plexura-keys.db")), "the vault is a file of its own next to the main one");
    }

    [Fact]
    public async Task HealthReady_KeyVaultFileCorrupted_Returns503NamingTheVaultWhileStorageStaysHealthy()
    {
        await using var factory = new PlexuraWebFactory();
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);

        // Replace the vault (only) with bytes that are not SQLite; pooled connections would still see the old file.
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(factory.DataFolder, "plexura-keys.db*"))
        {
            File.Delete(file);
        }

        await File.WriteAllBytesAsync(Path.Combine(factory.DataFolder, "plexura-keys.db"), Encoding.ASCII.GetBytes(new string('x', 8192)));

        var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var checks = body.RootElement.GetProperty("checks");
        Assert.Equal("Unhealthy", checks.GetProperty("keyvault").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("storage").GetProperty("status").GetString());
    }
}
