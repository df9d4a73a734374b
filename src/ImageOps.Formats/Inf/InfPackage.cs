using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;

namespace ImageOps.Formats.Inf;

/// <summary>
/// An INF read from a driver package: the document, the INFs it includes that the package holds, and
/// evaluation per platform with the package's files checked.
/// <para>
/// Include names must be bare file names and are looked up beside the INF ("Include=filename.inf";
/// "Includes entries can only be used to specify system-supplied INF files", so one the package lacks is
/// a system INF and only noted). Included INFs are read breadth-first with a depth limit, a count limit
/// and a visited set, so Include cycles end and nothing recurses.
/// Sources: "INF DDInstall Section"; "Source Media for INF Files" (learn.microsoft.com).
/// </para>
/// </summary>
public sealed class InfPackage
{
    private InfPackage(IInfFileSource source, string infPath, string folder, InfDocument document, IReadOnlyList<InfDocument> included, IReadOnlyList<string> external, IReadOnlyList<InfDiagnostic> diagnostics)
    {
        Source = source;
        InfPath = infPath;
        Folder = folder;
        Document = document;
        IncludedDocuments = included;
        ExternalIncludes = external;
        Diagnostics = diagnostics;
    }

    /// <summary>The package.</summary>
    public IInfFileSource Source { get; }

    /// <summary>The INF's path in the package ('/' separators).</summary>
    public string InfPath { get; }

    /// <summary>The INF's folder in the package ('/' separators; empty for the root).</summary>
    public string Folder { get; }

    /// <summary>The INF.</summary>
    public InfDocument Document { get; }

    /// <summary>Included INFs the package holds, in the order they were reached.</summary>
    public IReadOnlyList<InfDocument> IncludedDocuments { get; }

    /// <summary>Included INFs the package does not hold (system INFs such as ks.inf or wdmaudio.inf).</summary>
    public IReadOnlyList<string> ExternalIncludes { get; }

    /// <summary>Diagnostics about includes (each document keeps its own on <see cref="InfDocument.Diagnostics"/>).</summary>
    public IReadOnlyList<InfDiagnostic> Diagnostics { get; }

    /// <summary>Reads the INF at <paramref name="infPath"/> in <paramref name="source"/> and the INFs it includes.</summary>
    /// <exception cref="InfFileReferenceException">The INF path is refused.</exception>
    /// <exception cref="InfMalformedException">The INF itself is unreadable or too large.</exception>
    /// <exception cref="ImageOpsException">The INF is not in the package (id <c>DriverInfNotFound</c>) or cannot be read.</exception>
    public static InfPackage Open(IInfFileSource source, string infPath, InfParseOptions? options = null, CancellationToken cancellation = default)
    {
        if (source is null)
        {
            throw new ArgumentNullException(nameof(source));
        }

        options ??= InfParseOptions.Default;
        if (!InfPackagePath.TryNormalizeFolder(infPath ?? string.Empty, out var path, out var problem) || path.Length == 0)
        {
            throw new InfFileReferenceException(source.Name, infPath ?? string.Empty, problem ?? "it names no file");
        }

        var slash = path.LastIndexOf('/');
        var folder = slash < 0 ? string.Empty : path.Substring(0, slash);
        var document = Read(source, path, options, cancellation)
            ?? throw new ImageOpsException("DriverInfNotFound", ErrorKind.ObjectNotFound, "Driver package '" + source.Name + "' has no INF '" + path + "'.", path);

        var bag = new InfDiagnosticBag(path, options.Limits.MaxDiagnostics);
        var included = new List<InfDocument>();
        var external = new List<string>();
        var loaded = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { path };
        var queue = new Queue<(InfDocument Document, int Depth, HashSet<string> Chain)>();
        queue.Enqueue((document, 0, new HashSet<string>(StringComparer.OrdinalIgnoreCase) { path }));
        while (queue.Count > 0)
        {
            cancellation.ThrowIfCancellationRequested();
            var (current, depth, chain) = queue.Dequeue();
            foreach (var (name, line, column) in IncludesOf(current))
            {
                if (!InfPackagePath.IsSafeFileName(name, out problem))
                {
                    bag.Error(InfDiagnosticCode.UnsafeFileReference, line, column, current.SourceName + ": Include is refused: " + problem + ".");
                    continue;
                }

                var target = InfPackagePath.Combine(folder, name);
                if (chain.Contains(target))
                {
                    bag.Warning(InfDiagnosticCode.IncludeCycle, line, column, current.SourceName + " includes '" + name + "', which includes it back; it is not read again.");
                    continue;
                }

                if (loaded.Contains(target))
                {
                    continue;
                }

                if (depth + 1 > options.Limits.MaxIncludeDepth || included.Count >= options.Limits.MaxIncludedFiles)
                {
                    bag.Warning(InfDiagnosticCode.IncludeDepthExceeded, line, column,
                        string.Format(CultureInfo.InvariantCulture, "{0}: '{1}' is not read: includes are limited to depth {2} and {3} files.", current.SourceName, name, options.Limits.MaxIncludeDepth, options.Limits.MaxIncludedFiles));
                    continue;
                }

                InfDocument? child;
                try
                {
                    child = Read(source, target, options, cancellation);
                }
                catch (InfFileReferenceException ex)
                {
                    bag.Error(InfDiagnosticCode.UnsafeFileReference, line, column, current.SourceName + ": Include '" + name + "' is refused: " + ex.Reason + ".");
                    continue;
                }
                catch (InfMalformedException ex)
                {
                    bag.Error(ex.Code, line, column, current.SourceName + ": included INF '" + name + "' is unreadable: " + ex.Message);
                    continue;
                }

                loaded.Add(target);
                if (child is null)
                {
                    if (!external.Contains(name, StringComparer.OrdinalIgnoreCase))
                    {
                        external.Add(name);
                        bag.Info(InfDiagnosticCode.IncludedInfNotInPackage, line, column, current.SourceName + " includes '" + name + "', which the package does not hold; Windows takes it from %windir%\\inf.");
                    }

                    continue;
                }

                included.Add(child);
                queue.Enqueue((child, depth + 1, new HashSet<string>(chain, StringComparer.OrdinalIgnoreCase) { target }));
            }
        }

        return new InfPackage(source, path, folder, document, included, external, bag.ToList());
    }

    /// <summary>Evaluates the INF for <paramref name="platform"/>, following Needs into included INFs and listing files the package lacks.</summary>
    public InfDriverResolution Resolve(InfTargetPlatform platform, CancellationToken cancellation = default)
        => new InfResolver(Document, IncludedDocuments, Probe, Folder, platform, cancellation).Run();

    private string? Probe(string infRelativePath)
    {
        try
        {
            return Source.FileExists(InfPackagePath.Combine(Folder, infRelativePath)) ? null : "is not in the package";
        }
        catch (InfFileReferenceException ex)
        {
            return "is refused (" + ex.Reason + ")";
        }
    }

    private static InfDocument? Read(IInfFileSource source, string path, InfParseOptions options, CancellationToken cancellation)
    {
        using var stream = source.OpenRead(path);
        return stream is null ? null : InfParser.Parse(stream, path, options, cancellation);
    }

    private static IEnumerable<(string Name, int Line, int Column)> IncludesOf(InfDocument document)
    {
        foreach (var section in document.Syntax.Sections)
        {
            foreach (var entry in section.EntriesWithKey("Include"))
            {
                foreach (var value in entry.Values)
                {
                    var name = document.Strings.Expand(value.Value).Trim();
                    if (name.Length > 0)
                    {
                        yield return (name, value.Line, value.Column);
                    }
                }
            }
        }
    }
}
