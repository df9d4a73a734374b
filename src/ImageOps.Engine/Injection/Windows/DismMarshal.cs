using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace ImageOps.Engine.Injection.Windows;

/// <summary>
/// Copies what DISM returns out of its memory: a <c>DismString</c> (one PCWSTR, also packed to 1) and the
/// <c>DismDriverPackage</c> array of DismGetDrivers, element by element at the packed stride.
/// </summary>
internal static class DismMarshal
{
    /// <summary>A store holds a few thousand packages; a count beyond this is not a driver list.</summary>
    public const uint MaxDriverPackages = 1_000_000;

    public static int DriverPackageSize { get; } = Marshal.SizeOf<DismDriverPackageNative>();

    /// <summary>The Value of the DismString at <paramref name="dismString"/>, or null.</summary>
    public static string? ReadString(IntPtr dismString)
    {
        if (dismString == IntPtr.Zero)
        {
            return null;
        }

        var value = Marshal.ReadIntPtr(dismString);
        return value == IntPtr.Zero ? null : Marshal.PtrToStringUni(value);
    }

    /// <summary>The <paramref name="count"/> packages at <paramref name="array"/>.</summary>
    public static IReadOnlyList<DismDriverInfo> ReadDriverPackages(IntPtr array, uint count)
    {
        if (count == 0)
        {
            return Array.Empty<DismDriverInfo>();
        }

        if (array == IntPtr.Zero || count > MaxDriverPackages)
        {
            throw new ArgumentException($"DismGetDrivers returned {count} packages at {array}.");
        }

        var packages = new List<DismDriverInfo>((int)count);
        for (var i = 0; i < (int)count; i++)
        {
            var native = Marshal.PtrToStructure<DismDriverPackageNative>(IntPtr.Add(array, i * DriverPackageSize));
            packages.Add(new DismDriverInfo
            {
                PublishedName = Text(native.PublishedName),
                OriginalFileName = Text(native.OriginalFileName),
                InBox = native.InBox != 0,
                CatalogFile = Text(native.CatalogFile),
                ClassName = Text(native.ClassName),
                ClassGuid = Text(native.ClassGuid),
                ClassDescription = Text(native.ClassDescription),
                BootCritical = native.BootCritical != 0,
                Signature = native.DriverSignature is >= 0 and <= 2 ? (DismDriverSignature)native.DriverSignature : DismDriverSignature.Unknown,
                ProviderName = Text(native.ProviderName),
                Date = native.Date.ToDateTime(),
                Version = new Version(Part(native.MajorVersion), Part(native.MinorVersion), Part(native.Build), Part(native.Revision)),
            });
        }

        return packages;
    }

    private static string Text(IntPtr value) => value == IntPtr.Zero ? string.Empty : Marshal.PtrToStringUni(value) ?? string.Empty;

    // DriverVer parts are 16-bit; System.Version takes non-negative ints.
    private static int Part(uint value) => (int)Math.Min(value, int.MaxValue);
}
