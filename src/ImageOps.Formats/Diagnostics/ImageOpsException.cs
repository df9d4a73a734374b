using System;

namespace ImageOps;

/// <summary>
/// Base of every error ImageOps reports on purpose. It carries a stable PascalCase
/// <see cref="ErrorId"/> (what scripts and the CLI's JSON match on), an <see cref="ErrorKind"/>
/// and the object the error is about (a path, an image, a package), never the caller.
/// </summary>
public class ImageOpsException : Exception
{
    /// <summary>Creates an error with a stable id, a kind and an optional target.</summary>
    /// <param name="errorId">Stable PascalCase id, for example <c>ImagePoolNotFound</c>.</param>
    /// <param name="kind">What kind of failure this is.</param>
    /// <param name="message">A sentence for a person, naming the file or object.</param>
    /// <param name="target">The object the error is about.</param>
    /// <param name="innerException">The underlying exception, kept for diagnosis.</param>
    public ImageOpsException(string errorId, ErrorKind kind, string message, object? target = null, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorId = errorId ?? throw new ArgumentNullException(nameof(errorId));
        Kind = kind;
        Target = target;
    }

    /// <summary>Stable PascalCase identifier of the condition.</summary>
    public string ErrorId { get; }

    /// <summary>The kind of failure.</summary>
    public ErrorKind Kind { get; }

    /// <summary>The object the error is about: a path, a name or an engine object.</summary>
    public object? Target { get; }
}
