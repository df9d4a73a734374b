using System;
using System.Linq;
using ImageOps.Engine.Injection.Windows;

namespace ImageOps.Engine.Tests.Injection.Windows;

/// <summary>DISM's memory copied out: driver package arrays at the packed stride, DismStrings, SYSTEMTIMEs.</summary>
public class DismMarshalTests
{
    [Fact]
    public void A_driver_package_array_is_read_element_by_element_at_the_packed_stride()
    {
        using var memory = new DismPackageMemory();
        var array = memory.Packages(
            new DismPackageMemory.Package("oem3.inf", "viostor.inf", false, "viostor.cat", "SCSIAdapter", "{4d36e97b-e325-11ce-bfc1-08002be10318}", "Storage controllers", true, 2, "Red Hat, Inc.", new ushort[] { 2024, 7, 3, 17, 0, 0, 0, 0 }, new uint[] { 100, 95, 104, 26000 }),
            new DismPackageMemory.Package("netkvm.inf", null, true, "", "Net", "{4d36e972-e325-11ce-bfc1-08002be10318}", null, false, 1, "Microsoft", new ushort[8], new uint[] { 6, 3, 9600, 16384 }));

        var packages = DismMarshal.ReadDriverPackages(array, 2);

        var first = packages[0];
        Assert.Equal(("oem3.inf", "viostor.inf", "viostor.cat", "SCSIAdapter"), (first.PublishedName, first.OriginalFileName, first.CatalogFile, first.ClassName));
        Assert.Equal("{4d36e97b-e325-11ce-bfc1-08002be10318}", first.ClassGuid);
        Assert.Equal(("Storage controllers", "Red Hat, Inc."), (first.ClassDescription, first.ProviderName));
        Assert.False(first.InBox);
        Assert.True(first.BootCritical);
        Assert.Equal(DismDriverSignature.Signed, first.Signature);
        Assert.Equal(new DateTime(2024, 7, 17), first.Date);
        Assert.Equal(new Version(100, 95, 104, 26000), first.Version);

        var second = packages[1];
        Assert.True(second.InBox);
        Assert.Equal(string.Empty, second.OriginalFileName);
        Assert.Equal(string.Empty, second.ClassDescription);
        Assert.Equal(DismDriverSignature.Unsigned, second.Signature);
        Assert.Null(second.Date);
        Assert.Equal(new Version(6, 3, 9600, 16384), second.Version);
    }

    [Fact]
    public void Unknown_signature_values_and_empty_lists_are_handled()
    {
        using var memory = new DismPackageMemory();
        var array = memory.Packages(new DismPackageMemory.Package("oem1.inf", "x.inf", false, "x.cat", "System", "{}", "", false, 7, "", new ushort[8], new uint[4]));

        Assert.Equal(DismDriverSignature.Unknown, DismMarshal.ReadDriverPackages(array, 1).Single().Signature);
        Assert.Empty(DismMarshal.ReadDriverPackages(IntPtr.Zero, 0));
        Assert.Throws<ArgumentException>(() => DismMarshal.ReadDriverPackages(IntPtr.Zero, 3));
        Assert.Throws<ArgumentException>(() => DismMarshal.ReadDriverPackages(array, DismMarshal.MaxDriverPackages + 1));
    }

    [Fact]
    public void A_DismString_is_one_pointer_to_UTF16()
    {
        using var memory = new DismPackageMemory();
        Assert.Equal("An error occurred – ünïcode", DismMarshal.ReadString(memory.DismString("An error occurred – ünïcode")));
        Assert.Null(DismMarshal.ReadString(memory.DismString(null)));
        Assert.Null(DismMarshal.ReadString(IntPtr.Zero));
    }

    [Theory]
    [InlineData(2023, 11, 2, 5, 13, 45, 30, 250, "2023-11-05T13:45:30.2500000")]
    [InlineData(2024, 2, 4, 29, 0, 0, 0, 0, "2024-02-29T00:00:00.0000000")]
    [InlineData(1601, 1, 1, 1, 23, 59, 59, 999, "1601-01-01T23:59:59.9990000")]
    public void A_SYSTEMTIME_becomes_a_date_without_time_zone(int year, int month, int dayOfWeek, int day, int hour, int minute, int second, int ms, string expected)
    {
        var time = new DismSystemTime { Year = (ushort)year, Month = (ushort)month, DayOfWeek = (ushort)dayOfWeek, Day = (ushort)day, Hour = (ushort)hour, Minute = (ushort)minute, Second = (ushort)second, Milliseconds = (ushort)ms };

        var converted = time.ToDateTime();

        Assert.Equal(expected, converted!.Value.ToString("o", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(DateTimeKind.Unspecified, converted.Value.Kind);
    }

    [Theory]
    [InlineData(0, 0, 0, 0, 0, 0)]
    [InlineData(2023, 13, 1, 0, 0, 0)]
    [InlineData(2023, 2, 29, 0, 0, 0)]
    [InlineData(2023, 4, 31, 0, 0, 0)]
    [InlineData(2023, 1, 0, 0, 0, 0)]
    [InlineData(2023, 1, 1, 24, 0, 0)]
    [InlineData(2023, 1, 1, 0, 60, 0)]
    [InlineData(2023, 1, 1, 0, 0, 60)]
    [InlineData(10000, 1, 1, 0, 0, 0)]
    public void An_empty_or_impossible_SYSTEMTIME_is_no_date(int year, int month, int day, int hour, int minute, int second)
    {
        var time = new DismSystemTime { Year = (ushort)year, Month = (ushort)month, Day = (ushort)day, Hour = (ushort)hour, Minute = (ushort)minute, Second = (ushort)second };
        Assert.Null(time.ToDateTime());
    }
}
