using System.IO;

namespace ImageOps.Formats.Inf;

/// <summary>
/// The files of one driver package, addressed only by paths relative to the package root. The INF
/// reader reaches included INFs and checks referenced files through this and nothing else, so an INF
/// can never make it open a host path (HOSTILE.md, "References to other files").
/// <para>
/// Paths use '/' separators. Implementations must treat them as untrusted and refuse anything that
/// could leave the package (<c>..</c>, rooted or drive paths, UNC, streams, device names, links that
/// point elsewhere) by throwing <see cref="InfFileReferenceException"/>.
/// </para>
/// </summary>
public interface IInfFileSource
{
    /// <summary>A description of the package for messages (for example its folder); never opened by the reader.</summary>
    string Name { get; }

    /// <summary>True if the package holds a regular file at <paramref name="relativePath"/>.</summary>
    /// <exception cref="InfFileReferenceException">The path is refused.</exception>
    bool FileExists(string relativePath);

    /// <summary>Opens the file for reading, or returns null if the package does not hold it.</summary>
    /// <exception cref="InfFileReferenceException">The path is refused.</exception>
    /// <exception cref="ImageOpsException">The file exists but cannot be read (id <c>DriverFileUnreadable</c>).</exception>
    Stream? OpenRead(string relativePath);
}
