namespace ImageOps;

/// <summary>How much a log message matters; mirrors PowerShell's Debug/Verbose/Information/Warning streams.</summary>
public enum LogLevel
{
    /// <summary>Detail for developers.</summary>
    Debug,

    /// <summary>What the operation is doing, for admins who ask (-Verbose).</summary>
    Verbose,

    /// <summary>A result worth telling.</summary>
    Information,

    /// <summary>Something the user should look at; the operation continues.</summary>
    Warning,
}

/// <summary>
/// The narrow log the engine writes to. Implementations must be thread-safe: parallel engine work
/// may log from several threads (front ends queue messages to their own thread).
/// </summary>
public interface IOperationLog
{
    /// <summary>Writes one message.</summary>
    void Write(LogLevel level, string message);
}

/// <summary>Convenience methods over <see cref="IOperationLog"/>.</summary>
public static class OperationLogExtensions
{
    /// <summary>Writes a verbose message.</summary>
    public static void Verbose(this IOperationLog log, string message) => log.Write(LogLevel.Verbose, message);

    /// <summary>Writes a warning.</summary>
    public static void Warning(this IOperationLog log, string message) => log.Write(LogLevel.Warning, message);

    /// <summary>Writes an informational message.</summary>
    public static void Information(this IOperationLog log, string message) => log.Write(LogLevel.Information, message);

    /// <summary>Writes a debug message.</summary>
    public static void Debug(this IOperationLog log, string message) => log.Write(LogLevel.Debug, message);
}

/// <summary>A log that discards everything.</summary>
public sealed class NullOperationLog : IOperationLog
{
    /// <summary>The shared instance.</summary>
    public static readonly NullOperationLog Instance = new();

    private NullOperationLog()
    {
    }

    /// <inheritdoc />
    public void Write(LogLevel level, string message)
    {
    }
}
