using System.IO;

namespace ImageOps.Engine.Pools;

/// <summary>
/// The fixed layout of a pool folder (DESIGN.md §3): <c>pool.json</c>, <c>images/&lt;image&gt;/</c> with one
/// folder per version, <c>tools/</c> for tool images, and <c>.imageops/</c> for leases and temp files.
/// Only these entries belong to the pool; anything else found in the folder is left alone.
/// </summary>
public static class PoolLayout
{
    /// <summary>The pool record.</summary>
    public const string RecordFileName = "pool.json";

    /// <summary>Desktop images, one folder each.</summary>
    public const string ImagesFolder = "images";

    /// <summary>Tool images (ISOs).</summary>
    public const string ToolsFolder = "tools";

    /// <summary>ImageOps' private state: leases and temp files.</summary>
    public const string StateFolder = ".imageops";

    /// <summary>The record file an image folder must hold to count as an image.</summary>
    public const string ImageRecordFileName = "image.json";

    /// <summary>Path of pool.json in a pool folder.</summary>
    public static string RecordPath(string poolPath) => Path.Combine(poolPath, RecordFileName);

    /// <summary>Folder of the pool's leases.</summary>
    public static string LeasesPath(string poolPath) => Path.Combine(poolPath, StateFolder, "leases");
}
