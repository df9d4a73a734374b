using System.Collections.Generic;
using ImageOps.Engine.OfflineVolumes.Windows;

namespace ImageOps.Engine.Tests.OfflineVolumes.Windows;

/// <summary>A virtdisk.dll stand-in: scripted return codes, and a record of every call in order.</summary>
internal sealed class FakeVirtualDiskApi : IVirtualDiskApi
{
    public List<string> Calls { get; } = new();

    public int OpenCode { get; set; }

    /// <summary>AttachVirtualDisk's codes, one per attempt; 0 once the queue is empty.</summary>
    public Queue<int> AttachCodes { get; } = new();

    public int PathCode { get; set; }

    public string PhysicalPath { get; set; } = @"\\.\PhysicalDrive7";

    public int DetachCode { get; set; }

    public List<FakeVirtualDiskHandle> Handles { get; } = new();

    public int OpenForAttach(string path, uint deviceId, bool readOnly, out IVirtualDiskHandle? handle)
    {
        Calls.Add($"OpenForAttach {deviceId} {(readOnly ? "ro" : "rw")}");
        return Open(out handle);
    }

    public int OpenForDetach(string path, uint deviceId, out IVirtualDiskHandle? handle)
    {
        Calls.Add($"OpenForDetach {deviceId}");
        return Open(out handle);
    }

    private int Open(out IVirtualDiskHandle? handle)
    {
        handle = null;
        if (OpenCode != 0)
        {
            return OpenCode;
        }

        var fake = new FakeVirtualDiskHandle(this);
        Handles.Add(fake);
        handle = fake;
        return 0;
    }
}
