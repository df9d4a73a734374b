using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using ImageOps.Engine.Samples;
using ImageOps.Engine;
using ImageOps.Engine.Drivers;
using ImageOps.Engine.Library;
using ImageOps.Formats.Inf;

namespace ImageOps.Bench;

/// <summary>
/// The driver library benchmark (issue 5, item 7):
/// <list type="number">
/// <item>index the shared INF corpus (each INF staged in its own folder with stand-ins for the files it
/// names, since the corpus holds INFs only);</item>
/// <item>index a generated tree of N INFs (default 10,000: 50 vendors, several classes, each vendor's
/// packages sharing a co-installer, so the store's deduplication shows);</item>
/// <item>resolve 1,000 devices across 50 models (an inventory resolved through one profile per model plus
/// a curated baseline), then the same inventory as a coverage report with HTML.</item>
/// </list>
/// Each figure is wall-clock time of the engine call alone (staging and generation excluded), with the
/// store's size against the raw size of what was imported.
/// </summary>
internal static class DriverBench
{
    private static readonly (string Class, string Guid, string Prefix, int Start)[] Classes =
    {
        ("Net", SampleDriverPackage.NetClass, "PCI\\VEN_{0:X4}&DEV_{1:X4}", 3),
        ("SCSIAdapter", SampleDriverPackage.ScsiClass, "PCI\\VEN_{0:X4}&DEV_{1:X4}", 0),
        ("MEDIA", SampleDriverPackage.MediaClass, "HDAUDIO\\FUNC_01&VEN_{0:X4}&DEV_{1:X4}", 3),
        ("System", SampleDriverPackage.SystemClass, "ACPI\\V{0:X3}{1:X4}", 3),
    };

