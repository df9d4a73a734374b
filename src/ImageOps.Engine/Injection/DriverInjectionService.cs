using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using ImageOps.Engine.Disks;
using ImageOps.Engine.Library;
using ImageOps.Engine.Platform;
using ImageOps.Engine.Storage;
using ImageOps.Formats.Disks;

namespace ImageOps.Engine.Injection;

/// <summary>
/// Offline driver injection (issue 6): plans and applies adding drivers to, and removing the drivers
/// ImageOps staged from, an offline Windows image in any format and chain — always into a new layer
/// (or a flat copy), never into the image given. Add-ImageDriver, Get-ImageDriver, Remove-ImageDriver
/// and <c>imageops image add-driver|drivers|remove-driver</c> call this and nothing else.
/// </summary>
public sealed class DriverInjectionService
{
    private readonly ImageLibrary? _library;
    private readonly Func<DateTimeOffset> _clock;

    /// <summary>Creates the service; <paramref name="library"/> is needed for package ids, profiles and models.</summary>
    public DriverInjectionService(ImageLibrary? library = null, Func<DateTimeOffset>? clock = null)
    {
        _library = library;
        _clock = clock ?? (() => DateTimeOffset.UtcNow);
    }

    /// <summary>Builds the plan of an injection from the image as it is (nothing is written).</summary>
    public InjectionPlan PlanAdd(DriverInjectionRequest request, OperationContext? context = null)
    {
        context ??= OperationContext.None;
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        return Build(request.ImagePath, request.ImageFormat, request.DestinationPath, request.Output, request.FlatFormat, request.Method, request.Overwrite, request.ParentSearchPaths, InjectionOperation.Add, context, (windows, plan, findings, planner) =>
        {
            var candidates = DriverPackageSources.Collect(request, _library, () => InjectionPlanner.PlatformOf(windows.Facts), findings, context);
            planner.PlanAdd(candidates, request, context);
            plan.AddRequest = request;
        });
    }

    /// <summary>Builds the plan of removing packages ImageOps staged (nothing is written).</summary>
    public InjectionPlan PlanRemove(DriverRemovalRequest request, OperationContext? context = null)
    {
        context ??= OperationContext.None;
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        if (request.Packages.Count == 0)
        {
            throw new InvalidRequestException(ErrorIds.InvalidArgument, "Name the staged packages to remove (folder name, id or INF name; Get-ImageDriver lists them).");
        }

        return Build(request.ImagePath, request.ImageFormat, request.DestinationPath, request.Output, request.FlatFormat, InjectionMethod.OfflineRegistry, request.Overwrite, request.ParentSearchPaths, InjectionOperation.Remove, context, (_, plan, _, planner) =>
        {
            planner.PlanRemove(request.Packages);
            plan.RemoveRequest = request;
        });
    }

    /// <summary>Plans and applies an injection.</summary>
    public InjectionResult Add(DriverInjectionRequest request, OperationContext? context = null) => Apply(PlanAdd(request, context), context);

    /// <summary>Plans and applies a removal.</summary>
    public InjectionResult Remove(DriverRemovalRequest request, OperationContext? context = null) => Apply(PlanRemove(request, context), context);

    /// <summary>
    /// Applies a plan: a new layer over the image (read-only) under a temp name, the plan written into it
    /// by the chosen strategy, then flush, fsync and rename — or, for a flat copy, that layer converted
    /// with its chain into the destination and deleted. A failure or a kill at any point publishes
    /// nothing and leaves the image byte-identical. Refused when the plan has blocking findings.
    /// </summary>
    public InjectionResult Apply(InjectionPlan plan, OperationContext? context = null)
    {
        context ??= OperationContext.None;
        if (plan is null)
        {
            throw new ArgumentNullException(nameof(plan));
        }

        var blocking = plan.Findings.Where(f => f.Severity == InjectionSeverity.Blocking).ToList();
        if (blocking.Count > 0)
        {
            throw new InvalidStateException(blocking[0].Id, "The plan cannot be applied: " + string.Join(" ", blocking.Select(b => b.Message)), blocking[0].Target ?? plan.ImagePath);
        }

        var clock = Stopwatch.StartNew();
        var strategy = InjectionStrategies.Choose(plan.Method, plan.Output == InjectionOutput.Layer ? plan.ResultFormat : DiskFormat.Qcow2);
        var result = new InjectionResult { Plan = plan, DestinationPath = plan.DestinationPath, Format = plan.ResultFormat, Output = plan.Output, Packages = plan.Packages, Method = strategy.Method, Warnings = plan.Findings.Where(f => f.Severity == InjectionSeverity.Warning).Select(f => f.Message).ToArray() };
        var opener = new DiskOpener(plan.ParentSearchPaths);
        var parent = opener.Open(plan.ImagePath, format: plan.ImageFormat);
        ResultLayer layer;
        try
        {
            if (plan.Output == InjectionOutput.Layer)
            {
                layer = ResultLayer.Create(parent, plan.DestinationPath, plan.ResultFormat, plan.AddRequest?.Overwrite ?? plan.RemoveRequest?.Overwrite ?? false);
            }
            else
            {
                // The drivers go into an intermediate QCOW2 layer beside the destination, which is then
                // flattened with its chain into the destination by the converter (itself temp-then-rename).
                var intermediate = plan.DestinationPath + ".layer";
                layer = ResultLayer.Create(parent, intermediate, DiskFormat.Qcow2, overwrite: false);
            }
        }
        catch
        {
            parent.Dispose();
            throw;
        }

        try
        {
            strategy.Apply(plan, layer, result, context);
            if (plan.Output == InjectionOutput.Layer)
            {
                context.Report("Publishing " + Path.GetFileName(plan.DestinationPath), "Flushing to disk", 0, -1);
                layer.Publish();
                result.Chain = ChainOf(opener, plan.DestinationPath);
            }
            else
            {
                layer.Close();
                var roots = plan.ParentSearchPaths.Concat(new[] { Path.GetDirectoryName(Path.GetFullPath(plan.ImagePath))! }).ToArray();
                new DiskFileService(roots).Convert(new ConversionRequest
                {
                    SourcePath = layer.TempPath,
                    DestinationPath = plan.DestinationPath,
                    Format = plan.ResultFormat,
                    Overwrite = plan.AddRequest?.Overwrite ?? plan.RemoveRequest?.Overwrite ?? false,
                    Durable = true,
                    ParentSearchPaths = roots,
                }, context);
                layer.Dispose();
                result.Chain = new[] { Path.GetFullPath(plan.DestinationPath) };
            }
        }
        catch (Exception ex) when (IsSimulatedCrash(ex))
        {
            // A test's stand-in for a killed process: leave the files exactly as a kill would.
            throw;
        }
        catch
        {
            layer.Dispose();
            throw;
        }

        result.FileSizeBytes = new FileInfo(plan.DestinationPath).Length;
        result.Duration = clock.Elapsed;
        context.Log.Verbose($"{result} in {clock.Elapsed.TotalSeconds:F1} s.");
        return result;
    }

