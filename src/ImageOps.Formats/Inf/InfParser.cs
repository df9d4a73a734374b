using System;
using System.Globalization;
using System.IO;
using System.Threading;

namespace ImageOps.Formats.Inf;

/// <summary>
/// Reads INF files. Works on bytes or a stream only: it never opens a path, and files the INF names are
/// reached only through an <see cref="IInfFileSource"/> (see <see cref="InfPackage"/>).
/// <para>
/// For any input the result is an <see cref="InfDocument"/> (whose diagnostics say what was wrong) or an
/// <see cref="InfMalformedException"/> (the file is unreadable or exceeds a limit); a read error of the
/// stream is an <see cref="ImageOpsException"/> with id <c>DriverInfUnreadable</c>.
/// </para>
/// </summary>
public static class InfParser
{
    /// <summary>Stable id for a stream that fails while being read.</summary>
    public const string UnreadableErrorId = "DriverInfUnreadable";

    private const int ChunkSize = 81920;

    /// <summary>Parses an INF held in memory.</summary>
    /// <param name="content">The file's bytes.</param>
    /// <param name="sourceName">A name for messages and diagnostics (a file name; never opened).</param>
    /// <param name="options">Language and limits; defaults if null.</param>
    /// <param name="cancellation">Observed while tokenizing and modelling.</param>
    public static InfDocument Parse(byte[] content, string sourceName, InfParseOptions? options = null, CancellationToken cancellation = default)
    {
        if (content is null)
        {
            throw new ArgumentNullException(nameof(content));
        }

        options ??= InfParseOptions.Default;
        if (content.LongLength > options.Limits.MaxFileSizeBytes)
        {
            throw TooLarge(sourceName, content.LongLength, options.Limits);
        }

        return Parse(content, content.Length, sourceName ?? string.Empty, options, cancellation);
    }

    /// <summary>Parses an INF from a stream, reading at most the configured maximum size plus one byte.</summary>
    /// <param name="stream">The stream, positioned at the start of the INF. It is not closed.</param>
    /// <param name="sourceName">A name for messages and diagnostics (a file name; never opened).</param>
    /// <param name="options">Language and limits; defaults if null.</param>
    /// <param name="cancellation">Observed per chunk read and while parsing.</param>
    public static InfDocument Parse(Stream stream, string sourceName, InfParseOptions? options = null, CancellationToken cancellation = default)
    {
        if (stream is null)
        {
            throw new ArgumentNullException(nameof(stream));
        }

        options ??= InfParseOptions.Default;
        sourceName ??= string.Empty;
        var max = options.Limits.MaxFileSizeBytes;
        try
        {
            if (stream.CanSeek && stream.Length - stream.Position > max)
            {
                throw TooLarge(sourceName, stream.Length - stream.Position, options.Limits);
            }

            var buffer = new byte[stream.CanSeek ? (int)Math.Min(Math.Max(stream.Length - stream.Position, 0), max) + 1 : ChunkSize];
            var length = 0;
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                if (length == buffer.Length)
                {
                    if (buffer.LongLength > max)
                    {
                        throw TooLarge(sourceName, length, options.Limits);
                    }

                    Array.Resize(ref buffer, (int)Math.Min(max + 1, buffer.LongLength * 2));
                }

                var read = stream.Read(buffer, length, buffer.Length - length);
                if (read <= 0)
                {
                    break;
                }

                length += read;
                if (length > max)
                {
                    throw TooLarge(sourceName, length, options.Limits);
                }
            }

            return Parse(buffer, length, sourceName, options, cancellation);
        }
        catch (IOException ex)
        {
            throw new ImageOpsException(UnreadableErrorId, ErrorKind.ReadError, "INF '" + sourceName + "' could not be read: " + ex.Message, sourceName, ex);
        }
    }

    private static InfDocument Parse(byte[] bytes, int length, string sourceName, InfParseOptions options, CancellationToken cancellation)
    {
        var bag = new InfDiagnosticBag(sourceName, options.Limits.MaxDiagnostics);
        var decoded = InfTextDecoder.Decode(bytes, length, bag);
        var file = new InfTokenizer(decoded, sourceName, options.Limits, bag, cancellation).Run();
        return new InfDocumentBuilder(file, sourceName, options, bag, cancellation).Build();
    }

    private static InfMalformedException TooLarge(string sourceName, long size, InfParseLimits limits)
        => new(sourceName, InfDiagnosticCode.FileTooLarge, 0, 0, limits.MaxFileSizeBytes,
            string.Format(CultureInfo.InvariantCulture, "the file is {0}{1} bytes; the limit is {2} bytes.", size > limits.MaxFileSizeBytes ? "at least " : string.Empty, size, limits.MaxFileSizeBytes));
}
