using System;
using System.Linq;
using ImageOps.Formats.Registry;

namespace ImageOps.Formats.Tests.Registry;

/// <summary>Values of every type written and read back: raw bytes, typed accessors, inline, one-cell and big data.</summary>
public class RegistryValueTests
{
    [Theory]
    [InlineData(RegistryValueType.None)]
    [InlineData(RegistryValueType.String)]
    [InlineData(RegistryValueType.ExpandString)]
    [InlineData(RegistryValueType.Binary)]
    [InlineData(RegistryValueType.DWord)]
    [InlineData(RegistryValueType.DWordBigEndian)]
    [InlineData(RegistryValueType.Link)]
    [InlineData(RegistryValueType.MultiString)]
    [InlineData(RegistryValueType.ResourceList)]
    [InlineData(RegistryValueType.FullResourceDescriptor)]
    [InlineData(RegistryValueType.ResourceRequirementsList)]
    [InlineData(RegistryValueType.QWord)]
    [InlineData((RegistryValueType)0xFFFF0012)]
    public void Every_type_keeps_its_number_and_bytes_at_every_storage_size(RegistryValueType type)
    {
        var sizes = new[] { 0, 1, 3, 4, 5, 8, 100, 16344, 16345, 40000, 100_003 };
        var hive = RegistryTestHives.Empty().With(plan =>
        {
            foreach (var size in sizes)
            {
                plan.SetValue("Types", "v" + size, type, RegistryTestHives.Bytes(size, size));
            }
        });

        foreach (var h in new[] { hive, hive.Reopen() })
        {
            var key = h.OpenKey("Types");
            Assert.Equal(sizes.Length, key.ValueCount);
            foreach (var size in sizes)
            {
                var value = key.GetValue("v" + size)!;
                Assert.Equal(type, value.Type);
                Assert.Equal(size, value.DataLength);
                Assert.Equal(size <= 4, value.IsDataInline);
                Assert.Equal(RegistryTestHives.Bytes(size, size), value.GetData());
            }
        }

        RegistryTestHives.AssertConsistent(hive);
    }

    [Fact]
    public void Typed_accessors_decode_strings_numbers_and_lists()
    {
        var hive = RegistryTestHives.Empty().With(plan => plan
            .SetString("K", "sz", "system32\\drivers\\viostor.sys")
            .SetExpandString("K", "expand", "%SystemRoot%\\Drivers\\VirtIO")
            .SetMultiString("K", "multi", new[] { "guestor_conf", "second", "\u043F\u0440\u0438\u0432\u0435\u0442" })
            .SetDWord("K", "dword", 0xDEADBEEF)
            .SetValue("K", "big-endian", RegistryValueType.DWordBigEndian, RegistryData.DWordBigEndian(42))
            .SetQWord("K", "qword", ulong.MaxValue)
            .SetBinary("K", "binary", new byte[] { 0x01, 0xFF, 0x00, 0x00 })
            .SetString("K", string.Empty, "default value")).Reopen();

        var key = hive.OpenKey("K");
        Assert.Equal("system32\\drivers\\viostor.sys", key.GetValue("SZ")!.GetString());
        Assert.Equal("%SystemRoot%\\Drivers\\VirtIO", key.GetValue("expand")!.GetString());
        Assert.Equal(new[] { "guestor_conf", "second", "\u043F\u0440\u0438\u0432\u0435\u0442" }, key.GetValue("multi")!.GetMultiString());
        Assert.Equal(0xDEADBEEFu, key.GetValue("dword")!.GetDWord());
        Assert.Equal(42u, key.GetValue("big-endian")!.GetDWord());
        Assert.Equal(new byte[] { 0, 0, 0, 42 }, key.GetValue("big-endian")!.GetData());
        Assert.Equal(ulong.MaxValue, key.GetValue("qword")!.GetQWord());
        Assert.Equal(new byte[] { 0x01, 0xFF, 0x00, 0x00 }, key.GetValue("binary")!.GetData());
        Assert.Equal("default value", key.GetValue(string.Empty)!.GetString());
        Assert.Null(key.GetValue("missing"));

        // Stored order is the order values were added (Windows appends).
        Assert.Equal(new[] { "sz", "expand", "multi", "dword", "big-endian", "qword", "binary", string.Empty }, key.GetValueNames());
    }

    [Fact]
    public void Typed_accessors_refuse_the_wrong_type_or_length_with_a_typed_error()
    {
        var hive = RegistryTestHives.Empty().With(plan => plan
            .SetValue("K", "short-dword", RegistryValueType.DWord, new byte[] { 1, 2, 3 })
            .SetBinary("K", "binary", new byte[] { 1 })
            .SetValue("K", "qword6", RegistryValueType.QWord, new byte[6]));
        var key = hive.OpenKey("K");
        Assert.Equal("HiveValueMismatch", Assert.Throws<ImageOpsException>(() => key.GetValue("short-dword")!.GetDWord()).ErrorId);
        Assert.Equal("HiveValueMismatch", Assert.Throws<ImageOpsException>(() => key.GetValue("binary")!.GetString()).ErrorId);
        Assert.Equal("HiveValueMismatch", Assert.Throws<ImageOpsException>(() => key.GetValue("binary")!.GetMultiString()).ErrorId);
        Assert.Equal("HiveValueMismatch", Assert.Throws<ImageOpsException>(() => key.GetValue("qword6")!.GetQWord()).ErrorId);

        // The raw bytes are always there.
        Assert.Equal(new byte[] { 1, 2, 3 }, key.GetValue("short-dword")!.GetData());
    }

