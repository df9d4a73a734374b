using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using ImageOps.Engine.Platform;
using ImageOps.Engine.Storage;

namespace ImageOps.Engine.Drivers;

/// <summary>
/// The content-addressed store: each distinct file content is kept once, named by its SHA-256, however
/// many packages hold it. Objects are written like every ImageOps file (temp file in the same folder,
/// flushed, then renamed), so a reader never sees a partial object, and an object's name proves its
/// content unless the disk itself was damaged (exports verify the hash as they copy).
/// </summary>
internal sealed class DriverObjectStore
{
    private const int BufferSize = 1 << 16;
    private readonly string _root;

    public DriverObjectStore(string root)
    {
        _root = root;
    }

    public string Root => _root;

    /// <summary>The path an object with this hash has (whether or not it exists).</summary>
    public string PathOf(string sha256)
    {
        if (sha256 is null || sha256.Length != 64 || !IsHex(sha256))
        {
            throw new RecordException(ErrorIds.RecordCorrupt, sha256 ?? string.Empty, "'" + sha256 + "' is not a SHA-256 in hexadecimal.");
        }

        return Path.Combine(_root, sha256.Substring(0, 2), sha256);
    }

    public bool Exists(string sha256, long size)
    {
        var info = new FileInfo(PathOf(sha256));
        return info.Exists && info.Length == size;
    }

    /// <summary>Hashes a file (SHA-256, lower-case hex) and returns its size.</summary>
    public static (string Sha256, long Size) Hash(string path, CancellationToken cancellation)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize);
        using var sha = SHA256.Create();
        var buffer = new byte[BufferSize];
        long size = 0;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            cancellation.ThrowIfCancellationRequested();
            sha.TransformBlock(buffer, 0, read, null, 0);
            size += read;
        }

        sha.TransformFinalBlock(buffer, 0, 0);
        return (Hex(sha.Hash!), size);
    }

    /// <summary>
    /// Makes sure the store holds the content of <paramref name="sourcePath"/>, whose hash the caller
    /// computed; copies it (hashing again as it copies) only if no object has that hash. True if it copied.
    /// </summary>
    /// <exception cref="ImageOpsException">The file changed since it was hashed (<see cref="ErrorIds.DriverPackageChangedDuringImport"/>).</exception>
    public bool Put(string sourcePath, string sha256, long size, CancellationToken cancellation)
    {
        var target = PathOf(sha256);
        if (Exists(sha256, size))
        {
            return false;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = TempFiles.NewPathFor(target);
        try
        {
            string copied;
            long length = 0;
            using (var input = new FileStream(sourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize))
            using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize))
            using (var sha = SHA256.Create())
            {
                var buffer = new byte[BufferSize];
                int read;
                while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
                {
                    cancellation.ThrowIfCancellationRequested();
                    sha.TransformBlock(buffer, 0, read, null, 0);
                    output.Write(buffer, 0, read);
                    length += read;
                }

                sha.TransformFinalBlock(buffer, 0, 0);
                copied = Hex(sha.Hash!);
                output.Flush(flushToDisk: true);
            }

            if (!string.Equals(copied, sha256, StringComparison.Ordinal) || length != size)
            {
                throw new ImageOpsException(ErrorIds.DriverPackageChangedDuringImport, ErrorKind.InvalidResult,
                    "'" + sourcePath + "' changed while it was being imported (its SHA-256 went from " + sha256 + " to " + copied + "); import it again from a copy nobody writes to.", sourcePath);
            }

            if (NoReplaceMove.TryMove(temp, target))
            {
                return true;
            }

            // Another import stored the same content first: same bytes, nothing to do.
            TryDelete(temp);
            return false;
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Copies an object to <paramref name="destination"/>, checking its hash and size as it goes.</summary>
    /// <exception cref="ImageOpsException">The object is missing or does not match its hash.</exception>
    public void CopyOut(string sha256, long size, Stream destination, string what, CancellationToken cancellation)
    {
        var path = PathOf(sha256);
        FileStream input;
        try
        {
            input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize);
        }
        catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
        {
            throw new ImageOpsException(ErrorIds.DriverStoreObjectMissing, ErrorKind.ObjectNotFound, "The store has no object " + sha256 + " for " + what + "; the library was damaged or changed by hand.", path, ex);
        }

        using (input)
        using (var sha = SHA256.Create())
        {
            var buffer = new byte[BufferSize];
            long length = 0;
            int read;
            while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
            {
                cancellation.ThrowIfCancellationRequested();
                sha.TransformBlock(buffer, 0, read, null, 0);
                destination.Write(buffer, 0, read);
                length += read;
            }

            sha.TransformFinalBlock(buffer, 0, 0);
            var actual = Hex(sha.Hash!);
            if (length != size || !string.Equals(actual, sha256, StringComparison.Ordinal))
            {
                throw new ImageOpsException(ErrorIds.DriverStoreObjectCorrupt, ErrorKind.InvalidData,
                    string.Format(CultureInfo.InvariantCulture, "The stored object for {0} is damaged: expected {1} bytes with SHA-256 {2}, found {3} bytes with {4}.", what, size, sha256, length, actual), path);
            }
        }
    }

    /// <summary>Every object in the store, as (hash, path).</summary>
    public IEnumerable<(string Sha256, string Path)> Enumerate()
    {
        if (!Directory.Exists(_root))
        {
            yield break;
        }

        foreach (var folder in Directory.GetDirectories(_root))
        {
            foreach (var file in Directory.GetFiles(folder))
            {
                var name = Path.GetFileName(file);
                if (name.Length == 64 && IsHex(name))
                {
                    yield return (name, file);
                }
            }
        }
    }

    /// <summary>Removes temp files of interrupted copies.</summary>
    public void SweepTemp(IOperationLog log)
    {
        if (!Directory.Exists(_root))
        {
            return;
        }

        foreach (var folder in Directory.GetDirectories(_root))
        {
            TempFiles.SweepAbandoned(folder, log);
        }
    }

    internal static string Hex(byte[] hash)
    {
        var chars = new char[hash.Length * 2];
        for (var i = 0; i < hash.Length; i++)
        {
            chars[2 * i] = "0123456789abcdef"[hash[i] >> 4];
            chars[(2 * i) + 1] = "0123456789abcdef"[hash[i] & 0xF];
        }

        return new string(chars);
    }

    private static bool IsHex(string s)
    {
        foreach (var c in s)
        {
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            {
                return false;
            }
        }

        return true;
    }

    internal static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            // Left for the next sweep.
        }
    }
}
