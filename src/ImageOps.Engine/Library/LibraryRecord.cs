using System;

namespace ImageOps.Engine.Library;

/// <summary>The library's own record, <c>library.json</c>, at its root.</summary>
[Storage.RecordSchema("Library", 1)]
public sealed class LibraryRecord : Storage.Record
{
    /// <summary>The library's identity.</summary>
    public Guid Id { get; set; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedUtc { get; set; }
}
