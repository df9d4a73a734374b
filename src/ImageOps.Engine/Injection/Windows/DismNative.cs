using System;
using System.Runtime.InteropServices;

namespace ImageOps.Engine.Injection.Windows;

/// <summary>
/// The dismapi.dll entry points ImageOps calls, declared from the DISM API reference (dismapi.h; pages
/// "DismInitialize function" … "DismDelete function"). Every function returns an HRESULT; WINAPI is the
/// platform's default (stdcall on x86); <c>DismSession</c> is a UINT; BOOLs are 4 bytes. No
/// <c>SetLastError</c>: DISM reports through the HRESULT and DismGetLastErrorMessage (per thread).
/// Not yet exercised on Windows.
/// </summary>
internal static class DismNative
{
    public const string Library = "dismapi.dll";

    /// <summary>The exports checked when the library is loaded.</summary>
    public static readonly string[] Exports = { "DismInitialize", "DismShutdown", "DismOpenSession", "DismCloseSession", "DismAddDriver", "DismGetDrivers", "DismGetLastErrorMessage", "DismDelete" };

    /// <summary>DismLogLevel: DismLogErrors = 0, DismLogErrorsWarnings = 1, DismLogErrorsWarningsInfo = 2.</summary>
    public const int LogErrorsWarningsInfo = 2;

    [DllImport(Library, CharSet = CharSet.Unicode, ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    public static extern int DismInitialize(int logLevel, string? logFilePath, string? scratchDirectory);

    [DllImport(Library, ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    public static extern int DismShutdown();

    [DllImport(Library, CharSet = CharSet.Unicode, ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    public static extern int DismOpenSession(string imagePath, string? windowsDirectory, string? systemDrive, out uint session);

    [DllImport(Library, ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    public static extern int DismCloseSession(uint session);

    [DllImport(Library, CharSet = CharSet.Unicode, ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    public static extern int DismAddDriver(uint session, string driverPath, [MarshalAs(UnmanagedType.Bool)] bool forceUnsigned);

    /// <summary>The array is DISM's, freed with DismDelete.</summary>
    [DllImport(Library, ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    public static extern int DismGetDrivers(uint session, [MarshalAs(UnmanagedType.Bool)] bool allDrivers, out IntPtr driverPackage, out uint count);

    /// <summary>A DismString* for the calling thread's last failure, freed with DismDelete.</summary>
    [DllImport(Library, ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    public static extern int DismGetLastErrorMessage(out IntPtr errorMessage);

    [DllImport(Library, ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    public static extern int DismDelete(IntPtr dismStructure);
}
