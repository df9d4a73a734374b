using System;
using System.Collections.Generic;
using System.Linq;
using ImageOps.Formats.Disks.Chains;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks;

/// <summary>
/// What a format's <see cref="IDiskFormat.Open"/> receives: the options, and the one way to open a
/// parent, which enforces the allowed roots, the chain depth limit, cycle detection and the parent
/// identity check.
/// </summary>
public sealed class DiskOpenContext
{
    /// <summary>Longest chain (child plus parents) ImageOps opens.</summary>
    public const int MaxChainDepth = 32;

    private readonly IReadOnlyList<string> _chain;

    internal DiskOpenContext(DiskOpenOptions options, ParentResolver resolver, int depth, IReadOnlyList<string> chain)
    {
        Options = options;
        Resolver = resolver;
        Depth = depth;
        _chain = chain;
    }

    /// <summary>The caller's options.</summary>
    public DiskOpenOptions Options { get; }

    /// <summary>Where parents come from.</summary>
    public ParentResolver Resolver { get; }

    /// <summary>0 for the disk the caller opened, 1 for its parent, and so on.</summary>
    public int Depth { get; }

    /// <summary>True if this disk is opened for writing (only the top of a chain ever is).</summary>
    public bool Writable => Options.Writable && Depth == 0;

    /// <summary>
    /// Opens the parent a differencing disk records, read-only, and fills <paramref name="link"/>.
    /// Returns null when the caller asked not to open parents. Throws <c>ChainTooDeep</c>,
    /// <c>ChainCycle</c>, <c>ParentIdentityMismatch</c> or the resolver's errors.
    /// </summary>
    /// <param name="child">The child's storage (its name anchors relative references).</param>
    /// <param name="link">The reference and expected identity as the child records them.</param>
    /// <param name="format">The parent's format if the child declares it (qcow2 backing_fmt); null to probe.</param>
    public VirtualDisk? OpenParent(IBlockStorage child, ParentLink link, DiskFormat? format)
    {
        if (Options.SkipParents)
        {
            return null;
        }

        if (Depth + 1 >= MaxChainDepth)
        {
            throw new ImageOpsException("ChainTooDeep", ErrorKind.LimitsExceeded, $"The chain of parents of '{_chain[0]}' is deeper than {MaxChainDepth} images.", child.Name);
        }

        var storage = Resolver.OpenParent(child.Name, link.Reference, out var resolved);
        try
        {
            if (_chain.Contains(resolved, StringComparer.Ordinal))
            {
                throw new CorruptImageException(child.Name, "chain", -1, "parent reference", $"'{link.Reference}' leads back to '{resolved}', which is already in the chain (a cycle)", "ChainCycle");
            }

            var parentContext = new DiskOpenContext(Options, Resolver, Depth + 1, _chain.Concat(new[] { resolved }).ToList());
            var parent = DiskFormats.Open(storage, format, parentContext);
            link.ResolvedPath = resolved;
            link.ActualIdentity = parent.Identity;
            if (Options.VerifyParentIdentity && link.IdentityMatches == false)
            {
                parent.Dispose();
                throw new ImageOpsException("ParentIdentityMismatch", ErrorKind.InvalidResult, $"'{resolved}' is not the parent '{child.Name}' was made from: it records parent identity {link.ExpectedIdentity}, the file has {link.ActualIdentity}. The parent was changed or replaced after the child was created.", child.Name);
            }

            return parent;
        }
        catch
        {
            storage.Dispose();
            throw;
        }
    }

    internal static DiskOpenContext Root(DiskOpenOptions options, string name)
        => new(options, options.Parents ?? ParentResolver.ForImage(name), 0, new[] { FullName(name) });

    private static string FullName(string name)
    {
        try
        {
            return System.IO.Path.GetFullPath(name);
        }
        catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is System.IO.PathTooLongException)
        {
            return name;
        }
    }
}
