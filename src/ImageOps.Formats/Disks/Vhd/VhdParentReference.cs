using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;

namespace ImageOps.Formats.Disks.Vhd;

/// <summary>
/// What a new differencing VHD records about its parent (VHD spec, "Dynamic Disk Header Format"):
/// the parent's unique id and time stamp (its identity, <see cref="VhdIdentity"/>), its file name
/// (Parent Unicode Name), and two locators: W2ru, the path relative to the child's folder, which
/// readers try first so a copied chain keeps working, and W2ku, the absolute path.
/// </summary>
internal sealed class VhdParentReference
{
    private VhdParentReference(Guid uniqueId, uint timeStamp, string name, string? relative, string absolute)
    {
        UniqueId = uniqueId;
        TimeStamp = timeStamp;
        Name = name;
        Relative = relative;
        Absolute = absolute;
    }

    public Guid UniqueId { get; }

    public uint TimeStamp { get; }

    /// <summary>The parent's file name.</summary>
    public string Name { get; }

    /// <summary>Windows-style relative path (".\base.vhd"), or null when no relative path exists (another drive).</summary>
    public string? Relative { get; }

    /// <summary>The absolute path, with backslashes.</summary>
    public string Absolute { get; }

    /// <summary>The identity the child records, as <see cref="VirtualDisk.Identity"/> of the parent reports it.</summary>
    public string Identity => VhdIdentity.Format(UniqueId, TimeStamp);

    /// <summary>
    /// Builds the reference of <paramref name="parent"/> for a child stored as <paramref name="childName"/>.
    /// <paramref name="reference"/> overrides the relative (or, if rooted, the absolute) path.
    /// </summary>
    public static VhdParentReference For(VhdDisk parent, string childName, string? reference)
    {
        var footer = parent.Footer;
        var childFolder = Path.GetDirectoryName(Path.GetFullPath(childName)) ?? Path.GetFullPath(".");
        string absolute;
        string? relative;
        if (!string.IsNullOrEmpty(reference) && !IsRooted(reference!))
        {
            relative = ToWindows(reference!);
            absolute = Path.GetFullPath(Path.Combine(childFolder, reference!.Replace('\\', Path.DirectorySeparatorChar)));
        }
        else
        {
            absolute = !string.IsNullOrEmpty(reference) ? reference! : Path.GetFullPath(parent.Path);
            relative = RelativePath(childFolder, absolute);
        }

        var name = absolute.Split('/', '\\').Last();
        return new VhdParentReference(footer.UniqueId, footer.TimeStamp, name, relative, ToWindows(absolute));
    }

    /// <summary>The locators to store: relative first when there is one, then absolute (UTF-16 little-endian, no terminator).</summary>
    public IReadOnlyList<(uint Code, byte[] Data)> Locators()
    {
        var locators = new List<(uint, byte[])>();
        if (Relative is not null)
        {
            locators.Add((VhdParentLocator.W2ru, Encoding.Unicode.GetBytes(Relative)));
        }

        locators.Add((VhdParentLocator.W2ku, Encoding.Unicode.GetBytes(Absolute)));
        return locators;
    }

    /// <summary>Records the parent in <paramref name="header"/>.</summary>
    public void Apply(VhdDynamicHeader header)
    {
        header.ParentUniqueId = UniqueId;
        header.ParentTimeStamp = TimeStamp;
        header.ParentUnicodeName = Name;
    }

    private static bool IsRooted(string path)
        => Path.IsPathRooted(path) || (path.Length >= 2 && path[1] == ':' && char.IsLetter(path[0]));

    private static string ToWindows(string path) => path.Replace('/', '\\');

    /// <summary>
    /// The path of <paramref name="target"/> relative to <paramref name="folder"/> in Hyper-V's style
    /// (".\base.vhd", "..\gold\base.vhd"); null when they share no root.
    /// </summary>
    internal static string? RelativePath(string folder, string target)
    {
        var comparison = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var from = Path.GetFullPath(folder).Split(new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries);
        var to = Path.GetFullPath(target).Split(new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries);
        var common = 0;
        while (common < from.Length && common < to.Length - 1 && string.Equals(from[common], to[common], comparison))
        {
            common++;
        }

        if (common == 0 && from.Length > 0 && to.Length > 0 && from[0].EndsWith(":", StringComparison.Ordinal))
        {
            return null;
        }

        var parts = Enumerable.Repeat("..", from.Length - common).Concat(to.Skip(common)).ToList();
        return (parts[0] == ".." ? string.Empty : ".\\") + string.Join("\\", parts);
    }
}
