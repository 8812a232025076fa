using Plexura.Core.Common;
using Plexura.Core.Compliance.Export;

namespace Plexura.Web;

/// <summary><c>dotnet Plexura.Web.dll verify-export FILE MANIFEST</c>: checks an audit export offline (README, "Audit exports").</summary>
/// <remarks>Runs before the web host is built, so it needs no configuration, database or keys: only the two files.</remarks>
public static class VerifyExportCommand
{
    /// <summary>The command-line argument that runs the check instead of starting the app.</summary>
    public const string Command = "verify-export";

    /// <summary>Runs the check for the <c>verify-export</c> command and prints the verdict; returns the exit code (0 valid, 1 refused, 2 usage).</summary>
    /// <param name="args">The arguments after <c>verify-export</c>: FILE MANIFEST [--key-id ID] [--practice ID].</param>
    /// <param name="output">Where the report goes.</param>
    /// <param name="ct">Cancellation.</param>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        var positional = new List<string>();
        string? keyId = null;
        PracticeId? practice = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--key-id" when i + 1 < args.Count:
                    keyId = args[++i];
                    break;
                case "--practice" when i + 1 < args.Count && PracticeId.TryParse(args[i + 1], null, out var p):
                    practice = p;
                    i++;
                    break;
                default:
                    positional.Add(args[i]);
                    break;
            }
        }

        if (positional.Count != 2)
        {
            await output.WriteLineAsync("Usage: dotnet Plexura.Web.dll verify-export FILE MANIFEST [--key-id KEYID] [--practice PRACTICEID]");
            return 2;
        }

        var (filePath, manifestPath) = (positional[0], positional[1]);
        if (!File.Exists(filePath) || !File.Exists(manifestPath))
        {
            await output.WriteLineAsync($"REFUSED: {(File.Exists(filePath) ? manifestPath : filePath)} does not exist.");
            return 1;
        }

        var report = await AuditExportVerifier.VerifyAsync(
            () => new FileStream(filePath, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true),
            await File.ReadAllTextAsync(manifestPath, ct),
            new AuditExportPins(keyId, practice),
            ct);
        foreach (var check in report.Checks)
        {
            await output.WriteLineAsync($"  ok    {check}");
        }

        foreach (var warning in report.Warnings)
        {
            await output.WriteLineAsync($"  note  {warning}");
        }

        await output.WriteLineAsync(report.IsValid ? "VERIFIED: the export is intact and signed by the practice's key." : $"REFUSED: {report.Problem}");
        return report.IsValid ? 0 : 1;
    }
}
