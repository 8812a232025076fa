namespace Plexura.Infrastructure.Security;

/// <summary>Creates the data folder and the files in it so that only the app's own user can read them.</summary>
/// <remarks>
/// The data folder holds the SQLite database (PHI, encrypted per field, plus the audit log) and, on a developer's
/// machine, the generated master and signing keys. Another local user who can read those files can copy the
/// database and the key beside it, so the folder is created 0700 and every file 0600. Modes are set explicitly after
/// creation, so a permissive umask (0022, or none at all in some containers) cannot widen them; a file is created with
/// 0600 from its first byte, never briefly readable by others. Windows keeps its inherited ACLs.
/// </remarks>
public static class OwnerOnlyFiles
{
    /// <summary>Owner read and write (0600).</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Owner read, write and search (0700).</summary>
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates <paramref name="folder"/> (and missing parents) as 0700 when it does not exist yet.</summary>
    /// <remarks>
    /// An existing folder keeps its mode: it may be a shared parent the app does not own (a mounted volume, the
    /// working directory), and changing that is the operator's decision (the Dockerfile creates /app/data 0700).
    /// </remarks>
    public static void EnsureFolder(string folder)
    {
        if (Directory.Exists(folder))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return;
        }

        // Directory.CreateDirectory(path, mode) gives the mode to the last folder only; each missing parent too.
        var missing = new Stack<string>();
        for (var current = Path.GetFullPath(folder); !Directory.Exists(current); current = Path.GetDirectoryName(current)!)
        {
            missing.Push(current);
        }

        while (missing.TryPop(out var next))
        {
            Directory.CreateDirectory(next, FolderMode);
            File.SetUnixFileMode(next, FolderMode);
        }
    }

    /// <summary>Creates <paramref name="file"/> empty as 0600 when missing, and makes an existing one 0600.</summary>
    public static void EnsureFile(string file)
    {
        if (!File.Exists(file))
        {
            var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = FileMode;
            }

            try
            {
                using var created = new FileStream(file, options);
            }
            catch (IOException) when (File.Exists(file))
            {
                // Created by another process or thread in the meantime; its mode is set below all the same.
            }
        }

        Restrict(file);
    }

    /// <summary>Writes <paramref name="contents"/> to a new file that is 0600 from the start.</summary>
    public static void WriteNew(string file, string contents)
    {
        var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }

        using (var stream = new FileStream(file, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(contents);
        }

        Restrict(file);
    }

    /// <summary>Makes an existing <paramref name="file"/> 0600; does nothing when it is missing or on Windows.</summary>
    public static void Restrict(string file)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(file))
        {
            return;
        }

        try
        {
            if (File.GetUnixFileMode(file) != FileMode)
            {
                File.SetUnixFileMode(file, FileMode);
            }
        }
        catch (FileNotFoundException)
        {
            // Removed in the meantime (SQLite deletes -wal and -shm when the last connection closes): nothing to restrict.
        }
    }
}
