using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using ImageOps.Engine.Drivers;
using ImageOps.Engine.Library;
using ImageOps.Formats.Inf;

namespace ImageOps.Engine.Injection;

/// <summary>A driver package to stage: where its files are and why it was chosen.</summary>
internal sealed class PackageCandidate
{
    public IInfFileSource Source { get; set; } = null!;

    /// <summary>The INF's path in the package ('/' separators).</summary>
    public string InfPath { get; set; } = string.Empty;

    /// <summary>The library id, or null for a host folder (derived from content once the files are known).</summary>
    public string? LibraryId { get; set; }

    public string Description { get; set; } = string.Empty;

    public string Reason { get; set; } = string.Empty;

    /// <summary>True if the user named this INF or package (refuse it if it does not fit) rather than a folder it was found in (skip it).</summary>
    public bool Explicit { get; set; }

    /// <summary>Library packages: every file (relative path → host path). Host folders: null (the INF's own references are staged).</summary>
    public Dictionary<string, string>? LibraryFiles { get; set; }

    /// <summary>Host path of a package-relative file.</summary>
    public string? HostPath(string relativePath)
    {
        if (LibraryFiles is not null)
        {
            return LibraryFiles.TryGetValue(relativePath, out var path) ? path : null;
        }

        return Source is InfFolderSource folder ? folder.Resolve(relativePath) : null;
    }
}

/// <summary>A library package as an <see cref="IInfFileSource"/>: its files are in the content store.</summary>
internal sealed class StorePackageSource : IInfFileSource
{
    private readonly Dictionary<string, string> _files;

    public StorePackageSource(string name, Dictionary<string, string> files)
    {
        Name = name;
        _files = files;
    }

    public string Name { get; }

    public bool FileExists(string relativePath) => _files.ContainsKey(Normalize(relativePath));

    public Stream? OpenRead(string relativePath)
        => _files.TryGetValue(Normalize(relativePath), out var path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read) : null;

    private string Normalize(string relativePath)
    {
        if (!InfPackagePath.TryNormalizeFolder(relativePath, out var normalized, out var problem) || normalized.Length == 0)
        {
            throw new InfFileReferenceException(Name, relativePath, problem ?? "it names no file");
        }

        return normalized;
    }
}

/// <summary>Turns a request's driver paths, package ids, profile or model into package candidates.</summary>
internal static class DriverPackageSources
{
    /// <summary>Most INFs searched for under one folder.</summary>
    public const int MaxInfsPerFolder = 10_000;

    public static List<PackageCandidate> Collect(DriverInjectionRequest request, ImageLibrary? library, Func<DriverPlatform> platform, List<InjectionFinding> findings, OperationContext context)
    {
        var candidates = new List<PackageCandidate>();
        foreach (var path in request.DriverPaths)
        {
            var full = Path.GetFullPath(path);
            if (File.Exists(full))
            {
                candidates.Add(FromInf(full, explicitly: true, "given"));
            }
            else if (Directory.Exists(full))
            {
                var infs = Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories)
                    .Where(f => f.EndsWith(".inf", StringComparison.OrdinalIgnoreCase))
                    .OrderBy(f => f, StringComparer.Ordinal)
                    .Take(MaxInfsPerFolder + 1)
                    .ToList();
                if (infs.Count > MaxInfsPerFolder)
                {
                    throw new InvalidRequestException(ErrorIds.InvalidArgument, $"'{full}' holds more than {MaxInfsPerFolder} INFs; give the package folders themselves.", full);
                }

                if (infs.Count == 0)
                {
                    findings.Add(new InjectionFinding("DriverFolderEmpty", InjectionSeverity.Warning, $"'{full}' holds no INF.", full));
                }

                candidates.AddRange(infs.Select(inf => FromInf(inf, explicitly: false, "found in " + full)));
            }
            else
            {
                throw new ObjectNotFoundException(ErrorIds.DriverPackageSourceNotFound, $"The driver path '{full}' does not exist.", full);
            }
        }

        if (request.PackageIds.Count > 0 || request.Profile is not null || request.Model is not null)
        {
            if (library is null)
            {
                throw new InvalidRequestException(ErrorIds.InvalidArgument, "Package ids, profiles and models need a driver library.");
            }

            foreach (var id in request.PackageIds)
            {
                var info = library.Drivers.Packages.Get(id);
                candidates.Add(FromLibrary(info, explicitly: true, "given by id"));
            }

            if (request.Profile is not null || request.Model is not null)
            {
                var model = request.Model;
                if (request.Profile is not null)
                {
                    var rules = library.Drivers.Profiles.Get(request.Profile).Rules;
                    model = new HardwareModel(rules.Manufacturer, rules.Model, rules.SystemSku, rules.BaseboardProduct);
                }

                var set = library.Drivers.Resolve(new DriverSetRequest { Model = model!, Platform = platform() }, context);
                foreach (var warning in set.Warnings)
                {
                    findings.Add(new InjectionFinding("DriverSetWarning", InjectionSeverity.Info, warning, model!.ToString()));
                }

                if (set.Status == DriverSetStatus.NoProfile)
                {
                    throw new ObjectNotFoundException(ErrorIds.DriverModelNotCovered, set.Summary + " Create a profile for it with New-DriverProfile.", model!.ToString());
                }

                findings.Add(new InjectionFinding("DriverSetResolved", InjectionSeverity.Info, set.Summary, model!.ToString()));
                foreach (var package in set.Packages)
                {
                    var info = library.Drivers.Packages.Get(package.PackageId);
                    candidates.Add(FromLibrary(info, explicitly: true, $"{package.Tier} via {package.Source}: {package.Reason}"));
                }
            }
        }

        return candidates;
    }

    private static PackageCandidate FromInf(string infPath, bool explicitly, string reason)
    {
        var folder = Path.GetDirectoryName(infPath)!;
        return new PackageCandidate
        {
            Source = new InfFolderSource(folder),
            InfPath = Path.GetFileName(infPath),
            Description = infPath,
            Reason = reason,
            Explicit = explicitly,
        };
    }

    private static PackageCandidate FromLibrary(DriverPackageInfo info, bool explicitly, string reason)
    {
        var files = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in info.Files)
        {
            files[file.Path] = file.StorePath;
        }

        return new PackageCandidate
        {
            Source = new StorePackageSource("library package " + info.Id, files),
            InfPath = info.Record.InfPath,
            LibraryId = info.Id,
            Description = "library package " + info.Id + " (" + info.Name + ")",
            Reason = reason,
            Explicit = explicitly,
            LibraryFiles = files,
        };
    }

    /// <summary>A package id for a host folder: 16 hex digits of SHA-256 over its staged files' paths and contents.</summary>
    public static string DeriveId(IEnumerable<(string Path, string Sha256)> files)
    {
        var text = string.Join("\n", files.OrderBy(f => f.Path.ToLowerInvariant(), StringComparer.Ordinal).Select(f => f.Path.ToLowerInvariant() + "\t" + f.Sha256));
        using var sha = SHA256.Create();
        return Hex(sha.ComputeHash(Encoding.UTF8.GetBytes(text))).Substring(0, 16);
    }

    public static string Hex(byte[] bytes)
    {
        var text = new StringBuilder(bytes.Length * 2);
        foreach (var b in bytes)
        {
            text.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    public static (string Sha256, long Size) HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var sha = SHA256.Create();
        return (Hex(sha.ComputeHash(stream)), stream.Length);
    }

    public static string HashBytes(byte[] content)
    {
        using var sha = SHA256.Create();
        return Hex(sha.ComputeHash(content));
    }
}
