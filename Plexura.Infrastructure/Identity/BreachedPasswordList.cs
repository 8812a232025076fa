using System.IO.Compression;
using Plexura.Core.Identity;

namespace Plexura.Infrastructure.Identity;

/// <summary>The breached-password blocklist embedded in this assembly (see <c>Identity/Data/SOURCES.md</c>).</summary>
/// <remarks>
/// The list is read and decompressed once per process, on first use, into a set shared by every instance; a sign-up
/// or password change never pays for loading it again. Entries are stored lowercased and looked up lowercased.
/// </remarks>
internal sealed class BreachedPasswordList : IBreachedPasswordList
{
    internal const string ResourceName = "Plexura.Identity.common-passwords.txt.gz";

    private static readonly Lazy<HashSet<string>> Passwords = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    private static int _loadCount;

    /// <summary>How many times the list was read from the resource in this process (one, once used).</summary>
    internal static int LoadCount => Volatile.Read(ref _loadCount);

    public int Count => Passwords.Value.Count;

    public bool Contains(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        return Passwords.Value.Contains(password.ToLowerInvariant());
    }

    private static HashSet<string> Load()
    {
        Interlocked.Increment(ref _loadCount);
        using var resource = typeof(BreachedPasswordList).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        using var gzip = new GZipStream(resource, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var passwords = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                passwords.Add(line.ToLowerInvariant());
            }
        }

        passwords.TrimExcess();
        return passwords;
    }
}
