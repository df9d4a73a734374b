namespace ImageOps.Engine.Injection.Windows;

/// <summary>The signature status DISM reports for a driver package (dismapi.h <c>DismDriverSignature</c>; not yet exercised on Windows).</summary>
public enum DismDriverSignature
{
    /// <summary>DismDriverSignatureUnknown (0).</summary>
    Unknown = 0,

    /// <summary>DismDriverSignatureUnsigned (1).</summary>
    Unsigned = 1,

    /// <summary>DismDriverSignatureSigned (2).</summary>
    Signed = 2,
}
