using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Probing;

/// <summary>
/// Recognises a format ImageOps does not read (Bochs, Parallels, cloop, VDI, QED, DMG), so such a
/// file is refused by name instead of being misread as raw.
/// </summary>
public interface IFormatRecognizer
{
    /// <summary>The format's name, for the error message.</summary>
    string Name { get; }

    /// <summary>True if the content carries the format's signature. Never throws; reads a bounded amount.</summary>
    bool Recognize(IBlockStorage storage);
}
