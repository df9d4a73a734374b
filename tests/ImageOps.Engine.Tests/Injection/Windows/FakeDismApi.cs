using System;
using System.Collections.Generic;
using ImageOps.Engine.Injection.Windows;

namespace ImageOps.Engine.Tests.Injection.Windows;

/// <summary>A dismapi.dll stand-in: scripted HRESULTs and messages, a record of calls, DISM-owned memory it frees on Delete.</summary>
internal sealed class FakeDismApi : IDismApi
{
    private uint _nextSession = 1;
    private string? _lastError;

    public List<string> Calls { get; } = new();

    public int InitializeResult { get; set; }

    public int OpenResult { get; set; }

    public string? OpenMessage { get; set; }

    /// <summary>HRESULT and message per INF file name; success for others.</summary>
    public Dictionary<string, (int HResult, string Message)> AddResults { get; } = new(StringComparer.OrdinalIgnoreCase);

    public int GetDriversResult { get; set; }

    public DismPackageMemory Memory { get; } = new();

    public DismPackageMemory.Package[] Drivers { get; set; } = Array.Empty<DismPackageMemory.Package>();

    public (int Level, string? Log, string? Scratch) Initialized { get; private set; }

    public List<IntPtr> Deleted { get; } = new();

    public int Initialize(int logLevel, string? logFilePath, string? scratchDirectory)
    {
        Calls.Add("Initialize");
        Initialized = (logLevel, logFilePath, scratchDirectory);
        return InitializeResult;
    }

    public int Shutdown()
    {
        Calls.Add("Shutdown");
        return 0;
    }

    public int OpenSession(string imagePath, string? windowsDirectory, string? systemDrive, out uint session)
    {
        Calls.Add("OpenSession " + imagePath);
        session = OpenResult < 0 ? 0 : _nextSession++;
        _lastError = OpenResult < 0 ? OpenMessage : null;
        return OpenResult;
    }

    public int CloseSession(uint session)
    {
        Calls.Add("CloseSession " + session);
        return 0;
    }

    public int AddDriver(uint session, string driverPath, bool forceUnsigned)
    {
        Calls.Add($"AddDriver {session} {System.IO.Path.GetFileName(driverPath)} {forceUnsigned}");
        if (AddResults.TryGetValue(System.IO.Path.GetFileName(driverPath), out var result))
        {
            _lastError = result.Message;
            return result.HResult;
        }

        return 0;
    }

    public int GetDrivers(uint session, bool allDrivers, out IntPtr driverPackages, out uint count)
    {
        Calls.Add($"GetDrivers {session} {allDrivers}");
        if (GetDriversResult < 0)
        {
            driverPackages = IntPtr.Zero;
            count = 0;
            _lastError = "The drivers could not be enumerated.";
            return GetDriversResult;
        }

        driverPackages = Memory.Packages(Drivers);
        count = (uint)Drivers.Length;
        return 0;
    }

    public string? GetLastErrorMessage()
    {
        Calls.Add("GetLastErrorMessage");
        return _lastError;
    }

    public int Delete(IntPtr dismStructure)
    {
        Calls.Add("Delete");
        Deleted.Add(dismStructure);
        return 0;
    }
}
