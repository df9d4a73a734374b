using System;
using System.IO;
using System.Management.Automation;

namespace ImageOps.PowerShell.Infrastructure;

/// <summary>
/// The one place engine exceptions become ErrorRecords (STYLE.md 14-15): the exception with its
/// inner exception kept, the engine's stable ErrorId, the category mapped by name from
/// <see cref="ErrorKind"/>, and the image, path or pool as target — never the cmdlet.
/// </summary>
public static class ErrorRecordFactory
{
    /// <summary>Builds the record for an exception thrown by an engine call.</summary>
    /// <param name="exception">What the engine threw.</param>
    /// <param name="fallbackTarget">The target to report when the exception names none.</param>
    public static ErrorRecord Create(Exception exception, object? fallbackTarget)
    {
        switch (exception)
        {
            case ImageOpsException known:
                return new ErrorRecord(known, known.ErrorId, Map(known.Kind), known.Target ?? fallbackTarget);
            case UnauthorizedAccessException:
                return new ErrorRecord(exception, "AccessDenied", ErrorCategory.PermissionDenied, fallbackTarget);
            case FileNotFoundException notFound:
                return new ErrorRecord(exception, "FileNotFound", ErrorCategory.ObjectNotFound, notFound.FileName ?? fallbackTarget);
            case DirectoryNotFoundException:
                return new ErrorRecord(exception, "DirectoryNotFound", ErrorCategory.ObjectNotFound, fallbackTarget);
            case IOException:
                return new ErrorRecord(exception, "IOError", ErrorCategory.WriteError, fallbackTarget);
            case OperationCanceledException:
                return new ErrorRecord(exception, "OperationStopped", ErrorCategory.OperationStopped, fallbackTarget);
            default:
                return new ErrorRecord(exception, "UnexpectedError", ErrorCategory.NotSpecified, fallbackTarget);
        }
    }

    /// <summary>Maps an engine error kind to PowerShell's category of the same name.</summary>
    public static ErrorCategory Map(ErrorKind kind)
        => Enum.TryParse<ErrorCategory>(kind.ToString(), out var category) ? category : ErrorCategory.NotSpecified;

    /// <summary>True for exceptions a cmdlet reports as an error rather than letting crash the pipeline.</summary>
    public static bool IsReportable(Exception exception)
        => exception is ImageOpsException || exception is IOException || exception is UnauthorizedAccessException;
}
