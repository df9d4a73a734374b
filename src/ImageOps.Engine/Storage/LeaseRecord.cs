using System;

namespace ImageOps.Engine.Storage;

/// <summary>One generation of a lease: who holds it and until when.</summary>
[RecordSchema("Lease", 1)]
public sealed class LeaseRecord : Record
{
    /// <summary>The leased resource, for example <c>pools</c>.</summary>
    public string Resource { get; set; } = string.Empty;

    /// <summary>The generation: each holder gets a number one higher than the last.</summary>
    public long Generation { get; set; }

    /// <summary>Who holds it: user, host and process.</summary>
    public string Owner { get; set; } = string.Empty;

    /// <summary>The holder's host tag, so a holder that died on this host is recognised at once.</summary>
    public string Host { get; set; } = string.Empty;

    /// <summary>The holder's process id on <see cref="Host"/>.</summary>
    public int ProcessId { get; set; }

    /// <summary>The operation the holder is doing, for the busy message.</summary>
    public string Purpose { get; set; } = string.Empty;

    /// <summary>When this generation was taken.</summary>
    public DateTimeOffset AcquiredUtc { get; set; }

    /// <summary>When it expires unless renewed.</summary>
    public DateTimeOffset ExpiresUtc { get; set; }

    /// <summary>True once the holder released it.</summary>
    public bool Released { get; set; }
}
