using System;
using System.IO;

namespace ImageOps.Formats.Registry;

/// <summary>How <see cref="RegistryHive"/> opens a hive.</summary>
public sealed class RegistryHiveOpenOptions
{
    /// <summary>What to do with a dirty hive (see <see cref="HiveRecoveryMode"/>). Default: read it as it is, refuse to edit it.</summary>
    public HiveRecoveryMode Recovery { get; init; } = HiveRecoveryMode.None;

    /// <summary>The old-style single log (<c>NAME.LOG</c>), if any. Read once, never written.</summary>
    public Stream? Log { get; init; }

    /// <summary>The first log of the dual-log scheme (<c>NAME.LOG1</c>), if any. Read once, never written.</summary>
    public Stream? Log1 { get; init; }

    /// <summary>The second log (<c>NAME.LOG2</c>), if any. Read once, never written.</summary>
    public Stream? Log2 { get; init; }

    /// <summary>
    /// <see cref="RegistryHive.OpenFile"/> only: look for <c>NAME.LOG</c>, <c>NAME.LOG1</c> and <c>NAME.LOG2</c>
    /// beside the hive (any letter case) when no log stream is given. Default true.
    /// </summary>
    public bool FindLogFiles { get; init; } = true;

    /// <summary>
    /// Salvage: open a hive whose base block checksum is wrong and that no log repairs, or whose file
    /// ends before the hive bins its base block declares, reading the hive bins actually present. What
    /// references a missing cell fails with a typed error when it is read. A salvaged hive stays dirty
    /// (read-only). Default false: such hives are refused with <c>HiveBaseBlockInvalid</c> or
    /// <c>HiveTruncated</c>, as Windows refuses to load them.
    /// </summary>
    public bool Salvage { get; init; }

    /// <summary>The name errors give the hive when it is opened from a stream or bytes.</summary>
    public string? DisplayName { get; init; }

    /// <summary>The clock edits stamp keys with (UTC). Default: the system clock.</summary>
    public Func<DateTime>? Clock { get; init; }
}
