using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ImageOps.Formats.Disks.Probing;
using ImageOps.Formats.Disks.Raw;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Disks.Vhd;
using ImageOps.Formats.Disks.Vmdk;

namespace ImageOps.Formats.Disks;

/// <summary>
/// The one explicit registry of disk formats (STYLE.md 18). Formats are detected from content,
/// never from the file name; a file that matches two formats is refused as ambiguous; a recognised
/// but unsupported format is refused by name; raw is the last resort for reading and is never
/// chosen by probing for writing.
/// </summary>
public static class DiskFormats
{
    private static readonly IDiskFormat RawFormatInstance = new RawFormat();

    /// <summary>Every supported format; content formats first, raw last.</summary>
    public static IReadOnlyList<IDiskFormat> All { get; } = new IDiskFormat[]
    {
        new Qcow2.Qcow2Format(),
        new VhdFormat(),
        new VmdkFormat(),
        new Vhdx.VhdxFormat(),
        RawFormatInstance,
    };

    /// <summary>The format object for <paramref name="format"/>.</summary>
    public static IDiskFormat Get(DiskFormat format)
        => All.FirstOrDefault(f => f.Format == format)
           ?? throw new UnsupportedFeatureException(format.ToString(), $"The {format} format is not available in this build.", errorId: "ImageFormatNotSupported");

    /// <summary>
    /// Finds the format of <paramref name="storage"/> from its content: exactly one content format
    /// must match; a recognised unsupported format is refused; otherwise it is raw.
    /// </summary>
    public static IDiskFormat Probe(IBlockStorage storage)
    {
        var matches = All.Where(f => f.Format != DiskFormat.Raw && f.Probe(storage)).ToList();
        if (matches.Count == 1)
        {
            return matches[0];
        }

        if (matches.Count > 1)
        {
            throw new ImageOpsException("ImageFormatAmbiguous", ErrorKind.InvalidData, $"'{storage.Name}' matches several formats ({string.Join(", ", matches.Select(m => m.Format))}); declare the format to open it.", storage.Name);
        }

        var recognised = SignatureRecognizer.KnownUnsupported.FirstOrDefault(r => r.Recognize(storage));
        if (recognised is not null)
        {
            throw new UnsupportedFeatureException(recognised.Name, $"'{storage.Name}' is a {recognised.Name} image, a format ImageOps recognises but does not read. Convert it with its own tools first.", storage.Name, "ImageFormatNotSupported");
        }

        return RawFormatInstance;
    }

    /// <summary>Opens the image file at <paramref name="path"/> (and its parents).</summary>
    public static VirtualDisk Open(string path, DiskOpenOptions? options = null)
    {
        options ??= new DiskOpenOptions();
        IBlockStorage storage;
        try
        {
            storage = FileBlockStorage.Open(path, options.Writable);
        }
        catch (FileNotFoundException ex)
        {
            throw new ImageOpsException("DiskFileNotFound", ErrorKind.ObjectNotFound, $"The disk file '{path}' does not exist.", path, ex);
        }
        catch (DirectoryNotFoundException ex)
        {
            throw new ImageOpsException("DiskFileNotFound", ErrorKind.ObjectNotFound, $"The disk file '{path}' does not exist.", path, ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new ImageOpsException("DiskFileAccessDenied", ErrorKind.PermissionDenied, $"The disk file '{path}' cannot be opened{(options.Writable ? " for writing" : string.Empty)}: {ex.Message}", path, ex);
        }

        return Open(storage, options);
    }

    /// <summary>Opens a disk over <paramref name="storage"/>, which it then owns (disposed on failure too).</summary>
    public static VirtualDisk Open(IBlockStorage storage, DiskOpenOptions? options = null)
    {
        options ??= new DiskOpenOptions();
        return Open(storage, options.Format, DiskOpenContext.Root(options, storage.Name));
    }

    internal static VirtualDisk Open(IBlockStorage storage, DiskFormat? declared, DiskOpenContext context)
    {
        try
        {
            var format = declared is { } f ? Get(f) : Probe(storage);
            return format.Open(storage, context);
        }
        catch
        {
            storage.Dispose();
            throw;
        }
    }
}
