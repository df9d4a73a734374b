using System;
using System.Collections.Generic;
using System.Linq;
using ImageOps.Formats.Registry;

namespace ImageOps.Formats.Tests.Registry;

/// <summary>The writer: keys and values created, changed and deleted in memory, checked for consistency after every batch.</summary>
public class RegistryEditTests
{
    [Fact]
    public void A_new_hive_has_a_root_with_a_security_item_and_one_bin()
    {
        var hive = RegistryTestHives.Empty();
        Assert.Equal(8192, hive.Length);
        Assert.Equal(1, hive.MajorVersion);
        Assert.Equal(5, hive.MinorVersion);
        Assert.Equal(1u, hive.PrimarySequenceNumber);
        Assert.Equal(1u, hive.SecondarySequenceNumber);
        Assert.False(hive.IsDirty);
        Assert.Equal(RegistryTestHives.Now, hive.LastWriteTimeUtc);
        Assert.Equal("SYSTEM", hive.EmbeddedFileName);
        var root = hive.Root;
        Assert.True(root.IsRoot);
        Assert.Equal("ROOT", root.Name);
        Assert.Equal(0x2C, root.Flags); // KEY_HIVE_ENTRY | KEY_NO_DELETE | KEY_COMP_NAME
        Assert.Equal(0, root.SubkeyCount);
        Assert.NotEmpty(root.GetSecurityDescriptor());
        RegistryTestHives.AssertConsistent(hive);
        RegistryTestHives.AssertConsistent(hive.Reopen());
        Assert.Equal(1, hive.Check().SecurityItemCount);
    }

