using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace ImageOps.Engine.Samples;

/// <summary>
/// Writes small but complete driver packages (INF, binaries, catalog) for tests, the demo, the
/// benchmarks and synthetic images: [Version] with DriverVer and CatalogFile, one manufacturer with a
/// models section per decoration, an install section with a service and a file list. The "binaries"
/// are deterministic placeholder bytes.
/// </summary>
public sealed class SampleDriverPackage
{
    /// <summary>The Net class GUID, as INFs write it.</summary>
    public const string NetClass = "{4d36e972-e325-11ce-bfc1-08002be10318}";

    /// <summary>The SCSIAdapter class GUID.</summary>
    public const string ScsiClass = "{4d36e97b-e325-11ce-bfc1-08002be10318}";

    /// <summary>The MEDIA class GUID.</summary>
    public const string MediaClass = "{4d36e96c-e325-11ce-bfc1-08002be10318}";

    /// <summary>The System class GUID.</summary>
    public const string SystemClass = "{4d36e97d-e325-11ce-bfc1-08002be10318}";

    /// <summary>Creates a package description.</summary>
    public SampleDriverPackage(string name, string provider, string setupClass, string classGuid)
    {
        Name = name;
        Provider = provider;
        Class = setupClass;
        ClassGuid = classGuid;
    }

    /// <summary>The INF file name.</summary>
    public string Name { get; }

    /// <summary>The provider.</summary>
    public string Provider { get; }

    /// <summary>The setup class name.</summary>
    public string Class { get; }

    /// <summary>The setup class GUID, with braces.</summary>
    public string ClassGuid { get; }

    /// <summary>DriverVer date, mm/dd/yyyy.</summary>
    public string Date { get; set; } = "01/15/2024";

    /// <summary>DriverVer version.</summary>
    public string Version { get; set; } = "1.0.0.0";

    /// <summary>The service name and the .sys file's stem; by default the INF's stem.</summary>
    public string? Service { get; set; }

    /// <summary>Where the .sys is copied: 13 (run from the driver store, the modern default) or 12 (System32\drivers).</summary>
    public int DestinationDirId { get; set; } = 13;

    /// <summary>0 boot start (storage), 3 demand start.</summary>
    public int StartType { get; set; } = 3;

    /// <summary>Decorations (NTamd64, NTamd64.10.0...22000) and the hardware ids each models section lists.</summary>
    public List<(string Decoration, string[] HardwareIds)> Sections { get; } = new();

