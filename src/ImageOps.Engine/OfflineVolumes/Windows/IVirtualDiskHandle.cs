using System;

namespace ImageOps.Engine.OfflineVolumes.Windows;

/// <summary>
/// An open virtual disk (the seam between <see cref="NativeVirtualDisk"/>'s sequence and virtdisk.dll, so
/// the sequence, its failure paths and its cleanup are unit-tested off Windows). Every call returns the
/// Win32 error code of the function it wraps, 0 for success. Disposing closes the handle.
/// </summary>
internal interface IVirtualDiskHandle : IDisposable
{
    /// <summary>AttachVirtualDisk with <see cref="NativeVirtualDisk.AttachFlags"/>.</summary>
    int Attach(bool readOnly);

    /// <summary>GetVirtualDiskPhysicalPath: <c>\\.\PhysicalDriveN</c>.</summary>
    int GetPhysicalPath(out string? physicalPath);

    /// <summary>DetachVirtualDisk.</summary>
    int Detach();
}