    [Fact]
    public void Strings_without_a_terminator_or_with_an_odd_length_decode_as_Windows_reads_them()
    {
        Assert.Equal("W. Europe", RegistryData.DecodeString(System.Text.Encoding.Unicode.GetBytes("W. Europe")));
        Assert.Equal("ab", RegistryData.DecodeString(new byte[] { (byte)'a', 0, (byte)'b', 0, 0x41 }));
        Assert.Equal("ab", RegistryData.DecodeString(new byte[] { (byte)'a', 0, (byte)'b', 0, 0, 0, (byte)'c', 0 }));
        Assert.Equal(string.Empty, RegistryData.DecodeString(Array.Empty<byte>()));
    }

    [Fact]
    public void Multi_strings_end_at_the_first_empty_item()
    {
        var data = System.Text.Encoding.Unicode.GetBytes("a\0bb\0ccc\0\0");
        Assert.Equal(new[] { "a", "bb", "ccc" }, RegistryData.DecodeMultiString(data));
        Assert.Equal(new[] { "a", "b" }, RegistryData.DecodeMultiString(System.Text.Encoding.Unicode.GetBytes("a\0b")));
        Assert.Empty(RegistryData.DecodeMultiString(System.Text.Encoding.Unicode.GetBytes("\0")));
        Assert.Empty(RegistryData.DecodeMultiString(Array.Empty<byte>()));
        Assert.Equal(new[] { "x" }, RegistryData.DecodeMultiString(System.Text.Encoding.Unicode.GetBytes("x\0\0y\0\0")));

        Assert.Equal(data, RegistryData.MultiString(new[] { "a", "bb", "ccc" }));
        Assert.Equal(new byte[] { 0, 0 }, RegistryData.MultiString(Array.Empty<string>()));
        Assert.Equal("HiveValueInvalid", Assert.Throws<ImageOpsException>(() => RegistryData.MultiString(new[] { "a", string.Empty })).ErrorId);
        Assert.Equal("HiveValueInvalid", Assert.Throws<ImageOpsException>(() => RegistryData.MultiString(new[] { "a\0b" })).ErrorId);
    }

    [Fact]
    public void Long_values_use_big_data_from_version_1_4_and_one_cell_before()
    {
        var data = RegistryTestHives.Bytes(81725, 2);
        var modern = RegistryTestHives.Empty(5).With(plan => plan.SetBinary("K", "V", data));
        var old = RegistryTestHives.Empty(3).With(plan => plan.SetBinary("K", "V", data));

        Assert.Equal(data, modern.Reopen().OpenKey("K").GetValue("V")!.GetData());
        Assert.Equal(data, old.Reopen().OpenKey("K").GetValue("V")!.GetData());

        // 81725 bytes: 6 segments of at most 16344 bytes, a segment list and the db record.
        var tree = modern.Tree;
        var key = tree.Resolve(new[] { "K" });
        var valueOffset = tree.ValueOffsets(key, tree.Key(key))[0];
        var cells = tree.DataCells(valueOffset, tree.Value(valueOffset));
        Assert.Equal(8, cells.Count);
        Assert.Equal("db", System.Text.Encoding.ASCII.GetString(modern.Tree.Storage.Cell(cells[0], "db").Slice(0, 2).ToArray()));

        var oldTree = old.Tree;
        var oldKey = oldTree.Resolve(new[] { "K" });
        var oldValue = oldTree.ValueOffsets(oldKey, oldTree.Key(oldKey))[0];
        Assert.Single(oldTree.DataCells(oldValue, oldTree.Value(oldValue)));
        RegistryTestHives.AssertConsistent(modern);
        RegistryTestHives.AssertConsistent(old);
    }

    [Fact]
    public void Value_names_are_case_insensitive_and_keep_their_stored_case()
    {
        var hive = RegistryTestHives.Empty().With(plan => plan
            .SetDWord("K", "ErrorControl", 1)
            .SetDWord("K", "\u00C4rger", 2)
            .SetDWord("K", "\u041A\u043B\u044E\u0447", 3));
        var key = hive.OpenKey("k");
        Assert.Equal("ErrorControl", key.GetValue("ERRORCONTROL")!.Name);
        Assert.Equal(2u, key.GetValue("\u00E4RGER")!.GetDWord());
        Assert.Equal(3u, key.GetValue("\u043A\u043B\u044E\u0427")!.GetDWord());

        // Setting with another case changes the same value, keeping the stored name.
        hive.Apply(new RegistryEditPlan().SetDWord("K", "errorcontrol", 5));
        key = hive.OpenKey("K");
        Assert.Equal(3, key.ValueCount);
        Assert.Equal("ErrorControl", key.GetValues()[0].Name);
        Assert.Equal(5u, key.GetValue("ErrorControl")!.GetDWord());
    }
}
