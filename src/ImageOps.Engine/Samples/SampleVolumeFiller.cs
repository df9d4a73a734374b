using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using ImageOps.Engine.OfflineVolumes;

namespace ImageOps.Engine.Samples;

/// <summary>How <see cref="SampleVolumeFiller"/> fills a volume.</summary>
public sealed class VolumeFillOptions
{
    /// <summary>Bytes of file content to leave on the volume.</summary>
    public long TargetBytes { get; set; }

    /// <summary>Seed of every size, name and byte: the same options give the same volume.</summary>
    public int Seed { get; set; } = 20261121;

    /// <summary>Share of <see cref="TargetBytes"/> in small files (up to 64 KiB); the rest in medium and large ones.</summary>
    public double SmallFileShare { get; set; } = 0.15;

    /// <summary>Share of <see cref="TargetBytes"/> in large files (written last, into the holes deleted files left: fragmented).</summary>
    public double LargeFileShare { get; set; } = 0.5;

    /// <summary>Size of each large file (the last one may be shorter).</summary>
    public long LargeFileBytes { get; set; } = 64L << 20;

    /// <summary>Bytes of files written and deleted again: their clusters are free but keep <see cref="SampleVolumeFiller.StaleMarker"/>.</summary>
    public long DeletedBytes { get; set; }
}

/// <summary>What <see cref="SampleVolumeFiller.Fill"/> left on the volume.</summary>
public sealed class VolumeFillResult
{
    /// <summary>Every file kept (path with <c>\</c>, from the root) and the SHA-256 of its content.</summary>
    public Dictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);

    /// <summary>Bytes of content kept.</summary>
    public long KeptBytes { get; set; }

    /// <summary>Bytes of content written and deleted.</summary>
    public long DeletedBytes { get; set; }

    /// <summary>Files written and deleted.</summary>
    public int DeletedFiles { get; set; }
}

/// <summary>
/// Fills an offline volume the way a used desktop disk looks, for capture tests and the capture
/// benchmark: many small files in a directory tree, medium files interleaved with files that are deleted
/// again (their clusters free but still holding a recognisable stale pattern), then large files that
/// land in the holes and so are fragmented, and finally more deleted files. Content is half random
/// (incompressible) and half text-like (compressible), generated as it is written, never held whole.
/// </summary>
public static class SampleVolumeFiller
{
    /// <summary>The 16 bytes every deleted file repeats: finding them in a used-only capture means stale data was copied.</summary>
    public static readonly byte[] StaleMarker = System.Text.Encoding.ASCII.GetBytes("STALE-DELETED-16");

    /// <summary>Fills <paramref name="volume"/>; returns what it holds.</summary>
    public static VolumeFillResult Fill(IOfflineVolume volume, VolumeFillOptions options, CancellationToken cancellation = default)
    {
        if (volume is null)
        {
            throw new ArgumentNullException(nameof(volume));
        }

        var random = new Random(options.Seed);
        var result = new VolumeFillResult();
        var small = (long)(options.TargetBytes * options.SmallFileShare);
        var large = (long)(options.TargetBytes * options.LargeFileShare);
        var medium = Math.Max(0, options.TargetBytes - small - large);
        var doomed = new List<string>();
        var deletedEarly = options.DeletedBytes * 2 / 3;

        // Small and medium files interleaved with doomed ones, spread over a tree of directories.
        long smallDone = 0, mediumDone = 0, doomedDone = 0;
        var index = 0;
        while (smallDone < small || mediumDone < medium || doomedDone < deletedEarly)
        {
            cancellation.ThrowIfCancellationRequested();
            var folder = string.Format(CultureInfo.InvariantCulture, @"Users\Public\Documents\d{0:D3}\s{1:D2}", index / 400, index / 40 % 10);
            for (var i = 0; i < 24 && smallDone < small; i++)
            {
                var length = Math.Min(small - smallDone, SmallSize(random));
                Write(volume, string.Format(CultureInfo.InvariantCulture, @"{0}\f{1:D6}.{2}", folder, index++, i % 3 == 0 ? "txt" : "dat"), length, random.Next(), result);
                smallDone += length;
            }

            if (mediumDone < medium)
            {
                var length = Math.Min(medium - mediumDone, (256L << 10) + (random.Next(0, 16) * (256L << 10)));
                Write(volume, string.Format(CultureInfo.InvariantCulture, @"ProgramData\Cache\m{0:D6}.bin", index++), length, random.Next(), result);
                mediumDone += length;
            }

            if (doomedDone < deletedEarly)
            {
                var length = Math.Min(deletedEarly - doomedDone, (128L << 10) + (random.Next(0, 8) * (128L << 10)));
                var path = string.Format(CultureInfo.InvariantCulture, @"Windows\Temp\t{0:D6}.tmp", index++);
                WriteStale(volume, path, length);
                doomed.Add(path);
                doomedDone += length;
            }
        }

        Delete(volume, doomed, doomedDone, result);

        // Large files fill the holes first: fragmented.
        for (long done = 0, n = 0; done < large; n++)
        {
            cancellation.ThrowIfCancellationRequested();
            var length = Math.Min(large - done, options.LargeFileBytes);
            Write(volume, string.Format(CultureInfo.InvariantCulture, @"Users\Public\Videos\large{0:D3}.bin", n), length, random.Next(), result);
            done += length;
        }

        // More deleted files after everything else, so free space past the data holds stale bytes too.
        var late = options.DeletedBytes - doomedDone;
        long lateDone = 0;
        while (lateDone < late)
        {
            cancellation.ThrowIfCancellationRequested();
            var length = Math.Min(late - lateDone, 1L << 20);
            var path = string.Format(CultureInfo.InvariantCulture, @"Windows\Temp\late{0:D6}.tmp", index++);
            WriteStale(volume, path, length);
            doomed.Add(path);
            lateDone += length;
        }

        Delete(volume, doomed, lateDone, result);
        volume.Flush();
        return result;
    }

