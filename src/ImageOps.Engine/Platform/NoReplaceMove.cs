using System;
using System.IO;
using System.Runtime.InteropServices;

namespace ImageOps.Engine.Platform;

/// <summary>
/// Moves a file to a name only if that name is free, atomically: of two writers racing for the same
/// name exactly one wins. <see cref="File.Move(string, string)"/> is not that on Unix — .NET checks
/// for the target and then calls rename(2), which replaces a file created in between (seen as two
/// winners of a lease generation under load). So on Unix a hard link makes the name (link(2) fails
/// with EEXIST if it is taken) and the temp name is removed after; file systems without hard links
/// get renameat2(RENAME_NOREPLACE) on Linux. On Windows MoveFileEx without REPLACE_EXISTING, which
/// File.Move uses, is already atomic.
/// </summary>
internal static class NoReplaceMove
{
    private const int EEXIST = 17;

    /// <summary>For tests: forces the link(2) path to report a file system without hard links.</summary>
    internal static bool SimulateNoHardLinks { get; set; }

    /// <summary>
    /// Moves <paramref name="source"/> to <paramref name="destination"/> (same folder or at least same
    /// file system); returns false, leaving <paramref name="source"/> in place, if the name is taken.
    /// </summary>
    public static bool TryMove(string source, string destination)
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            try
            {
                File.Move(source, destination);
                return true;
            }
            catch (IOException) when (File.Exists(destination))
            {
                return false;
            }
        }

        var errno = SimulateNoHardLinks ? 1 : Link(source, destination);
        if (errno == 0)
        {
            // Both names now point at the content; dropping the temp one cannot lose it.
            File.Delete(source);
            return true;
        }

        if (errno == EEXIST)
        {
            return false;
        }

        if (!IsNoLinkSupport(errno))
        {
            throw new IOException($"Cannot create '{destination}': link(2) failed with errno {errno}.");
        }

        errno = RenameNoReplace(source, destination);
        if (errno == 0)
        {
            return true;
        }

        if (errno == EEXIST)
        {
            return false;
        }

        // Neither primitive exists here (an old kernel on a file system without hard links): the
        // best left is check-then-rename, which a concurrent creator can race.
        if (File.Exists(destination))
        {
            return false;
        }

        File.Move(source, destination);
        return true;
    }

    /// <summary>EPERM, EXDEV, EMLINK, ENOSYS, EOPNOTSUPP/ENOTSUP (Linux, then macOS numbers): the file system has no hard links.</summary>
    private static bool IsNoLinkSupport(int errno)
        => errno == 1 || errno == 18 || errno == 31 || errno == 38 || errno == 95 || errno == 45 || errno == 78 || errno == 102 || errno == -1;

    private static int Link(string source, string destination)
    {
        try
        {
            return link(source, destination) == 0 ? 0 : Marshal.GetLastWin32Error();
        }
        catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
        {
            return -1;
        }
    }

    private static int RenameNoReplace(string source, string destination)
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            return -1;
        }

        try
        {
            return renameat2(AtFdCwd, source, AtFdCwd, destination, RenameNoReplaceFlag) == 0 ? 0 : Marshal.GetLastWin32Error();
        }
        catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
        {
            return -1;
        }
    }

    private const int AtFdCwd = -100;
    private const uint RenameNoReplaceFlag = 1;

    [DllImport("libc", SetLastError = true)]
    private static extern int link(string oldpath, string newpath);

    [DllImport("libc", SetLastError = true)]
    private static extern int renameat2(int olddirfd, string oldpath, int newdirfd, string newpath, uint flags);
}
