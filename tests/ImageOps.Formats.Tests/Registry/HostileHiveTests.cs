using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using ImageOps.Formats.Registry;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Registry;

/// <summary>
/// HOSTILE.md for regf ("Registry cells", "Checksums", "Logs"): each case patches a valid hive built
/// here and must end in success or a typed error naming the structure and offset, within bounded time
/// and memory, whether the hive is opened, walked, checked or edited.
/// </summary>
public class HostileHiveTests
{
    private static readonly Lazy<byte[]> Valid = new(() => RegistryTestHives.Empty().With(plan =>
    {
        plan.SetString(@"ControlSet001\Services\viostor", "Group", "SCSI miniport");
        plan.SetDWord(@"ControlSet001\Services\viostor", "Start", 0);
        plan.SetBinary(@"ControlSet001\Services\viostor", "Big", RegistryTestHives.Bytes(40_000, 7));
        plan.CreateKey(@"ControlSet001\Control", className: "cls");
        for (var i = 0; i < 600; i++)
        {
            plan.CreateKey($@"Many\k{i:D3}");
        }
    }).ToArray());

    [Theory]
    [InlineData(0, "HiveNotRecognized")]
    [InlineData(1, "HiveNotRecognized")]
    [InlineData(4, "HiveTruncated")]
    [InlineData(511, "HiveTruncated")]
    [InlineData(4095, "HiveTruncated")]
    [InlineData(4096, "HiveTruncated")]
    [InlineData(4096 + 32, "HiveTruncated")]
    [InlineData(8192, "HiveTruncated")]
    public void Truncated_files_are_refused(int length, string errorId)
    {
        var data = Valid.Value.AsSpan(0, length).ToArray();
        var error = Hostile.Refused(() => RegistryHive.Open(data));
        Assert.Equal(errorId, error.ErrorId);
        Assert.IsType<CorruptImageException>(error);
    }

    [Fact]
    public void A_file_cut_inside_the_hive_bins_is_refused_as_truncated()
    {
        var valid = Valid.Value;
        foreach (var length in new[] { valid.Length - 1, valid.Length - 4096, valid.Length / 2 })
        {
            var error = (CorruptImageException)Hostile.Refused(() => RegistryHive.Open(valid.AsSpan(0, length).ToArray()));
            Assert.Equal("HiveTruncated", error.ErrorId);
            Assert.Equal("regf", error.Format);
            Assert.Equal("hive bins", error.Structure);
        }
    }

    [Fact]
    public void Every_flipped_byte_of_the_checksummed_base_block_is_caught()
    {
        for (var offset = 4; offset < BaseBlock.ChecksummedLength + 4; offset += 7)
        {
            var data = (byte[])Valid.Value.Clone();
            data[offset] ^= 0x20;
            var error = (CorruptImageException)Hostile.Refused(() => RegistryHive.Open(data));
            Assert.Equal("HiveBaseBlockInvalid", error.ErrorId);
            Assert.Equal(BaseBlock.ChecksumOffset, error.Offset);
        }
    }

