using System.IO;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Engine.OfflineVolumes.Windows;

/// <summary>
/// Picks the <c>VIRTUAL_STORAGE_TYPE</c> device id from the file's content, through ImageOps' one format
/// registry (STYLE.md 18), never from the extension: VHD → 2, VHDX → 3; anything else is refused with a
/// typed error, since Windows attaches no other format.
/// </summary>
internal static class VirtualDiskContentProbe
{
    public static uint DeviceIdFor(string path)
    {
        IBlockStorage storage;
        try
        {
            storage = new SharedReadFileStorage(path);
        }
        catch (FileNotFoundException ex)
        {
            throw new ObjectNotFoundException(NativeVirtualDiskErrorIds.NativeVirtualDiskNotFound, $"The disk file '{path}' does not exist.", path, ex);
        }
        catch (DirectoryNotFoundException ex)
        {
            throw new ObjectNotFoundException(NativeVirtualDiskErrorIds.NativeVirtualDiskNotFound, $"The disk file '{path}' does not exist.", path, ex);
        }

        using (storage)
        {
            return DeviceIdFor(storage);
        }
    }

    public static uint DeviceIdFor(IBlockStorage storage)
    {
        DiskFormat format;
        try
        {
            format = DiskFormats.Probe(storage).Format;
        }
        catch (UnsupportedFeatureException ex)
        {
            throw new UnsupportedFeatureException(ex.Feature, $"'{storage.Name}' is a {ex.Feature} image; Windows attaches only VHD and VHDX files.", storage.Name, NativeVirtualDiskErrorIds.NativeVirtualDiskFormatNotSupported, ex);
        }

        return format switch
        {
            DiskFormat.Vhd => VirtDiskNative.DeviceVhd,
            DiskFormat.Vhdx => VirtDiskNative.DeviceVhdx,
            _ => throw new UnsupportedFeatureException(
                format.ToString(),
                $"'{storage.Name}' is a {(format == DiskFormat.Raw ? "raw (or unrecognised)" : format.ToString())} image; Windows attaches only VHD and VHDX files. Convert it, or write into it through the libntfs-3g backend.",
                storage.Name,
                NativeVirtualDiskErrorIds.NativeVirtualDiskFormatNotSupported),
        };
    }
}
