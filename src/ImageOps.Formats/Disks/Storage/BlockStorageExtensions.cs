using System;

namespace ImageOps.Formats.Disks.Storage;

/// <summary>Exact reads over <see cref="IBlockStorage"/>: parsers never ignore a short read (STYLE.md 19).</summary>
public static class BlockStorageExtensions
{
    /// <summary>
    /// Reads exactly <c>buffer.Length</c> bytes at <paramref name="offset"/> or throws
    /// <see cref="CorruptImageException"/> naming the structure that was cut short.
    /// </summary>
    public static void ReadExactly(this IBlockStorage storage, long offset, Span<byte> buffer, string format, string structure)
    {
        if (offset < 0 || offset > storage.Length - buffer.Length)
        {
            throw new CorruptImageException(storage.Name, format, offset, structure, $"it needs {buffer.Length} bytes but the file ends at {storage.Length}", "ImageTruncated");
        }

        var done = 0;
        while (done < buffer.Length)
        {
            var n = storage.ReadAt(offset + done, buffer.Slice(done));
            if (n <= 0)
            {
                throw new CorruptImageException(storage.Name, format, offset + done, structure, $"the file ended after {done} of {buffer.Length} bytes", "ImageTruncated");
            }

            done += n;
        }
    }

    /// <summary>Reads up to <c>buffer.Length</c> bytes, zero-filling whatever lies past the end of storage.</summary>
    public static void ReadOrZero(this IBlockStorage storage, long offset, Span<byte> buffer)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var n = offset + done >= storage.Length ? 0 : storage.ReadAt(offset + done, buffer.Slice(done));
            if (n <= 0)
            {
                buffer.Slice(done).Clear();
                return;
            }

            done += n;
        }
    }
}
