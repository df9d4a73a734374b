using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using ImageOps.Formats.Registry;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Registry;

/// <summary>
/// The shared hive corpus (corpus/hives, see its README.md): every file opens and is walked in full, or
/// is refused with the typed error its damage calls for, and the facts the README records (from the
/// tests of hivex, python-registry, nt-hive, notatin and yarp) hold.
/// </summary>
public class RegistryCorpusTests
{
    private const string Yarp = "yarp/hives_for_tests/";

    /// <summary>Files refused at open, without logs, and why.</summary>
    private static readonly Dictionary<string, string> RefusedAtOpen = new(StringComparer.Ordinal)
    {
        // The base block checksum is wrong ("INVL"); Windows repairs it from a log or does not load it.
        [Yarp + "BadBaseBlockHive/BadBaseBlockHive"] = "HiveBaseBlockInvalid",
        [Yarp + "EffectiveSizeHive"] = "HiveBaseBlockInvalid",
        [Yarp + "GarbageHive"] = "HiveBaseBlockInvalid",

        // Not a primary hive file: hive bin fragments, a SQLite file, a transaction log.
        [Yarp + "InvalidParentFragment"] = "HiveNotRecognized",
        [Yarp + "SqliteFragment"] = "HiveNotRecognized",
        [Yarp + "SqliteFragment.sqlite"] = "HiveNotRecognized",
        [Yarp + "TruncatedHiveBin"] = "HiveNotRecognized",
        [Yarp + "OldLogWithRemnantData"] = "HiveNotRecognized",

        // Cut short: the base block declares 487424 bytes of hive bins, the files hold 8192.
        [Yarp + "TruncatedHive"] = "HiveTruncated",
        [Yarp + "TruncatedDirtyHive"] = "HiveTruncated",
    };

    /// <summary>Files that open but whose tree is damaged: walking them meets a typed HiveCorrupt error.</summary>
    private static readonly Dictionary<string, string> DamagedTree = new(StringComparer.Ordinal)
    {
        [Yarp + "BadListHive"] = "names 0x380 as its parent",
        [Yarp + "BadSubkeyHive"] = "names 0x380 as its parent",
        [Yarp + "InvalidParentHive"] = "names 0x20 as its parent",
        [Yarp + "TruncatedNameHive"] = "the name length 22 runs past the end of the 92-byte cell",
        [Yarp + "DeletedDataHiveTruncated"] = "lies outside the 4096-byte hive bins data",
    };

    /// <summary>Files whose tree reads but which Check finds inconsistent (what Windows made or the test damaged).</summary>
    private static readonly Dictionary<string, string> CheckFinds = new(StringComparer.Ordinal)
    {
        [Yarp + "DuplicateSubkeysHive"] = "subkeys '4500' and '4500' are not in Windows' order (or are duplicates)",
        [Yarp + "WrongOrderHive"] = "are not in Windows' order",
        [Yarp + "HealedHive"] = "reference count 8, but 4 keys use it",
    };

    /// <summary>Dirty primaries (their logs are replayed in <see cref="HiveLogReplayTests"/>).</summary>
    private static readonly HashSet<string> Dirty = new(StringComparer.Ordinal)
    {
        Yarp + "NewDirtyHive1/NewDirtyHive",
        Yarp + "NewDirtyHive2/NewDirtyHive",
        Yarp + "OldDirtyHive/OldDirtyHive",
        Yarp + "BadLogHive1/BadLogHive",
        Yarp + "BadLogHive2/BadLogHive",
        Yarp + "BadLogHive3/BadLogHive",
    };

    private static string Hives() => Path.Combine(External.Corpus(), "hives");

    private static RegistryHive Open(string relative, RegistryHiveOpenOptions? options = null)
        => RegistryHive.OpenFile(Path.Combine(Hives(), relative), options ?? new RegistryHiveOpenOptions { FindLogFiles = false });

