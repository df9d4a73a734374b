using System.IO;

namespace ImageOps.Engine.OfflineVolumes;

/// <summary>Conveniences over <see cref="IOfflineVolume"/> that every backend gets alike.</summary>
public static class OfflineVolumeExtensions
{
    /// <summary>True if a file or directory exists at <paramref name="path"/>.</summary>
    public static bool Exists(this IOfflineVolume volume, string path) => volume.GetEntryKind(path) != OfflineEntryKind.None;

    /// <summary>Creates or replaces the file at <paramref name="path"/> with <paramref name="content"/>.</summary>
    public static void WriteAllBytes(this IOfflineVolume volume, string path, byte[] content)
    {
        using var stream = new MemoryStream(content, writable: false);
        volume.WriteFile(path, stream);
    }
}