    /// <summary>Extra files (paths relative to the INF), with their content; the .sys and .cat are always written.</summary>
    public Dictionary<string, byte[]> ExtraFiles { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Size of the placeholder .sys.</summary>
    public int BinarySize { get; set; } = 4096;

    private string Stem => Service ?? Path.GetFileNameWithoutExtension(Name);

    /// <summary>Adds a models section for <paramref name="decoration"/> listing <paramref name="hardwareIds"/>.</summary>
    public SampleDriverPackage Models(string decoration, params string[] hardwareIds)
    {
        Sections.Add((decoration, hardwareIds));
        return this;
    }

    /// <summary>The INF text (ASCII, CRLF).</summary>
    public string Text()
    {
        var sb = new StringBuilder();
        sb.Append("; ").Append(Name).Append(" - sample driver package written by ImageOps\r\n[Version]\r\nSignature=\"$WINDOWS NT$\"\r\n");
        sb.Append("Class=").Append(Class).Append("\r\nClassGuid=").Append(ClassGuid).Append("\r\nProvider=%Provider%\r\n");
        sb.Append("DriverVer=").Append(Date).Append(',').Append(Version).Append("\r\nCatalogFile=").Append(Stem).Append(".cat\r\nPnpLockdown=1\r\n\r\n");
        sb.Append("[SourceDisksNames]\r\n1 = %Disk%,,,\"\"\r\n\r\n[SourceDisksFiles]\r\n").Append(Stem).Append(".sys = 1\r\n");
        foreach (var extra in ExtraFiles.Keys.Where(k => !k.Contains('/')))
        {
            sb.Append(extra).Append(" = 1\r\n");
        }

        sb.Append("\r\n[DestinationDirs]\r\nDefaultDestDir = ").Append(DestinationDirId).Append("\r\n\r\n[Manufacturer]\r\n%Provider% = Vendor");
        foreach (var (decoration, _) in Sections)
        {
            sb.Append(", ").Append(decoration);
        }

        sb.Append("\r\n");
        var device = 0;
        foreach (var (decoration, ids) in Sections)
        {
            sb.Append("\r\n[Vendor.").Append(decoration).Append("]\r\n");
            foreach (var id in ids)
            {
                sb.Append("%Device").Append(device++ % 4).Append("% = Install, ").Append(id).Append("\r\n");
            }
        }

        sb.Append("\r\n[Install.NT]\r\nCopyFiles = Install_Files\r\n\r\n[Install.NT.Services]\r\nAddService = ").Append(Stem).Append(", 0x00000002, Service_Install\r\n\r\n");
        sb.Append("[Service_Install]\r\nDisplayName = %Service%\r\nServiceType = 1\r\nStartType = ").Append(StartType).Append("\r\nErrorControl = 1\r\nServiceBinary = %").Append(DestinationDirId).Append("%\\").Append(Stem).Append(".sys\r\n");
        if (StartType == 0)
        {
            sb.Append("LoadOrderGroup = \"SCSI miniport\"\r\n");
        }

        sb.Append("\r\n[Install_Files]\r\n").Append(Stem).Append(".sys\r\n");
        foreach (var extra in ExtraFiles.Keys.Where(k => !k.Contains('/')))
        {
            sb.Append(extra).Append("\r\n");
        }

        sb.Append("\r\n[Strings]\r\nProvider = \"").Append(Provider).Append("\"\r\nDisk = \"").Append(Provider).Append(" installation disk\"\r\nService = \"").Append(Provider).Append(' ').Append(Class).Append(" service\"\r\n");
        for (var i = 0; i < 4; i++)
        {
            sb.Append("Device").Append(i).Append(" = \"").Append(Provider).Append(' ').Append(Class).Append(" device ").Append(i).Append("\"\r\n");
        }

        return sb.ToString();
    }

    /// <summary>Writes the package into <paramref name="folder"/> and returns the INF's path.</summary>
    public string WriteTo(string folder)
    {
        Directory.CreateDirectory(folder);
        var inf = Path.Combine(folder, Name);
        File.WriteAllText(inf, Text(), Encoding.ASCII);
        File.WriteAllBytes(Path.Combine(folder, Stem + ".sys"), SysFile());
        File.WriteAllBytes(Path.Combine(folder, Stem + ".cat"), CatalogFile());
        foreach (var extra in ExtraFiles)
        {
            var target = Path.Combine(folder, extra.Key.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllBytes(target, extra.Value);
        }

        return inf;
    }

    /// <summary>The placeholder driver binary.</summary>
    public byte[] SysFile() => Binary(Stem + Version, BinarySize);

    /// <summary>The placeholder catalog.</summary>
    public byte[] CatalogFile() => Binary("catalog " + Stem + Version, 1024);

    /// <summary>Deterministic placeholder bytes seeded by <paramref name="seed"/>, starting "MZ".</summary>
    public static byte[] Binary(string seed, int size)
    {
        var bytes = new byte[size];
        var state = (uint)seed.Aggregate(17, (h, c) => unchecked((h * 31) + c));
        for (var i = 0; i < size; i++)
        {
            state = unchecked((state * 1664525) + 1013904223);
            bytes[i] = (byte)(state >> 24);
        }

        bytes[0] = (byte)'M';
        bytes[1] = (byte)'Z';
        return bytes;
    }
}
