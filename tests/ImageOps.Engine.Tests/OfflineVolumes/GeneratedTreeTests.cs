using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Ntfs;
using ImageOps.Formats.Partitions;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.OfflineVolumes;

/// <summary>
/// The generated tree written through libntfs-3g, read back by the managed NTFS reader and by ntfs-3g's
/// own tools (ntfsls, ntfscat, ntfsfix, ntfsinfo): every file's bytes and every listing equal.
/// </summary>
[Collection(GeneratedTreeCollection.Name)]
public class GeneratedTreeTests
{
    private readonly GeneratedTreeFixture _fixture;

    public GeneratedTreeTests(GeneratedTreeFixture fixture)
    {
        _fixture = fixture;
    }

    private (VirtualDisk Disk, NtfsVolume Volume) OpenReader()
    {
        _fixture.Require();
        var disk = DiskFormats.Open(_fixture.DiskPath);
        var partition = PartitionTable.Read(disk).Partitions.Single();
        return (disk, NtfsVolume.Open(disk, partition));
    }

    [SkippableFact]
    public void Reader_reads_every_file_byte_for_byte()
    {
        var (disk, volume) = OpenReader();
        using (disk)
        using (volume)
        {
            Assert.Equal("GENTREE", volume.Label);
            Assert.False(volume.IsDirty);
            foreach (var file in _fixture.Expected)
            {
                var entry = volume.GetEntry(file.Key);
                Assert.False(entry.IsDirectory);
                Assert.Equal(file.Value.Length, entry.Length);
                Assert.True(file.Value.AsSpan().SequenceEqual(volume.ReadAllBytes(entry)), file.Key);
            }

            foreach (var stream in _fixture.Streams)
            {
                Assert.Equal(stream.Value, volume.ReadAllBytes(stream.Key.File, stream.Key.Stream));
            }
        }
    }

    [SkippableFact]
    public void Reader_lists_every_directory_exactly()
    {
        var (disk, volume) = OpenReader();
        using (disk)
        using (volume)
        {
            foreach (var directory in _fixture.Directories)
            {
                var listed = volume.ListDirectory(directory.Key).Select(e => e.Name).Where(n => directory.Key != "\\" || !n.StartsWith("$", StringComparison.Ordinal));
                Assert.Equal(directory.Value.ToList(), listed.OrderBy(n => n, StringComparer.Ordinal).ToList());
            }

            Assert.True(volume.IndexLevels(volume.GetEntry("\\big")) >= 3, "the 2,500-name index has fewer than three levels");
            var big = volume.ListDirectory("\\big");
            Assert.Equal(GeneratedTreeFixture.BigDirectoryCount, big.Count);

            // Collation order: the listing comes out of the B+ tree sorted by upcased name.
            var names = big.Select(e => e.Name).ToList();
            Assert.Equal(names.OrderBy(n => n.ToUpperInvariant(), StringComparer.Ordinal).ToList(), names);
        }
    }

    [SkippableFact]
    public void Reader_sees_deep_paths_unicode_case_variants_and_short_names()
    {
        var (disk, volume) = OpenReader();
        using (disk)
        using (volume)
        {
            Assert.Equal(GeneratedTreeFixture.Depth + 1, volume.GetEntry(_fixture.DeepPath + "/LEAF.TXT").FullPath.Count(c => c == '\\'));
            Assert.Equal("emoji-😀-🚀.txt", volume.GetEntry("/UNICODE/EMOJI-😀-🚀.TXT").Name);
            Assert.Equal("café-naïve-Ærøskøbing.txt", volume.GetEntry("/unicode/CAFÉ-NAÏVE-ÆRØSKØBING.TXT").Name);
            Assert.Equal("Ελληνικά.txt", volume.GetEntry("/unicode/ΕΛΛΗΝΙΚΆ.TXT").Name);

            // Exact case wins among case-only variants; otherwise any variant is found.
            foreach (var name in new[] { "Case.txt", "case.txt", "CASE.TXT" })
            {
                Assert.Equal(Encoding.UTF8.GetBytes(name + " content"), volume.ReadAllBytes("\\unicode\\" + name));
            }

            Assert.Contains(volume.GetEntry("/unicode/cASE.txt").Name, new[] { "Case.txt", "case.txt", "CASE.TXT" });

            foreach (var alias in _fixture.ShortNames)
            {
                Assert.Equal(alias.Value, volume.GetEntry(alias.Key).ShortName);
            }

            var viaShort = volume.GetEntry("\\PROGRA~1\\longfi~1.txt");
            Assert.Equal("\\Program Files\\Long File Name Example.txt", viaShort.FullPath);
            Assert.Equal("long name", Encoding.ASCII.GetString(volume.ReadAllBytes(viaShort)));
            Assert.DoesNotContain(volume.ListDirectory("\\Program Files"), e => e.Name == "LONGFI~1.TXT");
        }
    }

