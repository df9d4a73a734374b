using System;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using ImageOps.Engine.Injection.Windows;
using ImageOps.Engine.OfflineVolumes;
using ImageOps.Engine.OfflineVolumes.Windows;

namespace ImageOps.Engine.Tests.Platform;

/// <summary>The Windows backends' error ids follow the engine's rules and collide with no other id.</summary>
public class WindowsBackendErrorIdTests
{
    [Fact]
    public void Ids_are_PascalCase_equal_to_their_names_and_unique_across_the_engine()
    {
        var all = new[] { typeof(ErrorIds), typeof(OfflineVolumeErrorIds), typeof(NativeVirtualDiskErrorIds), typeof(DismErrorIds) }
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (Type: t, f.Name, Value: (string)f.GetRawConstantValue()!)))
            .ToList();
        var windows = all.Where(i => i.Type == typeof(NativeVirtualDiskErrorIds) || i.Type == typeof(DismErrorIds)).ToList();

        Assert.NotEmpty(windows);
        Assert.All(windows, id => Assert.Equal(id.Name, id.Value));
        Assert.All(windows, id => Assert.Matches(new Regex("^[A-Z][A-Za-z0-9]+$"), id.Value));
        var duplicates = all.GroupBy(i => i.Value).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, "duplicated ids: " + string.Join(", ", duplicates));
    }

    [Fact]
    public void Every_failure_kind_has_a_driver_error_id()
    {
        foreach (DismDriverFailure failure in Enum.GetValues(typeof(DismDriverFailure)))
        {
            Assert.StartsWith("Driver", DismErrors.ErrorIdFor(failure), StringComparison.Ordinal);
        }
    }
}
