using System;
using System.Collections.Generic;
using System.IO;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Tests.Disks.Vhdx;

/// <summary>
/// Sparse copy-on-write storage: clones share pages until one side writes, so a test can take many
/// snapshots of a multi-MiB image cheaply.
/// </summary>
internal sealed class CowStorage : IBlockStorage
{
    private const int PageSize = 64 * 1024;
    private readonly Dictionary<long, byte[]> _pages;
    private readonly HashSet<long> _owned = new();

    public CowStorage(string name, long length = 0)
        : this(name, new Dictionary<long, byte[]>(), length)
    {
    }

    private CowStorage(string name, Dictionary<long, byte[]> pages, long length)
    {
        Name = name;
        _pages = pages;
        Length = length;
    }

    public string Name { get; }

    public long Length { get; private set; }

    public bool CanWrite { get; set; } = true;

    public CowStorage Clone(bool writable = true)
    {
        // From now on both sides share every page; whichever writes first copies it.
        _owned.Clear();
        return new(Name, new Dictionary<long, byte[]>(_pages), Length) { CanWrite = writable };
    }

    public static CowStorage From(IBlockStorage source)
    {
        var copy = new CowStorage(source.Name);
        var buffer = new byte[1 << 20];
        for (var offset = 0L; offset < source.Length; offset += buffer.Length)
        {
            var n = (int)Math.Min(buffer.Length, source.Length - offset);
            source.ReadOrZero(offset, buffer.AsSpan(0, n));
            copy.WriteAt(offset, buffer.AsSpan(0, n));
        }

        return copy;
    }

    public int ReadAt(long offset, Span<byte> buffer)
    {
        if (offset >= Length)
        {
            return 0;
        }

        var count = (int)Math.Min(buffer.Length, Length - offset);
        for (var done = 0; done < count;)
        {
            var position = offset + done;
            var inPage = (int)(position % PageSize);
            var n = Math.Min(count - done, PageSize - inPage);
            if (_pages.TryGetValue(position / PageSize, out var page))
            {
                page.AsSpan(inPage, n).CopyTo(buffer.Slice(done, n));
            }
            else
            {
                buffer.Slice(done, n).Clear();
            }

            done += n;
        }

        return count;
    }

    public void WriteAt(long offset, ReadOnlySpan<byte> data)
    {
        if (!CanWrite)
        {
            throw new InvalidOperationException("read-only");
        }

        for (var done = 0; done < data.Length;)
        {
            var position = offset + done;
            var key = position / PageSize;
            var inPage = (int)(position % PageSize);
            var n = Math.Min(data.Length - done, PageSize - inPage);
            if (!_pages.TryGetValue(key, out var page) || !_owned.Contains(key))
            {
                var fresh = new byte[PageSize];
                page?.CopyTo(fresh, 0);
                _pages[key] = page = fresh;
                _owned.Add(key);
            }

            data.Slice(done, n).CopyTo(page.AsSpan(inPage, n));
            done += n;
        }

        Length = Math.Max(Length, offset + data.Length);
    }

    public void SetLength(long length)
    {
        if (length < Length)
        {
            var drop = new List<long>();
            foreach (var key in _pages.Keys)
            {
                if (key * PageSize >= length)
                {
                    drop.Add(key);
                }
            }

            foreach (var key in drop)
            {
                _pages.Remove(key);
            }

            var tail = (int)(length % PageSize);
            if (tail != 0 && _pages.ContainsKey(length / PageSize))
            {
                WriteAt(length, new byte[PageSize - tail]);
            }
        }

        Length = length;
    }

    public void Flush(bool durable)
    {
    }

    public void Dispose()
    {
    }
}

/// <summary>
/// Storage with a volatile write cache, for crash tests: writes since the last flush are pending, and a
/// "crash" keeps any subset of them, in order, the last one kept possibly torn — what a power cut can
/// leave. It can also fail the N-th write with an I/O error, which is where the test kills the writer.
/// </summary>
internal sealed class CrashStorage : IBlockStorage
{
    private readonly CowStorage _visible;
    private readonly CowStorage _durable;
    private readonly List<(long Offset, byte[]? Data, long Length)> _pending = new();

    public CrashStorage(CowStorage image)
    {
        _visible = image.Clone();
        _durable = image.Clone();
    }

    /// <summary>The write (counting SetLength) that fails, 1-based; 0 never fails.</summary>
    public int FailAt { get; set; }

    public int Writes { get; private set; }

    public string Name => _visible.Name;

    public long Length => _visible.Length;

    public bool CanWrite => true;

    public int ReadAt(long offset, Span<byte> buffer) => _visible.ReadAt(offset, buffer);

    public void WriteAt(long offset, ReadOnlySpan<byte> data)
    {
        // The failing write is pending too: a crash may leave some of it on disk.
        _pending.Add((offset, data.ToArray(), 0));
        Count();
        _visible.WriteAt(offset, data);
    }

    public void SetLength(long length)
    {
        _pending.Add((0, null, length));
        Count();
        _visible.SetLength(length);
    }

    public void Flush(bool durable)
    {
        foreach (var op in _pending)
        {
            Apply(_durable, op, op.Data?.Length ?? 0);
        }

        _pending.Clear();
    }

    /// <summary>The file after a power cut now: flushed writes, plus pending ones chosen by <paramref name="keep"/> (null keeps none).</summary>
    public CowStorage CrashImage(Random? keep)
    {
        var image = _durable.Clone();
        if (keep is null)
        {
            return image;
        }

        foreach (var op in _pending)
        {
            var choice = keep.Next(4);
            if (choice == 0)
            {
                continue;
            }

            // One time in four a write is torn: only its first 512-byte sectors reach the disk.
            var length = op.Data is null ? 0 : choice == 1 ? (op.Data.Length / 512 / 2 * 512) : op.Data.Length;
            Apply(image, op, length);
        }

        return image;
    }

    /// <summary>The file as if every write had reached the disk.</summary>
    public CowStorage Everything() => _visible.Clone();

    public void Dispose()
    {
    }

    private static void Apply(CowStorage target, (long Offset, byte[]? Data, long Length) op, int length)
    {
        if (op.Data is null)
        {
            target.SetLength(op.Length);
        }
        else if (length > 0)
        {
            target.WriteAt(op.Offset, op.Data.AsSpan(0, length));
        }
    }

    private void Count()
    {
        Writes++;
        if (Writes == FailAt)
        {
            throw new IOException($"Injected failure at write {Writes}.");
        }
    }
}
