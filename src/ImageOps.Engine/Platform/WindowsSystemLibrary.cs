using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

namespace ImageOps.Engine.Platform;

/// <summary>
/// Loads a DLL of the Windows system folder by its full path and checks that it exports every function
/// a backend calls, so a missing library or entry point is found once, up front, and reported as a
/// typed NotInstalled error instead of a <see cref="DllNotFoundException"/> or
/// <see cref="EntryPointNotFoundException"/> in the middle of an operation.
/// </summary>
/// <remarks>
/// The module is loaded by full path so a copy planted in the application folder is never picked, and
/// is never freed: the <c>[DllImport]</c> stubs that name the same module bind to the copy already in the
/// process (the Windows loader matches loaded modules by name). Not yet exercised on Windows.
/// </remarks>
internal static class WindowsSystemLibrary
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, string?> Results = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>True when this process runs on Windows.</summary>
    public static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

    /// <summary>
    /// Loads <paramref name="fileName"/> from the system folder once per process; null when it is loaded
    /// and exports all of <paramref name="exports"/>, otherwise why not (for the NotInstalled message).
    /// </summary>
    public static string? TryLoad(string fileName, IReadOnlyList<string> exports)
    {
        if (!IsWindows)
        {
            return $"{fileName} is part of Windows and this host runs {RuntimeInformation.OSDescription}";
        }

        lock (Gate)
        {
            if (!Results.TryGetValue(fileName, out var reason))
            {
                reason = Load(fileName, exports);
                Results[fileName] = reason;
            }

            return reason;
        }
    }

    private static string? Load(string fileName, IReadOnlyList<string> exports)
    {
        var path = Path.Combine(Environment.SystemDirectory, fileName);
        try
        {
            var module = LoadLibraryExW(path, IntPtr.Zero, 0);
            if (module == IntPtr.Zero)
            {
                return $"{path} could not be loaded (Win32 error {Marshal.GetLastWin32Error()})";
            }

            foreach (var export in exports)
            {
                if (GetProcAddress(module, export) == IntPtr.Zero)
                {
                    return $"{path} does not export {export}; this Windows version is too old";
                }
            }

            return null;
        }
        catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
        {
            return $"kernel32 could not be called: {ex.Message}";
        }
    }

    [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true, ExactSpelling = true)]
    private static extern IntPtr LoadLibraryExW(string fileName, IntPtr reserved, uint flags);

    // GetProcAddress only exists as an ANSI function: export names are ASCII.
    [DllImport("kernel32.dll", CharSet = CharSet.Ansi, BestFitMapping = false, SetLastError = true, ExactSpelling = true)]
    private static extern IntPtr GetProcAddress(IntPtr module, string procName);
}