    [SkippableFact]
    public void Large_file_is_fragmented_sparse_files_have_holes_compressed_files_are_compressed()
    {
        var (disk, volume) = OpenReader();
        using (disk)
        using (volume)
        {
            var large = volume.GetEntry("\\large.bin").Streams.Single();
            Assert.True(large.FragmentCount > 1, $"large.bin has {large.FragmentCount} fragment(s)");

            foreach (var name in new[] { "\\sparse-middle-and-end.bin", "\\sparse-leading-hole.bin" })
            {
                var sparse = volume.GetEntry(name);
                Assert.True(sparse.Streams.Single().IsSparse, name);
                Assert.True(sparse.AllocatedLength < sparse.Length / 2, $"{name}: {sparse.AllocatedLength} of {sparse.Length} allocated");
                Assert.True((sparse.Attributes & NtfsFileAttributes.SparseFile) != 0);
            }

            var text = volume.GetEntry("\\compressed\\text.txt");
            var stream = text.Streams.Single();
            Assert.True(stream.IsCompressed);
            Assert.Equal(16, stream.CompressionUnitClusters);
            Assert.True(text.AllocatedLength < text.Length / 4, $"text.txt: {text.AllocatedLength} of {text.Length} on disk");
            Assert.True((text.Attributes & NtfsFileAttributes.Compressed) != 0);
            Assert.True(volume.GetEntry("\\compressed\\random.bin").Streams.Single().IsCompressed);
            Assert.True(volume.GetEntry("\\compressed\\mixed-with-zeros.bin").AllocatedLength < 200_000);

            var streams = volume.GetEntry("\\streams\\host.exe").Streams.Select(s => s.Name).OrderBy(s => s, StringComparer.Ordinal);
            Assert.Equal(new[] { string.Empty, "Zone.Identifier", "big.stream" }, streams);
        }
    }

    [SkippableFact]
    public void Ranges_read_across_holes_compression_units_and_fragments()
    {
        var (disk, volume) = OpenReader();
        using (disk)
        using (volume)
        {
            var random = new Random(7);
            foreach (var name in new[] { "\\sparse-middle-and-end.bin", "\\sparse-leading-hole.bin", "\\compressed\\text.txt", "\\compressed\\mixed-with-zeros.bin", "\\compressed\\random.bin", "\\large.bin" })
            {
                var expected = _fixture.Expected[name];
                var entry = volume.GetEntry(name);
                for (var i = 0; i < 40; i++)
                {
                    var offset = random.Next(0, expected.Length);
                    var length = Math.Min(random.Next(1, 200_000), expected.Length - offset);
                    var buffer = new byte[length + 10];
                    var read = volume.Read(entry, offset, buffer);
                    Assert.Equal(Math.Min(buffer.Length, expected.Length - offset), read);
                    Assert.True(expected.AsSpan(offset, read).SequenceEqual(buffer.AsSpan(0, read)), $"{name} [{offset}, +{read})");
                }

                Assert.Equal(0, volume.Read(entry, expected.Length, new byte[10]));
            }
        }
    }

