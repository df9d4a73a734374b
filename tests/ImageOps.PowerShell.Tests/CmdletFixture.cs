using System;
using System.Collections.Generic;
using System.IO;
using ImageOps.Build.Metadata;
using ImageOps.Tests;

namespace ImageOps.PowerShell.Tests;

/// <summary>The built cmdlet assembly, read once per test collection as metadata.</summary>
public sealed class CmdletFixture : IDisposable
{
    public CmdletFixture()
    {
        AssemblyPath = Path.Combine(RepoPaths.CmdletBin, "ImageOps.PowerShell.dll");
        Assembly = CmdletAssembly.Open(AssemblyPath);
        Cmdlets = Assembly.Cmdlets();
    }

    public string AssemblyPath { get; }

    internal CmdletAssembly Assembly { get; }

    internal IReadOnlyList<CmdletModel> Cmdlets { get; }

    public void Dispose() => Assembly.Dispose();
}

[CollectionDefinition(Name)]
public sealed class CmdletCollection : ICollectionFixture<CmdletFixture>
{
    public const string Name = "Cmdlet assembly";
}
