using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Chains;

namespace ImageOps.Engine.Disks;

/// <summary>
/// Opens disk files for the engine's operations with one policy: parents only inside the image's own
/// folder plus the roots the caller allows (DESIGN.md §4), identity verified unless inspecting.
/// </summary>
public sealed class DiskOpener
{
    private readonly IReadOnlyList<string> _extraRoots;

    /// <summary>Creates an opener that also allows parents under <paramref name="parentRoots"/>.</summary>
    public DiskOpener(IEnumerable<string>? parentRoots = null)
    {
        _extraRoots = (parentRoots ?? Enumerable.Empty<string>()).Select(Path.GetFullPath).ToList();
    }

    /// <summary>Opens <paramref name="path"/> and its chain.</summary>
    public VirtualDisk Open(string path, bool writable = false, DiskFormat? format = null, bool verifyParentIdentity = true, bool skipParents = false)
        => DiskFormats.Open(Path.GetFullPath(path), new DiskOpenOptions
        {
            Writable = writable,
            Format = format,
            Parents = ResolverFor(path),
            VerifyParentIdentity = verifyParentIdentity,
            SkipParents = skipParents,
        });

    /// <summary>The parent resolver for an image at <paramref name="path"/>.</summary>
    public ParentResolver ResolverFor(string path)
        => new(new[] { Path.GetDirectoryName(Path.GetFullPath(path))! }.Concat(_extraRoots));
}
