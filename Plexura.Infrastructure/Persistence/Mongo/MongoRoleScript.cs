using System.Text;

namespace Plexura.Infrastructure.Persistence.Mongo;

/// <summary>The mongosh script that creates the app's least-privilege role, generated from the collection definitions.</summary>
/// <remarks>
/// The app may find, insert, update, remove and index its data collections (every one of <see cref="Collections.All"/>,
/// and those of <see cref="Collections.KeyVault"/> in the key vault's database, through a second role defined there),
/// but only find, insert and index <c>audit_events</c>: with the hash chain, no update or delete makes the audit log
/// tamper-evident even against a compromised app server. Generated rather than written by hand so a new collection
/// cannot be forgotten: the README's copy is compared with this output by a test. Printed by
/// <c>dotnet Plexura.Web.dll mongo-role-script</c>.
/// </remarks>
public static class MongoRoleScript
{
    /// <summary>The command-line argument that prints the script instead of starting the app.</summary>
    public const string Command = "mongo-role-script";

    /// <summary>The database the script targets unless told otherwise.</summary>
    public const string DefaultDatabase = "plexura";

    private static readonly string[] DataActions = ["find", "insert", "update", "remove", "createIndex"];

    private static readonly string[] AuditActions = ["find", "insert", "createIndex"];

    /// <summary>The data collections the role may change, in definition order.</summary>
    public static IReadOnlyList<string> DataCollections => [.. Collections.All.Select(c => c.Name)];

    /// <summary>The key vault's collections the role may change (in the vault's database), in definition order.</summary>
    public static IReadOnlyList<string> KeyVaultCollections => [.. Collections.KeyVault.Select(c => c.Name)];

    /// <summary>The script, with <c>\n</c> line ends.</summary>
    /// <param name="database">The main database.</param>
    /// <param name="keyVaultDatabase">The key vault's database; null: <paramref name="database"/> with <c>_keys</c> added, as the app's default.</param>
    public static string Generate(string database = DefaultDatabase, string? keyVaultDatabase = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(database);
        keyVaultDatabase ??= database + "_keys";
        var script = new StringBuilder();
        script.Append("use ").Append(database).Append('\n');
        script.Append("const data = [\n");
        foreach (var name in DataCollections)
        {
            script.Append("  ").Append(Quote(name)).Append(",\n");
        }

        script.Append("];\n");
        script.Append("db.createRole({\n");
        script.Append("  role: \"plexuraApp\",\n");
        script.Append("  privileges: [\n");
        script.Append("    ...data.map(c => ({ resource: { db: ").Append(Quote(database)).Append(", collection: c },\n");
        script.Append("                        actions: ").Append(List(DataActions)).Append(" })),\n");
        script.Append("    { resource: { db: ").Append(Quote(database)).Append(", collection: ").Append(Quote(MongoIndexes.AuditCollection)).Append(" },\n");
        script.Append("      actions: ").Append(List(AuditActions)).Append(" },\n");
        script.Append("  ],\n");
        script.Append("  roles: [],\n");
        script.Append("});\n");
        script.Append("// The key vault: its own database, backed up apart from this one (README, \"Session audio and backups\").\n");
        script.Append("db.getSiblingDB(").Append(Quote(keyVaultDatabase)).Append(").createRole({\n");
        script.Append("  role: \"plexuraAppKeys\",\n");
        script.Append("  privileges: ").Append(List(KeyVaultCollections)).Append(".map(c => ({ resource: { db: ").Append(Quote(keyVaultDatabase)).Append(", collection: c },\n");
        script.Append("    actions: ").Append(List(DataActions)).Append(" })),\n");
        script.Append("  roles: [],\n");
        script.Append("});\n");
        script.Append("db.createUser({ user: \"plexura-app\", pwd: passwordPrompt(), roles: [\n");
        script.Append("  { role: \"plexuraApp\", db: ").Append(Quote(database)).Append(" },\n");
        script.Append("  { role: \"plexuraAppKeys\", db: ").Append(Quote(keyVaultDatabase)).Append(" },\n");
        script.Append("] });\n");
        script.Append('\n');
        script.Append("// Check, connected as plexura-app: this must fail with \"not authorized\".\n");
        script.Append("db.").Append(MongoIndexes.AuditCollection).Append(".deleteOne({});\n");
        return script.ToString();
    }

    private static string Quote(string value) => $"\"{value}\"";

    private static string List(IEnumerable<string> values) => $"[{string.Join(", ", values.Select(Quote))}]";
}
