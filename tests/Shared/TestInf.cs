using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace ImageOps.Tests;

/// <summary>
/// Builds driver INFs (and their files) for tests: a [Version] section, one manufacturer with any number
/// of decorated models sections, one install section with a service and a file list.
/// </summary>
public sealed class TestInf
{
    public const string NetClassGuid = "{4d36e972-e325-11ce-bfc1-08002be10318}";
    public const string ScsiClassGuid = "{4d36e97b-e325-11ce-bfc1-08002be10318}";

    public string Name { get; set; } = "drv.inf";

    public string Provider { get; set; } = "Contoso";

    public string Class { get; set; } = "Net";

    public string ClassGuid { get; set; } = NetClassGuid;

    public string? DriverVer { get; set; } = "01/15/2024,1.0.0.0";

    /// <summary>The catalog named in [Version]; written beside the INF unless <see cref="WriteCatalog"/> is false.</summary>
    public string? CatalogFile { get; set; } = "drv.cat";

    public bool WriteCatalog { get; set; } = true;

    /// <summary>The install section is [Inst.NT] (true) or undecorated [Inst] (false).</summary>
    public bool NtInstallSection { get; set; } = true;

    public int? FeatureScore { get; set; }

    public string Service { get; set; } = "contoso";

    /// <summary>0 boot, 1 system, 2 auto, 3 demand.</summary>
    public int StartType { get; set; } = 3;

    /// <summary>Files in SourceDisksFiles and the file list (paths relative to the INF folder, '/' separators).</summary>
    public List<string> Files { get; } = new() { "drv.sys" };

    /// <summary>Content of each file; by default derived from its name and the INF name.</summary>
    public Dictionary<string, byte[]> Contents { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Models sections by decoration (e.g. "NTamd64", "NTamd64.10.0...22000"), each with its entries.</summary>
    public List<(string Decoration, List<(string Description, string HardwareId, string[] CompatibleIds)> Models)> Sections { get; } = new();

    /// <summary>Lines appended to the INF as written.</summary>
    public List<string> Extra { get; } = new();

    public TestInf Model(string decoration, string hardwareId, params string[] compatibleIds)
        => Model(decoration, "Device " + hardwareId, hardwareId, compatibleIds);

    public TestInf Model(string decoration, string description, string hardwareId, string[] compatibleIds)
    {
        var section = Sections.FirstOrDefault(s => s.Decoration == decoration);
        if (section.Models is null)
        {
            section = (decoration, new List<(string, string, string[])>());
            Sections.Add(section);
        }

        section.Models.Add((description, hardwareId, compatibleIds));
        return this;
    }

    public string Text()
    {
        var sb = new StringBuilder();
        sb.Append("[Version]\r\nSignature=\"$Windows NT$\"\r\n");
        sb.Append("Class=").Append(Class).Append("\r\nClassGuid=").Append(ClassGuid).Append("\r\nProvider=%Prov%\r\n");
        if (DriverVer is not null)
        {
            sb.Append("DriverVer=").Append(DriverVer).Append("\r\n");
        }

        if (CatalogFile is not null)
        {
            sb.Append("CatalogFile=").Append(CatalogFile).Append("\r\n");
        }

        var folders = Files.Select(f => f.Contains('/') ? f.Substring(0, f.LastIndexOf('/')) : string.Empty).Distinct().ToList();
        sb.Append("\r\n[SourceDisksNames]\r\n");
        for (var i = 0; i < folders.Count; i++)
        {
            sb.Append(i + 1).Append(" = %Disk%,,,").Append(folders[i].Length == 0 ? string.Empty : "\\" + folders[i].Replace('/', '\\')).Append("\r\n");
        }

        sb.Append("\r\n[SourceDisksFiles]\r\n");
        foreach (var file in Files)
        {
            var folder = file.Contains('/') ? file.Substring(0, file.LastIndexOf('/')) : string.Empty;
            sb.Append(FileName(file)).Append(" = ").Append(folders.IndexOf(folder) + 1).Append("\r\n");
        }

        sb.Append("\r\n[DestinationDirs]\r\nDefaultDestDir = 13\r\n\r\n[Manufacturer]\r\n%Mfg% = Mfg");
        foreach (var (decoration, _) in Sections.Where(s => s.Decoration.Length > 0))
        {
            sb.Append(", ").Append(decoration);
        }

        sb.Append("\r\n");
        foreach (var (decoration, models) in Sections)
        {
            sb.Append("\r\n[Mfg").Append(decoration.Length == 0 ? string.Empty : "." + decoration).Append("]\r\n");
            foreach (var (description, hardwareId, compatible) in models)
            {
                sb.Append('"').Append(description).Append("\" = Inst, ").Append(hardwareId);
                foreach (var id in compatible)
                {
                    sb.Append(", ").Append(id);
                }

                sb.Append("\r\n");
            }
        }

        var install = NtInstallSection ? "Inst.NT" : "Inst";
        sb.Append("\r\n[").Append(install).Append("]\r\nCopyFiles = Inst_Files\r\n");
        if (FeatureScore is { } score)
        {
            sb.Append("FeatureScore = 0x").Append(score.ToString("X2")).Append("\r\n");
        }

        sb.Append("\r\n[").Append(install).Append(".Services]\r\nAddService = ").Append(Service).Append(", 0x00000002, Svc_Inst\r\n");
        sb.Append("\r\n[Svc_Inst]\r\nServiceType = 1\r\nStartType = ").Append(StartType).Append("\r\nErrorControl = 1\r\nServiceBinary = %13%\\").Append(FileName(Files[0])).Append("\r\n");
        if (StartType == 0)
        {
            sb.Append("LoadOrderGroup = \"SCSI miniport\"\r\n");
        }

        sb.Append("\r\n[Inst_Files]\r\n");
        foreach (var file in Files)
        {
            sb.Append(FileName(file)).Append("\r\n");
        }

        foreach (var line in Extra)
        {
            sb.Append(line).Append("\r\n");
        }

        sb.Append("\r\n[Strings]\r\nProv = \"").Append(Provider).Append("\"\r\nMfg = \"").Append(Provider).Append("\"\r\nDisk = \"Disk 1\"\r\n");
        return sb.ToString();
    }

    /// <summary>Writes the INF, its files and its catalog into <paramref name="folder"/>; returns the INF's path.</summary>
    public string WriteTo(string folder, bool withFiles = true)
    {
        Directory.CreateDirectory(folder);
        var inf = Path.Combine(folder, Name);
        File.WriteAllText(inf, Text(), Encoding.ASCII);
        if (withFiles)
        {
            foreach (var file in Files)
            {
                var path = Path.Combine(folder, file.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, ContentOf(file));
            }

            if (CatalogFile is not null && WriteCatalog)
            {
                File.WriteAllBytes(Path.Combine(folder, CatalogFile), Encoding.ASCII.GetBytes("catalog of " + Name + " " + DriverVer));
            }
        }

        return inf;
    }

    public byte[] ContentOf(string file)
        => Contents.TryGetValue(file, out var bytes) ? bytes : Encoding.ASCII.GetBytes("MZ binary " + file + " of " + Name + " " + DriverVer + " " + string.Concat(Enumerable.Repeat("x", 200)));

    private static string FileName(string path) => path.Contains('/') ? path.Substring(path.LastIndexOf('/') + 1) : path;
}
