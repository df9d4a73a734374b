using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using ImageOps.Engine.Injection.Windows;
using ImageOps.Engine.Tests.Platform;
using static ImageOps.Engine.Tests.Platform.CStructLayout;

namespace ImageOps.Engine.Tests.Injection.Windows;

/// <summary>
/// <c>DismDriverPackage</c> under dismapi.h's <c>#pragma pack(push, 1)</c>. The x64 and x86 tables were
/// worked out by hand from the header; the C rules reproduce both (pointer size 8 and 4, pack 1); the
/// marshaller's layout of the production struct is checked against the table of the architecture the
/// tests run on (x64 here — the x86 table is checked by the rules only, not by running on x86).
/// </summary>
public class DismLayoutTests
{
    public const int X64Size = 100;
    public const int X86Size = 72;

    public static readonly IReadOnlyDictionary<string, int> X64 = new Dictionary<string, int>
    {
        ["PublishedName"] = 0, ["OriginalFileName"] = 8, ["InBox"] = 16, ["CatalogFile"] = 20, ["ClassName"] = 28,
        ["ClassGuid"] = 36, ["ClassDescription"] = 44, ["BootCritical"] = 52, ["DriverSignature"] = 56,
        ["ProviderName"] = 60, ["Date"] = 68, ["MajorVersion"] = 84, ["MinorVersion"] = 88, ["Build"] = 92, ["Revision"] = 96,
    };

    public static readonly IReadOnlyDictionary<string, int> X86 = new Dictionary<string, int>
    {
        ["PublishedName"] = 0, ["OriginalFileName"] = 4, ["InBox"] = 8, ["CatalogFile"] = 12, ["ClassName"] = 16,
        ["ClassGuid"] = 20, ["ClassDescription"] = 24, ["BootCritical"] = 28, ["DriverSignature"] = 32,
        ["ProviderName"] = 36, ["Date"] = 40, ["MajorVersion"] = 56, ["MinorVersion"] = 60, ["Build"] = 64, ["Revision"] = 68,
    };

    [Theory]
    [InlineData(8, X64Size)]
    [InlineData(4, X86Size)]
    public void The_C_rules_with_pack_1_give_the_hand_made_tables(int pointerSize, int size)
    {
        var (offsets, computed) = Compute(Header(pointerSize), pack: 1);

        Assert.Equal(size, computed);
        Assert.Equal(pointerSize == 8 ? X64 : X86, offsets);
    }

    [Fact]
    public void The_marshalled_struct_matches_the_table_of_this_architecture()
    {
        var table = IntPtr.Size == 8 ? X64 : X86;
        Assert.Equal(IntPtr.Size == 8 ? X64Size : X86Size, Marshal.SizeOf<DismDriverPackageNative>());
        Assert.Equal(Marshal.SizeOf<DismDriverPackageNative>(), DismMarshal.DriverPackageSize);
        foreach (var (field, offset) in table)
        {
            Assert.True(offset == (int)Marshal.OffsetOf<DismDriverPackageNative>(field), $"{field}: expected {offset}, marshalled at {Marshal.OffsetOf<DismDriverPackageNative>(field)}");
        }
    }

    [Fact]
    public void Natural_packing_would_have_moved_every_pointer_after_the_first_BOOL()
    {
        // Why the pack matters: with the default pack, x64 would pad InBox to put CatalogFile at 24.
        var (natural, size) = Compute(Header(8), pack: 8);
        Assert.Equal(24, natural["CatalogFile"]);
        Assert.Equal(104, size);
        Assert.NotEqual(X64["CatalogFile"], natural["CatalogFile"]);
    }

    [Fact]
    public void SYSTEMTIME_is_eight_WORDs_and_DismString_one_pointer()
    {
        Assert.Equal(16, Marshal.SizeOf<DismSystemTime>());
        Assert.Equal(14, (int)Marshal.OffsetOf<DismSystemTime>(nameof(DismSystemTime.Milliseconds)));
        Assert.Equal(new[] { 0, 2, 4, 6, 8, 10, 12, 14 }, new[] { "Year", "Month", "DayOfWeek", "Day", "Hour", "Minute", "Second", "Milliseconds" }.Select(f => (int)Marshal.OffsetOf<DismSystemTime>(f)));
    }

    private static IEnumerable<CMember> Header(int pointerSize) => new[]
    {
        Pointer("PublishedName", pointerSize), Pointer("OriginalFileName", pointerSize), Dword("InBox"),
        Pointer("CatalogFile", pointerSize), Pointer("ClassName", pointerSize), Pointer("ClassGuid", pointerSize),
        Pointer("ClassDescription", pointerSize), Dword("BootCritical"), Dword("DriverSignature"),
        Pointer("ProviderName", pointerSize), SystemTime("Date"), Dword("MajorVersion"), Dword("MinorVersion"),
        Dword("Build"), Dword("Revision"),
    };
}
