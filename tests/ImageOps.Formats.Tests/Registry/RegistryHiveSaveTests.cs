using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using ImageOps.Formats.Registry;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Registry;

/// <summary>Crash-safe saving: the sequence-number protocol, temp-then-rename, backups, and failures at every step.</summary>
public class RegistryHiveSaveTests
{
    private static readonly string[] Steps =
    {
        "create-temp", "write-dirty-base-block", "write-hive-bins", "flush-hive-bins",
        "write-clean-base-block", "flush-base-block", "backup", "rename",
    };

    [Fact]
    public void A_clean_save_advances_both_sequence_numbers_together()
    {
        using var folder = new TempFolder("regf-save");
        var path = folder.Combine("SYSTEM");
        var hive = RegistryTestHives.Empty().With(plan => plan.SetDWord("Select", "Current", 1));
        Assert.Equal(1u, hive.PrimarySequenceNumber);
        hive.Save(path);
        Assert.Equal(2u, hive.PrimarySequenceNumber);
        Assert.Equal(2u, hive.SecondarySequenceNumber);
        Assert.Equal(hive.ToArray(), File.ReadAllBytes(path));

        var reopened = RegistryHive.OpenFile(path);
        Assert.False(reopened.IsDirty);
        Assert.Equal(2u, reopened.PrimarySequenceNumber);
        Assert.Equal(1u, reopened.OpenKey("Select").GetValue("Current")!.GetDWord());

        reopened.Apply(new RegistryEditPlan().SetDWord("Select", "Current", 2));
        reopened.Save(path);
        var again = RegistryHive.OpenFile(path);
        Assert.Equal(3u, again.PrimarySequenceNumber);
        Assert.Equal(3u, again.SecondarySequenceNumber);
        Assert.Equal(2u, again.OpenKey("Select").GetValue("Current")!.GetDWord());
        Assert.Single(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void While_the_data_is_written_the_file_is_marked_dirty_and_only_then_clean()
    {
        using var folder = new TempFolder("regf-protocol");
        var path = folder.Combine("SOFTWARE");
        var hive = RegistryTestHives.Empty().With(plan => plan.SetString(@"Microsoft\Windows\CurrentVersion", "DevicePath", @"%SystemRoot%\inf"));
        (uint, uint)? whileWriting = null;
        (uint, uint)? afterClean = null;
        HiveFileWriter.FaultHook = step =>
        {
            if (step is "write-clean-base-block" or "rename")
            {
                var temp = Directory.GetFiles(folder.Path, ".SOFTWARE.*.tmp").Single();
                using var stream = new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                var block = new byte[BaseBlock.Size];
                stream.ReadExactly(block);
                var numbers = (BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(4)), BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(8)));
                if (step == "rename")
                {
                    afterClean = numbers;
                }
                else
                {
                    whileWriting = numbers;
                }
            }
        };
        try
        {
            hive.Save(path);
        }
        finally
        {
            HiveFileWriter.FaultHook = null;
        }

        Assert.Equal((2u, 1u), whileWriting);
        Assert.Equal((2u, 2u), afterClean);

        // The temp file is named as the engine's atomic writes name theirs, so its sweep removes one a
        // killed process left behind.
        var name = Path.GetFileName(HiveFileWriter.TempPathFor(path));
        Assert.Matches(new Regex(@"^\.(?<final>.+)\.(?<host>[A-Za-z0-9_-]{1,40})-(?<pid>\d{1,10})-(?<rand>[0-9a-f]{8})\.tmp$"), name);
        Assert.StartsWith(".SOFTWARE.", name, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failure_at_any_step_leaves_the_original_file_and_no_temp_file()
    {
        using var folder = new TempFolder("regf-fault");
        var path = folder.Combine("SYSTEM");
        var hive = RegistryTestHives.Empty().With(plan => plan.SetDWord("K", "v", 0));
        hive.Save(path);
        hive.Apply(new RegistryEditPlan().SetDWord("K", "v", 1));
        hive.Save(path, new RegistryHiveSaveOptions { KeepBackup = true });
        var original = File.ReadAllBytes(path);
        var backup = File.ReadAllBytes(path + ".bak");
        hive.Apply(new RegistryEditPlan().SetBinary("K", "big", RegistryTestHives.Bytes(100_000, 1)));
        var sequence = hive.PrimarySequenceNumber;

        foreach (var step in Steps)
        {
            HiveFileWriter.FaultHook = s =>
            {
                if (s == step)
                {
                    throw new IOException("injected failure at " + s);
                }
            };
            try
            {
                var error = Assert.Throws<IOException>(() => hive.Save(path, new RegistryHiveSaveOptions { KeepBackup = true }));
                Assert.Contains(step, error.Message);
            }
            finally
            {
                HiveFileWriter.FaultHook = null;
            }

            Assert.Equal(original, File.ReadAllBytes(path));
            Assert.Equal(
                new[] { "SYSTEM", "SYSTEM.bak" },
                Directory.GetFiles(folder.Path).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));
            Assert.Equal(sequence, hive.PrimarySequenceNumber);
            Assert.Equal(1u, RegistryHive.OpenFile(path).OpenKey("K").GetValue("v")!.GetDWord());

            // The backup is the previous file, or, if the failure came after it was replaced, the same bytes.
            Assert.Equal(step is "rename" ? original : backup, File.ReadAllBytes(path + ".bak"));
        }

        hive.Save(path, new RegistryHiveSaveOptions { KeepBackup = true });
        Assert.Equal(100_000, RegistryHive.OpenFile(path).OpenKey("K").GetValue("big")!.DataLength);
        Assert.Equal(original, File.ReadAllBytes(path + ".bak"));
    }

    [Fact]
    public void A_backup_keeps_the_previous_file_at_the_path_asked_for()
    {
        using var folder = new TempFolder("regf-backup");
        var path = folder.Combine("hive");
        var hive = RegistryTestHives.Empty();
        hive.Save(path, new RegistryHiveSaveOptions { KeepBackup = true });
        Assert.False(File.Exists(path + ".bak")); // nothing to back up yet
        var first = File.ReadAllBytes(path);

        hive.Apply(new RegistryEditPlan().CreateKey("Changed"));
        hive.Save(path, new RegistryHiveSaveOptions { KeepBackup = true, BackupPath = folder.Combine("before-injection.hiv") });
        Assert.Equal(first, File.ReadAllBytes(folder.Combine("before-injection.hiv")));
        Assert.NotNull(RegistryHive.OpenFile(path).GetKey("Changed"));
        Assert.Null(RegistryHive.OpenFile(folder.Combine("before-injection.hiv")).GetKey("Changed"));
    }

    [Fact]
    public void Saving_into_a_stream_follows_the_same_protocol_in_place()
    {
        var hive = RegistryTestHives.Empty().With(plan => plan.SetBinary("K", "blob", RegistryTestHives.Bytes(50_000, 3)));
        var old = new byte[hive.Length + 8192];
        Array.Fill(old, (byte)0xEE);
        using var stream = new RecordingStream(old);
        hive.Save(stream);

        // First the dirty base block, then the bins, a flush, then the clean base block and a flush.
        Assert.Equal(new[] { "write 0 (2/1)", "write 4096", "flush", "write 0 (2/2)", "flush" }, stream.Events);
        Assert.Equal(hive.ToArray(), stream.ToArray().AsSpan(0, (int)hive.Length).ToArray());
        Assert.All(stream.ToArray().Skip((int)hive.Length), b => Assert.Equal(0xEE, b)); // padding left alone
        var reread = RegistryHive.Open(stream.ToArray());
        Assert.False(reread.IsDirty);
        Assert.Equal(2u, reread.PrimarySequenceNumber);
        Assert.Equal(50_000, reread.OpenKey("K").GetValue("blob")!.DataLength);
    }

    [Fact]
    public void Writing_to_a_stream_gives_the_same_bytes_as_the_file()
    {
        using var folder = new TempFolder("regf-stream");
        var hive = RegistryTestHives.Empty().With(plan => plan.SetString("K", "s", "text"));
        using var memory = new MemoryStream();
        hive.WriteTo(memory);
        Assert.Equal(hive.ToArray(), memory.ToArray());
        Assert.Equal("text", RegistryHive.Open(new MemoryStream(memory.ToArray())).OpenKey("K").GetValue("s")!.GetString());
    }

    /// <summary>A memory stream that records writes (offset, and the sequence numbers of base blocks) and flushes.</summary>
    private sealed class RecordingStream : MemoryStream
    {
        public RecordingStream(byte[] initial)
        {
            Write(initial, 0, initial.Length);
            Events.Clear();
            Position = 0;
        }

        public System.Collections.Generic.List<string> Events { get; } = new();

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Position == 0 && count >= BaseBlock.Size && Events is not null)
            {
                Events.Add($"write 0 ({BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offset + 4))}/{BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offset + 8))})");
            }
            else
            {
                Events?.Add("write " + Position);
            }

            base.Write(buffer, offset, count);
        }

        public override void Flush()
        {
            Events.Add("flush");
            base.Flush();
        }
    }
}
