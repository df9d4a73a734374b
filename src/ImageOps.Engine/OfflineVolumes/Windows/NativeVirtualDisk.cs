using System;
using System.Collections.Generic;
using System.Globalization;
using ImageOps.Engine.Platform;

namespace ImageOps.Engine.OfflineVolumes.Windows;

/// <summary>
/// A VHD or VHDX file attached to this Windows host through virtdisk.dll (DESIGN.md §5), with no drive
/// letters, and the volumes Windows mounted from it. Written to Microsoft's documented API (virtdisk.h:
/// OpenVirtualDisk, AttachVirtualDisk, GetVirtualDiskPhysicalPath, DetachVirtualDisk; the volume functions
/// and I/O controls of fileapi.h and winioctl.h); compiled and unit-tested on Linux through test doubles,
/// <b>not yet exercised on Windows</b>.
/// </summary>
/// <remarks>
/// <para>The attach is tied to this object's handle (ATTACH_VIRTUAL_DISK_FLAG_PERMANENT_LIFETIME is never
/// used): if the process is killed, Windows closes the handle and the disk detaches by itself, so a crash
/// leaves no orphaned attach behind. <see cref="DetachStale"/> removes attaches other tools made permanent
/// (Mount-VHD, Explorer's Mount, diskpart).</para>
/// <para>Attaching needs an elevated process. A differencing VHD/VHDX attaches with its parents, which
/// virtdisk opens read-only; only the child is written. A read-only attach opens the file read-only too.</para>
/// <para>Members are thread-safe; <see cref="Dispose"/> detaches and is safe to call at any point,
/// including after a failed attach, and more than once.</para>
/// </remarks>
public sealed class NativeVirtualDisk : IDisposable
{
    /// <summary>VIRTUAL_DISK_ACCESS_NONE: the only mask a version 2 open accepts (Microsoft's AttachVirtualDisk sample).</summary>
    internal const uint AttachAccessMask = VirtDiskNative.AccessNone;

    /// <summary>DETACH and GET_INFO: what OpenVirtualDisk's page prescribes to open a permanently attached disk.</summary>
    internal const uint DetachAccessMask = VirtDiskNative.AccessDetach | VirtDiskNative.AccessGetInfo;

    /// <summary>The code <see cref="Release"/> reports when virtdisk.dll could not be called at all.</summary>
    private const int CouldNotCall = -1;

    private readonly object _gate = new();
    private readonly IOperationLog _log;
    private IVirtualDiskHandle? _handle;
    private bool _attached;

    private NativeVirtualDisk(string path, bool readOnly, IVirtualDiskHandle handle, IOperationLog log)
    {
        Path = path;
        IsReadOnly = readOnly;
        _handle = handle;
        _log = log;
    }

    /// <summary>True on Windows when virtdisk.dll loads and exports what this class calls.</summary>
    public static bool IsSupported => Unavailability() is null;

    /// <summary>The full path of the image file.</summary>
    public string Path { get; }

    /// <summary>True if the disk was attached read-only.</summary>
    public bool IsReadOnly { get; }

    /// <summary>The attached disk's device path, <c>\\.\PhysicalDriveN</c>.</summary>
    public string PhysicalDrivePath { get; private set; } = string.Empty;

    /// <summary>The disk number Windows gave the attached disk (the N of <see cref="PhysicalDrivePath"/>).</summary>
    public uint DiskNumber { get; private set; }

    /// <summary>The volumes Windows mounted from the disk, by partition offset.</summary>
    public IReadOnlyList<AttachedVolume> Volumes { get; private set; } = Array.Empty<AttachedVolume>();

    /// <summary>True until the disk is detached.</summary>
    public bool IsAttached
    {
        get
        {
            lock (_gate)
            {
                return _attached;
            }
        }
    }

    /// <summary>
    /// Attaches the VHD or VHDX at <paramref name="path"/> (the format is read from the content) with no
    /// drive letters, read-only when <paramref name="readOnly"/>, and waits until its volumes have arrived
    /// (up to 30 s, observing <see cref="OperationContext.Cancellation"/>).
    /// </summary>
    /// <exception cref="ImageOpsException"><c>NativeVirtualDiskNotAvailable</c> (NotInstalled) off Windows or
    /// without virtdisk.dll; <c>NativeVirtualDiskFormatNotSupported</c>, <c>NativeVirtualDiskNotFound</c>,
    /// <c>NativeVirtualDiskAccessDenied</c>, <c>NativeVirtualDiskInUse</c>,
    /// <c>NativeVirtualDiskVolumesNotArrived</c>; <see cref="NativeOperationException"/> for other Win32 errors.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the disk is detached again.</exception>
    public static NativeVirtualDisk Attach(string path, bool readOnly, OperationContext context)
    {
        EnsureAvailable();
        return AttachCore(path, readOnly, context, VirtualDiskBackend.Native);
    }

