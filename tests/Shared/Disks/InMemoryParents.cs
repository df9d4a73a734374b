using System.Collections.Generic;
using ImageOps.Formats.Disks.Chains;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Tests.Disks;

/// <summary>Parents served from memory by name, so chain tests need no files. Reusable by format tests.</summary>
public sealed class InMemoryParents : ParentResolver
{
    private readonly Dictionary<string, MemoryBlockStorage> _files = new(System.StringComparer.Ordinal);

    public InMemoryParents()
        : base(new[] { "/memory" })
    {
    }

    public InMemoryParents Add(string name, MemoryBlockStorage storage)
    {
        _files[name] = storage;
        return this;
    }

    public override IBlockStorage OpenParent(string childName, string reference, out string resolvedName)
    {
        resolvedName = "/memory/" + reference;
        return _files.TryGetValue(reference, out var storage)
            ? storage.AsReadOnly()
            : throw new ImageOpsException("ParentNotFound", ErrorKind.ObjectNotFound, $"No in-memory parent '{reference}'.", childName);
    }
}
