using System;
using System.Collections.Generic;

namespace ImageOps.Formats.Disks.Storage;

/// <summary>
/// Sparse in-memory storage: only written 64 KiB pages take memory, so tests can build images of any
/// virtual size (including hostile petabyte ones) without allocating them.
/// </summary>
public sealed class MemoryBlockStorage : IBlockStorage, ISparseStorage
{
    private const int PageSize = 64 * 1024;
    private readonly Dictionary<long, byte[]> _pages = new();
    private readonly object _gate = new();
    private long _length;

    /// <summary>Creates empty storage.</summary>
    public MemoryBlockStorage(string name = "memory", bool writable = true)
    {
        Name = name;
        CanWrite = writable;
    }

    /// <summary>Creates storage holding a copy of <paramref name="content"/>.</summary>
    public MemoryBlockStorage(byte[] content, string name = "memory", bool writable = true)
        : this(name, true)
    {
        WriteAt(0, content);
        CanWrite = writable;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public long Length
    {
        get
        {
            lock (_gate)
            {
                return _length;
            }
        }
    }

    /// <inheritdoc />
    public bool CanWrite { get; private set; }

    /// <summary>Bytes of memory the written pages take.</summary>
    public long AllocatedBytes
    {
        get
        {
            lock (_gate)
            {
                return (long)_pages.Count * PageSize;
            }
        }
    }

    /// <summary>A read-only view of the same pages (for testing that opens are read-only).</summary>
    public MemoryBlockStorage AsReadOnly()
    {
        lock (_gate)
        {
            var copy = new MemoryBlockStorage(Name, writable: false) { _length = _length };
            foreach (var page in _pages)
            {
                copy._pages[page.Key] = page.Value;
            }

            return copy;
        }
    }

    /// <summary>The whole content as an array (tests only; allocates the full length).</summary>
    public byte[] ToArray()
    {
        var result = new byte[Length];
        ReadAt(0, result);
        return result;
    }

    /// <inheritdoc />
    public int ReadAt(long offset, Span<byte> buffer)
    {
        lock (_gate)
        {
            if (offset >= _length)
            {
                return 0;
            }

            var count = (int)Math.Min(buffer.Length, _length - offset);
            var done = 0;
            while (done < count)
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
    }

    /// <inheritdoc />
    public void WriteAt(long offset, ReadOnlySpan<byte> data)
    {
        if (!CanWrite)
        {
            throw new InvalidOperationException($"'{Name}' is read-only.");
        }

        lock (_gate)
        {
            var done = 0;
            while (done < data.Length)
            {
                var position = offset + done;
                var inPage = (int)(position % PageSize);
                var n = Math.Min(data.Length - done, PageSize - inPage);
                if (!_pages.TryGetValue(position / PageSize, out var page))
                {
                    page = new byte[PageSize];
                    _pages[position / PageSize] = page;
                }

                data.Slice(done, n).CopyTo(page.AsSpan(inPage, n));
                done += n;
            }

            _length = Math.Max(_length, offset + data.Length);
        }
    }

    /// <inheritdoc />
    public void SetLength(long length)
    {
        lock (_gate)
        {
            if (length < _length)
            {
                var keep = new List<long>();
                foreach (var key in _pages.Keys)
                {
                    if (key * PageSize >= length)
                    {
                        keep.Add(key);
                    }
                }

                foreach (var key in keep)
                {
                    _pages.Remove(key);
                }

                var tail = (int)(length % PageSize);
                if (tail != 0 && _pages.TryGetValue(length / PageSize, out var last))
                {
                    last.AsSpan(tail).Clear();
                }
            }

            _length = length;
        }
    }

    /// <inheritdoc />
    public IEnumerable<AllocationRange> MapData(long offset, long length)
    {
        var ranges = new List<AllocationRange>();
        lock (_gate)
        {
            var position = offset;
            var end = offset + length;
            while (position < end)
            {
                var pageEnd = Math.Min(end, (position / PageSize + 1) * PageSize);
                var kind = position < _length && _pages.ContainsKey(position / PageSize) ? AllocationKind.Data : AllocationKind.Zero;
                ranges.Add(new AllocationRange(position, pageEnd - position, kind));
                position = pageEnd;
            }
        }

        return ranges;
    }

    /// <inheritdoc />
    public void Flush(bool durable)
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
