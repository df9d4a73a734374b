using System;

namespace ImageOps;

/// <summary>
/// The input uses a feature ImageOps recognises but does not handle (an unknown incompatible feature
/// bit, a subformat it cannot write). Refusing is deliberate: guessing would corrupt data.
/// </summary>
public class UnsupportedFeatureException : ImageOpsException
{
    /// <summary>Creates the error.</summary>
    /// <param name="feature">The feature, for example <c>qcow2 incompatible feature bit 5</c>.</param>
    /// <param name="message">A sentence for a person.</param>
    /// <param name="target">The file or object that uses the feature.</param>
    /// <param name="errorId">Stable id; defaults to <c>FeatureNotSupported</c>.</param>
    /// <param name="innerException">The underlying exception.</param>
    public UnsupportedFeatureException(string feature, string message, object? target = null, string errorId = "FeatureNotSupported", Exception? innerException = null)
        : base(errorId, ErrorKind.NotImplemented, message, target, innerException)
    {
        Feature = feature;
    }

    /// <summary>The feature that is not supported.</summary>
    public string Feature { get; }
}
