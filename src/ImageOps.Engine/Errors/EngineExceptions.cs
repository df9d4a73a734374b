using System;

namespace ImageOps.Engine;

/// <summary>A named object (pool, image, package, profile) does not exist.</summary>
public class ObjectNotFoundException : ImageOpsException
{
    /// <summary>Creates the error.</summary>
    public ObjectNotFoundException(string errorId, string message, object? target = null, Exception? innerException = null)
        : base(errorId, ErrorKind.ObjectNotFound, message, target, innerException)
    {
    }
}

/// <summary>The object to create exists already, or its name is taken.</summary>
public class ObjectExistsException : ImageOpsException
{
    /// <summary>Creates the error.</summary>
    public ObjectExistsException(string errorId, string message, object? target = null, Exception? innerException = null)
        : base(errorId, ErrorKind.ResourceExists, message, target, innerException)
    {
    }
}

/// <summary>A request is not valid as given (bad name, overlapping path, missing option).</summary>
public class InvalidRequestException : ImageOpsException
{
    /// <summary>Creates the error.</summary>
    public InvalidRequestException(string errorId, string message, object? target = null, Exception? innerException = null)
        : base(errorId, ErrorKind.InvalidArgument, message, target, innerException)
    {
    }
}

/// <summary>The operation is not valid in the object's current state (a non-empty pool, a dirty hive).</summary>
public class InvalidStateException : ImageOpsException
{
    /// <summary>Creates the error.</summary>
    public InvalidStateException(string errorId, string message, object? target = null, Exception? innerException = null)
        : base(errorId, ErrorKind.InvalidOperation, message, target, innerException)
    {
    }
}

/// <summary>A folder, share or file the operation needs cannot be reached or written.</summary>
public class StorageUnavailableException : ImageOpsException
{
    /// <summary>Creates the error.</summary>
    public StorageUnavailableException(string errorId, string message, object? target = null, Exception? innerException = null)
        : base(errorId, ErrorKind.ResourceUnavailable, message, target, innerException)
    {
    }
}

/// <summary>A JSON record is corrupt, of the wrong kind, or from a newer schema.</summary>
public class RecordException : ImageOpsException
{
    /// <summary>Creates the error.</summary>
    public RecordException(string errorId, string path, string message, Exception? innerException = null)
        : base(errorId, ErrorKind.InvalidData, message, path, innerException)
    {
        Path = path;
    }

    /// <summary>The record file.</summary>
    public string Path { get; }
}

/// <summary>A lease could not be taken (busy) or was lost before the operation committed.</summary>
public class LeaseException : ImageOpsException
{
    /// <summary>Creates the error.</summary>
    public LeaseException(string errorId, string resource, string message)
        : base(errorId, errorId == ErrorIds.LeaseBusy ? ErrorKind.ResourceBusy : ErrorKind.InvalidOperation, message, resource)
    {
        Resource = resource;
    }

    /// <summary>The leased resource.</summary>
    public string Resource { get; }
}