    [SkippableFact]
    public void Bitmap_marks_every_cluster_every_file_uses()
    {
        var (disk, volume) = OpenReader();
        using (disk)
        using (volume)
        {
            var bitmap = volume.GetClusterBitmap();
            var info = ProcessRunner.Run(External.Tool("ntfscluster"), TimeSpan.FromMinutes(1), "-i", _fixture.VolumePath).EnsureSuccess("ntfscluster");
            var free = long.Parse(System.Text.RegularExpressions.Regex.Match(info.Out, @"clusters of free space\s*:\s*(\d+)").Groups[1].Value);
            Assert.Equal(free, bitmap.FreeClusters);
            Assert.True(bitmap.AllocatedClusters * volume.ClusterSize > 200L << 20);

            var checkedClusters = 0L;
            foreach (var path in _fixture.Expected.Keys.Where(k => !k.StartsWith("\\big\\", StringComparison.Ordinal)))
            {
                var entry = volume.GetEntry(path);
                foreach (var stream in entry.Streams.Where(s => !s.IsResident))
                {
                    foreach (var run in entry.File.Data(ImageOps.Formats.Ntfs.NtfsAttributeType.Data, stream.Name, volume)!.Runs.Where(r => !r.IsSparse))
                    {
                        for (var lcn = run.Lcn; lcn < run.Lcn + run.Length; lcn++)
                        {
                            Assert.True(bitmap.IsAllocated(lcn), $"{path}: cluster {lcn} is in use but free in $Bitmap");
                            checkedClusters++;
                        }
                    }
                }
            }

            Assert.True(checkedClusters > 50_000, $"{checkedClusters} clusters checked");
        }
    }

    [SkippableFact]
    public void Ntfs3g_tools_agree_with_the_reader()
    {
        _fixture.Require();
        var ntfsls = External.Tool("ntfsls");
        var ntfscat = External.Tool("ntfscat");
        foreach (var directory in new[] { "\\", "\\big", "\\unicode", "\\compressed", _fixture.DeepPath })
        {
            var result = ProcessRunner.Run(ntfsls, TimeSpan.FromMinutes(1), "-a", "-p", directory.Replace('\\', '/'), _fixture.VolumePath).EnsureSuccess("ntfsls " + directory);
            var listed = result.Out.Split('\n').Where(l => l.Length > 0 && l != "." && l != "..").OrderBy(n => n, StringComparer.Ordinal).ToList();
            Assert.Equal(_fixture.Directories[directory].ToList(), listed);
        }

        var sample = _fixture.Expected.Keys.Where(k => !k.StartsWith("\\big\\", StringComparison.Ordinal) || k.EndsWith("7.dat", StringComparison.Ordinal)).Take(120).ToList();
        var output = Path.Combine(Path.GetTempPath(), "imageops-ntfscat-" + Guid.NewGuid().ToString("N"));
        try
        {
            foreach (var path in sample)
            {
                var info = new System.Diagnostics.ProcessStartInfo(ntfscat) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                info.ArgumentList.Add(_fixture.VolumePath);
                info.ArgumentList.Add(path.Replace('\\', '/'));
                using var process = System.Diagnostics.Process.Start(info)!;
                using var memory = new MemoryStream();
                var err = process.StandardError.ReadToEndAsync();
                process.StandardOutput.BaseStream.CopyTo(memory);
                process.WaitForExit();
                Assert.True(process.ExitCode == 0, $"ntfscat {path}: {err.Result}");
                Assert.True(_fixture.Expected[path].AsSpan().SequenceEqual(memory.ToArray()), "ntfscat " + path);
            }
        }
        finally
        {
            File.Delete(output);
        }
    }

    [SkippableFact]
    public void Ntfsfix_and_ntfsinfo_find_the_volume_consistent()
    {
        _fixture.Require();
        var copy = _fixture.VolumePath + ".check";
        // ntfsfix -n writes nothing, but a copy (sparse, like the original) keeps that a non-issue.
        GeneratedTreeFixture.Extract(_fixture.VolumePath, 0, new FileInfo(_fixture.VolumePath).Length, copy);
        try
        {
            var fix = ProcessRunner.Run(External.Tool("ntfsfix"), TimeSpan.FromMinutes(1), "-n", copy);
            Assert.True(fix.ExitCode == 0, fix.Out + fix.Err);
            Assert.DoesNotContain("corrupt", fix.Out + fix.Err, StringComparison.OrdinalIgnoreCase);
            var info = ProcessRunner.Run(External.Tool("ntfsinfo"), TimeSpan.FromMinutes(1), "-m", copy).EnsureSuccess("ntfsinfo");
            Assert.Contains("GENTREE", info.Out);
        }
        finally
        {
            File.Delete(copy);
        }
    }
}