    /// <summary>
    /// Detaches <paramref name="path"/> if some earlier process or tool left it attached; false if it was
    /// not attached. Call it only while holding the image's lease: it also detaches an attach that another
    /// live process is using.
    /// </summary>
    /// <exception cref="ImageOpsException"><c>NativeVirtualDiskNotAvailable</c> off Windows; the attach errors for
    /// a file that cannot be opened; <c>NativeVirtualDiskDetachFailed</c> when it is attached and will not detach.</exception>
    public static bool DetachStale(string path, OperationContext context)
    {
        EnsureAvailable();
        return DetachStaleCore(path, context, VirtualDiskBackend.Native);
    }

    /// <summary>Detaches the disk now; errors are reported (unlike <see cref="Dispose"/>, which only logs them).</summary>
    /// <exception cref="NativeOperationException"><c>NativeVirtualDiskDetachFailed</c>: DetachVirtualDisk failed; the
    /// handle is closed anyway, which ends a non-permanent attach.</exception>
    public void Detach()
    {
        var code = Release();
        if (code != 0)
        {
            throw VirtualDiskErrors.FromCode("DetachVirtualDisk", code, Path, $"could not detach '{Path}'", NativeVirtualDiskErrorIds.NativeVirtualDiskDetachFailed);
        }
    }

