using System;
using System.Collections.Generic;
using System.Linq;

namespace ImageOps.Formats.Ntfs;

/// <summary>A file or directory of an <see cref="NtfsVolume"/>, as found by path or listing.</summary>
public sealed class NtfsEntry
{
    private readonly NtfsVolume _volume;
    private IReadOnlyList<NtfsStreamInfo>? _streams;

    internal NtfsEntry(NtfsVolume volume, NtfsFile file, string name, string? shortName, string fullPath)
    {
        _volume = volume;
        File = file;
        Name = name;
        ShortName = shortName;
        FullPath = fullPath;
    }

    /// <summary>The long (Win32 or POSIX) name, as stored; empty for the root.</summary>
    public string Name { get; }

    /// <summary>The 8.3 (DOS) alias in the same directory, or null if the file has none.</summary>
    public string? ShortName { get; }

    /// <summary>The path from the volume's root with <c>\</c> separators and the stored case.</summary>
    public string FullPath { get; }

    /// <summary>The MFT record number (the file's inode number).</summary>
    public long RecordNumber => File.RecordNumber;

    /// <summary>The MFT record's sequence number.</summary>
    public int SequenceNumber => File.BaseRecord.SequenceNumber;

    /// <summary>True for a directory.</summary>
    public bool IsDirectory => File.IsDirectory;

    /// <summary>Hard links to the file (names in any directory, DOS aliases included as NTFS counts them).</summary>
    public int HardLinkCount => File.BaseRecord.LinkCount;

    /// <summary>File attribute flags from $STANDARD_INFORMATION, with <see cref="NtfsFileAttributes.Directory"/> set for directories.</summary>
    public NtfsFileAttributes Attributes
    {
        get
        {
            var flags = File.StandardInformation?.FileAttributes ?? NtfsFileAttributes.None;
            return IsDirectory ? flags | NtfsFileAttributes.Directory : flags;
        }
    }

    /// <summary>Bytes in the unnamed data stream (0 for directories).</summary>
    public long Length => Streams.FirstOrDefault(s => s.Name.Length == 0)?.Length ?? 0;

    /// <summary>Bytes the unnamed data stream occupies on the volume (clusters actually allocated).</summary>
    public long AllocatedLength => Streams.FirstOrDefault(s => s.Name.Length == 0)?.AllocatedOnDisk ?? 0;

    /// <summary>Creation time (UTC).</summary>
    public DateTime CreationTimeUtc => File.StandardInformation?.Created ?? default;

    /// <summary>Last write time (UTC).</summary>
    public DateTime LastWriteTimeUtc => File.StandardInformation?.Modified ?? default;

    /// <summary>Last access time (UTC).</summary>
    public DateTime LastAccessTimeUtc => File.StandardInformation?.Accessed ?? default;

    /// <summary>Last MFT record change time (UTC).</summary>
    public DateTime ChangeTimeUtc => File.StandardInformation?.MftModified ?? default;

    /// <summary>The $DATA streams: the unnamed one (Name empty) and any named (alternate) streams.</summary>
    public IReadOnlyList<NtfsStreamInfo> Streams
        => _streams ??= File.NamesOf(NtfsAttributeType.Data)
            .Select(name => new NtfsStreamInfo(File.Data(NtfsAttributeType.Data, name, _volume)!, _volume.ClusterSize))
            .ToList();

    internal NtfsFile File { get; }

    /// <inheritdoc />
    public override string ToString() => FullPath;
}
