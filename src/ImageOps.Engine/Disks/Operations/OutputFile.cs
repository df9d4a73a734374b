using System;
using System.IO;
using ImageOps.Engine.Platform;
using ImageOps.Engine.Storage;

namespace ImageOps.Engine.Disks.Operations;

/// <summary>
/// A new image written beside its destination under a temp name and renamed into place only when
/// complete, so an interrupted operation never leaves a partial image under the real name; a killed
/// process's temp file is removed by the next operation in that folder.
/// </summary>
internal sealed class OutputFile : IDisposable
{
    private bool _committed;

    public OutputFile(string destination, bool overwrite)
    {
        Destination = Path.GetFullPath(destination);
        var folder = Path.GetDirectoryName(Destination)!;
        if (!Directory.Exists(folder))
        {
            throw new ImageOpsException("DestinationFolderNotFound", ErrorKind.ObjectNotFound, $"The folder '{folder}' does not exist.", folder);
        }

        if (File.Exists(Destination) && !overwrite)
        {
            throw new ObjectExistsException("DiskFileExists", $"'{Destination}' exists; use -Force (--force) to replace it.", Destination);
        }

        TempFiles.SweepAbandoned(folder);
        TempPath = TempFiles.NewPathFor(Destination);
        Overwrite = overwrite;
    }

    public string Destination { get; }

    public string TempPath { get; }

    public bool Overwrite { get; }

    /// <summary>Renames the finished temp file into place (replacing the old file atomically when allowed).</summary>
    public void Commit()
    {
        if (NoReplaceMove.TryMove(TempPath, Destination))
        {
            // The name was free.
        }
        else if (Overwrite)
        {
            File.Replace(TempPath, Destination, null);
        }
        else
        {
            // Never rename over a file that appeared meanwhile: without -Force it is not ours to replace.
            throw new ObjectExistsException("DiskFileExists", $"'{Destination}' appeared while it was being written; the new image was discarded.", Destination);
        }

        _committed = true;
    }

    public void Dispose()
    {
        if (_committed)
        {
            return;
        }

        try
        {
            File.Delete(TempPath);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            // Left for the next sweep of this folder.
        }
    }
}
