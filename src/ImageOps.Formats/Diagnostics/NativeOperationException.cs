using System;
using System.Globalization;

namespace ImageOps;

/// <summary>A native call (libntfs-3g, the DISM API, Win32) failed with an error code.</summary>
public class NativeOperationException : ImageOpsException
{
    /// <summary>Creates the error.</summary>
    /// <param name="function">The native function that failed, for example <c>ntfs_mount</c>.</param>
    /// <param name="code">The error code it returned (errno, HRESULT, Win32 error).</param>
    /// <param name="message">A sentence for a person.</param>
    /// <param name="target">The file or object the call was about.</param>
    /// <param name="errorId">Stable id; defaults to <c>NativeCallFailed</c>.</param>
    public NativeOperationException(string function, int code, string message, object? target = null, string errorId = "NativeCallFailed")
        : base(errorId, ErrorKind.DeviceError, string.Format(CultureInfo.InvariantCulture, "{0} failed with code {1} (0x{1:X8}): {2}", function, code, message), target)
    {
        Function = function;
        Code = code;
    }

    /// <summary>The native function that failed.</summary>
    public string Function { get; }

    /// <summary>The error code it returned.</summary>
    public int Code { get; }
}
