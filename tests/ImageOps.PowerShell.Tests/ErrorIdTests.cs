using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using ImageOps.Build.Metadata;
using ImageOps.Tests;

namespace ImageOps.PowerShell.Tests;

[Collection(CmdletCollection.Name)]
public class ErrorIdTests
{
    [Fact]
    public void Engine_error_ids_are_unique_PascalCase_and_equal_to_their_names()
    {
        using var engine = CmdletAssembly.Open(Path.Combine(RepoPaths.CmdletBin, "ImageOps.Engine.dll"));
        var ids = engine.Assembly.GetType("ImageOps.Engine.ErrorIds")!
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (f.Name, Value: (string)f.GetRawConstantValue()!))
            .ToList();
        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.Equal(id.Name, id.Value));
        Assert.All(ids, id => Assert.Matches(new Regex("^[A-Z][A-Za-z0-9]+$"), id.Value));
        Assert.Equal(ids.Count, ids.Select(i => i.Value).Distinct().Count());
    }
}
