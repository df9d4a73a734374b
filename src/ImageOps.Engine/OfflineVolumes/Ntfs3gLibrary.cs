using System;
using System.Runtime.InteropServices;

namespace ImageOps.Engine.OfflineVolumes;

/// <summary>
/// Finds libntfs-3g the first time a volume is opened (never at assembly load, so hosts without it only
/// fail when they ask for it), and the few libc services the callbacks need (errno, dlsym).
/// </summary>
internal static class Ntfs3gLibrary
{
    private const int RtldNow = 2;
    private static readonly object Gate = new();
    private static IntPtr _handle;
    private static IntPtr _unnamed;

    /// <summary>The address of libntfs-3g's <c>AT_UNNAMED</c> (the empty attribute name it compares by identity).</summary>
    public static IntPtr Unnamed
    {
        get
        {
            EnsureAvailable();
            return _unnamed;
        }
    }

    /// <summary>Throws <c>Ntfs3gNotAvailable</c> (NotInstalled) unless libntfs-3g.so.89 can be loaded here.</summary>
    public static void EnsureAvailable() => EnsureAvailable(Ntfs3gNative.Library);

    /// <summary>As <see cref="EnsureAvailable()"/> for a given library name (tests name a missing one).</summary>
    public static void EnsureAvailable(string library)
    {
        lock (Gate)
        {
            if (library == Ntfs3gNative.Library && _handle != IntPtr.Zero)
            {
                return;
            }

            // The struct offsets the backend relies on are those of LP64 Linux on x64 and arm64.
            var architecture = RuntimeInformation.ProcessArchitecture;
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || (architecture != Architecture.X64 && architecture != Architecture.Arm64))
            {
                throw NotAvailable(library, "the libntfs-3g backend runs on x64 or arm64 Linux; use a mounted folder (DirectoryVolume) elsewhere");
            }

            IntPtr handle;
            try
            {
                handle = Dlopen(library);
            }
            catch (DllNotFoundException ex)
            {
                throw NotAvailable(library, "the dynamic loader could not be reached: " + ex.Message);
            }

            if (handle == IntPtr.Zero)
            {
                throw NotAvailable(library, $"{library} is not installed (Debian/Ubuntu: apt-get install libntfs-3g89)");
            }

            var unnamed = Dlsym(handle, "AT_UNNAMED");
            if (unnamed == IntPtr.Zero)
            {
                throw NotAvailable(library, $"{library} does not export AT_UNNAMED; it is not a libntfs-3g this build supports");
            }

            if (library == Ntfs3gNative.Library)
            {
                // Errors come back as errno; the library's own messages would only go to stderr.
                Ntfs3gNative.ntfs_log_clear_levels(uint.MaxValue);
                _unnamed = unnamed;
                _handle = handle;
            }
        }
    }

    /// <summary>Sets the calling thread's errno, as a native callback must before returning -1.</summary>
    public static void SetErrno(int value) => Marshal.WriteInt32(ErrnoLocation(), value);

    private static ImageOpsException NotAvailable(string library, string why)
        => new(OfflineVolumeErrorIds.Ntfs3gNotAvailable, ErrorKind.NotInstalled, $"Writing into NTFS volumes needs {library}: {why}.", library);

    private static IntPtr Dlopen(string library)
    {
        try
        {
            return DlopenLibdl(library, RtldNow);
        }
        catch (DllNotFoundException)
        {
            // glibc 2.34 and later also export dlopen from libc itself.
            return DlopenLibc(library, RtldNow);
        }
    }

    private static IntPtr Dlsym(IntPtr handle, string symbol)
    {
        try
        {
            return DlsymLibdl(handle, symbol);
        }
        catch (DllNotFoundException)
        {
            return DlsymLibc(handle, symbol);
        }
    }

    [DllImport("libdl.so.2", EntryPoint = "dlopen")]
    private static extern IntPtr DlopenLibdl([MarshalAs(UnmanagedType.LPStr)] string file, int mode);

    [DllImport("libc.so.6", EntryPoint = "dlopen")]
    private static extern IntPtr DlopenLibc([MarshalAs(UnmanagedType.LPStr)] string file, int mode);

    [DllImport("libdl.so.2", EntryPoint = "dlsym")]
    private static extern IntPtr DlsymLibdl(IntPtr handle, [MarshalAs(UnmanagedType.LPStr)] string symbol);

    [DllImport("libc.so.6", EntryPoint = "dlsym")]
    private static extern IntPtr DlsymLibc(IntPtr handle, [MarshalAs(UnmanagedType.LPStr)] string symbol);

    [DllImport("libc.so.6", EntryPoint = "__errno_location")]
    private static extern IntPtr ErrnoLocation();
}
