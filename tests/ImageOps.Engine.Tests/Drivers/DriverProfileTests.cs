using System;
using System.IO;
using System.Linq;
using ImageOps.Engine.Drivers;
using ImageOps.Engine.Library;
using ImageOps.Engine.Storage;
using ImageOps.Formats.Inf;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Drivers;

public sealed class DriverProfileTests : IDisposable
{
    private readonly TempFolder _dir = new("profiles");
    private readonly ImageLibrary _library;

    public DriverProfileTests()
    {
        _library = ImageLibrary.Open(_dir.Combine("library"));
    }

    private DriverProfileCatalog Profiles => _library.Drivers.Profiles;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Create_get_find_update_and_remove()
    {
        var created = Profiles.Create("Latitude 7440", new DriverProfileRules
        {
            Manufacturer = "Dell*",
            Model = "Latitude 7440",
            Architecture = InfArchitecture.Amd64,
            MinimumOSVersion = "10.0.22000",
            Groups = { "Dell-7440" },
            CuratedGroups = { "Curated" },
            ExcludeClasses = { "SCSIAdapter" },
            ExcludeClassesFromGroups = { "Dell-7440" },
        });
        Assert.Equal("Latitude 7440", created.Name);
        Assert.Contains("model 'Latitude 7440'", created.AppliesTo);
        Assert.Equal(new[] { "curated group Curated", "group Dell-7440" }, created.Sources);
        Assert.Equal(new[] { "class SCSIAdapter from Dell-7440" }, created.Exclusions);

        var record = RecordStore.Read<DriverProfileRecord>(Path.Combine(_library.Drivers.RootPath, "profiles", "latitude 7440.json"));
        Assert.Equal("DriverProfile", record.Kind);
        Assert.Equal(1, record.SchemaVersion);

        Assert.Equal(created.Id, Profiles.Get("latitude 7440").Id);
        Profiles.Create("VMs", new DriverProfileRules { Manufacturer = "VMware*", NoDrivers = true });
        var found = Profiles.Find(new[] { "Lat*", "Nope" });
        Assert.Equal("Latitude 7440", Assert.Single(found.Profiles).Name);
        Assert.Equal(ErrorIds.DriverProfileNotFound, Assert.Single(found.Errors).ErrorId);

        var changed = Profiles.Update("Latitude 7440", new DriverProfileChanges { NewName = "Lat7440", Priority = 5, ExcludeClasses = new[] { "SCSIAdapter", "HDC" }, MinimumOSVersion = string.Empty });
        Assert.Equal("Lat7440", changed.Name);
        Assert.Equal(5, changed.Priority);
        Assert.Null(changed.Rules.MinimumOSVersion);
        Assert.Equal(new[] { "SCSIAdapter", "HDC" }, changed.Rules.ExcludeClasses);
        Assert.Equal(new[] { "Dell-7440" }, changed.Rules.Groups);
        Assert.Equal(ErrorIds.DriverProfileNotFound, Assert.Throws<ObjectNotFoundException>(() => Profiles.Get("Latitude 7440")).ErrorId);

        Profiles.Remove("lat7440");
        Assert.Equal(new[] { "VMs" }, Profiles.Find().Profiles.Select(p => p.Name));
    }

    [Fact]
    public void Names_are_unique_without_case_and_must_be_file_safe()
    {
        Profiles.Create("Gold", new DriverProfileRules { Groups = { "G" } });
        Assert.Equal(ErrorIds.DriverProfileNameInUse, Assert.Throws<ObjectExistsException>(() => Profiles.Create("GOLD", new DriverProfileRules { Groups = { "G" } })).ErrorId);
        foreach (var bad in new[] { "", "a/b", "..", "CON", "x:y", "trailing.", new string('a', 65) })
        {
            Assert.Equal(ErrorIds.DriverProfileNameInvalid, Assert.Throws<InvalidRequestException>(() => Profiles.Create(bad, new DriverProfileRules { Groups = { "G" } })).ErrorId);
        }
    }

    [Theory]
    [InlineData("nothing-and-sources")]
    [InlineData("does-nothing")]
    [InlineData("bad-version")]
    [InlineData("min-above-max")]
    [InlineData("class-scope-without-class")]
    [InlineData("empty-pattern")]
    public void Contradictory_rules_are_refused(string what)
    {
        var rules = what switch
        {
            "nothing-and-sources" => new DriverProfileRules { NoDrivers = true, Groups = { "OEM" } },
            "does-nothing" => new DriverProfileRules { Model = "X" },
            "bad-version" => new DriverProfileRules { Groups = { "OEM" }, MinimumOSVersion = "eleven" },
            "min-above-max" => new DriverProfileRules { Groups = { "OEM" }, MinimumOSVersion = "10.0.26100", MaximumOSVersion = "10.0.22000" },
            "class-scope-without-class" => new DriverProfileRules { Groups = { "OEM" }, ExcludeClassesFromGroups = { "OEM" } },
            _ => new DriverProfileRules { Groups = { "OEM" }, Model = string.Empty },
        };
        Assert.Equal(ErrorIds.DriverProfileInvalid, Assert.Throws<InvalidRequestException>(() => Profiles.Create("P", rules)).ErrorId);
    }

    [Fact]
    public void Rules_match_models_by_wildcards_version_and_architecture()
    {
        var rules = new DriverProfileRules { Manufacturer = "Dell*", Model = "Latitude 74?0", SystemSku = "0C6F", Architecture = InfArchitecture.Amd64, MinimumOSVersion = "10.0.22000", MaximumOSVersion = "10.0.26100", Groups = { "G" } };
        var win11 = new DriverPlatform(InfArchitecture.Amd64, new Version(10, 0, 22631));
        Assert.True(rules.AppliesTo(new HardwareModel("Dell Inc.", "Latitude 7440", "0c6f"), win11));
        Assert.False(rules.AppliesTo(new HardwareModel("Dell Inc.", "Latitude 7440", "0C70"), win11));
        Assert.False(rules.AppliesTo(new HardwareModel("HP", "Latitude 7440", "0C6F"), win11));
        Assert.False(rules.AppliesTo(new HardwareModel("Dell Inc.", "Latitude 7440", "0C6F"), new DriverPlatform(InfArchitecture.Amd64, new Version(10, 0, 19045))));
        Assert.False(rules.AppliesTo(new HardwareModel("Dell Inc.", "Latitude 7440", "0C6F"), new DriverPlatform(InfArchitecture.Amd64, new Version(10, 0, 26200))));
        Assert.False(rules.AppliesTo(new HardwareModel("Dell Inc.", "Latitude 7440", "0C6F"), new DriverPlatform(InfArchitecture.Arm64, new Version(10, 0, 22631))));
        Assert.Equal(6, rules.Specificity);
    }
}