    [SkippableFact]
    public void Every_corpus_hive_opens_and_walks_or_is_refused_with_the_error_its_damage_calls_for()
    {
        var root = Hives();
        var files = Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => !f.EndsWith(".md", StringComparison.Ordinal) && !f.EndsWith(".txt", StringComparison.Ordinal) && !f.Contains(".LOG", StringComparison.Ordinal) && !f.StartsWith("yarp/records_for_tests/", StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
        Assert.True(files.Count >= 60, $"only {files.Count} corpus hives found");

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            RegistryHive? hive = null;
            var error = Hostile.Survives(() => hive = Open(file), maxAllocatedBytes: 128L << 20);
            if (RefusedAtOpen.TryGetValue(file, out var expectedId))
            {
                Assert.True(error is not null, $"{file} opened but should be refused with {expectedId}");
                Assert.Equal(expectedId, error!.ErrorId);
                Assert.IsType<CorruptImageException>(error);
                seen.Add(file);
                continue;
            }

            Assert.True(error is null, $"{file}: {error?.Message}");
            Assert.Equal(Dirty.Contains(file), hive!.IsDirty);
            if (Dirty.Contains(file))
            {
                seen.Add(file);
            }

            var walk = Hostile.Survives(() => Walk(hive), maxAllocatedBytes: 256L << 20);
            if (DamagedTree.TryGetValue(file, out var detail))
            {
                Assert.True(walk is not null, $"{file} walked cleanly but its tree is damaged");
                Assert.Equal("HiveCorrupt", walk!.ErrorId);
                Assert.Contains(detail, walk.Message);
                seen.Add(file);
                continue;
            }

            Assert.True(walk is null, $"{file}: {walk?.Message}");
            var report = hive.Check();
            var problems = report.Problems.Where(p => !p.StartsWith("base block: sequence numbers", StringComparison.Ordinal)).ToList();
            if (CheckFinds.TryGetValue(file, out var finding))
            {
                Assert.Contains(problems, p => p.Contains(finding, StringComparison.Ordinal));
                seen.Add(file);
            }
            else
            {
                Assert.True(problems.Count == 0, $"{file}: {string.Join("; ", problems)}");
            }
        }

        // Every file named above exists in the corpus (the lists are not stale).
        Assert.Empty(RefusedAtOpen.Keys.Concat(DamagedTree.Keys).Concat(CheckFinds.Keys).Concat(Dirty).Except(seen));
    }

    [SkippableFact]
    public void Salvage_opens_a_hive_with_a_damaged_base_block_from_the_bins_present()
    {
        var options = new RegistryHiveOpenOptions { FindLogFiles = false, Salvage = true };
        var effective = Open(Yarp + "EffectiveSizeHive", options);
        Assert.True(effective.IsDirty);
        Assert.Equal(HiveDirtyReasons.BaseBlockChecksumInvalid, effective.DirtyReasons);
        Assert.Equal(BaseBlock.Size + 487424, effective.Length); // the header says 4096; 487424 bytes of bins are there
        Assert.Equal(5000, effective.OpenKey("key_with_many_subkeys").SubkeyCount);
        Assert.Equal("HiveDirty", Assert.Throws<ImageOpsException>(() => effective.Apply(new RegistryEditPlan().CreateKey("x"))).ErrorId);

        var garbage = Open(Yarp + "GarbageHive", options);
        Assert.Equal(BaseBlock.Size + 4096, garbage.Length); // one bin, then garbage

        // Truncated files: what the bins present hold is reachable (as yarp's truncated-hive reader
        // finds), what lies beyond the end fails typed when read.
        foreach (var name in new[] { "TruncatedHive", "TruncatedDirtyHive" })
        {
            var truncated = Open(Yarp + name, options);
            Assert.True(truncated.IsDirty);
            Assert.True((truncated.DirtyReasons & HiveDirtyReasons.Truncated) != 0);
            Assert.Equal("{6214ff27-7b1b-41a3-9ae4-5fb851ffed63}", truncated.Root.Name);
            var many = truncated.OpenKey("key_with_many_subkeys");
            Assert.Equal(5000, many.SubkeyCount);
            Assert.Equal("HiveCorrupt", Assert.Throws<CorruptImageException>(() => many.GetSubkeys()).ErrorId);
            var refused = Assert.Throws<ImageOpsException>(() => truncated.Apply(new RegistryEditPlan().CreateKey("x")));
            Assert.Equal("HiveDirty", refused.ErrorId);
            Assert.Contains("salvage mode", refused.Message);
        }
    }

