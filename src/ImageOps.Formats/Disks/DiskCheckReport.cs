using System.Collections.Generic;
using System.Globalization;

namespace ImageOps.Formats.Disks;

/// <summary>Whether a problem makes data wrong (corruption) or only wastes space (leak), as qemu-img check counts them.</summary>
public enum DiskProblemKind
{
    /// <summary>Metadata is inconsistent: data may read wrong or be overwritten.</summary>
    Corruption,

    /// <summary>Space is allocated that nothing refers to.</summary>
    Leak,
}

/// <summary>One problem found by a check.</summary>
public sealed class DiskProblem
{
    /// <summary>Creates the problem.</summary>
    public DiskProblem(DiskProblemKind kind, string structure, long offset, string message)
    {
        Kind = kind;
        Structure = structure;
        Offset = offset;
        Message = message;
    }

    /// <summary>Corruption or leak.</summary>
    public DiskProblemKind Kind { get; }

    /// <summary>The structure, for example <c>refcount table</c>.</summary>
    public string Structure { get; }

    /// <summary>File offset of the problem, or -1.</summary>
    public long Offset { get; }

    /// <summary>What is wrong.</summary>
    public string Message { get; }

    /// <summary>True once a repair fixed it.</summary>
    public bool Repaired { get; set; }

    /// <inheritdoc />
    public override string ToString() => string.Format(CultureInfo.InvariantCulture, "{0}: {1} at {2}: {3}{4}", Kind, Structure, Offset, Message, Repaired ? " (repaired)" : string.Empty);
}

/// <summary>The outcome of checking an image (qemu-img check's meanings, STYLE.md 21).</summary>
public enum DiskCheckStatus
{
    /// <summary>No problem (exit 0).</summary>
    Clean = 0,

    /// <summary>Corruptions remain (exit 2).</summary>
    Corrupt = 2,

    /// <summary>Only leaks remain (exit 3).</summary>
    LeaksOnly = 3,

    /// <summary>The format has nothing to check (exit 63).</summary>
    NotSupported = 63,
}

/// <summary>What a check found, and what a repair fixed.</summary>
public sealed class DiskCheckReport
{
    /// <summary>The image checked.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>The format checked.</summary>
    public DiskFormat Format { get; set; }

    /// <summary>False when the format has no metadata to check.</summary>
    public bool Supported { get; set; } = true;

    /// <summary>Every problem found, repaired ones included.</summary>
    public List<DiskProblem> Problems { get; } = new();

    /// <summary>Allocation units in use, where the format counts them.</summary>
    public long? AllocatedClusters { get; set; }

    /// <summary>Allocation units of the virtual disk, where the format counts them.</summary>
    public long? TotalClusters { get; set; }

    /// <summary>The status after any repair.</summary>
    public DiskCheckStatus Status
    {
        get
        {
            if (!Supported)
            {
                return DiskCheckStatus.NotSupported;
            }

            var corrupt = false;
            var leaks = false;
            foreach (var p in Problems)
            {
                if (p.Repaired)
                {
                    continue;
                }

                corrupt |= p.Kind == DiskProblemKind.Corruption;
                leaks |= p.Kind == DiskProblemKind.Leak;
            }

            return corrupt ? DiskCheckStatus.Corrupt : leaks ? DiskCheckStatus.LeaksOnly : DiskCheckStatus.Clean;
        }
    }
}

/// <summary>The size a conversion's output would take (qemu-img measure's two figures).</summary>
public sealed class DiskMeasurement
{
    /// <summary>File size holding the source's data as it is (zeros and unallocated ranges skipped).</summary>
    public long RequiredBytes { get; set; }

    /// <summary>File size if every byte of the virtual disk were allocated.</summary>
    public long FullyAllocatedBytes { get; set; }
}