    /// <summary>Detaches (best effort: a failure is logged as a warning) and closes the handle.</summary>
    public void Dispose()
    {
        var code = Release();
        if (code != 0)
        {
            _log.Warning(string.Format(CultureInfo.InvariantCulture, "DetachVirtualDisk failed for '{0}' with Win32 error {1}; its handle was closed, which detaches a disk that was not attached permanently.", Path, code));
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"'{Path}' attached as {PhysicalDrivePath}";

    /// <summary>ATTACH_VIRTUAL_DISK_FLAG for an attach: no drive letters, read-only if asked, never a permanent lifetime.</summary>
    internal static uint AttachFlags(bool readOnly)
        => VirtDiskNative.AttachFlagNoDriveLetter | (readOnly ? VirtDiskNative.AttachFlagReadOnly : 0);

    /// <summary>VIRTUAL_STORAGE_TYPE for a device id, vendor Microsoft.</summary>
    internal static VirtualStorageType StorageType(uint deviceId)
        => new() { DeviceId = deviceId, VendorId = VirtDiskNative.VendorMicrosoft };

    /// <summary>Version 2 open parameters (Microsoft's AttachVirtualDisk sample), the backing file read-only when asked.</summary>
    internal static OpenVirtualDiskParameters OpenParameters(bool readOnly)
        => new() { Version = VirtDiskNative.OpenVersion2, GetInfoOnly = 0, ReadOnly = readOnly ? 1 : 0 };

    /// <summary>Version 1 open parameters for a detach: RWDepth 0, "for read-only operations".</summary>
    internal static OpenVirtualDiskParameters DetachOpenParameters()
        => new() { Version = VirtDiskNative.OpenVersion1, RWDepth = 0 };

    /// <summary>Null when the backend can run here, otherwise why not.</summary>
    internal static string? Unavailability() => WindowsSystemLibrary.TryLoad(VirtDiskNative.Library, VirtDiskNative.Exports);

    internal static NativeVirtualDisk AttachCore(string path, bool readOnly, OperationContext context, VirtualDiskBackend backend)
    {
        if (string.IsNullOrEmpty(path))
        {
            throw new ArgumentException("A path is required.", nameof(path));
        }

        context ??= OperationContext.None;
        var full = System.IO.Path.GetFullPath(path);
        context.ThrowIfCancelled();
        var deviceId = backend.DeviceIdFor(full);
        var (openCode, handle) = Call(() => (backend.Api.OpenForAttach(full, deviceId, readOnly, out var h), h));
        if (openCode != 0 || handle is null)
        {
            handle?.Dispose();
            throw VirtualDiskErrors.FromCode("OpenVirtualDisk", openCode, full, $"could not open '{full}'");
        }

        var disk = new NativeVirtualDisk(full, readOnly, handle, context.Log);
        try
        {
            disk.AttachHandle(backend.Timing, context);
            context.ThrowIfCancelled();
            var (pathCode, physical) = Call(() => (handle.GetPhysicalPath(out var p), p));
            if (pathCode != 0 || string.IsNullOrEmpty(physical))
            {
                throw VirtualDiskErrors.FromCode("GetVirtualDiskPhysicalPath", pathCode, full, $"'{full}' attached but its disk device could not be found");
            }

            disk.PhysicalDrivePath = physical!;
            disk.DiskNumber = Call(() => backend.Storage.GetDiskNumber(physical!));
            var partitions = Call(() => backend.Storage.GetPartitions(physical!));
            disk.Volumes = Call(() => new VolumeArrivalWaiter(backend.Storage, backend.Timing).Wait(disk.DiskNumber, partitions, full, context));
            context.Log.Verbose(string.Format(CultureInfo.InvariantCulture, "Attached '{0}' as {1}{2} with {3} volume(s).", full, disk.PhysicalDrivePath, readOnly ? " (read-only)" : string.Empty, disk.Volumes.Count));
            return disk;
        }
        catch
        {
            disk.Dispose();
            throw;
        }
    }

    internal static bool DetachStaleCore(string path, OperationContext context, VirtualDiskBackend backend)
    {
        if (string.IsNullOrEmpty(path))
        {
            throw new ArgumentException("A path is required.", nameof(path));
        }

        context ??= OperationContext.None;
        var full = System.IO.Path.GetFullPath(path);
        var deviceId = backend.DeviceIdFor(full);
        var (openCode, opened) = Call(() => (backend.Api.OpenForDetach(full, deviceId, out var h), h));
        if (openCode != 0 || opened is null)
        {
            opened?.Dispose();
            throw VirtualDiskErrors.FromCode("OpenVirtualDisk", openCode, full, $"could not open '{full}' to detach it");
        }

        using var handle = opened;
        var detach = Call(handle.Detach);
        if (detach == 0)
        {
            context.Log.Warning($"'{full}' was left attached by an earlier process or tool; it is detached now.");
            return true;
        }

        // DetachVirtualDisk's codes for "not attached" are not documented; a disk without a physical path
        // is not attached, one with a path is attached and refused to detach.
        if (Call(() => handle.GetPhysicalPath(out _)) != 0)
        {
            context.Log.Debug(string.Format(CultureInfo.InvariantCulture, "'{0}' is not attached (DetachVirtualDisk returned {1}).", full, detach));
            return false;
        }

        throw VirtualDiskErrors.FromCode("DetachVirtualDisk", detach, full, $"'{full}' is attached and could not be detached", NativeVirtualDiskErrorIds.NativeVirtualDiskDetachFailed);
    }

    private static void EnsureAvailable()
    {
        var why = Unavailability();
        if (why is not null)
        {
            throw VirtualDiskErrors.NotAvailable(why);
        }
    }

    /// <summary>
    /// Runs a native call; a missing library or entry point (possible only if the DLL changed under a
    /// running process) becomes the typed NotInstalled error instead of escaping.
    /// </summary>
    private static T Call<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
        {
            throw VirtualDiskErrors.NotAvailable(ex.Message);
        }
    }

    private void AttachHandle(VirtualDiskAttachTiming timing, OperationContext context)
    {
        for (var attempt = 0; ; attempt++)
        {
            var code = Call(() => _handle!.Attach(IsReadOnly));
            if (code == 0)
            {
                lock (_gate)
                {
                    _attached = true;
                }

                return;
            }

            if (code != VirtualDiskErrors.ErrorSharingViolation || attempt >= timing.SharingViolationRetries)
            {
                throw VirtualDiskErrors.FromCode("AttachVirtualDisk", code, Path, $"could not attach '{Path}'");
            }

            context.Log.Debug($"AttachVirtualDisk of '{Path}' met a sharing violation; retrying.");
            timing.Delay(timing.SharingViolationDelay, context.Cancellation);
        }
    }

    /// <summary>Detaches if attached and closes the handle; returns DetachVirtualDisk's code (0 if nothing to do).</summary>
    private int Release()
    {
        IVirtualDiskHandle? handle;
        bool attached;
        lock (_gate)
        {
            handle = _handle;
            attached = _attached;
            _handle = null;
            _attached = false;
        }

        if (handle is null)
        {
            return 0;
        }

        try
        {
            return attached ? handle.Detach() : 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
        {
            return CouldNotCall;
        }
        finally
        {
            handle.Dispose();
        }
    }
}