    [SkippableFact]
    public void Notatin_ntuser_dat_has_2853_keys_and_5523_values()
    {
        var hive = Open("notatin/NTUSER.DAT");
        Assert.Equal(2853, hive.EnumerateKeys().Count());
        Assert.Equal(5523, hive.EnumerateKeys().Sum(k => k.ValueCount));
        Assert.Equal(5523, hive.Check().ValueCount);
    }

    [SkippableFact]
    public void Yarp_empty_big_data_and_many_subkeys_hives_hold_what_yarp_says()
    {
        var empty = Open(Yarp + "EmptyHive");
        Assert.Equal(0, empty.Root.SubkeyCount);
        Assert.Equal(new DateTime(2017, 3, 4, 16, 37, 31), Truncate(empty.LastWriteTimeUtc));
        Assert.Equal("S-1-5-32-544", OwnerSid(empty.Root.GetSecurityDescriptor()));

        var big = Open(Yarp + "BigDataHive").OpenKey("key_with_bigdata");
        Assert.Equal(2, big.ValueCount);
        Assert.Equal(Enumerable.Repeat((byte)'1', 16345), big.GetValue(string.Empty)!.GetData());
        Assert.Equal(Enumerable.Repeat((byte)'2', 81725), big.GetValue("V")!.GetData());
        Assert.Null(big.GetValue("doesnt_exist"));

        var many = Open(Yarp + "ManySubkeysHive");
        var key = many.OpenKey("key_with_many_subkeys");
        Assert.Equal(5000, key.SubkeyCount);
        Assert.Equal(Enumerable.Range(1, 5000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).OrderBy(n => n, StringComparer.Ordinal), key.GetSubkeyNames().OrderBy(n => n, StringComparer.Ordinal));
        Assert.Equal(@"key_with_many_subkeys\2119\find_me", many.OpenKey(@"key_with_MAny_subkeys\2119\find_me").Path);
        Assert.Equal(@"key_with_many_subkeys\2119\find_me", many.OpenKey(@"\key_with_maNY_sUBkeys\2119\Find_me").Path);
        Assert.NotNull(many.GetKey(@"key_with_many_subkeys\3000"));
        Assert.Null(many.GetKey(@"key_with_many_subkeys\3000\doesnt_exist"));
        Assert.Null(many.GetKey(@"key_with_many_subkeys\doesnt_exist\doesnt_exist"));
        var tree = many.Tree;
        var offset = tree.Resolve(new[] { "key_with_many_subkeys" });
        Assert.Equal(SubkeysListKind.IndexRoot, tree.List(tree.Key(offset).SubkeysList).Kind);
    }

