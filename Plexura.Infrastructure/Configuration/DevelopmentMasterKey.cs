using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Plexura.Infrastructure.Configuration;

/// <summary>Supplies a master key on a developer's machine so <c>dotnet run</c> works with no set-up.</summary>
/// <remarks>
/// Development only: the key is generated once into the data folder and reused, with a loud warning, because
/// losing it makes every stored PHI field unreadable. Every other environment must configure the key and refuses
/// to start without one (see <see cref="SecurityOptionsValidator"/>).
/// </remarks>
public static class DevelopmentMasterKey
{
    /// <summary>Adds a generated master key to <paramref name="configuration"/> when none is configured.</summary>
    /// <returns>The key file used, or null when a key was configured.</returns>
    public static string? EnsureConfigured(IConfigurationManager configuration, string contentRoot, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!string.IsNullOrWhiteSpace(configuration[$"{SecurityOptions.Section}:MasterKey"]))
        {
            return null;
        }

        var (file, key) = DevelopmentSecretFile.ReadOrCreate(configuration, contentRoot, "development-master.key", 32);
        configuration[$"{SecurityOptions.Section}:MasterKey"] = key;
        configuration[$"{SecurityOptions.Section}:MasterKeyId"] = "development";
        logger.LogWarning(
            "DEVELOPMENT ONLY: no {Setting} configured; using the generated key in {File}. Losing that file makes all stored PHI unreadable. Never use it in production.",
            $"{SecurityOptions.Section}:MasterKey",
            file);
        return file;
    }
}