    [Theory]
    [InlineData(BaseBlock.HiveBinsDataSizeOffset, 0u, "HiveBaseBlockInvalid")]
    [InlineData(BaseBlock.HiveBinsDataSizeOffset, 4097u, "HiveBaseBlockInvalid")]
    [InlineData(BaseBlock.HiveBinsDataSizeOffset, 0x80000000u, "HiveBaseBlockInvalid")]
    [InlineData(BaseBlock.HiveBinsDataSizeOffset, 0xFFFFF000u, "HiveBaseBlockInvalid")]
    [InlineData(BaseBlock.HiveBinsDataSizeOffset, 0x10000000u, "HiveTruncated")]
    [InlineData(BaseBlock.RootCellOffsetOffset, 0xFFFFFFFFu, "HiveCorrupt")]
    [InlineData(BaseBlock.RootCellOffsetOffset, 0x24u, "HiveCorrupt")]
    [InlineData(BaseBlock.RootCellOffsetOffset, 0x7FFFFFF8u, "HiveCorrupt")]
    [InlineData(BaseBlock.MajorVersionOffset, 2u, "HiveVersionNotSupported")]
    [InlineData(BaseBlock.MinorVersionOffset, 1u, "HiveVersionNotSupported")]
    [InlineData(BaseBlock.MinorVersionOffset, 7u, "HiveVersionNotSupported")]
    [InlineData(BaseBlock.FileFormatOffset, 2u, "HiveVersionNotSupported")]
    [InlineData(BaseBlock.FileTypeOffset, 1u, "HiveNotRecognized")]
    public void Base_block_fields_out_of_range_are_refused(int offset, uint value, string errorId)
    {
        var data = (byte[])Valid.Value.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(offset), value);
        FixChecksum(data);
        Assert.Equal(errorId, Hostile.Refused(() => RegistryHive.Open(data)).ErrorId);
    }

    [Fact]
    public void A_root_offset_at_a_cell_that_is_not_a_key_node_is_refused()
    {
        var hive = RegistryHive.Open(Valid.Value);
        var security = hive.Tree.Key(hive.Tree.Root).Security;
        var data = (byte[])Valid.Value.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(BaseBlock.RootCellOffsetOffset), security);
        FixChecksum(data);
        var error = (CorruptImageException)Hostile.Refused(() => RegistryHive.Open(data));
        Assert.Equal("key node", error.Structure);
        Assert.Contains("no 'nk' signature", error.Detail);
    }

    [Theory]
    [InlineData(HiveBin.SignatureOffset, 0x12345678u, "no 'hbin' signature")]
    [InlineData(HiveBin.OffsetOffset, 0u, "it says it is at offset")]
    [InlineData(HiveBin.SizeOffset, 0u, "is not a non-zero multiple of 4096")]
    [InlineData(HiveBin.SizeOffset, 4095u, "is not a non-zero multiple of 4096")]
    [InlineData(HiveBin.SizeOffset, 0x40000000u, "is not a non-zero multiple of 4096")]
    public void Damaged_hive_bin_headers_are_refused(int field, uint value, string detail)
    {
        var data = (byte[])Valid.Value.Clone();
        var secondBin = BaseBlock.Size + (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(BaseBlock.Size + HiveBin.SizeOffset));
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(secondBin + field), value);
        var error = (CorruptImageException)Hostile.Refused(() => RegistryHive.Open(data));
        Assert.Equal("hive bin", error.Structure);
        Assert.Equal(secondBin, error.Offset);
        Assert.Contains(detail, error.Detail);
    }

    [Theory]
    [InlineData(0, "zero")]
    [InlineData(-12, "not a multiple of 8")]
    [InlineData(13, "not a multiple of 8")]
    [InlineData(4, "not a multiple of 8")]
    [InlineData(-8192, "crossing the end of its hive bin")]
    [InlineData(int.MinValue, "zero")]
    public void Cell_sizes_that_cannot_be_are_refused(int size, string detail)
    {
        var data = (byte[])Valid.Value.Clone();
        var firstCell = BaseBlock.Size + HiveBin.HeaderSize;
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(firstCell), size);
        var error = (CorruptImageException)Hostile.Refused(() => RegistryHive.Open(data));
        Assert.Equal("cell", error.Structure);
        Assert.Equal(firstCell, error.Offset);
        Assert.Contains(detail, error.Detail);
    }

    [Fact]
    public void Offsets_into_the_middle_of_cells_free_cells_or_past_the_data_are_refused_on_use()
    {
        Mutate("Many", KeyNode.SubkeysListOffset, old => old + 8, "into the middle of a cell");
        Mutate("Many", KeyNode.SubkeysListOffset, _ => 0x7FFFFF00, "lies outside");
        Mutate(@"ControlSet001\Services\viostor", KeyNode.ValuesListOffset, _ => 0, "into the middle of a cell or into a hive bin header");
        Mutate(@"ControlSet001\Services\viostor", KeyNode.SecurityOffset, old => old + 4, "into the middle");
        Mutate(@"ControlSet001\Control", KeyNode.ClassNameOffset, old => old + 8, "into the middle");
        Mutate(@"ControlSet001\Services\viostor", KeyNode.ValuesListOffset, _ => 0xFFFFFFFF, "HCELL_NIL");

        // A reference to a free cell.
        var hive = RegistryHive.Open(Valid.Value);
        var free = hive.Tree.Storage.Cells().First(c => !c.Allocated).Offset;
        Mutate(@"ControlSet001\Services\viostor", KeyNode.ValuesListOffset, _ => free, "is free");
    }

    [Fact]
    public void Huge_counts_are_bounded_by_the_cells_that_hold_them()
    {
        Mutate("Many", KeyNode.SubkeyCountOffset, _ => 0xFFFFFFFF, "subkey count");
        Mutate("Many", KeyNode.SubkeyCountOffset, _ => 599, "more entries than its subkey count 599");
        Mutate(@"ControlSet001\Services\viostor", KeyNode.ValueCountOffset, _ => 0x7FFFFFFF, "exceeds the");
        Mutate(@"ControlSet001\Services\viostor", KeyNode.NameLengthOffset - 2, _ => 0, string.Empty, expectSuccess: true);

        // A leaf's 16-bit count larger than its cell.
        var hive = RegistryHive.Open(Valid.Value);
        var many = hive.Tree.Resolve(new[] { "Many" });
        var leaf = hive.Tree.Leaves(many, hive.Tree.Key(many))[0].Offset;
        var data = (byte[])Valid.Value.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(BaseBlock.Size + (int)leaf + 4 + SubkeysList.CountOffset), 0xFFFF);
        var error = Walk(data);
        Assert.Contains("do not fit", error!.Message);
    }

    [Fact]
    public void Index_roots_that_nest_or_repeat_a_leaf_are_refused()
    {
        var hive = RegistryHive.Open(Valid.Value);
        var many = hive.Tree.Resolve(new[] { "Many" });
        var root = hive.Tree.Key(many).SubkeysList;
        Assert.Equal(SubkeysListKind.IndexRoot, hive.Tree.List(root).Kind);

        // The index root names itself: one level only, so this is refused, not followed.
        var data = (byte[])Valid.Value.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(BaseBlock.Size + (int)root + 4 + SubkeysList.HeaderSize), root);
        Assert.Contains("points to another index root", Walk(data)!.Message);

        // The same leaf twice.
        data = (byte[])Valid.Value.Clone();
        var first = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(BaseBlock.Size + (int)root + 4 + SubkeysList.HeaderSize));
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(BaseBlock.Size + (int)root + 4 + SubkeysList.HeaderSize + 4), first);
        Assert.Contains("names the leaf", Walk(data)!.Message);
    }

    [Fact]
    public void Keys_that_loop_back_to_the_root_or_name_another_parent_are_refused()
    {
        var hive = RegistryHive.Open(Valid.Value);
        var tree = hive.Tree;
        var rootLeaf = tree.Leaves(tree.Root, tree.Key(tree.Root))[0].Offset;

        // The root listed as its own subkey: walking would never end.
        var data = (byte[])Valid.Value.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(BaseBlock.Size + (int)rootLeaf + 4 + SubkeysList.HeaderSize), tree.Root);
        Assert.Contains("lists the root key as a subkey", Walk(data)!.Message);

        // A key listed under one key whose parent field names another.
        var services = tree.Resolve(new[] { "ControlSet001", "Services" });
        Mutate(@"ControlSet001\Services\viostor", KeyNode.ParentOffset, _ => tree.Root, $"listed under the key at 0x{services:X}");
    }

    [Fact]
    public void Big_data_with_impossible_segments_is_refused_without_allocating_its_claim()
    {
        var hive = RegistryHive.Open(Valid.Value);
        var tree = hive.Tree;
        var key = tree.Resolve(new[] { "ControlSet001", "Services", "viostor" });
        var big = tree.ValueOffsets(key, tree.Key(key)).First(v => HiveTree.NameOf(tree.Value(v)) == "Big");
        var record = tree.Value(big).DataOffset;
        var list = BigData.TryParse(tree.Storage.Cell(record, "db"), out _)!.SegmentList;

        // Fewer segments than the length needs.
        var data = (byte[])Valid.Value.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(BaseBlock.Size + (int)record + 4 + BigData.SegmentCountOffset), 1);
        Assert.Contains("segments cannot hold", ReadValue(data, "Big")!.Message);

        // A huge segment count with a small list: only what the list cell holds is read.
        data = (byte[])Valid.Value.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(BaseBlock.Size + (int)record + 4 + BigData.SegmentCountOffset), 0xFFFF);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(BaseBlock.Size + (int)big + 4 + KeyValue.DataSizeOffset), 0xFFFF * 16344u & 0x7FFFFFFF);
        var error = ReadValue(data, "Big");
        Assert.NotNull(error);

        // The same segment listed twice.
        data = (byte[])Valid.Value.Clone();
        var segment = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(BaseBlock.Size + (int)list + 4));
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(BaseBlock.Size + (int)list + 4 + 4), segment);
        Assert.Contains("listed twice", ReadValue(data, "Big")!.Message);

        // A data length of 2 GiB.
        data = (byte[])Valid.Value.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(BaseBlock.Size + (int)big + 4 + KeyValue.DataSizeOffset), 0x7FFFFFFF);
        Assert.Contains("larger than the whole hive", ReadValue(data, "Big")!.Message);

        // "Inline" data longer than the 4 bytes the field holds.
        data = (byte[])Valid.Value.Clone();
        var start = tree.ValueOffsets(key, tree.Key(key)).First(v => HiveTree.NameOf(tree.Value(v)) == "Start");
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(BaseBlock.Size + (int)start + 4 + KeyValue.DataSizeOffset), 0x80000005);
        Assert.Contains("holds at most 4", ReadValue(data, "Start")!.Message);
    }

    [Fact]
    public void Names_and_descriptors_longer_than_their_cells_are_refused()
    {
        Mutate("Many", KeyNode.NameLengthOffset, _ => 0xFFFF, "runs past the end", width: 2);
        var hive = RegistryHive.Open(Valid.Value);
        var tree = hive.Tree;
        var security = tree.Key(tree.Root).Security;
        var data = (byte[])Valid.Value.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(BaseBlock.Size + (int)security + 4 + KeySecurity.DescriptorSizeOffset), 0x7FFFFFFF);
        Assert.Contains("descriptor size", Walk(data)!.Message);
    }

    [Fact]
    public void Edits_meeting_damage_fail_typed_and_change_nothing()
    {
        var data = (byte[])Valid.Value.Clone();
        var hive = RegistryHive.Open(Valid.Value);
        var viostor = hive.Tree.Resolve(new[] { "ControlSet001", "Services", "viostor" });
        var values = hive.Tree.Key(viostor).ValuesList;
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(BaseBlock.Size + (int)values + 4), 0x7FFFFF00);
        var damaged = RegistryHive.Open(data);
        var before = damaged.ToArray();
        var error = Hostile.Refused(() => damaged.Apply(new RegistryEditPlan().CreateKey("Fine").DeleteKey(@"ControlSet001\Services")));
        Assert.Equal("HiveCorrupt", error.ErrorId);
        Assert.Equal(before, damaged.ToArray());
        Assert.Null(damaged.GetKey("Fine"));
    }

    [Fact]
    public void A_hive_whose_cells_are_shared_or_whose_security_counts_are_short_is_not_edited()
    {
        // Two keys share one values list: deleting one would free the list the other still uses.
        var hive = RegistryHive.Open(Valid.Value);
        var tree = hive.Tree;
        var viostor = tree.Resolve(new[] { "ControlSet001", "Services", "viostor" });
        var control = tree.Resolve(new[] { "ControlSet001", "Control" });
        var data = (byte[])Valid.Value.Clone();
        var node = tree.Key(viostor);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(BaseBlock.Size + (int)control + 4 + KeyNode.ValuesListOffset), node.ValuesList);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(BaseBlock.Size + (int)control + 4 + KeyNode.ValueCountOffset), node.ValueCount);
        var shared = RegistryHive.Open(data);
        Assert.Equal(3, shared.OpenKey(@"ControlSet001\Control").ValueCount); // readable
        var before = shared.ToArray();
        var error = (CorruptImageException)Hostile.Refused(() => shared.Apply(new RegistryEditPlan().DeleteKey(@"ControlSet001\Control")));
        Assert.Contains("used by more than one owner", error.Message);
        Assert.Equal(before, shared.ToArray());
        Assert.Contains(shared.Check().Problems, p => p.Contains("used more than once"));

        // A security item counting fewer references than the keys that use it.
        data = (byte[])Valid.Value.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(BaseBlock.Size + (int)node.Security + 4 + KeySecurity.ReferenceCountOffset), 3);
        error = (CorruptImageException)Hostile.Refused(() => RegistryHive.Open(data).Apply(new RegistryEditPlan().CreateKey("x")));
        Assert.Equal("key security", error.Structure);
        Assert.Contains("below the", error.Message);
    }

    [Fact]
    public void Random_corruption_of_the_hive_bins_ends_in_success_or_a_typed_error()
    {
        var valid = Valid.Value;
        var random = new Random(20240506);
        var refused = 0;
        for (var round = 0; round < 200; round++)
        {
            var data = (byte[])valid.Clone();
            for (var n = random.Next(1, 5); n > 0; n--)
            {
                var at = random.Next(BaseBlock.Size, data.Length - 4);
                if (random.Next(2) == 0)
                {
                    data[at] = (byte)random.Next(256);
                }
                else
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at & ~3), (uint)random.Next(int.MinValue, int.MaxValue));
                }
            }

            var error = Hostile.Survives(() =>
            {
                var hive = RegistryHive.Open(data);
                foreach (var key in hive.EnumerateKeys())
                {
                    foreach (var value in key.GetValues())
                    {
                        value.GetData();
                    }
                }

                hive.Check();
                hive.Apply(new RegistryEditPlan().SetDWord(@"ControlSet001\Services\viostor", "Start", 3).CreateKey(@"Many\new").DeleteKey(@"ControlSet001\Control"));
                hive.Reopen().Check();
            });
            if (error is not null)
            {
                refused++;
                Assert.IsAssignableFrom<ImageOpsException>(error);
            }
        }

        Assert.InRange(refused, 1, 200);
    }

    [Fact]
    public void Random_corruption_of_a_log_ends_in_success_or_a_typed_error()
    {
        var hive = RegistryTestHives.Empty().With(plan => plan.SetDWord("A", "v", 1));
        var before = hive.ToArray();
        hive.Apply(new RegistryEditPlan().SetBinary("B", "blob", RegistryTestHives.Bytes(20_000, 2)));
        var after = hive.ToArray();
        var pages = Enumerable.Range(0, (after.Length - BaseBlock.Size) / 4096)
            .Select(i => ((uint)(i * 4096), after.AsSpan(BaseBlock.Size + (i * 4096), 4096).ToArray()))
            .ToArray();
        var entry = LogEntry.Build(1, (uint)(after.Length - BaseBlock.Size), 0, pages);
        var log = new byte[512 + entry.Length];
        before.AsSpan(0, 512).CopyTo(log);
        BinaryPrimitives.WriteUInt32LittleEndian(log.AsSpan(BaseBlock.FileTypeOffset), (uint)HiveFileType.NewLog);
        FixChecksum(log);
        entry.CopyTo(log, 512);
        var primary = (byte[])before.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(primary.AsSpan(BaseBlock.PrimarySequenceOffset), 2);
        FixChecksum(primary);
        Assert.Null(Hostile.Survives(() => RegistryHive.Open(primary, new RegistryHiveOpenOptions { Recovery = HiveRecoveryMode.ReplayLogs, Log1 = new MemoryStream(log) })));

        var random = new Random(7);
        for (var round = 0; round < 200; round++)
        {
            var damaged = (byte[])log.Clone();
            var at = random.Next(0, 512 + LogEntry.HeaderSize + 64);
            BinaryPrimitives.WriteUInt32LittleEndian(damaged.AsSpan(at & ~3), (uint)random.Next(int.MinValue, int.MaxValue));
            if (random.Next(2) == 0)
            {
                // Keep the hashes valid so that the damage reaches the page references and sizes.
                var parsed = damaged.AsSpan(512);
                BinaryPrimitives.WriteUInt64LittleEndian(parsed.Slice(LogEntry.Hash1Offset), Checksums.Marvin32.Compute(parsed.Slice(LogEntry.HeaderSize, Math.Min(entry.Length, parsed.Length) - LogEntry.HeaderSize)));
                BinaryPrimitives.WriteUInt64LittleEndian(parsed.Slice(LogEntry.Hash2Offset), Checksums.Marvin32.Compute(parsed.Slice(0, LogEntry.Hash2Length)));
            }

            Hostile.Survives(() => RegistryHive.Open(primary, new RegistryHiveOpenOptions { Recovery = HiveRecoveryMode.ReplayLogs, Log1 = new MemoryStream(damaged) }).Check());
        }
    }

    private static void Mutate(string keyPath, int field, Func<uint, uint> change, string detail, bool expectSuccess = false, int width = 4)
    {
        var hive = RegistryHive.Open(Valid.Value);
        var key = hive.Tree.Resolve(keyPath.Split('\\'));
        var data = (byte[])Valid.Value.Clone();
        var at = BaseBlock.Size + (int)key + HiveCell.HeaderSize + field;
        if (width == 2)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(at), (ushort)change(BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(at))));
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at), change(BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at))));
        }

        var error = Walk(data);
        if (expectSuccess)
        {
            Assert.Null(error);
            return;
        }

        Assert.True(error is not null, $"patching {keyPath} +{field} was not noticed");
        var corrupt = Assert.IsType<CorruptImageException>(error);
        Assert.Equal("regf", corrupt.Format);
        Assert.True(corrupt.Offset >= BaseBlock.Size || corrupt.Offset == -1, $"offset {corrupt.Offset}");
        Assert.Contains(detail, error!.Message);
    }

    /// <summary>Opens, walks every key and value and checks the hive; returns the typed error, or null.</summary>
    private static ImageOpsException? Walk(byte[] data) => Hostile.Survives(() =>
    {
        var hive = RegistryHive.Open(data);
        foreach (var key in hive.EnumerateKeys())
        {
            _ = key.ClassName;
            key.GetSecurityDescriptor();
            foreach (var value in key.GetValues())
            {
                value.GetData();
            }
        }
    });

    private static ImageOpsException? ReadValue(byte[] data, string name)
        => Hostile.Survives(() => RegistryHive.Open(data).OpenKey(@"ControlSet001\Services\viostor").GetValue(name)!.GetData());

    private static void FixChecksum(byte[] block)
        => BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(BaseBlock.ChecksumOffset), BaseBlock.ComputeChecksum(block));
}