    public static int Run(int count, string? corpus, string? work, bool keep)
    {
        var root = Path.GetFullPath(work ?? Path.Combine(Path.GetTempPath(), "imageops-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture)));
        Directory.CreateDirectory(root);
        Console.WriteLine($"ImageOps driver library benchmark — {Environment.ProcessorCount} CPU(s), .NET {Environment.Version}, work folder {root}");
        try
        {
            var corpusFolder = corpus ?? FindCorpus();
            if (corpusFolder is null)
            {
                Console.WriteLine("corpus: not found (give --corpus or set IMAGEOPS_CORPUS); skipped");
            }
            else
            {
                Corpus(Path.Combine(corpusFolder, "inf"), Path.Combine(root, "corpus"));
            }

            var library = Generated(count, Path.Combine(root, "generated"));
            Resolution(library, count, Path.Combine(root, "generated"));
            return 0;
        }
        finally
        {
            if (!keep)
            {
                try
                {
                    Directory.Delete(root, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    private static void Corpus(string corpus, string root)
    {
        var staged = Path.Combine(root, "staged");
        var files = Directory.GetFiles(corpus, "*.*", SearchOption.AllDirectories).Where(f => f.EndsWith(".inf", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".inx", StringComparison.OrdinalIgnoreCase)).OrderBy(f => f, StringComparer.Ordinal).ToList();
        var standIns = 0;
        for (var i = 0; i < files.Count; i++)
        {
            var folder = Path.Combine(staged, i.ToString("D3", CultureInfo.InvariantCulture));
            Directory.CreateDirectory(folder);

            // Templates are imported like the INFs stampinf makes of them.
            var inf = Path.Combine(folder, Path.ChangeExtension(Path.GetFileName(files[i]).Split("__").Last(), ".inf"));
            File.Copy(files[i], inf);
            try
            {
                foreach (var missing in DriverInfInspector.Inspect(inf).MissingFiles)
                {
                    var path = Path.Combine(folder, missing.Replace('/', Path.DirectorySeparatorChar));
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    File.WriteAllBytes(path, SampleDriverPackage.Binary(missing, 16 * 1024));
                    standIns++;
                }
            }
            catch (ImageOpsException)
            {
                // Imported anyway: the import reports it.
            }
        }

        var library = ImageLibrary.Open(Path.Combine(root, "library"));
        var clock = Stopwatch.StartNew();
        var result = library.Drivers.Packages.Add(new DriverImportRequest { Path = staged });
        clock.Stop();
        var raw = FolderBytes(staged);
        Report("corpus", files.Count, clock.Elapsed, result, raw, library);
        Console.WriteLine($"  ({standIns} stand-in files of 16 KiB for the binaries the corpus does not hold; templates imported as INFs)");
        foreach (var refusal in result.Items.Where(i => i.Error is not null).GroupBy(i => i.ErrorId))
        {
            Console.WriteLine($"  refused {refusal.Count(),3} x {refusal.Key}: e.g. {refusal.First().InfPath}");
        }
    }

    private static ImageLibrary Generated(int count, string root)
    {
        var tree = Path.Combine(root, "tree");
        var generate = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            Sample(i).WriteTo(Path.Combine(tree, "v" + (i % 50).ToString("D2", CultureInfo.InvariantCulture), "p" + i.ToString("D5", CultureInfo.InvariantCulture)));
        }

        generate.Stop();
        Console.WriteLine($"generated {count} INFs with their files in {generate.Elapsed.TotalSeconds:F1} s");
        var library = ImageLibrary.Open(Path.Combine(root, "library"));
        var clock = Stopwatch.StartNew();
        var result = library.Drivers.Packages.Add(new DriverImportRequest { Path = tree, Groups = new[] { "Generated" } });
        clock.Stop();
        Report("generated", count, clock.Elapsed, result, FolderBytes(tree), library);

        var again = Stopwatch.StartNew();
        var second = library.Drivers.Packages.Add(new DriverImportRequest { Path = tree });
        again.Stop();
        Console.WriteLine($"  re-import of the same tree (all already present): {again.Elapsed.TotalSeconds:F1} s, {count / again.Elapsed.TotalSeconds:F0} INFs/s, {second.ObjectsStored} new objects");

        var list = Stopwatch.StartNew();
        var all = library.Drivers.Packages.Find();
        list.Stop();
        Console.WriteLine($"  list all {all.Packages.Count} packages: {list.Elapsed.TotalMilliseconds:F0} ms");
        return library;
    }

    /// <summary>Package i: vendor i % 50, class by i % 4, 2 hardware ids, a shared co-installer per vendor, every 5th with a Windows 11 section too.</summary>
    private static SampleDriverPackage Sample(int i)
    {
        var vendor = 0x1000 + (i % 50);
        var (cls, guid, prefix, start) = Classes[i % Classes.Length];
        var sample = new SampleDriverPackage("drv" + i.ToString("D5", CultureInfo.InvariantCulture) + ".inf", "Vendor" + (i % 50).ToString("D2", CultureInfo.InvariantCulture), cls, guid)
        {
            Date = string.Format(CultureInfo.InvariantCulture, "{0:D2}/{1:D2}/{2}", 1 + (i % 12), 1 + (i % 28), 2018 + (i % 7)),
            Version = "1." + (i % 10).ToString(CultureInfo.InvariantCulture) + ".0." + i.ToString(CultureInfo.InvariantCulture),
            StartType = start,
            BinarySize = 8192 + ((i * 7919) % 57344),
        };
        sample.Models("NTamd64", string.Format(CultureInfo.InvariantCulture, prefix, vendor, i), string.Format(CultureInfo.InvariantCulture, prefix, vendor, i + 100_000));
        if (i % 5 == 0)
        {
            // As real INFs do, the Windows 11 section repeats the base ids (it replaces the base section there) and adds one.
            sample.Models("NTamd64.10.0...22000", string.Format(CultureInfo.InvariantCulture, prefix, vendor, i), string.Format(CultureInfo.InvariantCulture, prefix, vendor, i + 100_000), string.Format(CultureInfo.InvariantCulture, prefix, vendor, i + 200_000));
        }

        sample.ExtraFiles["coinst" + (i % 50).ToString("D2", CultureInfo.InvariantCulture) + ".dll"] = SampleDriverPackage.Binary("coinstaller" + (i % 50), 96 * 1024);
        return sample;
    }

    private static void Resolution(ImageLibrary library, int count, string root)
    {
        const int models = 50;
        const int devicesPerModel = 20;
        var random = new Random(5);
        for (var m = 0; m < models; m++)
        {
            library.Drivers.Profiles.Create("Model " + m.ToString("D2", CultureInfo.InvariantCulture), new DriverProfileRules
            {
                Manufacturer = "Maker" + (m % 5).ToString(CultureInfo.InvariantCulture),
                Model = "Model " + m.ToString("D2", CultureInfo.InvariantCulture),
                Groups = { "Generated" },
                ExcludeClasses = m % 3 == 0 ? new List<string> { "SCSIAdapter" } : new List<string>(),
            });
        }

        var csv = new StringBuilder("ComputerName,ComputerManufacturer,ComputerModel,FriendlyName,Class,HardwareID,CompatibleID\r\n");
        var devices = 0;
        for (var m = 0; m < models; m++)
        {
            for (var d = 0; d < devicesPerModel; d++)
            {
                // Most devices are driven by a generated package; one in ten is a device nothing in the library lists.
                var i = random.Next(count);
                var (cls, _, prefix, _) = Classes[i % Classes.Length];
                var id = d % 10 == 9 ? "PCI\\VEN_FFFF&DEV_" + random.Next(0xFFFF).ToString("X4", CultureInfo.InvariantCulture) : string.Format(CultureInfo.InvariantCulture, prefix, 0x1000 + (i % 50), i);
                csv.Append("PC").Append(m).Append(",Maker").Append(m % 5).Append(",Model ").Append(m.ToString("D2", CultureInfo.InvariantCulture)).Append(",Device ").Append(d).Append(',').Append(cls).Append(',').Append(id).Append(";").Append(id).Append("&REV_01").Append(",\r\n");
                devices++;
            }
        }

        var inventory = Path.Combine(root, "fleet.csv");
        File.WriteAllText(inventory, csv.ToString());
        var platform = new DriverPlatform(InfArchitecture.Amd64, new Version(10, 0, 26100));
        var clock = Stopwatch.StartNew();
        var sets = library.Drivers.ResolveInventory(inventory, platform);
        clock.Stop();
        var covered = sets.Sum(s => s.Devices.Count(d => d.Coverage == DeviceCoverage.Covered));
        Console.WriteLine($"resolve: {devices} devices across {sets.Count} models against {count} packages in {clock.Elapsed.TotalSeconds:F2} s ({devices / clock.Elapsed.TotalSeconds:F0} devices/s, library load included); {covered} covered, {sets.Sum(s => s.PackageCount)} packages chosen");

        var warm = Stopwatch.StartNew();
        var one = library.Drivers.Resolve(new DriverSetRequest { Model = new HardwareModel("Maker1", "Model 01"), Platform = platform });
        warm.Stop();
        Console.WriteLine($"  one model without an inventory (every hardware id its {one.PackageCount + one.Excluded.Length} candidate packages list): {warm.Elapsed.TotalSeconds:F2} s");

        var coverage = Stopwatch.StartNew();
        var report = library.Drivers.TestCoverage(inventory, platform, Path.Combine(root, "coverage.html"));
        coverage.Stop();
        Console.WriteLine($"coverage: {report} in {coverage.Elapsed.TotalSeconds:F2} s, HTML {new FileInfo(report.HtmlPath!).Length / 1024} KiB");
    }

    private static void Report(string label, int infs, TimeSpan elapsed, DriverImportResult result, long raw, ImageLibrary library)
    {
        var added = result.Items.Count(i => i.Status == DriverImportStatus.Added);
        var objects = Path.Combine(library.Drivers.RootPath, DriverStoreLayout.ObjectsFolder);
        var records = Path.Combine(library.Drivers.RootPath, DriverStoreLayout.PackagesFolder);
        var objectBytes = FolderBytes(objects);
        var recordBytes = FolderBytes(records);
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0}: {1} INFs in {2:F1} s = {3:F0} INFs/s; {4} added, {5} refused", label, infs, elapsed.TotalSeconds, infs / elapsed.TotalSeconds, added, result.Items.Count(i => i.Status == DriverImportStatus.Refused)));
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "  raw {0}, store {1} = {2:P0} of raw ({3} in {4} objects + {5} of package records)", Size(raw), Size(objectBytes + recordBytes), (double)(objectBytes + recordBytes) / Math.Max(1, raw), Size(objectBytes), Directory.GetFiles(objects, "*", SearchOption.AllDirectories).Length, Size(recordBytes)));
    }

    private static string? FindCorpus()
    {
        var configured = Environment.GetEnvironmentVariable("IMAGEOPS_CORPUS");
        if (!string.IsNullOrEmpty(configured) && Directory.Exists(configured))
        {
            return configured;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "..", "shared", "corpus");
            if (File.Exists(Path.Combine(dir.FullName, "ImageOps.sln")) && Directory.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        return null;
    }

    private static long FolderBytes(string folder)
        => Directory.Exists(folder) ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;

    private static string Size(long bytes) => ByteSize.Format(bytes, CultureInfo.InvariantCulture);
}
