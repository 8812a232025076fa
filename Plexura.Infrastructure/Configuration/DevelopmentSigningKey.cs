using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Plexura.Infrastructure.Configuration;

/// <summary>Supplies a token signing key on a developer's machine so <c>dotnet run</c> works with no set-up.</summary>
/// <remarks>
/// Development only, like <see cref="DevelopmentMasterKey"/> and through the same file mechanism: generated once into
/// the data folder and reused, so sign-ins survive a restart. Every other environment must configure
/// <c>Plexura:Auth:SigningKey</c> and refuses to start without one (see <see cref="AuthOptionsValidator"/>).
/// </remarks>
public static class DevelopmentSigningKey
{
    /// <summary>Adds a generated signing key to <paramref name="configuration"/> when none is configured.</summary>
    /// <returns>The key file used, or null when a key was configured.</returns>
    public static string? EnsureConfigured(IConfigurationManager configuration, string contentRoot, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var setting = $"{AuthOptions.Section}:SigningKey";
        if (!string.IsNullOrWhiteSpace(configuration[setting]))
        {
            return null;
        }

        var (file, key) = DevelopmentSecretFile.ReadOrCreate(configuration, contentRoot, "development-signing.key", 32);
        configuration[setting] = key;
        logger.LogWarning(
            "DEVELOPMENT ONLY: no {Setting} configured; using the generated key in {File}. Never use it in production.",
            setting,
            file);
        return file;
    }
}
