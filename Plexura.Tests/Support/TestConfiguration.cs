using System.Security.Cryptography;

namespace Plexura.Tests.Support;

/// <summary>Settings every test host needs.</summary>
public static class TestConfiguration
{
    public static string NewMasterKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string NewSigningKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>A fresh folder under the temp directory, deleted by the caller.</summary>
    public static string NewTempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "plexura-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
