using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Chains;

/// <summary>
/// Turns the parent (backing) reference a differencing image records into a file to open, and opens
/// it — only inside the allowed roots (DESIGN.md §4, HOSTILE.md "References to other files"). An
/// untrusted image never chooses which host file is opened: URLs, <c>json:</c> specs, UNC paths and
/// device names are refused, absolute and <c>..</c> paths must land inside a root, and symbolic links
/// are refused because their targets cannot be checked portably.
/// </summary>
public class ParentResolver
{
    private static readonly bool IsWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
    private static readonly StringComparison PathComparison = IsWindows ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
    private static readonly string[] DeviceNames = { "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9" };
    private readonly List<string> _roots;

    /// <summary>Creates a resolver that opens parents only inside <paramref name="allowedRoots"/>.</summary>
    public ParentResolver(IEnumerable<string> allowedRoots)
    {
        _roots = allowedRoots.Select(Normalize).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The folders parents may be opened from.</summary>
    public IReadOnlyList<string> AllowedRoots => _roots;

    /// <summary>A resolver whose only root is the folder of <paramref name="imagePath"/>.</summary>
    public static ParentResolver ForImage(string imagePath)
        => new(new[] { Path.GetDirectoryName(Path.GetFullPath(imagePath)) ?? Path.GetFullPath(".") });

    /// <summary>
    /// Opens the parent <paramref name="reference"/> names, read-only. <paramref name="resolvedName"/>
    /// receives the full path opened (also what cycle detection compares).
    /// </summary>
    public virtual IBlockStorage OpenParent(string childName, string reference, out string resolvedName)
    {
        resolvedName = Resolve(childName, reference);
        return FileBlockStorage.Open(resolvedName, writable: false);
    }

    /// <summary>The full path <paramref name="reference"/> resolves to, or a typed error saying why it cannot be used.</summary>
    public string Resolve(string childName, string reference)
    {
        Refuse(childName, reference);
        var childFolder = Path.GetDirectoryName(Path.GetFullPath(childName)) ?? Path.GetFullPath(".");
        var candidates = Candidates(childFolder, reference).ToList();
        foreach (var candidate in candidates.Where(c => IsInsideRoots(c) && File.Exists(c)))
        {
            if ((File.GetAttributes(candidate) & FileAttributes.ReparsePoint) != 0)
            {
                throw Refused(childName, reference, $"'{candidate}' is a symbolic link; open its target directly");
            }

            return candidate;
        }

        // Where the image points is the first candidate; outside the roots it is refused whether or
        // not it exists, so a hostile image cannot even probe for host files.
        if (!IsInsideRoots(candidates[0]))
        {
            throw Refused(childName, reference, $"it resolves to '{candidates[0]}', outside the allowed folders ({string.Join(", ", _roots)})");
        }

        throw new ImageOpsException("ParentNotFound", ErrorKind.ObjectNotFound, $"The parent '{reference}' of '{childName}' was not found (looked for {string.Join(" and ", candidates.Where(IsInsideRoots))}).", childName);
    }

    private static IEnumerable<string> Candidates(string childFolder, string reference)
    {
        // Windows images record backslashes; on other hosts they separate folders too.
        var portable = IsWindows ? reference : reference.Replace('\\', '/');
        var hasDrive = reference.Length >= 2 && reference[1] == ':' && char.IsLetter(reference[0]);
        if (!hasDrive && !Path.IsPathRooted(portable))
        {
            yield return Normalize(Path.Combine(childFolder, portable));
            yield break;
        }

        if (!hasDrive || IsWindows)
        {
            yield return Normalize(portable);
        }

        // An absolute path from another machine (C:\VMs\base.vhdx): Hyper-V and qemu also look for the
        // file name beside the child, which is where copied chains keep their parents.
        var fileName = portable.Split('/', '\\').Last();
        if (fileName.Length > 0)
        {
            yield return Normalize(Path.Combine(childFolder, fileName));
        }
    }

    private static void Refuse(string childName, string reference)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            throw Refused(childName, reference, "it is empty");
        }

        if (reference.IndexOf('\0') >= 0 || reference.Any(char.IsControl))
        {
            throw Refused(childName, reference, "it contains control characters");
        }

        if (reference.Contains("://") || reference.StartsWith("json:", StringComparison.OrdinalIgnoreCase) || reference.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            throw Refused(childName, reference, "it is a URL or a protocol specification, not a file");
        }

        if (reference.StartsWith(@"\\", StringComparison.Ordinal) || reference.StartsWith("//", StringComparison.Ordinal))
        {
            throw Refused(childName, reference, "it is a network (UNC) path");
        }

        var name = reference.Split('/', '\\').Last();
        var stem = name.Split('.')[0].TrimEnd(' ');
        if (DeviceNames.Any(d => string.Equals(d, stem, StringComparison.OrdinalIgnoreCase)) || name.IndexOf(':') >= 0)
        {
            throw Refused(childName, reference, "it names a device or an alternate data stream");
        }
    }

    private bool IsInsideRoots(string candidate)
        => _roots.Any(root => candidate.Equals(root, PathComparison) || candidate.StartsWith(root.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ? root : root + Path.DirectorySeparatorChar, PathComparison));

    private static string Normalize(string path)
    {
        var full = Path.GetFullPath(path);
        return full.Length > 1 ? full.TrimEnd(Path.DirectorySeparatorChar) : full;
    }

    private static ImageOpsException Refused(string childName, string reference, string why)
        => new("ParentReferenceRefused", ErrorKind.SecurityError, $"The parent reference '{reference}' in '{childName}' was refused: {why}.", childName);
}
