namespace ImageOps.Formats.Disks;

/// <summary>
/// How a differencing disk refers to its parent, and whether the parent found is the one it was
/// made from (VHD: parent unique id and time stamp; VHDX: parent DataWriteGuid; VMDK: parent CID;
/// qcow2 records no identity).
/// </summary>
public sealed class ParentLink
{
    /// <summary>Creates a link.</summary>
    public ParentLink(string reference, string? expectedIdentity)
    {
        Reference = reference;
        ExpectedIdentity = expectedIdentity;
    }

    /// <summary>The parent's name or path exactly as the child records it.</summary>
    public string Reference { get; }

    /// <summary>The parent identity the child records, or null if the format records none.</summary>
    public string? ExpectedIdentity { get; }

    /// <summary>The parent file opened, once resolved.</summary>
    public string? ResolvedPath { get; internal set; }

    /// <summary>The identity the opened parent presents, once resolved.</summary>
    public string? ActualIdentity { get; internal set; }

    /// <summary>True when identities match, false when they differ, null when the format records none.</summary>
    public bool? IdentityMatches => ExpectedIdentity is null || ActualIdentity is null ? null : string.Equals(ExpectedIdentity, ActualIdentity, System.StringComparison.OrdinalIgnoreCase);
}
