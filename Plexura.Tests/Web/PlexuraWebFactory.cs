using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

using Plexura.Tests.Fakes;
using Plexura.Tests.Support;

namespace Plexura.Tests.Web;

/// <summary>
/// The whole app in memory (or on Kestrel via <c>UseKestrel</c>), on a fresh SQLite file in a temp folder and a freshly
/// generated master key. Production environment unless told otherwise, so tests run the production pipeline.
/// </summary>
/// <remarks>
/// Change <see cref="Settings"/>, <see cref="EnvironmentName"/> or <see cref="TestServices"/> before the first client is
/// created (in a constructor or object initializer). Settings are host settings, so Program sees them before it builds
/// the host (the SQLite path and master key are read that early). Subclass to give a test class its own configuration.
/// </remarks>
public class PlexuraWebFactory : WebApplicationFactory<Program>
{
    public const string MasterKeySetting = "Plexura:Security:MasterKey";

    public PlexuraWebFactory()
    {
        DataFolder = Path.Combine(Path.GetTempPath(), "plexura-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataFolder);
        Settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Plexura:Storage:Provider"] = "Sqlite",
            ["Plexura:Storage:SqlitePath"] = SqlitePath,
            [MasterKeySetting] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Plexura:Security:MasterKeyId"] = "test-key",
            ["Plexura:Auth:SigningKey"] = TestConfiguration.NewSigningKey(),
        };
    }

    /// <summary>The temp folder holding this instance's database; deleted on dispose.</summary>
    public string DataFolder { get; }

    public string SqlitePath => Path.Combine(DataFolder, "plexura.db");

    /// <summary>Configuration keys (<c>Section:Key</c>) applied over appsettings.json; remove a key to leave it unset.</summary>
    public IDictionary<string, string?> Settings { get; }

    public string EnvironmentName { get; set; } = Environments.Production;

    /// <summary>Service replacements applied after the app's own registrations.</summary>
    public Action<IServiceCollection>? TestServices { get; set; }

    /// <summary>Every log line the app wrote, as "Level Category: message", for assertions about what is (not) logged.</summary>
    public ConcurrentQueue<string> Logs { get; } = new();

    /// <summary>The address Kestrel actually bound, after <c>UseKestrel(0)</c> and <c>StartServer()</c>.</summary>
    public Uri ServerAddress =>
        new(Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment(EnvironmentName);

        // Outside Development, package assets (_content/MudBlazor) are only served from published output; tests run
        // from the build output, so load the static web assets manifest as Development does.
        builder.UseStaticWebAssets();
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(Logs)));

        // Until the real risk scanner and evidence verifier are registered by the app, the notes run on small fakes.
        if (TestServices is { } configure)
        {
            builder.ConfigureTestServices(configure);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        DeleteDataFolder();
        GC.SuppressFinalize(this);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        DeleteDataFolder();
    }

    private void DeleteDataFolder()
    {
        if (Directory.Exists(DataFolder))
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(DataFolder, recursive: true);
        }
    }
}
