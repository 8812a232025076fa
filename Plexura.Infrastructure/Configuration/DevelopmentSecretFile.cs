using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Plexura.Infrastructure.Security;

namespace Plexura.Infrastructure.Configuration;

/// <summary>A random secret generated once into the data folder of a developer's machine and reused afterwards.</summary>
/// <remarks>
/// Development only, so <c>dotnet run</c> works with no set-up. The file sits beside the SQLite database, readable
/// by the owner alone. Every other environment must configure its secrets and refuses to start without them.
/// </remarks>
internal static class DevelopmentSecretFile
{
    /// <summary>The secret in <paramref name="fileName"/> (base64 of <paramref name="bytes"/> random bytes), created when missing.</summary>
    /// <returns>The file and the secret it holds.</returns>
    public static (string File, string Secret) ReadOrCreate(IConfiguration configuration, string contentRoot, string fileName, int bytes)
    {
        var sqlitePath = configuration[$"{StorageOptions.Section}:SqlitePath"] ?? new StorageOptions().SqlitePath;
        var dataFolder = Path.GetDirectoryName(Path.IsPathRooted(sqlitePath) ? sqlitePath : Path.Combine(contentRoot, sqlitePath))!;
        OwnerOnlyFiles.EnsureFolder(dataFolder);
        var file = Path.Combine(dataFolder, fileName);
        if (!File.Exists(file))
        {
            OwnerOnlyFiles.WriteNew(file, Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)));
        }

        return (file, File.ReadAllText(file).Trim());
    }
}
