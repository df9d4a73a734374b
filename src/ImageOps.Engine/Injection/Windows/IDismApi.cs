using System;

namespace ImageOps.Engine.Injection.Windows;

/// <summary>
/// The DISM API calls <see cref="DismDriverServicing"/> makes (dismapi.dll, or a test double), so the
/// session lifetime, the per-driver results and the marshalling of DISM's memory are unit-tested off
/// Windows. Each returns the HRESULT of the function it wraps.
/// </summary>
internal interface IDismApi
{
    int Initialize(int logLevel, string? logFilePath, string? scratchDirectory);

    int Shutdown();

    int OpenSession(string imagePath, string? windowsDirectory, string? systemDrive, out uint session);

    int CloseSession(uint session);

    int AddDriver(uint session, string driverPath, bool forceUnsigned);

    int GetDrivers(uint session, bool allDrivers, out IntPtr driverPackages, out uint count);

    /// <summary>DISM's message for this thread's last failure (DismGetLastErrorMessage, then DismDelete), or null.</summary>
    string? GetLastErrorMessage();

    int Delete(IntPtr dismStructure);
}
