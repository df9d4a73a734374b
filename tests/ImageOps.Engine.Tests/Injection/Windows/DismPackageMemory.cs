using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace ImageOps.Engine.Tests.Injection.Windows;

/// <summary>
/// Native memory laid out as DISM returns it, written at the offsets worked out by hand from dismapi.h
/// (<see cref="DismLayoutTests"/> holds the tables), not through the production struct: a
/// <c>DismDriverPackage</c> array and a <c>DismString</c>. Everything allocated is freed by <see cref="Free"/>.
/// </summary>
internal sealed class DismPackageMemory : IDisposable
{
    private readonly List<IntPtr> _allocations = new();

    public static IReadOnlyDictionary<string, int> Offsets => IntPtr.Size == 8 ? DismLayoutTests.X64 : DismLayoutTests.X86;

    public static int Stride => IntPtr.Size == 8 ? DismLayoutTests.X64Size : DismLayoutTests.X86Size;

    public IntPtr Packages(params Package[] packages)
    {
        var array = Allocate(Stride * packages.Length);
        for (var i = 0; i < packages.Length; i++)
        {
            var at = IntPtr.Add(array, i * Stride);
            var p = packages[i];
            Marshal.WriteIntPtr(at, Offsets["PublishedName"], Text(p.PublishedName));
            Marshal.WriteIntPtr(at, Offsets["OriginalFileName"], Text(p.OriginalFileName));
            Marshal.WriteInt32(at, Offsets["InBox"], p.InBox ? 1 : 0);
            Marshal.WriteIntPtr(at, Offsets["CatalogFile"], Text(p.CatalogFile));
            Marshal.WriteIntPtr(at, Offsets["ClassName"], Text(p.ClassName));
            Marshal.WriteIntPtr(at, Offsets["ClassGuid"], Text(p.ClassGuid));
            Marshal.WriteIntPtr(at, Offsets["ClassDescription"], Text(p.ClassDescription));
            Marshal.WriteInt32(at, Offsets["BootCritical"], p.BootCritical ? 1 : 0);
            Marshal.WriteInt32(at, Offsets["DriverSignature"], p.Signature);
            Marshal.WriteIntPtr(at, Offsets["ProviderName"], Text(p.ProviderName));
            for (var w = 0; w < 8; w++)
            {
                Marshal.WriteInt16(at, Offsets["Date"] + (2 * w), (short)p.Date[w]);
            }

            Marshal.WriteInt32(at, Offsets["MajorVersion"], (int)p.Version[0]);
            Marshal.WriteInt32(at, Offsets["MinorVersion"], (int)p.Version[1]);
            Marshal.WriteInt32(at, Offsets["Build"], (int)p.Version[2]);
            Marshal.WriteInt32(at, Offsets["Revision"], (int)p.Version[3]);
        }

        return array;
    }

    public IntPtr DismString(string? value)
    {
        var structure = Allocate(IntPtr.Size);
        Marshal.WriteIntPtr(structure, Text(value));
        return structure;
    }

    public bool Owns(IntPtr pointer) => _allocations.Contains(pointer);

    public void Free()
    {
        foreach (var pointer in _allocations)
        {
            Marshal.FreeHGlobal(pointer);
        }

        _allocations.Clear();
    }

    public void Dispose() => Free();

    private IntPtr Allocate(int size)
    {
        var pointer = Marshal.AllocHGlobal(Math.Max(1, size));
        for (var i = 0; i < size; i++)
        {
            Marshal.WriteByte(pointer, i, 0xCC);
        }

        _allocations.Add(pointer);
        return pointer;
    }

    private IntPtr Text(string? value)
    {
        if (value is null)
        {
            return IntPtr.Zero;
        }

        var pointer = Marshal.StringToHGlobalUni(value);
        _allocations.Add(pointer);
        return pointer;
    }

    internal sealed record Package(
        string? PublishedName,
        string? OriginalFileName,
        bool InBox,
        string? CatalogFile,
        string? ClassName,
        string? ClassGuid,
        string? ClassDescription,
        bool BootCritical,
        int Signature,
        string? ProviderName,
        ushort[] Date,
        uint[] Version);
}
