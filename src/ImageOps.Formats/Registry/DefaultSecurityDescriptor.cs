using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace ImageOps.Formats.Registry;

/// <summary>
/// The self-relative security descriptor new hives give their root ([MS-DTYP] §2.4.6
/// SECURITY_DESCRIPTOR, §2.4.5 ACL, §2.4.4.2 ACCESS_ALLOWED_ACE): owner Administrators, group SYSTEM,
/// a DACL inherited by subkeys granting full control to SYSTEM and Administrators, read to Users, and
/// full control to a key's creator, as Windows' own machine hives carry.
/// </summary>
internal static class DefaultSecurityDescriptor
{
    private const ushort SelfRelative = 0x8000;
    private const ushort DaclPresent = 0x0004;
    private const byte AccessAllowedAceType = 0;
    private const byte ContainerInheritAce = 0x02;
    private const byte InheritOnlyAce = 0x08;
    private const uint KeyAllAccess = 0x000F003F;
    private const uint KeyRead = 0x00020019;
    private const uint GenericAll = 0x10000000;

    private static readonly byte[] LocalSystem = Sid(5, 18);
    private static readonly byte[] Administrators = Sid(5, 32, 544);
    private static readonly byte[] Users = Sid(5, 32, 545);
    private static readonly byte[] CreatorOwner = Sid(3, 0);

    public static byte[] Build()
    {
        var aces = new List<byte[]>
        {
            Ace(ContainerInheritAce, KeyAllAccess, LocalSystem),
            Ace(ContainerInheritAce, KeyAllAccess, Administrators),
            Ace(ContainerInheritAce, KeyRead, Users),
            Ace(ContainerInheritAce | InheritOnlyAce, GenericAll, CreatorOwner),
        };

        var aclSize = 8;
        aces.ForEach(a => aclSize += a.Length);
        const int header = 20;
        var descriptor = new byte[header + aclSize + Administrators.Length + LocalSystem.Length];
        descriptor[0] = 1; // revision
        BinaryPrimitives.WriteUInt16LittleEndian(descriptor.AsSpan(2), SelfRelative | DaclPresent);
        var owner = header + aclSize;
        var group = owner + Administrators.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(descriptor.AsSpan(4), (uint)owner);
        BinaryPrimitives.WriteUInt32LittleEndian(descriptor.AsSpan(8), (uint)group);
        BinaryPrimitives.WriteUInt32LittleEndian(descriptor.AsSpan(12), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(descriptor.AsSpan(16), header);

        descriptor[header] = 2; // ACL revision
        BinaryPrimitives.WriteUInt16LittleEndian(descriptor.AsSpan(header + 2), (ushort)aclSize);
        BinaryPrimitives.WriteUInt16LittleEndian(descriptor.AsSpan(header + 4), (ushort)aces.Count);
        var at = header + 8;
        foreach (var ace in aces)
        {
            ace.CopyTo(descriptor, at);
            at += ace.Length;
        }

        Administrators.CopyTo(descriptor, owner);
        LocalSystem.CopyTo(descriptor, group);
        return descriptor;
    }

    private static byte[] Ace(byte flags, uint mask, byte[] sid)
    {
        var ace = new byte[8 + sid.Length];
        ace[0] = AccessAllowedAceType;
        ace[1] = flags;
        BinaryPrimitives.WriteUInt16LittleEndian(ace.AsSpan(2), (ushort)ace.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(ace.AsSpan(4), mask);
        sid.CopyTo(ace, 8);
        return ace;
    }

    private static byte[] Sid(byte authority, params uint[] subAuthorities)
    {
        var sid = new byte[8 + (4 * subAuthorities.Length)];
        sid[0] = 1;
        sid[1] = (byte)subAuthorities.Length;
        sid[7] = authority;
        for (var i = 0; i < subAuthorities.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(sid.AsSpan(8 + (4 * i)), subAuthorities[i]);
        }

        return sid;
    }
}
