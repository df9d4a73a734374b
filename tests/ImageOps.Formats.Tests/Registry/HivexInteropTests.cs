using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using ImageOps.Formats.Registry;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Registry;

/// <summary>
/// hivex in both directions (libhivex 1.3.23): hivexregedit, hivexsh and hivexget read every key and
/// value we write, and we read what hivexregedit --merge and hivexsh -w write, value for value.
/// </summary>
public class HivexInteropTests
{
    private static readonly string[] UnicodeNames =
    {
        "\u041F\u0440\u0438\u0432\u0435\u0442",       // Привет (UTF-16)
        "\u65E5\u672C\u8A9E",                         // 日本語
        "emoji \uD83D\uDE00",                         // a surrogate pair
        "weird\u2122 $\u00A3\u20AC",
    };

    [SkippableFact]
    public void Hivex_reads_every_type_big_data_deep_keys_and_unicode_names_we_write()
    {
        External.Tool("hivexregedit");
        using var folder = new TempFolder("regf-hivex");
        var hive = RegistryTestHives.Empty().With(plan =>
        {
            var type = 0u;
            foreach (var size in new[] { 0, 1, 2, 3, 4, 5, 7, 100, 4093, 16343, 16344, 16345, 32688, 32689, 100_000, 300_001 })
            {
                plan.SetValue(@"Types\Sizes", "size" + size, (RegistryValueType)(type++ % 12), RegistryTestHives.Bytes(size, size));
            }

            plan.SetValue(@"Types", "devprop", (RegistryValueType)0xFFFF0012, new byte[] { 1, 2, 3, 4, 5 });
            plan.SetString("Types", string.Empty, "the default value");
            plan.SetMultiString("Types", "multi", new[] { "a", "bb", "\u043A\u0430\u043A \u0434\u0435\u043B\u0430?" });
            plan.SetQWord("Types", "qword", 0x1122334455667788);
            plan.SetValue("Types", "be", RegistryValueType.DWordBigEndian, RegistryData.DWordBigEndian(42));

            var deep = string.Join("\\", Enumerable.Range(0, 40).Select(i => "level" + i));
            plan.SetDWord(deep, "depth", 40);

            foreach (var name in UnicodeNames)
            {
                plan.SetString(@"Unicode\" + name, name, name);
            }

            for (var i = 0; i < 1200; i++)
            {
                plan.CreateKey($@"Many\k{i:D4}");
            }

            plan.SetDWord(@"Recreated\Inner", "generation", 1);
        });
        hive.Apply(new RegistryEditPlan()
            .DeleteKey("Recreated")
            .SetDWord(@"RECREATED\Inner", "generation", 2)
            .DeleteKey(@"Many\k0500")
            .CreateKey(@"Many\K0500")
            .DeleteValue(@"Types\Sizes", "size100"));
        RegistryTestHives.AssertConsistent(hive);

        var path = folder.Combine("ours.hive");
        hive.Save(path);
        Hivex.AssertSame(Hivex.Model(RegistryHive.OpenFile(path), asHivexPrintsNames: true), Hivex.Export(path));

        Assert.Equal("40", Hivex.Get(path, string.Join("\\", Enumerable.Range(0, 40).Select(i => "level" + i)), "depth"));
        Assert.Equal("2", Hivex.Get(path, @"\Recreated\Inner", "generation"));
        Assert.Equal("the default value", Hivex.Get(path, @"\Types", "@"));
        Assert.Equal("\u041F\u0440\u0438\u0432\u0435\u0442", Hivex.Get(path, "\\Unicode\\\u041F\u0440\u0438\u0432\u0435\u0442", "\u041F\u0440\u0438\u0432\u0435\u0442"));
    }

    [SkippableFact]
    public void Hivexsh_navigates_lists_and_looks_up_keys_in_what_we_write()
    {
        External.Tool("hivexsh");
        using var folder = new TempFolder("regf-hivexsh");
        var hive = RegistryTestHives.Empty().With(plan =>
        {
            plan.SetDWord(@"ControlSet001\Services\viostor", "Start", 0);
            plan.SetExpandString(@"ControlSet001\Services\viostor", "ImagePath", @"system32\drivers\viostor.sys");
            plan.SetDWord("Select", "Current", 1);
            foreach (var name in new[] { "zeta", "Alpha", "beta", "_under", "Gamma" })
            {
                plan.CreateKey(@"Order\" + name);
            }
        });
        var path = folder.Combine("sh.hive");
        hive.Save(path);

        var output = Hivex.Sh(path, false, folder, @"cd CONTROLSET001\services\VIOSTOR", "lsval", @"cd \Order", "ls");
        Assert.Contains("\"Start\"=dword:00000000", output);
        Assert.Contains("\"ImagePath\"=", output);

        // hivexsh sorts its listing itself (lower-cased, so '_' comes first); every key is there.
        var listed = output.Split('\n').Where(l => l.Length > 0 && !l.Contains('=')).ToList();
        Assert.Equal(new[] { "_under", "Alpha", "beta", "Gamma", "zeta" }, listed.Skip(listed.Count - 5));

        // We store them in Windows' order (upper-cased code units: '_' after the letters).
        Assert.Equal(new[] { "Alpha", "beta", "Gamma", "zeta", "_under" }, RegistryHive.OpenFile(path).OpenKey("Order").GetSubkeyNames());
    }

    [SkippableFact]
    public void We_read_what_hivexregedit_merges_value_for_value()
    {
        External.Tool("hivexregedit");
        using var folder = new TempFolder("regf-merge");
        var path = folder.Combine("merged.hive");
        RegistryTestHives.Empty().Save(path);

        var expected = new Dictionary<string, RegValues>(StringComparer.Ordinal);
        var reg = new StringBuilder("Windows Registry Editor Version 5.00\n\n");
        void Key(string keyPath, params (string Name, uint Type, byte[] Data)[] values)
        {
            reg.Append('[').Append(keyPath).Append("]\n");
            var model = new RegValues();
            foreach (var (name, type, data) in values)
            {
                reg.Append(Hivex.RegLine(name, type, data)).Append('\n');
                model[name] = (type, data);
            }

            reg.Append('\n');
            expected[keyPath] = model;
        }

        expected["\\"] = new RegValues();
        Key(@"\ControlSet001");
        Key(@"\ControlSet001\Services");
        Key(
            @"\ControlSet001\Services\viostor",
            ("Type", 4, RegistryData.DWord(1)),
            ("Start", 4, RegistryData.DWord(0)),
            ("Group", 1, RegistryData.String("SCSI miniport")),
            ("ErrorControl", 4, RegistryData.DWord(1)),
            ("ImagePath", 2, RegistryData.String(@"system32\drivers\viostor.sys")));
        Key(@"\DriverDatabase");
        Key(@"\DriverDatabase\DriverPackages");
        Key(
            @"\DriverDatabase\DriverPackages\guestor.inf_amd64_0000000000000000",
            ("Version", 3, new byte[] { 0x00, 0xff, 0x09, 0x00, 0, 0, 0, 0, 0x7b, 0xe9, 0x36, 0x4d, 0x25, 0xe3, 0xce, 0x11, 0xbf, 0xc1, 0x08, 0x00, 0x2b, 0xe1, 0x03, 0x18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }),
            (string.Empty, 7, RegistryData.MultiString(new[] { "guestor.inf_amd64_0000000000000000" })));
        Key(
            @"\Types",
            ("none", 0, Array.Empty<byte>()),
            ("qword", 11, RegistryData.QWord(ulong.MaxValue)),
            ("big", 3, RegistryTestHives.Bytes(70_000, 9)),
            ("edge", 3, RegistryTestHives.Bytes(16_345, 1)),
            ("link", 6, Encoding.Unicode.GetBytes(@"\Registry\Machine\System\ControlSet001")),
            ("devprop", 0xffff0012, new byte[] { 9, 8, 7 }));
        Key(@"\Unicode");
        foreach (var name in UnicodeNames.Where(n => n.Any(c => c > 0xFF)))
        {
            Key(@"\Unicode\" + name, (name, 1, RegistryData.String(name)));
        }

        Key(@"\Gone", ("x", 4, RegistryData.DWord(1)));
        reg.Append("[-\\Gone]\n");
        expected.Remove(@"\Gone");
        Hivex.Merge(path, reg.ToString(), folder);

        var ours = RegistryHive.OpenFile(path);
        Hivex.AssertSame(expected, Hivex.Model(ours));
        Hivex.AssertSame(Hivex.Export(path), Hivex.Model(ours));
        Assert.Equal(0u, ours.OpenKey(@"controlset001\SERVICES\viostor").GetValue("start")!.GetDWord());
        Assert.Equal(70_000, ours.OpenKey("Types").GetValue("BIG")!.DataLength);

        // Two things hivex writes differently from Windows, which Check reports and the reader copes with:
        // - it hashes the UTF-8 bytes of non-ASCII names with an ASCII-only upper-casing, so those hash
        //   leaf entries are not Windows' hashes (Windows, which looks keys up by hash, would miss them);
        //   we find the keys anyway, by name;
        // - it stores values over 16344 bytes in one cell, where Windows expects big data in a 1.5 hive;
        //   a data cell large enough for the whole value is read as the value.
        foreach (var name in UnicodeNames.Where(n => n.Any(c => c > 0xFF)))
        {
            Assert.NotNull(ours.GetKey(@"Unicode\" + name.ToUpperInvariant()));
        }

        var problems = ours.Check().Problems;
        Assert.Equal(UnicodeNames.Count(n => n.Any(c => c > 0xFF)), problems.Count(p => p.Contains("hash leaf")));
        Assert.Equal(new[] { "big", "edge" }, problems.Where(p => p.Contains("in one cell")).Select(p => p.Split('\'')[3]));
        Assert.Equal(problems.Count, problems.Count(p => p.Contains("hash leaf") || p.Contains("in one cell")));

        // Rewriting those values and touching that leaf repairs both.
        ours.Apply(new RegistryEditPlan()
            .SetBinary("Types", "big", RegistryTestHives.Bytes(70_001, 9))
            .SetBinary("Types", "edge", RegistryTestHives.Bytes(16_346, 1))
            .CreateKey(@"Unicode\ascii"));
        RegistryTestHives.AssertConsistent(ours, allowLeaks: true);
        ours.Save(path);
        Hivex.AssertSame(Hivex.Export(path), Hivex.Model(RegistryHive.OpenFile(path)));
    }

    [SkippableFact]
    public void We_read_what_hivexsh_writes_and_hivex_reads_our_edits_of_it()
    {
        External.Tool("hivexsh");
        using var folder = new TempFolder("regf-hivexsh-w");
        var path = folder.Combine("sh.hive");
        RegistryTestHives.Empty().Save(path);
        Hivex.Sh(
            path,
            true,
            folder,
            "add Software",
            "cd Software",
            "add Vendor",
            "add Removed",
            "cd Vendor",
            "setval 4",
            "@",
            "string:default text",
            "Count",
            "dword:0x2a",
            "Path",
            "expandstring:%SystemRoot%\\x",
            "Raw",
            "hex:3:01,02,03,04,05",
            "cd \\Software\\Removed",
            "del",
            "commit");

        var ours = RegistryHive.OpenFile(path);
        var vendor = ours.OpenKey(@"Software\Vendor");
        Assert.Equal("default text", vendor.GetValue(string.Empty)!.GetString());
        Assert.Equal(42u, vendor.GetValue("count")!.GetDWord());
        Assert.Equal("%SystemRoot%\\x", vendor.GetValue("Path")!.GetString());
        Assert.Equal(RegistryValueType.ExpandString, vendor.GetValue("Path")!.Type);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, vendor.GetValue("Raw")!.GetData());
        Assert.Null(ours.GetKey(@"Software\Removed"));
        Assert.True(ours.Check().IsConsistent, string.Join("\n", ours.Check().Problems));
        Hivex.AssertSame(Hivex.Export(path), Hivex.Model(ours));

        // Our edits of a hivex-written hive, read back by hivex.
        ours.Apply(new RegistryEditPlan()
            .SetDWord(@"Software\Vendor", "Count", 43)
            .SetBinary(@"Software\Vendor\Sub", "blob", RegistryTestHives.Bytes(50_000, 5))
            .DeleteValue(@"Software\Vendor", "Raw")
            .CreateKey(@"Software\Added"));
        ours.Save(path);
        Hivex.AssertSame(Hivex.Model(RegistryHive.OpenFile(path)), Hivex.Export(path));
        Assert.Equal("43", Hivex.Get(path, @"\Software\Vendor", "Count"));
    }

    [SkippableFact]
    public void Hivex_merges_into_corpus_minimal_and_our_edits_of_the_result_read_back_in_hivex()
    {
        External.Tool("hivexregedit");
        using var folder = new TempFolder("regf-minimal");
        var path = folder.Combine("minimal");
        File.Copy(CorpusFiles.Path(Path.Combine("hives", "hivex", "minimal")), path);
        Hivex.Merge(path, "Windows Registry Editor Version 5.00\n\n[\\A]\n\"v\"=dword:00000007\n\n[\\A\\B]\n@=hex(1):41,00,00,00\n", folder);

        var ours = RegistryHive.OpenFile(path);
        Assert.Equal(7u, ours.OpenKey("a").GetValue("V")!.GetDWord());
        Assert.Equal("A", ours.OpenKey(@"A\B").GetValue(string.Empty)!.GetString());

        ours.Apply(new RegistryEditPlan().DeleteKey(@"A\B").SetString(@"A\C", "s", "text").SetDWord("A", "v", 8));
        RegistryTestHives.AssertConsistent(ours, allowLeaks: true);
        ours.Save(path, new RegistryHiveSaveOptions { KeepBackup = true });
        Hivex.AssertSame(Hivex.Model(RegistryHive.OpenFile(path)), Hivex.Export(path));
        Hivex.AssertSame(Hivex.Model(RegistryHive.OpenFile(path + ".bak")), Hivex.Export(path + ".bak"));
    }
}
