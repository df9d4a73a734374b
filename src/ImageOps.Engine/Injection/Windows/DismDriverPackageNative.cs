using System;
using System.Runtime.InteropServices;

namespace ImageOps.Engine.Injection.Windows;

/// <summary>
/// <c>DismDriverPackage</c> (dismapi.h; learn.microsoft.com "DismDriverPackage structure"), declared under
/// the header's <c>#pragma pack(push, 1)</c>: no padding anywhere, so on x64 every pointer after the first
/// BOOL sits on a 4-byte boundary (CatalogFile at 20, not 24) and the struct is 100 bytes; on x86 it is 72.
/// Strings are kept as pointers and copied out by <see cref="DismMarshal"/>, so DISM's memory is never
/// freed by the marshaller (DismDelete frees the whole array).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal struct DismDriverPackageNative
{
    public IntPtr PublishedName;
    public IntPtr OriginalFileName;
    public int InBox;
    public IntPtr CatalogFile;
    public IntPtr ClassName;
    public IntPtr ClassGuid;
    public IntPtr ClassDescription;
    public int BootCritical;
    public int DriverSignature;
    public IntPtr ProviderName;
    public DismSystemTime Date;
    public uint MajorVersion;
    public uint MinorVersion;
    public uint Build;
    public uint Revision;
}
