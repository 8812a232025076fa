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

namespace Plexura.Bench;

/// <summary>The real app on Kestrel (a free loopback port), Production environment, a temp SQLite file and fresh keys.</summary>
/// <remarks>
/// Built like the tests' <c>PlexuraWebFactory</c>. The app's own log levels stay, but lines are counted instead of
/// written to the console, so the benchmark's output stays readable (console formatting cost is therefore not measured).
/// </remarks>
internal sealed class BenchApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    /// <param name="extraSettings">Configuration on top of the defaults (a temp SQLite file, fresh keys).</param>
    /// <param name="services">Changes to the app's services after its own registrations (a scenario's probes), or null.</param>
    public BenchApp(IReadOnlyDictionary<string, string?> extraSettings, Action<IServiceCollection>? services = null)
    {
        _services = services;
        DataFolder = Directory.CreateTempSubdirectory("plexura-bench-web-").FullName;
        _settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Plexura:Storage:Provider"] = "Sqlite",
            ["Plexura:Storage:SqlitePath"] = Path.Combine(DataFolder, "plexura.db"),
            ["Plexura:Security:MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Plexura:Security:MasterKeyId"] = "bench-key",
            ["Plexura:Auth:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        };
        foreach (var (key, value) in extraSettings)
        {
            _settings[key] = value;
        }
    }

    public string DataFolder { get; }

    /// <summary>The keys a second instance on the same database must share (master key and token signing key).</summary>
    public IEnumerable<KeyValuePair<string, string?>> SharedKeys() =>
        _settings.Where(p => p.Key is "Plexura:Security:MasterKey" or "Plexura:Security:MasterKeyId" or "Plexura:Auth:SigningKey");

    /// <summary>Log lines the app wrote, by level.</summary>
    public ConcurrentDictionary<LogLevel, long> LogLines { get; } = new();

    /// <summary>Starts Kestrel and returns its address.</summary>
    public Uri Start()
    {
        UseKestrel(0);
        StartServer();
        return new Uri(Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment(Environments.Production);
        // blazor.web.js and the app's scripts come from the Web project's static web assets, as in the tests' factory.
        builder.UseStaticWebAssets();
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_services is { } services)
        {
            builder.ConfigureTestServices(services);
        }

        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.AddProvider(new CountingLoggerProvider(LogLines));
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(DataFolder, recursive: true);
    }

    private sealed class CountingLoggerProvider(ConcurrentDictionary<LogLevel, long> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CountingLogger(lines);

        public void Dispose()
        {
        }
    }

    private sealed class CountingLogger(ConcurrentDictionary<LogLevel, long> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            _ = formatter(state, exception);
            lines.AddOrUpdate(logLevel, 1, (_, n) => n + 1);
        }
    }
}