    [SkippableFact]
    public void Yarp_name_and_string_hives_decode_as_yarp_says()
    {
        var unicode = Open(Yarp + "UnicodeHive");
        Assert.Equal("\u041F\u0440\u0438\u0432\u0435\u0442\\\u041A\u043B\u044E\u0447", unicode.OpenKey("\u041F\u0440\u0438\u0412\u0435\u0442\\\u041A\u043B\u044E\u0427").Path);
        Assert.Equal("\u041F\u0440\u0438\u0432\u0435\u0442", unicode.OpenKey("\\\u043F\u0440\u0438\u0432\u0435\u0422").Path);
        Assert.Equal(144, unicode.Root.GetSecurityDescriptor().Length);

        var ascii = Open(Yarp + "ExtendedASCIIHive").OpenKey("\u00EBigenaardig");
        Assert.Equal(0x20, ascii.Flags & 0x20);
        Assert.Equal("\u00EBigenaardig", ascii.GetValue("\u00EBigenaardig")!.GetString());

        var multi = Open(Yarp + "MultiSzHive").OpenKey("key");
        Assert.Null(multi.GetValue(string.Empty));
        Assert.Empty(multi.GetValue("1")!.GetMultiString());
        Assert.Equal(new[] { "\u043F\u0440\u0438\u0432\u0435\u0442", "\u043A\u0430\u043A \u0434\u0435\u043B\u0430?" }, multi.GetValue("2")!.GetMultiString());

        var strings = Open(Yarp + "StringValuesHive").OpenKey("key");
        Assert.Equal("test \u0442\u0435\u0441\u0442", strings.GetValue(string.Empty)!.GetString());
        Assert.Equal(Encoding.ASCII.GetBytes("test"), strings.GetValue("1")!.GetData());
        Assert.Equal("test \u0442\u0435\u0441\u0442", strings.GetValue("2")!.GetString());
        Assert.Equal("test \u0442\u0435\u0441\u0442 ", strings.GetValue("3")!.GetString());

        var bogus = Open(Yarp + "BogusKeyNamesHive");
        Assert.Equal(new[] { "testnew\r\nne", "testnu\0l" }, bogus.Root.GetSubkeyNames().OrderBy(n => n, StringComparer.Ordinal));
        Assert.NotNull(bogus.GetKey("testnew\r\nne"));
        Assert.NotNull(bogus.GetKey("TESTNU\0L"));

        var flags = Open(Yarp + "NewFlagsHive");
        Assert.Equal(0, flags.OpenKey("1").UserFlags);
        Assert.Equal(0, flags.OpenKey("1").VirtualizationFlags);
        Assert.Equal(1, flags.OpenKey(@"1\2").UserFlags); // KEY_FLAG_32BIT
        Assert.Equal(0, flags.OpenKey(@"1\2").VirtualizationFlags);

        var noRootFlag = Open(Yarp + "DeletedTreeNoRootFlagHive");
        Assert.Equal(0, noRootFlag.Root.Flags & 0x4);
        Assert.Equal(2, noRootFlag.EnumerateKeys().Count() - 1);

        Assert.Equal(6, Open(Yarp + "System_Delta").MinorVersion);
        Assert.Equal(2, Open(Yarp + "NewDirtyHive1/NewDirtyHive").OpenKey(@"key2\key2_2").AccessBits);
    }

    [SkippableFact]
    public void Python_registry_samples_hold_what_its_tests_say()
    {
        var issue22Path = Path.Combine(Hives(), "python-registry", "issue22.hive");
        using (var md5 = MD5.Create())
        {
            Assert.Equal("0f8f1276f2a4fafc03b2a31775898800", string.Concat(md5.ComputeHash(File.ReadAllBytes(issue22Path)).Select(b => b.ToString("x2"))));
        }

        Assert.Equal("W. Europe Standard Time", Open("python-registry/issue22.hive").Root.GetValue("TimeZoneKeyName")!.GetString());

        var reorganized = Open("python-registry/REORGANIZED_VALUES_TESTS");
        Assert.All(reorganized.Root.GetSubkeys(), k => Assert.Equal(2, k.AccessBits));

        var unicode = Open("python-registry/UNICODE_TESTS");
        static bool Ok(string s) => s.Length == 0 || s.StartsWith("ASCII", StringComparison.Ordinal) || s.StartsWith("UNICODE_JUMBLE_{H~\u2591\u00f4\u00ab}", StringComparison.Ordinal);
        foreach (var key in unicode.Root.GetSubkeys())
        {
            Assert.True(Ok(key.Name), key.Name);
            foreach (var value in key.GetValues())
            {
                Assert.True(Ok(value.Name), value.Name);
                if (value.Type is RegistryValueType.String or RegistryValueType.ExpandString)
                {
                    Assert.True(Ok(value.GetString()), value.GetString());
                }
                else if (value.Type == RegistryValueType.MultiString)
                {
                    Assert.All(value.GetMultiString(), s => Assert.True(Ok(s), s));
                }
            }
        }
    }

