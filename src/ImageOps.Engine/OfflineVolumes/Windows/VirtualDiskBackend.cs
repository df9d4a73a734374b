using System;

namespace ImageOps.Engine.OfflineVolumes.Windows;

/// <summary>
/// What <see cref="NativeVirtualDisk"/> runs on: virtdisk.dll and kernel32 in production, test doubles
/// in the unit tests (which is how the attach sequence and its cleanup are checked off Windows).
/// </summary>
internal sealed class VirtualDiskBackend
{
    public VirtualDiskBackend(IVirtualDiskApi api, IWindowsStorage storage, VirtualDiskAttachTiming timing, Func<string, uint> deviceIdFor)
    {
        Api = api;
        Storage = storage;
        Timing = timing;
        DeviceIdFor = deviceIdFor;
    }

    public static VirtualDiskBackend Native { get; } = new(VirtDiskApi.Instance, WindowsStorage.Instance, VirtualDiskAttachTiming.Default, VirtualDiskContentProbe.DeviceIdFor);

    public IVirtualDiskApi Api { get; }

    public IWindowsStorage Storage { get; }

    public VirtualDiskAttachTiming Timing { get; }

    /// <summary>The VIRTUAL_STORAGE_TYPE device id of the file, by content.</summary>
    public Func<string, uint> DeviceIdFor { get; }
}
