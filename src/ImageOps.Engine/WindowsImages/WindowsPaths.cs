namespace ImageOps.Engine.WindowsImages;

/// <summary>Where things are inside an offline Windows volume and its hives.</summary>
public static class WindowsPaths
{
    /// <summary>The SYSTEM hive file.</summary>
    public const string SystemHive = @"Windows\System32\config\SYSTEM";

    /// <summary>The SOFTWARE hive file.</summary>
    public const string SoftwareHive = @"Windows\System32\config\SOFTWARE";

    /// <summary>The folder of 32-bit system files on 64-bit Windows (absent on 32-bit Windows).</summary>
    public const string SysWow64Folder = @"Windows\SysWOW64";

    /// <summary>The folder of the registry hives.</summary>
    public const string ConfigFolder = @"Windows\System32\config";

    /// <summary>The INF folder (in-box INFs and published oemN.inf).</summary>
    public const string InfFolder = @"Windows\INF";

    /// <summary>Driver binaries.</summary>
    public const string DriversFolder = @"Windows\System32\drivers";

    /// <summary>The driver store.</summary>
    public const string DriverStore = @"Windows\System32\DriverStore\FileRepository";

    /// <summary>SOFTWARE key with the product name, edition, build and UBR.</summary>
    public const string CurrentVersionNt = @"Microsoft\Windows NT\CurrentVersion";

    /// <summary>SOFTWARE key with DevicePath.</summary>
    public const string CurrentVersion = @"Microsoft\Windows\CurrentVersion";

    /// <summary>SYSTEM key naming the current control set.</summary>
    public const string Select = "Select";

    /// <summary>SYSTEM root key of the driver database (Windows 8 and later).</summary>
    public const string DriverDatabase = "DriverDatabase";
}
