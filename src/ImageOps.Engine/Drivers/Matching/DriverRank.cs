using System;
using System.Globalization;

namespace ImageOps.Engine.Drivers;

/// <summary>Which kinds of identifiers matched ("Identifier Score", learn.microsoft.com).</summary>
public enum DriverIdMatchType
{
    /// <summary>A device hardware id equals the INF entry's hardware id: the best match (0x0000-0x0FFF).</summary>
    HardwareIdToHardwareId = 0,

    /// <summary>A device hardware id equals one of the INF entry's compatible ids (0x1000-0x1FFF).</summary>
    HardwareIdToCompatibleId = 1,

    /// <summary>A device compatible id equals the INF entry's hardware id (0x2000-0x2FFF).</summary>
    CompatibleIdToHardwareId = 2,

    /// <summary>A device compatible id equals one of the INF entry's compatible ids (0x3000-0x3FFF).</summary>
    CompatibleIdToCompatibleId = 3,
}

/// <summary>
/// A driver rank as Windows computes it ("How Windows Ranks Drivers", Vista and later): 0xSSGGTHHH, the
/// sum of the signature score (SS), the feature score (GG) and the identifier score (THHH). Lower is better.
/// <list type="bullet">
/// <item>Signature score ("Signature Score"): 0x00 for a trusted signature (WHQL, inbox, Authenticode —
/// AllSignersEqual is on by default since Windows 7, so all trusted signers rank the same); for unsigned
/// packages 0x80 if the DDInstall section has an .NT extension (SIGNERSCORE_UNSIGNED), else 0xC0
/// (SIGNERSCORE_W9X_SUSPECT). ImageOps cannot verify signatures off Windows: a package whose catalog
/// file is present is ranked as trusted, one without as unsigned. <see cref="SignatureAssumed"/> says so.</item>
/// <item>Feature score ("Feature Score", INF FeatureScore directive): the DDInstall section's FeatureScore
/// byte, 0xFF by default.</item>
/// <item>Identifier score ("Identifier Score" and its "Driver Rank Example" table): the match type in T and
/// the list position in HHH: the device id's position for hardware-id matches (0x0000+i, 0x1000+i,
/// 0x2000+j), and for compatible-to-compatible 0x3000 + (INF compatible id position × 0x100) + device
/// compatible id position.</item>
/// </list>
/// </summary>
public sealed class DriverRank : IComparable<DriverRank>
{
    /// <summary>Signature score of a trusted signature.</summary>
    public const int SignatureTrusted = 0x00;

    /// <summary>SIGNERSCORE_UNSIGNED: unsigned, installed by a DDInstall section with an .NT extension.</summary>
    public const int SignatureUnsignedNt = 0x80;

    /// <summary>SIGNERSCORE_W9X_SUSPECT: unsigned, DDInstall section without an .NT extension.</summary>
    public const int SignatureUnsigned = 0xC0;

    /// <summary>The feature score Windows uses when the INF sets none.</summary>
    public const int DefaultFeatureScore = 0xFF;

    internal DriverRank(int signatureScore, int featureScore, DriverIdMatchType matchType, int devicePosition, int infPosition, string deviceId, string infId)
    {
        SignatureScore = signatureScore;
        FeatureScore = featureScore;
        MatchType = matchType;
        DeviceIdPosition = devicePosition;
        InfIdPosition = infPosition;
        DeviceId = deviceId;
        InfId = infId;
        IdentifierScore = ComputeIdentifierScore(matchType, devicePosition, infPosition);
    }

    /// <summary>SS: 0x00 trusted, 0x80 unsigned with .NT section, 0xC0 unsigned without.</summary>
    public int SignatureScore { get; }

    /// <summary>True because ImageOps ranks by the catalog's presence, not a verified signature.</summary>
    public bool SignatureAssumed => true;

    /// <summary>GG: the FeatureScore byte (0xFF unless the INF sets it).</summary>
    public int FeatureScore { get; }

    /// <summary>THHH.</summary>
    public int IdentifierScore { get; }

    /// <summary>The kinds of ids that matched.</summary>
    public DriverIdMatchType MatchType { get; }

    /// <summary>0-based position of the matching id in the device's hardware or compatible id list.</summary>
    public int DeviceIdPosition { get; }

    /// <summary>0 for the INF entry's hardware id, 1.. for its compatible ids.</summary>
    public int InfIdPosition { get; }

    /// <summary>The device's id that matched.</summary>
    public string DeviceId { get; }

    /// <summary>The INF's id that matched.</summary>
    public string InfId { get; }

    /// <summary>The rank as a number: (SS &lt;&lt; 24) | (GG &lt;&lt; 16) | THHH.</summary>
    public uint Value => ((uint)SignatureScore << 24) | ((uint)FeatureScore << 16) | (uint)IdentifierScore;

    /// <summary>For example <c>0x00FF0001</c>.</summary>
    public string Hex => "0x" + Value.ToString("X8", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public int CompareTo(DriverRank? other) => other is null ? -1 : Value.CompareTo(other.Value);

    /// <summary>The rank and what it is made of, in words.</summary>
    public string Describe()
        => string.Format(CultureInfo.InvariantCulture, "rank {0} = signature 0x{1:X2} ({2}) + feature 0x{3:X2} + identifier 0x{4:X4} ({5})", Hex, SignatureScore, DescribeSignature(SignatureScore), FeatureScore, IdentifierScore, DescribeMatch());

    /// <summary>The identifier match in words.</summary>
    public string DescribeMatch()
    {
        var device = (MatchType is DriverIdMatchType.HardwareIdToHardwareId or DriverIdMatchType.HardwareIdToCompatibleId ? "device hardware id #" : "device compatible id #") + (DeviceIdPosition + 1).ToString(CultureInfo.InvariantCulture);
        var inf = InfIdPosition == 0 ? "the INF's hardware id" : "the INF's compatible id #" + InfIdPosition.ToString(CultureInfo.InvariantCulture);
        return device + " " + DeviceId + " = " + inf;
    }

    /// <inheritdoc />
    public override string ToString() => Hex;

    internal static string DescribeSignature(int score) => score switch
    {
        SignatureTrusted => "catalog present: ranked as signed",
        SignatureUnsignedNt => "no catalog: unsigned, .NT install section",
        _ => "no catalog: unsigned, no .NT install section",
    };

    private static int ComputeIdentifierScore(DriverIdMatchType type, int device, int inf)
    {
        var d = Math.Min(device, 0xFF);
        return type switch
        {
            DriverIdMatchType.HardwareIdToHardwareId => d,
            DriverIdMatchType.HardwareIdToCompatibleId => 0x1000 + d,
            DriverIdMatchType.CompatibleIdToHardwareId => 0x2000 + d,

            // The INF compatible id's 0-based position goes in the second hex digit.
            _ => 0x3000 + (Math.Min(Math.Max(inf - 1, 0), 0xF) << 8) + d,
        };
    }
}