    [Fact]
    public void Creating_a_deep_path_creates_every_missing_key_and_reports_it()
    {
        var hive = RegistryTestHives.Empty();
        var results = hive.Apply(new RegistryEditPlan()
            .CreateKey(@"ControlSet001\Services\viostor\Parameters")
            .CreateKey(@"\ControlSet001\Services\")
            .SetDWord(@"ControlSet001\Services\viostor", "Start", 0));
        Assert.Equal(RegistryEditOutcome.Created, results[0].Outcome);
        Assert.Equal(4, results[0].KeysCreated);
        Assert.Equal(RegistryEditOutcome.Unchanged, results[1].Outcome);
        Assert.Equal(RegistryEditOutcome.Created, results[2].Outcome);
        Assert.Equal(0, results[2].KeysCreated);
        Assert.Equal(@"ControlSet001\Services", results[1].Edit.KeyPath);

        var key = hive.OpenKey(@"controlset001\SERVICES\VioStor\parameters");
        Assert.Equal(@"ControlSet001\Services\viostor\Parameters", key.Path);
        Assert.Equal("Parameters", key.Name);
        Assert.Equal(@"ControlSet001\Services\viostor", key.GetParent()!.Path);
        Assert.Equal(RegistryTestHives.Now, key.LastWriteTimeUtc);
        Assert.Null(hive.GetKey(@"ControlSet001\Services\viostor\Missing"));
        Assert.Equal("HiveKeyNotFound", Assert.Throws<ImageOpsException>(() => hive.OpenKey("Nope")).ErrorId);
        RegistryTestHives.AssertConsistent(hive);
    }

    [Fact]
    public void New_keys_inherit_the_parent_security_item_and_count_as_its_references()
    {
        var hive = RegistryTestHives.Empty().With(plan => plan.CreateKey(@"A\B\C").CreateKey(@"A\D"));
        var root = hive.Root.GetSecurityDescriptor();
        Assert.Equal(root, hive.OpenKey(@"A\B\C").GetSecurityDescriptor());
        Assert.Equal(5, hive.Check().KeyCount);
        RegistryTestHives.AssertConsistent(hive); // checks reference count == 5 keys

        hive.Apply(new RegistryEditPlan().DeleteKey("A"));
        RegistryTestHives.AssertConsistent(hive); // back to 1
    }

    [Fact]
    public void Subkeys_are_kept_in_Windows_order_with_hash_leaves_and_split_under_an_index_root()
    {
        var names = Enumerable.Range(0, 2000).Select(i => (i % 3 == 0 ? "Key" : "key") + i.ToString("D4")).ToList();
        var random = new Random(7);
        var shuffled = names.OrderBy(_ => random.Next()).ToList();
        var hive = RegistryTestHives.Empty().With(plan =>
        {
            foreach (var name in shuffled)
            {
                plan.CreateKey(@"Many\" + name);
            }
        });

        var many = hive.OpenKey("Many");
        Assert.Equal(2000, many.SubkeyCount);
        var stored = many.GetSubkeyNames();
        Assert.Equal(names.OrderBy(n => n, Comparer<string>.Create(HiveNames.Compare)).ToList(), stored);
        Assert.NotNull(hive.GetKey(@"MANY\KEY1234"));
        RegistryTestHives.AssertConsistent(hive);

        // The list is an index root of hash leaves, none over 507 entries.
        var tree = hive.Tree;
        var offset = tree.Resolve(new[] { "Many" });
        var leaves = tree.Leaves(offset, tree.Key(offset));
        Assert.True(leaves.Count > 3);
        Assert.All(leaves, l => Assert.Equal(SubkeysListKind.HashLeaf, l.Leaf.Kind));
        Assert.All(leaves, l => Assert.InRange(l.Leaf.Offsets.Length, 1, HiveEditor.MaxHashLeafEntries));

        // Delete every other key, then all of them: lists shrink and finally go.
        hive.Apply(Plan(p => shuffled.Where((_, i) => i % 2 == 0).ToList().ForEach(n => p.DeleteKey(@"Many\" + n))));
        Assert.Equal(1000, hive.OpenKey("Many").SubkeyCount);
        RegistryTestHives.AssertConsistent(hive.Reopen());
        hive.Apply(Plan(p => names.ForEach(n => p.DeleteKey(@"Many\" + n))));
        Assert.Equal(0, hive.OpenKey("Many").SubkeyCount);
        Assert.Empty(hive.OpenKey("Many").GetSubkeys());
        RegistryTestHives.AssertConsistent(hive);
    }

    [Fact]
    public void Old_version_hives_get_fast_leaves()
    {
        var hive = RegistryTestHives.Empty(3).With(plan => plan.CreateKey("Zeta").CreateKey("alpha").CreateKey("Beta"));
        Assert.Equal(new[] { "alpha", "Beta", "Zeta" }, hive.Root.GetSubkeyNames());
        var tree = hive.Tree;
        Assert.Equal(SubkeysListKind.FastLeaf, tree.Leaves(tree.Root, tree.Key(tree.Root))[0].Leaf.Kind);
        RegistryTestHives.AssertConsistent(hive);
    }

    [Fact]
    public void Names_are_compressed_when_they_fit_Latin_1_and_compared_as_Windows_compares()
    {
        var hive = RegistryTestHives.Empty().With(plan => plan
            .CreateKey("\u00EBigenaardig")
            .CreateKey("\u041F\u0440\u0438\u0432\u0435\u0442\\\u041A\u043B\u044E\u0447")
            .CreateKey("\uFF21")
            .CreateKey("\uD801\uDC10")
            .CreateKey("\uD801\uDC38")
            .CreateKey("zero\0key")
            .CreateKey("weird\u2122"));
        Assert.Equal(0x20, hive.OpenKey("\u00CBIGENAARDIG").Flags & 0x20);
        Assert.Equal(0, hive.OpenKey("\u043F\u0440\u0438\u0432\u0435\u0442").Flags & 0x20);
        Assert.Equal("\u041F\u0440\u0438\u0432\u0435\u0442\\\u041A\u043B\u044E\u0447", hive.OpenKey("\u043F\u0420\u0418\u0432\u0435\u0442\\\u043A\u043B\u044E\u0447").Path);

        // Fullwidth A/a are one key; the Deseret pair (outside the BMP) are two.
        var results = hive.Apply(new RegistryEditPlan().CreateKey("\uFF41").CreateKey("\uD801\uDC38"));
        Assert.All(results, r => Assert.Equal(RegistryEditOutcome.Unchanged, r.Outcome));
        Assert.Equal(7, hive.Root.SubkeyCount);
        Assert.NotNull(hive.GetKey("ZERO\0KEY"));
        RegistryTestHives.AssertConsistent(hive.Reopen());
    }

    [Fact]
    public void Invalid_names_are_refused_when_the_plan_is_built_or_applied()
    {
        Assert.Equal("HiveNameInvalid", Assert.Throws<ImageOpsException>(() => new RegistryEditPlan().CreateKey(@"a\\b")).ErrorId);
        Assert.Equal("HiveNameInvalid", Assert.Throws<ImageOpsException>(() => new RegistryEditPlan().CreateKey(new string('x', 256))).ErrorId);
        Assert.Equal("HiveNameInvalid", Assert.Throws<ImageOpsException>(() => new RegistryEditPlan().SetDWord("k", new string('v', 16384), 1)).ErrorId);
        Assert.Equal("HiveNameInvalid", Assert.Throws<ImageOpsException>(() => new RegistryEditPlan().CreateKey(string.Join("\\", Enumerable.Repeat("d", 513)))).ErrorId);
    }

    [Fact]
    public void Setting_the_same_data_writes_nothing_and_changing_it_reuses_space()
    {
        var hive = RegistryTestHives.Empty().With(plan => plan.SetBinary("K", "v", RegistryTestHives.Bytes(40000, 1)));
        var before = hive.ToArray();
        var results = hive.Apply(new RegistryEditPlan().SetBinary("K", "v", RegistryTestHives.Bytes(40000, 1)).SetValue("K", "v", RegistryValueType.Binary, RegistryTestHives.Bytes(40000, 1)));
        Assert.All(results, r => Assert.Equal(RegistryEditOutcome.Unchanged, r.Outcome));
        Assert.Equal(before, hive.ToArray());

        // Switching between sizes many times does not grow the hive without bound: freed cells are reused.
        var length = hive.Length;
        for (var i = 0; i < 20; i++)
        {
            var outcome = hive.Apply(new RegistryEditPlan().SetBinary("K", "v", RegistryTestHives.Bytes(i % 2 == 0 ? 100 : 40000, i)))[0].Outcome;
            Assert.Equal(RegistryEditOutcome.Changed, outcome);
            RegistryTestHives.AssertConsistent(hive);
        }

        Assert.True(hive.Length <= length + 4096, $"{hive.Length} > {length}");

        // Changing the type alone is a change.
        Assert.Equal(RegistryEditOutcome.Changed, hive.Apply(new RegistryEditPlan().SetValue("K", "v", RegistryValueType.None, hive.OpenKey("K").GetValue("v")!.GetData()))[0].Outcome);
        Assert.Equal(RegistryValueType.None, hive.OpenKey("K").GetValue("v")!.Type);
    }

    [Fact]
    public void Deleting_values_frees_their_cells_and_resets_the_key_when_it_has_none_left()
    {
        var hive = RegistryTestHives.Empty().With(plan => plan
            .SetString("K", "a", "first")
            .SetBinary("K", "big", RegistryTestHives.Bytes(50000, 3))
            .SetDWord("K", "c", 3));
        var results = hive.Apply(new RegistryEditPlan().DeleteValue("K", "BIG").DeleteValue("K", "big").DeleteValue("Missing", "x"));
        Assert.Equal(new[] { RegistryEditOutcome.Deleted, RegistryEditOutcome.NotPresent, RegistryEditOutcome.NotPresent }, results.Select(r => r.Outcome));
        Assert.Equal(new[] { "a", "c" }, hive.OpenKey("K").GetValueNames());
        RegistryTestHives.AssertConsistent(hive);

        hive.Apply(new RegistryEditPlan().DeleteValue("K", "a").DeleteValue("K", "c"));
        var tree = hive.Tree;
        var key = tree.Key(tree.Resolve(new[] { "K" }));
        Assert.Equal(0u, key.ValueCount);
        Assert.Equal(HiveCell.Nil, key.ValuesList);
        Assert.Equal(0u, key.MaxValueNameLength);
        Assert.Equal(0u, key.MaxValueDataLength);
        RegistryTestHives.AssertConsistent(hive);
    }

    [Fact]
    public void Largest_name_and_data_fields_cover_what_the_key_holds()
    {
        var hive = RegistryTestHives.Empty().With(plan => plan
            .CreateKey(@"K\short")
            .CreateKey(@"K\a-much-longer-name", className: "MyClass")
            .SetBinary("K", "value-name", new byte[300])
            .SetDWord("K", "v", 1));
        var tree = hive.Tree;
        var node = tree.Key(tree.Resolve(new[] { "K" }));
        Assert.Equal((uint)("a-much-longer-name".Length * 2), node.MaxSubkeyNameField & 0xFFFF);
        Assert.Equal((uint)("MyClass".Length * 2), node.MaxSubkeyClassLength);
        Assert.Equal((uint)("value-name".Length * 2), node.MaxValueNameLength);
        Assert.Equal(300u, node.MaxValueDataLength);
        Assert.Equal("MyClass", hive.OpenKey(@"K\A-MUCH-LONGER-NAME").ClassName);
        Assert.Null(hive.OpenKey(@"K\short").ClassName);
        RegistryTestHives.AssertConsistent(hive);
    }

    [Fact]
    public void Deleting_a_tree_frees_every_cell_and_a_key_can_be_recreated()
    {
        var hive = RegistryTestHives.Empty().With(plan =>
        {
            plan.CreateKey(@"Other\Keep", className: "cls");
            for (var i = 0; i < 30; i++)
            {
                plan.SetBinary($@"DriverDatabase\DriverPackages\pkg{i}\Descriptors\PCI\VEN_{i}", "blob", RegistryTestHives.Bytes(20000 + i, i));
                plan.SetString($@"DriverDatabase\DriverPackages\pkg{i}", "Version", "1.0");
            }
        });
        var grown = hive.Length;
        var results = hive.Apply(new RegistryEditPlan().DeleteKey("DRIVERDATABASE").DeleteKey("DriverDatabase"));
        Assert.Equal(RegistryEditOutcome.Deleted, results[0].Outcome);
        Assert.Equal(RegistryEditOutcome.NotPresent, results[1].Outcome);
        Assert.Null(hive.GetKey("DriverDatabase"));
        Assert.NotNull(hive.GetKey(@"Other\Keep"));
        RegistryTestHives.AssertConsistent(hive);
        Assert.True(hive.Length < grown, "trailing bins freed by the deletion are dropped");

        hive.Apply(new RegistryEditPlan().SetMultiString(@"DriverDatabase\DriverInfFiles\guestor.inf", string.Empty, new[] { "guestor.inf_amd64_0000000000000000" }));
        Assert.Equal(new[] { "guestor.inf_amd64_0000000000000000" }, hive.OpenKey(@"DriverDatabase\DriverInfFiles\guestor.inf").GetValue(string.Empty)!.GetMultiString());
        RegistryTestHives.AssertConsistent(hive.Reopen());
    }

    [Fact]
    public void Symbolic_link_keys_are_read_as_they_are_and_not_created_under()
    {
        var hive = RegistryTestHives.Empty().With(plan => plan
            .CreateKey(@"ControlSet001\Services")
            .SetValue("CurrentControlSet", "SymbolicLinkValue", RegistryValueType.Link, System.Text.Encoding.Unicode.GetBytes(@"\Registry\Machine\System\ControlSet001")));
        var data = hive.ToArray();
        var link = hive.Tree.Resolve(new[] { "CurrentControlSet" });
        var flags = BaseBlock.Size + (int)link + HiveCell.HeaderSize + KeyNode.FlagsOffset;
        data[flags] |= (byte)KeyNode.KeySymLink;
        var linked = RegistryHive.Open(data);

        var key = linked.OpenKey("CurrentControlSet");
        Assert.True(key.IsSymbolicLink);
        Assert.Equal(@"\Registry\Machine\System\ControlSet001", key.GetValue("SymbolicLinkValue")!.GetString());
        Assert.Null(linked.GetKey(@"CurrentControlSet\Services")); // links are not followed
        var error = Assert.Throws<UnsupportedFeatureException>(() => linked.Apply(new RegistryEditPlan().CreateKey(@"CurrentControlSet\Services")));
        Assert.Equal("HiveKeyNotEditable", error.ErrorId);
    }

    [Fact]
    public void The_root_cannot_be_deleted()
    {
        var hive = RegistryTestHives.Empty();
        Assert.Equal("HiveKeyProtected", Assert.Throws<ImageOpsException>(() => hive.Apply(new RegistryEditPlan().DeleteKey(@"\"))).ErrorId);
    }

    [Fact]
    public void A_failing_edit_leaves_the_hive_exactly_as_it_was()
    {
        var hive = RegistryTestHives.Empty().With(plan => plan.SetDWord("K", "v", 1));
        var before = hive.ToArray();
        var key = hive.OpenKey("K");
        var plan = new RegistryEditPlan().SetDWord("K", "v", 2).CreateKey("New").DeleteKey(@"\");
        Assert.Throws<ImageOpsException>(() => hive.Apply(plan));
        Assert.Equal(before, hive.ToArray());
        Assert.Equal(1u, key.GetValue("v")!.GetDWord()); // still current: nothing was applied
        Assert.Null(hive.GetKey("New"));
    }

    [Fact]
    public void Keys_read_before_an_edit_refuse_to_be_used_after_it()
    {
        var hive = RegistryTestHives.Empty().With(plan => plan.SetDWord("K", "v", 1));
        var key = hive.OpenKey("K");
        var value = key.GetValue("v")!;
        hive.Apply(new RegistryEditPlan().DeleteKey("K"));
        Assert.Throws<InvalidOperationException>(() => key.GetValues());
        Assert.Throws<InvalidOperationException>(() => value.GetData());
    }

    [Fact]
    public void Edits_stamp_keys_and_the_base_block_with_the_clock()
    {
        var time = new DateTime(2030, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var hive = RegistryHive.Create(new RegistryHiveCreateOptions { Clock = () => time });
        hive.Apply(new RegistryEditPlan().SetDWord(@"A\B", "v", 1));
        Assert.Equal(time, hive.LastWriteTimeUtc);
        Assert.Equal(time, hive.OpenKey("A").LastWriteTimeUtc);
        Assert.Equal(time, hive.OpenKey(@"A\B").LastWriteTimeUtc);
    }

    [Fact]
    public void Enumerating_keys_visits_every_key_depth_first()
    {
        var hive = RegistryTestHives.Empty().With(plan => plan.CreateKey(@"b\x").CreateKey(@"a\y\z").CreateKey("c"));
        Assert.Equal(new[] { string.Empty, "a", @"a\y", @"a\y\z", "b", @"b\x", "c" }, hive.EnumerateKeys().Select(k => k.Path));
    }

    [Fact]
    public void Free_cells_are_merged_with_free_neighbours_and_reused()
    {
        var storage = HiveStorage.CreateEmpty("test", 0);
        var a = storage.Allocate(100);
        var b = storage.Allocate(100);
        var c = storage.Allocate(100);
        storage.Free(a);
        storage.Free(c);
        storage.Free(b); // merges with both neighbours and the free tail of the bin
        Assert.Single(storage.Cells());
        Assert.Equal(4096 - 32, storage.Cells().Single().Size);

        var big = storage.Allocate(5000);
        Assert.Equal(2, storage.Bins().Count());
        Assert.True(storage.IsAllocatedCell(big));
        storage.Free(big);
        storage.TrimTrailingFreeBins();
        Assert.Single(storage.Bins());
        Assert.Equal(4096, storage.HiveBinsDataSize);
    }

    private static RegistryEditPlan Plan(Action<RegistryEditPlan> build)
    {
        var plan = new RegistryEditPlan();
        build(plan);
        return plan;
    }
}
