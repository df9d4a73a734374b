using System.IO;
using ImageOps.Formats.Disks;

namespace ImageOps.Engine.Disks;

/// <summary>
/// File names for new images. Names are chosen for people; formats are always detected from content,
/// never from these extensions.
/// </summary>
public static class DiskFileNames
{
    /// <summary>The customary extension of a format.</summary>
    public static string Extension(DiskFormat format) => format switch
    {
        DiskFormat.Vhd => ".vhd",
        DiskFormat.Vhdx => ".vhdx",
        DiskFormat.Qcow2 => ".qcow2",
        DiskFormat.Vmdk => ".vmdk",
        _ => ".img",
    };

    /// <summary>
    /// Where converting <paramref name="source"/> to <paramref name="format"/> writes when the caller
    /// gives a folder or nothing: the source's name with the format's extension, in that folder (or
    /// beside the source).
    /// </summary>
    public static string ConversionTarget(string source, DiskFormat format, string? folder = null)
        => Path.Combine(folder ?? Path.GetDirectoryName(Path.GetFullPath(source))!, Path.GetFileNameWithoutExtension(source) + Extension(format));
}
