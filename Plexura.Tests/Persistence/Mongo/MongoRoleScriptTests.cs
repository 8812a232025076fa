using Plexura.Infrastructure.Persistence;
using Plexura.Infrastructure.Persistence.Mongo;

namespace Plexura.Tests.Persistence.Mongo;

/// <summary>The README's MongoDB role script is the generated one: a new collection cannot be left out of the role.</summary>
public sealed class MongoRoleScriptTests
{
    private const string Fence = "```javascript\n";

    [Fact]
    public void Readme_RoleScript_IsTheGeneratedOne()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")).ReplaceLineEndings("\n");
        var start = readme.IndexOf(Fence + "use " + MongoRoleScript.DefaultDatabase + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no ```javascript block starting with the role script.");
        var body = start + Fence.Length;
        var block = readme[body..readme.IndexOf("```", body, StringComparison.Ordinal)];

        Assert.True(
            string.Equals(MongoRoleScript.Generate(), block, StringComparison.Ordinal),
            $"The role script in README.md differs from the generated one. Replace it with the output of `dotnet Plexura.Web.dll {MongoRoleScript.Command}`:\n{MongoRoleScript.Generate()}");
    }

    [Fact]
    public void Generate_EveryDataCollection_MayBeChangedButTheAuditLogOnlyReadAndAppended()
    {
        var script = MongoRoleScript.Generate();

        Assert.Equal(Collections.All.Select(c => c.Name), MongoRoleScript.DataCollections);
        Assert.All(Collections.All, c => Assert.Contains($"  \"{c.Name}\",\n", script, StringComparison.Ordinal));
        Assert.DoesNotContain($"\"{MongoIndexes.AuditCollection}\",\n", script, StringComparison.Ordinal);
        Assert.Contains(
            $"collection: \"{MongoIndexes.AuditCollection}\" }},\n      actions: [\"find\", \"insert\", \"createIndex\"] }}",
            script,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_KeyVault_GetsARoleInItsOwnDatabaseGrantedToTheSameUser()
    {
        var script = MongoRoleScript.Generate();

        Assert.Equal(Collections.KeyVault.Select(c => c.Name), MongoRoleScript.KeyVaultCollections);
        Assert.Contains(
            "db.getSiblingDB(\"plexura_keys\").createRole({\n  role: \"plexuraAppKeys\",\n  privileges: [\"session_audio_keys\"].map(c => ({ resource: { db: \"plexura_keys\", collection: c },\n",
            script,
            StringComparison.Ordinal);
        Assert.Contains("{ role: \"plexuraAppKeys\", db: \"plexura_keys\" }", script, StringComparison.Ordinal);
        Assert.Contains("plexura_vault", MongoRoleScript.Generate("plexura", "plexura_vault"), StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_OtherDatabase_NamesItEverywhere()
    {
        var script = MongoRoleScript.Generate("plexura_eu");

        Assert.StartsWith("use plexura_eu\n", script, StringComparison.Ordinal);
        Assert.DoesNotContain("db: \"plexura\"", script, StringComparison.Ordinal);
        Assert.Contains("db: \"plexura_eu_keys\"", script, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Plexura.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Plexura.sln not found above the test output folder.");
    }
}
