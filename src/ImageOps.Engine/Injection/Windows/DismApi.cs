using System;

namespace ImageOps.Engine.Injection.Windows;

/// <summary><see cref="IDismApi"/> over dismapi.dll. Not yet exercised on Windows.</summary>
internal sealed class DismApi : IDismApi
{
    public static readonly DismApi Instance = new();

    private DismApi()
    {
    }

    public int Initialize(int logLevel, string? logFilePath, string? scratchDirectory) => DismNative.DismInitialize(logLevel, logFilePath, scratchDirectory);

    public int Shutdown() => DismNative.DismShutdown();

    public int OpenSession(string imagePath, string? windowsDirectory, string? systemDrive, out uint session) => DismNative.DismOpenSession(imagePath, windowsDirectory, systemDrive, out session);

    public int CloseSession(uint session) => DismNative.DismCloseSession(session);

    public int AddDriver(uint session, string driverPath, bool forceUnsigned) => DismNative.DismAddDriver(session, driverPath, forceUnsigned);

    public int GetDrivers(uint session, bool allDrivers, out IntPtr driverPackages, out uint count) => DismNative.DismGetDrivers(session, allDrivers, out driverPackages, out count);

    public string? GetLastErrorMessage()
    {
        if (DismNative.DismGetLastErrorMessage(out var message) < 0 || message == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            return DismMarshal.ReadString(message)?.Trim();
        }
        finally
        {
            DismNative.DismDelete(message);
        }
    }

    public int Delete(IntPtr dismStructure) => DismNative.DismDelete(dismStructure);
}