    [SkippableFact]
    public void Nt_hive_offreg_test_hive_holds_what_its_writer_put_there()
    {
        var hive = Open("nt-hive/testhive");
        Assert.Equal(new[] { "big-data-test", "character-encoding-test", "data-test", "subkey-test", "subpath-test" }, hive.Root.GetSubkeyNames());

        var big = hive.OpenKey("big-data-test");
        Assert.Equal(16343, big.GetValue("A")!.GetData().Length);
        Assert.Equal(16344, big.GetValue("B")!.GetData().Length);
        Assert.Equal(16345, big.GetValue("C")!.GetData().Length);

        var encoding = hive.OpenKey("character-encoding-test");
        Assert.Equal(4, encoding.SubkeyCount); // äöü, one of Ａ/ａ, two Deseret letters
        Assert.Equal(0x20, hive.OpenKey("character-encoding-test\\\u00C4\u00D6\u00DC").Flags & 0x20);
        Assert.Equal(hive.OpenKey("character-encoding-test\\\uFF21").Path, hive.OpenKey("character-encoding-test\\\uFF41").Path);
        Assert.NotEqual(hive.OpenKey("character-encoding-test\\\uD801\uDC10").Path, hive.OpenKey("character-encoding-test\\\uD801\uDC38").Path);

        var data = hive.OpenKey("data-test");
        Assert.Equal("sz-test", data.GetValue("reg-sz")!.GetString());
        Assert.Equal("sz-test", data.GetValue("reg-sz-with-terminating-nul")!.GetString());
        Assert.Equal("sz-test", data.GetValue("reg-expand-sz")!.GetString());
        Assert.Equal(new[] { "multi-sz-test", "line2" }, data.GetValue("reg-multi-sz")!.GetMultiString());
        Assert.Equal(new[] { string.Concat(Enumerable.Repeat("0123456789", 820)), "0123456789" }, data.GetValue("reg-multi-sz-big")!.GetMultiString());
        Assert.Equal(42u, data.GetValue("dword")!.GetDWord());

        // The writer passed the little-endian bytes of 42 with the type REG_DWORD_BIG_ENDIAN (ORSetValue
        // stores bytes as given), so read big-endian the number is 0x2A000000, as nt-hive's own test
        // expects (704643072); the corpus README's "42" is the number the writer had in mind.
        Assert.Equal(new byte[] { 42, 0, 0, 0 }, data.GetValue("dword-big-endian")!.GetData());
        Assert.Equal(704643072u, data.GetValue("dword-big-endian")!.GetDWord());
        Assert.Equal(ulong.MaxValue, data.GetValue("qword")!.GetQWord());

        var subkeys = hive.OpenKey("subkey-test");
        Assert.Equal(512, subkeys.SubkeyCount);
        for (var i = 0; i < 512; i += 37)
        {
            Assert.NotNull(subkeys.GetSubkey("KEY" + i));
            Assert.NotNull(subkeys.GetSubkey("key" + i));
        }

        Assert.Equal(0, hive.OpenKey(@"subpath-test\no-subkeys").SubkeyCount);
        Assert.NotNull(hive.GetKey(@"subpath-test\with-single-level-subkey\subkey"));
        Assert.NotNull(hive.GetKey(@"subpath-test\with-two-levels-of-subkeys\subkey1\subkey2"));
        Assert.True(hive.Check().IsConsistent);
    }