    /// <summary>The drivers of an offline image: in-box, installed (third-party), and staged by ImageOps with their first-boot status.</summary>
    public IReadOnlyList<ImageDriverInfo> GetDrivers(string imagePath, DiskFormat? format = null, IReadOnlyList<string>? parentSearchPaths = null, OperationContext? context = null)
    {
        context ??= OperationContext.None;
        var full = Path.GetFullPath(imagePath);
        using var disk = new DiskOpener(parentSearchPaths).Open(full, format: format);
        var windows = OfflineWindows.Open(disk, context, includeDrivers: true);
        return ImageDriverReader.Read(windows, full, context);
    }

    private static string[] ChainOf(DiskOpener opener, string path)
    {
        using var disk = opener.Open(path);
        var chain = new List<string>();
        for (var d = disk; d is not null; d = d.Parent)
        {
            chain.Add(Path.GetFullPath(d.Path));
        }

        return chain.ToArray();
    }

    internal static bool IsSimulatedCrash(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is SimulatedCrashException)
            {
                return true;
            }
        }

        return false;
    }

    private InjectionPlan Build(string imagePath, DiskFormat? imageFormat, string destinationPath, InjectionOutput output, DiskFormat? flatFormat, InjectionMethod method, bool overwrite, IReadOnlyList<string> parentSearchPaths, InjectionOperation operation, OperationContext context, Action<OfflineWindows, InjectionPlan, List<InjectionFinding>, InjectionPlanner> fill)
    {
        if (string.IsNullOrEmpty(imagePath) || string.IsNullOrEmpty(destinationPath))
        {
            throw new InvalidRequestException(ErrorIds.InvalidArgument, "Name the image and the destination (the new layer or flat copy).");
        }

        var image = Path.GetFullPath(imagePath);
        var destination = Path.GetFullPath(destinationPath);
        var roots = (parentSearchPaths ?? Array.Empty<string>()).Select(Path.GetFullPath).ToList();
        var folder = Path.GetDirectoryName(destination)!;
        if (!Directory.Exists(folder))
        {
            throw new ObjectNotFoundException("DestinationFolderNotFound", $"The folder '{folder}' does not exist.", folder);
        }

        using var disk = new DiskOpener(roots).Open(image, format: imageFormat);
        var chain = new List<string>();
        for (var d = disk; d is not null; d = d.Parent)
        {
            chain.Add(Path.GetFullPath(d.Path));
            if (PathRules.AreSame(d.Path, destination))
            {
                throw new InvalidRequestException("DestinationInSourceChain", $"'{destination}' is part of the image's chain; the result goes into a new file and the image is never written.", destination);
            }
        }

        var findings = new List<InjectionFinding>();
        if (File.Exists(destination) && !overwrite)
        {
            findings.Add(new InjectionFinding("DiskFileExists", InjectionSeverity.Blocking, $"'{destination}' exists; use -Force (--force) to replace it once the new one is complete.", destination));
        }

        string? note = null;
        var resultFormat = output == InjectionOutput.Layer
            ? ResultLayer.FormatFor(disk.Format, out note)
            : flatFormat ?? disk.Format;
        note = output == InjectionOutput.Layer ? note : null;
        var plan = new InjectionPlan
        {
            Operation = operation,
            ImagePath = image,
            ImageFormat = disk.Format,
            ImageChain = chain.ToArray(),
            Output = output,
            DestinationPath = destination,
            ResultFormat = resultFormat,
            ResultNote = note,
            ParentSearchPaths = roots,
        };
        if (note is not null)
        {
            findings.Add(new InjectionFinding("LayerFormatChanged", InjectionSeverity.Info, note + ".", destination));
        }

        var strategy = InjectionStrategies.Choose(method, output == InjectionOutput.Layer ? resultFormat : DiskFormat.Qcow2);
        plan.Method = strategy.Method;
        var windows = OfflineWindows.Open(disk, context);
        plan.Windows = windows.Facts;
        var planner = new InjectionPlanner(windows, plan, findings, _clock());
        fill(windows, plan, findings, planner);
        context.Log.Verbose(plan.Summary);
        return plan;
    }
}
