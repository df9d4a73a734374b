using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ImageOps.Engine.Injection.Windows;
using ImageOps.Engine.OfflineVolumes;
using ImageOps.Engine.OfflineVolumes.Windows;
using ImageOps.Engine.Platform;
using ImageOps.Engine.Storage;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Partitions;

namespace ImageOps.Engine.Injection;

/// <summary>
/// Injection on a Windows host into a VHD or VHDX layer, <b>not yet exercised on Windows</b>: the layer
/// ImageOps created (over the read-only image, under its temp name) is closed, attached natively
/// (<see cref="NativeVirtualDisk"/>), its Windows volume mounted at an empty folder
/// (<see cref="VolumeMountPoint"/>) and seen as a <see cref="DirectoryVolume"/>, and each package is
/// imported into the real driver store by the DISM API (<see cref="DismDriverServicing.AddDriver"/>), which
/// also reflects boot-critical drivers (injection-facts.md, DISM). No registry stubs, DevicePath entry or
/// first-boot installer are needed. The ImageOps manifest records what was imported. The layer is then
/// detached, flushed to disk and handed back for publishing; any failure discards it.
/// </summary>
internal sealed class DismStrategy : IInjectionStrategy
{
    public InjectionMethod Method => InjectionMethod.Dism;

    public string? Unavailable(DiskFormat format)
    {
        if (!WindowsSystemLibrary.IsWindows)
        {
            return "it runs on Windows hosts only (native attach and dismapi.dll)";
        }

        if (format is not (DiskFormat.Vhd or DiskFormat.Vhdx))
        {
            return $"Windows attaches VHD and VHDX only, not {format}";
        }

        if (!NativeVirtualDisk.IsSupported)
        {
            return "virtdisk.dll cannot be used on this host";
        }

        return DismDriverServicing.IsSupported ? null : "dismapi.dll cannot be used on this host";
    }

    public void Apply(InjectionPlan plan, ResultLayer layer, InjectionResult result, OperationContext context)
    {
        var partition = PartitionTable.Read(layer.Disk).Partitions.FirstOrDefault(p => p.Number == plan.Windows.PartitionNumber)
            ?? throw new InvalidStateException(InjectionErrorIds.ImageChangedSincePlan, $"The image no longer has partition {plan.Windows.PartitionNumber}.", plan.ImagePath);
        layer.Close();

        var scratch = Path.Combine(Path.GetTempPath(), "ImageOps", "dism-" + ProcessIdentity.ProcessId + "-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        var mountFolder = Path.Combine(scratch, "mount");
        Directory.CreateDirectory(mountFolder);
        try
        {
            using (var attached = NativeVirtualDisk.Attach(layer.TempPath, readOnly: false, context))
            {
                var volume = attached.Volumes.FirstOrDefault(v => v.PartitionOffset == partition.Offset)
                    ?? throw new InvalidStateException(InjectionErrorIds.ImageChangedSincePlan, $"Windows mounted no volume for partition {partition.Number} of the attached layer.", layer.TempPath);
                using (var mount = VolumeMountPoint.Create(volume, mountFolder))
                using (var folder = new DirectoryVolume(mount.Folder))
                using (var dism = DismDriverServicing.OpenOffline(mount.Folder, context))
                {
                    foreach (var package in plan.Packages)
                    {
                        context.ThrowIfCancelled();
                        context.Report($"Importing drivers into {Path.GetFileName(plan.ImagePath)}", "DISM", result.FilesWritten, plan.Packages.Length, package.Name);
                        var inf = Materialise(package, Path.Combine(scratch, "packages"));
                        var outcome = dism.AddDriver(inf, plan.AddRequest?.ForceUnsigned ?? false);
                        if (!outcome.Succeeded && outcome.Failure != DismDriverFailure.NotApplicable)
                        {
                            throw new ImageOpsException(outcome.ErrorId ?? "DismAddDriverFailed", ErrorKind.InvalidOperation, $"DISM could not add {package.Name}: {outcome}. Nothing was published.", package.Source);
                        }

                        if (!outcome.Succeeded)
                        {
                            context.Log.Warning($"DISM says {package.Name} does not apply to this image (0x800F081E); it was left out.");
                        }

                        result.FilesWritten += outcome.Succeeded ? 1 : 0;
                    }

                    foreach (var file in plan.Files.Where(f => f.Action == PlannedFileAction.Write && f.Content is not null))
                    {
                        using var content = file.Content!();
                        folder.WriteFile(file.Path, content);
                    }
                }

                attached.Detach();
            }

            layer.FlushFileDurably();
        }
        finally
        {
            try
            {
                Directory.Delete(scratch, recursive: true);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                context.Log.Warning($"Could not remove the scratch folder '{scratch}': {ex.Message}");
            }
        }
    }

    /// <summary>DISM takes a package folder: a library package's files (in the content store by hash) are copied out under their names.</summary>
    private static string Materialise(PlannedPackage package, string root)
    {
        var folder = Path.Combine(root, package.Id);
        foreach (var (relative, host) in package.HostFiles)
        {
            var target = Path.Combine(folder, relative.Replace('\\', Path.DirectorySeparatorChar).Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(host, target, overwrite: true);
        }

        return Path.Combine(folder, package.InfPath.Replace('\\', Path.DirectorySeparatorChar));
    }
}
