using System.Reflection;
using System.Text.RegularExpressions;
using Plexura.Core.Auditing;

namespace Plexura.Tests.Architecture;

/// <summary>Retention (HIPAA: six years): no code path deletes or changes audit events (README, "Audit exports and retention").</summary>
/// <remarks>
/// The storage layers enforce it too (SQLite triggers: <c>SqliteEngineTests</c>; the MongoDB role: <c>MongoRoleScriptTests</c>);
/// these checks keep the app's own code from growing such a path.
/// </remarks>
public sealed partial class AuditRetentionRulesTests
{
    [Fact]
    public void AuditStore_HasOnlyAppendAndReadMembers()
    {
        var members = typeof(IAuditStore).GetMethods(BindingFlags.Public | BindingFlags.Instance).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(new HashSet<string>(StringComparer.Ordinal) { "AppendAsync", "ReadChainAsync", "QueryAsync", "StreamAsync" }, members);
    }

    [Fact]
    public void Sources_NeverDeleteOrUpdateAuditEvents()
    {
        var root = RepositoryRoot();
        var offending = new List<string>();
        foreach (var project in new[] { "Plexura.Core", "Plexura.Infrastructure", "Plexura.Web" })
        {
            foreach (var path in Directory.EnumerateFiles(Path.Combine(root, project), "*.cs", SearchOption.AllDirectories)
                         .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                                     && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
            {
                // Comments may name the statements the triggers refuse; code may not issue them.
                var text = string.Join('\n', File.ReadAllLines(path).Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)));
                if (SqlRewrite().IsMatch(text)
                    || (text.Contains("audit_events", StringComparison.Ordinal) || text.Contains("AuditCollection", StringComparison.Ordinal) || text.Contains("AuditEventDocument", StringComparison.Ordinal))
                    && MongoRewrite().IsMatch(text))
                {
                    offending.Add(Path.GetRelativePath(root, path));
                }
            }
        }

        Assert.Empty(offending);
    }

    /// <summary>A SQL statement that would delete, update or replace audit rows (the triggers' own text is "BEFORE DELETE ON").</summary>
    [GeneratedRegex(@"(DELETE\s+FROM|UPDATE(\s+OR\s+\w+)?|REPLACE\s+INTO|INSERT\s+OR\s+REPLACE\s+INTO)\s+audit_events", RegexOptions.IgnoreCase)]
    private static partial Regex SqlRewrite();

    /// <summary>A MongoDB driver call that deletes or changes documents, in a file about the audit collection.</summary>
    [GeneratedRegex(@"\.(DeleteOne|DeleteMany|UpdateOne|UpdateMany|ReplaceOne|FindOneAndDelete|FindOneAndUpdate|FindOneAndReplace|BulkWrite)(Async)?\s*\(")]
    private static partial Regex MongoRewrite();

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Plexura.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Plexura.sln not found above the test output.");
    }
}
