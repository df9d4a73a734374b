using System.IO;

namespace ImageOps.Engine.Drivers;

/// <summary>
/// Where the driver library lives inside a library folder:
/// <code>
/// drivers/objects/ab/&lt;sha256&gt;   file contents, stored once per distinct content (write-once)
/// drivers/packages/&lt;id&gt;.json   one record per package: metadata, models, and its files' paths and hashes
/// drivers/profiles/&lt;name&gt;.json  one record per driver profile
/// drivers/.staging/&lt;host-pid-n&gt;  archives being extracted (removed after use, swept when their process died)
/// </code>
/// </summary>
public static class DriverStoreLayout
{
    /// <summary>Folder of the driver library under the library root.</summary>
    public const string Folder = "drivers";

    /// <summary>Content-addressed file store.</summary>
    public const string ObjectsFolder = "objects";

    /// <summary>Package records.</summary>
    public const string PackagesFolder = "packages";

    /// <summary>Profile records.</summary>
    public const string ProfilesFolder = "profiles";

    /// <summary>Extraction of archives.</summary>
    public const string StagingFolder = ".staging";

    /// <summary>The lease every change to packages or profiles holds.</summary>
    public const string LeaseResource = "drivers";

    internal static string Root(string libraryRoot) => Path.Combine(libraryRoot, Folder);
}
