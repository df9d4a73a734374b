using ImageOps.Engine.OfflineVolumes.Windows;

namespace ImageOps.Engine.Tests.OfflineVolumes.Windows;

internal sealed class FakeVirtualDiskHandle : IVirtualDiskHandle
{
    private readonly FakeVirtualDiskApi _api;

    public FakeVirtualDiskHandle(FakeVirtualDiskApi api) => _api = api;

    public bool Disposed { get; private set; }

    public int Attach(bool readOnly)
    {
        _api.Calls.Add($"Attach {(readOnly ? "ro" : "rw")}");
        return _api.AttachCodes.Count > 0 ? _api.AttachCodes.Dequeue() : 0;
    }

    public int GetPhysicalPath(out string? physicalPath)
    {
        _api.Calls.Add("GetPhysicalPath");
        physicalPath = _api.PathCode == 0 ? _api.PhysicalPath : null;
        return _api.PathCode;
    }

    public int Detach()
    {
        _api.Calls.Add("Detach");
        return _api.DetachCode;
    }

    public void Dispose()
    {
        _api.Calls.Add("Close");
        Disposed = true;
    }
}