    private static void Delete(IOfflineVolume volume, List<string> doomed, long bytes, VolumeFillResult result)
    {
        foreach (var path in doomed)
        {
            volume.DeleteFile(path);
        }

        result.DeletedFiles += doomed.Count;
        result.DeletedBytes += bytes;
        doomed.Clear();
    }

    /// <summary>Mostly a few KiB, sometimes up to 64 KiB, occasionally tiny (resident in the MFT record).</summary>
    private static long SmallSize(Random random)
    {
        var roll = random.Next(100);
        return roll < 10 ? random.Next(1, 600) : roll < 80 ? random.Next(1024, 16384) : random.Next(16384, 65536);
    }

    private static void Write(IOfflineVolume volume, string path, long length, int seed, VolumeFillResult result)
    {
        using var content = new GeneratedContent(length, seed, compressible: (seed & 1) == 0);
        volume.WriteFile(path, content);
        result.Files[path] = content.Hash();
        result.KeptBytes += length;
    }

    private static void WriteStale(IOfflineVolume volume, string path, long length)
    {
        using var content = new GeneratedContent(length, 0, compressible: false, pattern: StaleMarker);
        volume.WriteFile(path, content);
    }

    /// <summary>A read-only stream of deterministic content that hashes what it hands out.</summary>
    private sealed class GeneratedContent : Stream
    {
        private static readonly byte[] Words = System.Text.Encoding.ASCII.GetBytes("driver image desktop gold pool vhdx qcow2 deploy model device storage network boot windows update registry ");
        private readonly long _length;
        private readonly bool _compressible;
        private readonly byte[]? _pattern;
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private ulong _state;
        private long _position;

        public GeneratedContent(long length, int seed, bool compressible, byte[]? pattern = null)
        {
            _length = length;
            _compressible = compressible;
            _pattern = pattern;
            _state = ((ulong)(uint)seed << 32) ^ 0x9E3779B97F4A7C15UL;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => _length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public byte[] Hash() => _hash.GetHashAndReset();

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, _length - _position);
            if (n <= 0)
            {
                return 0;
            }

            if (_pattern is not null)
            {
                for (var i = 0; i < n; i++)
                {
                    buffer[offset + i] = _pattern[(int)((_position + i) % _pattern.Length)];
                }
            }
            else if (_compressible)
            {
                for (var i = 0; i < n; i++)
                {
                    var at = _position + i;
                    buffer[offset + i] = (at & 255) == 0 ? (byte)('0' + (Next() % 10)) : Words[(int)(at % Words.Length)];
                }
            }
            else
            {
                var i = 0;
                for (; i + 8 <= n; i += 8)
                {
                    var v = Next();
                    for (var b = 0; b < 8; b++)
                    {
                        buffer[offset + i + b] = (byte)(v >> (8 * b));
                    }
                }

                for (; i < n; i++)
                {
                    buffer[offset + i] = (byte)Next();
                }
            }

            _hash.AppendData(buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }

        private ulong Next()
        {
            // xorshift64*: fast and deterministic; nothing here needs cryptographic randomness.
            _state ^= _state >> 12;
            _state ^= _state << 25;
            _state ^= _state >> 27;
            return _state * 0x2545F4914F6CDD1DUL;
        }
    }
}
