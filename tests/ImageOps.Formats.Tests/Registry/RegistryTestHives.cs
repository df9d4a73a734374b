using System;
using System.Linq;
using ImageOps.Formats.Registry;

namespace ImageOps.Formats.Tests.Registry;

/// <summary>Hives built in memory for tests, with a fixed clock so bytes are reproducible.</summary>
internal static class RegistryTestHives
{
    public static readonly DateTime Now = new(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);

    public static RegistryHive Empty(int minorVersion = 5)
        => RegistryHive.Create(new RegistryHiveCreateOptions { MinorVersion = minorVersion, Clock = () => Now, FileName = "SYSTEM", DisplayName = "test hive" });

    /// <summary>Applies a plan and returns the hive (for chaining in tests).</summary>
    public static RegistryHive With(this RegistryHive hive, Action<RegistryEditPlan> build)
    {
        var plan = new RegistryEditPlan();
        build(plan);
        hive.Apply(plan);
        return hive;
    }

    /// <summary>The hive re-read from its bytes (what another reader of the saved file sees).</summary>
    public static RegistryHive Reopen(this RegistryHive hive)
        => RegistryHive.Open(hive.ToArray(), new RegistryHiveOpenOptions { Clock = () => Now, DisplayName = hive.DisplayName });

    /// <summary>The hive is consistent and, unless allowed, has no unreferenced allocated cells.</summary>
    public static void AssertConsistent(RegistryHive hive, bool allowLeaks = false)
    {
        var report = hive.Check();
        Assert.True(report.IsConsistent, string.Join("\n", report.Problems));
        if (!allowLeaks)
        {
            Assert.True(report.UnreferencedCellCount == 0, $"{report.UnreferencedCellCount} allocated cells ({report.UnreferencedBytes} bytes) are referenced by nothing");
        }
    }

    public static byte[] Bytes(int length, int seed)
        => Enumerable.Range(0, length).Select(i => (byte)((i * 31) + seed)).ToArray();
}