    [SkippableFact]
    public void Hivex_samples_hold_what_the_hivex_tests_say()
    {
        var minimal = Open("hivex/minimal");
        Assert.Equal(0, minimal.Root.SubkeyCount);
        Assert.Equal(0, minimal.Root.ValueCount);

        var special = Open("hivex/special");
        Assert.Equal(3, special.Root.SubkeyCount);
        foreach (var name in new[] { "abcd_\u00E4\u00F6\u00FC\u00DF", "zero\0key", "weird\u2122" })
        {
            var key = special.OpenKey(name);
            var value = Assert.Single(key.GetValues());
            Assert.Equal(RegistryValueType.DWord, value.Type);
        }

        Assert.NotNull(special.OpenKey("abcd_\u00E4\u00F6\u00FC\u00DF").GetValue("abcd_\u00E4\u00F6\u00FC\u00DF"));
        Assert.NotNull(special.OpenKey("zero\0key").GetValue("zero\0val"));
        Assert.NotNull(special.OpenKey("weird\u2122").GetValue("symbols $\u00A3\u20A4\u20A7\u20AC"));

        var rlen = Open("hivex/rlenvalue_test_hive").OpenKey("ModerateValueParent");
        const string pattern = "0123456789ABCDEF0123456789ABCDEF0123";
        foreach (var length in new[] { 3, 16, 30, 31, 32, 33 })
        {
            var value = rlen.GetValue(length + "Bytes")!;
            Assert.Equal(RegistryValueType.Binary, value.Type);
            Assert.Equal(Encoding.ASCII.GetBytes(pattern.Substring(0, length)), value.GetData());
        }
    }

    [SkippableFact]
    public void Lists_Windows_left_unsorted_are_read_but_not_inserted_into()
    {
        var wrong = Open(Yarp + "WrongOrderHive");
        Assert.Equal(4, wrong.OpenKey("2").SubkeyCount);
        var error = Assert.Throws<CorruptImageException>(() => wrong.Apply(new RegistryEditPlan().CreateKey(@"2\new")));
        Assert.Equal("HiveCorrupt", error.ErrorId);
        Assert.Contains("not sorted", error.Message);

        // Editing elsewhere in the same hive is fine.
        wrong.Apply(new RegistryEditPlan().SetDWord(@"1\1", "v", 1));
        Assert.Equal(1u, wrong.OpenKey(@"1\1").GetValue("v")!.GetDWord());
    }

    [SkippableFact]
    public void A_real_user_hive_survives_edits_and_stays_consistent()
    {
        var hive = Open("notatin/win7_ntuser.dat");
        var before = hive.EnumerateKeys().Count();
        var results = hive.Apply(new RegistryEditPlan()
            .SetString(@"Software\ImageOps\Test", "Name", "value")
            .SetBinary(@"Software\ImageOps\Test", "Big", RegistryTestHives.Bytes(100_000, 3))
            .DeleteKey(@"Software\Microsoft\Windows\CurrentVersion\Explorer\RecentDocs")
            .CreateKey(@"Control Panel\Desktop\ImageOps"));
        Assert.Equal(RegistryEditOutcome.Deleted, results[2].Outcome);
        var report = hive.Check();
        Assert.True(report.IsConsistent, string.Join("\n", report.Problems));
        var after = hive.Reopen();
        Assert.Equal("value", after.OpenKey(@"software\imageops\test").GetValue("name")!.GetString());
        Assert.Null(after.GetKey(@"Software\Microsoft\Windows\CurrentVersion\Explorer\RecentDocs"));
        Assert.True(after.EnumerateKeys().Count() < before + 4);
    }

    private static void Walk(RegistryHive hive)
    {
        foreach (var key in hive.EnumerateKeys())
        {
            _ = key.Name;
            _ = key.ClassName;
            _ = key.LastWriteTimeUtc;
            key.GetSecurityDescriptor();
            foreach (var value in key.GetValues())
            {
                value.GetData();
            }
        }
    }

    private static DateTime Truncate(DateTime time) => new(time.Year, time.Month, time.Day, time.Hour, time.Minute, time.Second);

    private static string OwnerSid(byte[] descriptor)
    {
        var owner = (int)BinaryPrimitives.ReadUInt32LittleEndian(descriptor.AsSpan(4));
        var count = descriptor[owner + 1];
        long authority = 0;
        for (var i = 2; i < 8; i++)
        {
            authority = (authority << 8) | descriptor[owner + i];
        }

        var parts = new List<string> { "S", descriptor[owner].ToString(System.Globalization.CultureInfo.InvariantCulture), authority.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        for (var i = 0; i < count; i++)
        {
            parts.Add(BinaryPrimitives.ReadUInt32LittleEndian(descriptor.AsSpan(owner + 8 + (4 * i))).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return string.Join("-", parts);
    }
}
