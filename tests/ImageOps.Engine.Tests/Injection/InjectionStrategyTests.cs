using System.Runtime.InteropServices;
using ImageOps.Engine.Injection;
using ImageOps.Formats.Disks;

namespace ImageOps.Engine.Tests.Injection;

/// <summary>The run-time choice between the offline-registry strategy and the DISM one (compiled here, run on Windows only).</summary>
public sealed class InjectionStrategyTests
{
    [SkippableFact]
    public void Auto_chooses_the_offline_registry_method_off_windows_and_dism_is_refused_with_its_reason()
    {
        Skip.If(RuntimeInformation.IsOSPlatform(OSPlatform.Windows), "On Windows, Auto may choose DISM.");
        Assert.Equal(InjectionMethod.OfflineRegistry, InjectionStrategies.Choose(InjectionMethod.Auto, DiskFormat.Vhdx).Method);
        var refused = Assert.Throws<UnsupportedFeatureException>(() => InjectionStrategies.Choose(InjectionMethod.Dism, DiskFormat.Vhdx));
        Assert.Equal(InjectionErrorIds.InjectionMethodUnavailable, refused.ErrorId);
        Assert.Contains("Windows hosts only", refused.Message);
    }

    [Fact]
    public void Dism_never_takes_formats_windows_cannot_attach()
    {
        var dism = new DismStrategy();
        foreach (var format in new[] { DiskFormat.Qcow2, DiskFormat.Vmdk, DiskFormat.Raw })
        {
            Assert.NotNull(dism.Unavailable(format));
        }
    }
}
