using System.IO;
using ImageOps.Engine.Injection;
using ImageOps.Formats.Disks;

namespace ImageOps.Engine.Tests.Injection;

[Collection(InjectionCollection.Name)]
public sealed class InjectionSmokeTests
{
    private readonly InjectionFixture _fixture;

    public InjectionSmokeTests(InjectionFixture fixture) => _fixture = fixture;

    [SkippableFact]
    public void Injects_into_a_vhdx()
    {
        var folder = _fixture.NewFolder("smoke");
        var image = _fixture.CopyImage(_fixture.Images[DiskFormat.Vhdx], folder);
        var service = new DriverInjectionService();
        var request = new DriverInjectionRequest { ImagePath = image, DestinationPath = Path.Combine(folder, "result.vhdx"), DriverPaths = new[] { _fixture.StorageInf, _fixture.NicInf } };
        var plan = service.PlanAdd(request);
        System.Console.WriteLine(plan.ToString());
        var result = service.Apply(plan);
        System.Console.WriteLine(result.ToString());
        Assert.True(File.Exists(result.DestinationPath));
    }
}
