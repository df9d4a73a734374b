using System;
using System.Collections.Generic;

namespace ImageOps.Engine.Tests.Platform;

/// <summary>
/// The C layout rules of MSVC, computed independently of the .NET marshaller: each member is aligned to
/// min(its natural alignment, the pack), the struct's size to the largest alignment used. Lets a test
/// derive the x86 layout of a header's struct on an x64 machine (pointers 4 bytes instead of 8), and
/// check both against the tables worked out by hand from the header.
/// </summary>
public static class CStructLayout
{
    public static CMember Pointer(string name, int pointerSize) => new(name, pointerSize, pointerSize);

    public static CMember Dword(string name) => new(name, 4, 4);

    public static CMember Word(string name) => new(name, 2, 2);

    public static CMember Byte(string name) => new(name, 1, 1);

    public static CMember Guid(string name) => new(name, 16, 4);

    /// <summary>LARGE_INTEGER, ULONGLONG: 8-aligned on x86 and x64 with MSVC.</summary>
    public static CMember Int64(string name) => new(name, 8, 8);

    /// <summary>SYSTEMTIME: eight WORDs.</summary>
    public static CMember SystemTime(string name) => new(name, 16, 2);

    public static (Dictionary<string, int> Offsets, int Size) Compute(IEnumerable<CMember> members, int pack)
    {
        var offsets = new Dictionary<string, int>(StringComparer.Ordinal);
        var offset = 0;
        var largest = 1;
        foreach (var member in members)
        {
            var alignment = Math.Min(member.Alignment, pack);
            offset = Align(offset, alignment);
            offsets[member.Name] = offset;
            offset += member.Size;
            largest = Math.Max(largest, alignment);
        }

        return (offsets, Align(offset, largest));
    }

    private static int Align(int value, int alignment) => (value + alignment - 1) / alignment * alignment;
}

public sealed record CMember(string Name, int Size, int Alignment);
