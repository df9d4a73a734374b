using System;
using System.Globalization;
using System.Text;

namespace ImageOps.Formats.Disks.Vmdk;

/// <summary>
/// The descriptor ImageOps writes into a new sparse extent. Every line is there for a reason:
/// <list type="bullet">
/// <item><c>version=1</c>: the descriptor format version every VMware product and qemu write for these create types.</item>
/// <item><c>encoding="UTF-8"</c>: how the text is encoded, so extent and parent names outside ASCII are read back right
/// (VMware products and VMware's open-vmdk write it).</item>
/// <item><c>CID</c> / <c>parentCID</c>: the content id and the parent's (ffffffff: none); children check the parent by it.</item>
/// <item><c>parentFileNameHint</c>: only for differencing disks, the parent reference.</item>
/// <item><c>createType</c>: <c>monolithicSparse</c> or <c>streamOptimized</c>; ESXi's OVF import requires streamOptimized.</item>
/// <item>The extent line <c>RW n SPARSE "file"</c>: the file itself. RW as qemu and open-vmdk write it (ovftool writes
/// RDONLY; ESXi accepts both, while qemu skips RDONLY extents in descriptor files).</item>
/// <item><c>ddb.adapterType</c> and <c>ddb.geometry.*</c>: the controller the disk was made for and the CHS geometry
/// matching it (VMware uses 16 heads for IDE and 255 for SCSI, 63 sectors per track; cylinders capped at 16383
/// for IDE and 65535 otherwise). streamOptimized gets <c>lsilogic</c>, the controller ESXi and open-vmdk pair it with;
/// monolithicSparse keeps qemu's <c>ide</c>, which every hosted product boots from.</item>
/// <item><c>ddb.longContentID</c>: VMware's 128-bit content id (written by VMware products and open-vmdk); random, ending in the CID.</item>
/// <item><c>ddb.toolsVersion = "2147483647"</c>: "tools version not managed by the host", what qemu and open-vmdk write.</item>
/// <item><c>ddb.virtualHWVersion = "4"</c>: the lowest virtual hardware that can use the disk (qemu's and open-vmdk's
/// default); the VM's hardware version lives in the OVF or .vmx, not here.</item>
/// <item><c>ddb.uuid</c>: only when the caller gives the disk an identity.</item>
/// </list>
/// Deliberately absent: <c>ddb.toolsInstallType</c> (it describes the guest's installed VMware Tools,
/// which a converter cannot know; ESXi fills it from the running guest), <c>isNativeSnapshot</c> and
/// <c>changeTrackPath</c> (ESXi-internal).
/// </summary>
internal static class VmdkDescriptorTemplate
{
    public const string AdapterIde = "ide";
    public const string AdapterLsiLogic = "lsilogic";

    public static string Create(string createType, long capacitySectors, string extentFileName, uint cid, uint parentCid, string? parentFileNameHint, string adapterType, Guid? diskId)
    {
        var ide = adapterType == AdapterIde;
        var heads = ide ? 16 : 255;
        const int sectorsPerTrack = 63;
        var cylinders = Math.Max(1, Math.Min((capacitySectors + heads * sectorsPerTrack - 1) / (heads * sectorsPerTrack), ide ? 16383 : 65535));
        var longContentId = new byte[12];
        using (var rng = System.Security.Cryptography.RandomNumberGenerator.Create())
        {
            rng.GetBytes(longContentId);
        }

        var text = new StringBuilder();
        text.Append("# Disk DescriptorFile\n");
        text.Append("version=1\n");
        text.Append("encoding=\"UTF-8\"\n");
        text.Append("CID=").Append(VmdkDescriptor.FormatCid(cid)).Append('\n');
        text.Append("parentCID=").Append(VmdkDescriptor.FormatCid(parentCid)).Append('\n');
        if (parentFileNameHint is not null)
        {
            text.Append("parentFileNameHint=\"").Append(parentFileNameHint).Append("\"\n");
        }

        text.Append("createType=\"").Append(createType).Append("\"\n");
        text.Append('\n');
        text.Append("# Extent description\n");
        text.Append("RW ").Append(capacitySectors.ToString(CultureInfo.InvariantCulture)).Append(" SPARSE \"").Append(extentFileName).Append("\"\n");
        text.Append('\n');
        text.Append("# The Disk Data Base\n");
        text.Append("#DDB\n");
        text.Append('\n');
        text.Append("ddb.adapterType = \"").Append(adapterType).Append("\"\n");
        text.Append("ddb.geometry.cylinders = \"").Append(cylinders.ToString(CultureInfo.InvariantCulture)).Append("\"\n");
        text.Append("ddb.geometry.heads = \"").Append(heads.ToString(CultureInfo.InvariantCulture)).Append("\"\n");
        text.Append("ddb.geometry.sectors = \"").Append(sectorsPerTrack.ToString(CultureInfo.InvariantCulture)).Append("\"\n");
        text.Append("ddb.longContentID = \"");
        foreach (var b in longContentId)
        {
            text.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }

        text.Append(VmdkDescriptor.FormatCid(cid)).Append("\"\n");
        text.Append("ddb.toolsVersion = \"2147483647\"\n");
        if (diskId is { } id)
        {
            text.Append("ddb.uuid = \"").Append(FormatUuid(id)).Append("\"\n");
        }

        text.Append("ddb.virtualHWVersion = \"4\"\n");
        return text.ToString();
    }

    /// <summary>VMware's uuid notation: "60 00 c2 9d 1a 2b 3c 4d-5e 6f 70 81 92 a3 b4 c5" (bytes in RFC 4122 order).</summary>
    private static string FormatUuid(Guid id)
    {
        var hex = id.ToString("N");
        var text = new StringBuilder();
        for (var i = 0; i < 16; i++)
        {
            if (i > 0)
            {
                text.Append(i == 8 ? '-' : ' ');
            }

            text.Append(hex, i * 2, 2);
        }

        return text.ToString();
    }

    /// <summary>Refuses names a descriptor cannot hold (quotes end the field; control characters break lines).</summary>
    public static void CheckName(string name, string what)
    {
        if (name.Length == 0 || name.IndexOf('"') >= 0 || HasControl(name))
        {
            throw new ArgumentException($"The {what} '{name}' cannot be written into a VMDK descriptor (empty, or contains a quote or a control character).");
        }
    }

    private static bool HasControl(string text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }
}
