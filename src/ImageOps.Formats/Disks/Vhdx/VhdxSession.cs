using System;
using System.Collections.Generic;
using System.Globalization;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Vhdx;

/// <summary>
/// The crash protocol of one writable session over a VHDX file (MS-VHDX 2.2.2, 2.3):
/// <list type="bullet">
/// <item>headers are updated by writing the non-current header with the next sequence number and
/// flushing (it then becomes current), then the other one the same way, so both stay valid;</item>
/// <item>FileWriteGuid changes before the first modification of the file, DataWriteGuid before the
/// first change of data a reader could see (children record it as their parent linkage);</item>
/// <item>every metadata change (BAT, sector bitmaps, region table, metadata items) is a log entry:
/// flush earlier data, write the entry, flush, apply it, flush. A kill at any point leaves either the
/// old state or a log whose replay produces the new one.</item>
/// </list>
/// Each entry's tail is the entry itself, since every earlier entry has been applied when it is written.
/// An entry is never written over the newest one, whose replay must stay possible until the next entry
/// is durable; when that would happen the session starts a fresh log under a new LogGuid instead.
/// </summary>
internal sealed class VhdxSession
{
    private const int SectorSize = VhdxLogEntryHeader.SectorSize;

    private readonly IBlockStorage _storage;
    private readonly string _path;
    private VhdxHeader _current;
    private int _currentSlot;
    private bool _fileWriteGuidChanged;
    private bool _dataWriteGuidChanged;
    private ulong _sequence;
    private long _position;
    private long _headStart = -1;
    private long _headLength;

    /// <param name="storage">The writable file.</param>
    /// <param name="current">The current header.</param>
    /// <param name="currentSlot">0 if the current header is the one at 64 KiB, 1 for 128 KiB.</param>
    /// <param name="freshlyCreated">True when the creator has just written new GUIDs (no update needed before writing).</param>
    public VhdxSession(IBlockStorage storage, VhdxHeader current, int currentSlot, bool freshlyCreated)
    {
        _storage = storage;
        _path = storage.Name;
        _current = current;
        _currentSlot = currentSlot;
        _fileWriteGuidChanged = freshlyCreated;
        _dataWriteGuidChanged = freshlyCreated;
        ResetLogPosition();
        if (current.SequenceNumber > ulong.MaxValue - 16)
        {
            throw new CorruptImageException(_path, VhdxConstants.FormatName, currentSlot == 0 ? VhdxConstants.Header1Offset : VhdxConstants.Header2Offset, "header", "its sequence number is exhausted; the headers cannot be updated any more", "VhdxHeaderCorrupt");
        }
    }

    public VhdxHeader Header => _current;

    /// <summary>True while the header names a log (entries may need replay after a crash).</summary>
    public bool LogActive => _current.LogGuid != Guid.Empty;

    /// <summary>True once a failure interrupted a commit: the file is left for log replay and the session refuses further writes.</summary>
    public bool Faulted { get; private set; }

    /// <summary>The most sectors one log entry can carry in this file's log.</summary>
    public int MaxSectorsPerEntry
    {
        get
        {
            var logSectors = _current.LogLength / SectorSize;
            var n = logSectors - 1;
            while (n > 0 && VhdxLogEntryHeader.DescriptorSectors(n) + n > logSectors)
            {
                n--;
            }

            return (int)Math.Min(n, int.MaxValue);
        }
    }

    /// <summary>
    /// Makes the header ready for a modification: a new FileWriteGuid before the first one of the session,
    /// a new DataWriteGuid before the first user-visible one, and a LogGuid if a log entry will follow.
    /// Combines what is needed into one header update.
    /// </summary>
    public void BeginWrite(bool userVisible, bool startLog)
    {
        ThrowIfFaulted();
        var newFileGuid = !_fileWriteGuidChanged;
        var newDataGuid = userVisible && !_dataWriteGuidChanged;
        var newLogGuid = startLog && !LogActive;
        if (!newFileGuid && !newDataGuid && !newLogGuid)
        {
            return;
        }

        WriteHeaders(h =>
        {
            if (newFileGuid)
            {
                h.FileWriteGuid = Guid.NewGuid();
            }

            if (newDataGuid)
            {
                h.DataWriteGuid = Guid.NewGuid();
            }

            if (newLogGuid)
            {
                h.LogGuid = Guid.NewGuid();
                h.LogVersion = VhdxHeader.CurrentLogVersion;
            }
        });
        _fileWriteGuidChanged = true;
        _dataWriteGuidChanged |= newDataGuid;
        if (newLogGuid)
        {
            ResetLogPosition();
        }
    }

    /// <summary>
    /// Writes <paramref name="sectors"/> (file offset → 4 KiB content) atomically through the log: flush,
    /// entry, flush, apply, flush. At most <see cref="MaxSectorsPerEntry"/> sectors.
    /// </summary>
    public void Commit(IReadOnlyDictionary<long, byte[]> sectors)
    {
        ThrowIfFaulted();
        if (sectors.Count == 0)
        {
            return;
        }

        if (sectors.Count > MaxSectorsPerEntry)
        {
            throw new InvalidOperationException(string.Format(CultureInfo.InvariantCulture, "A log entry of {0} sectors does not fit the {1}-byte log.", sectors.Count, _current.LogLength));
        }

        BeginWrite(userVisible: false, startLog: true);
        var targets = new List<long>(sectors.Keys);
        targets.Sort();
        var descriptorSectors = VhdxLogEntryHeader.DescriptorSectors(targets.Count);
        var entryLength = (descriptorSectors + targets.Count) * SectorSize;
        var logLength = (long)_current.LogLength;

        var position = _position + entryLength > logLength ? 0 : _position;
        if (_headStart >= 0 && position < _headStart + _headLength && _headStart < position + entryLength)
        {
            // The new entry would overwrite the newest one, which must stay replayable until this one is durable.
            WriteHeaders(h => h.LogGuid = Guid.NewGuid());
            ResetLogPosition();
            position = 0;
        }

        try
        {
            // Data the entry makes visible (new blocks) must be durable before the entry that references it.
            _storage.Flush(durable: true);
            var entry = BuildEntry(sectors, targets, position, descriptorSectors, entryLength);
            _storage.WriteAt((long)_current.LogOffset + position, entry);
            _storage.Flush(durable: true);
            foreach (var target in targets)
            {
                _storage.WriteAt(target, sectors[target]);
            }

            _storage.Flush(durable: true);
        }
        catch
        {
            Faulted = true;
            throw;
        }

        _headStart = position;
        _headLength = entryLength;
        _position = position + entryLength == logLength ? 0 : position + entryLength;
        _sequence++;
    }

    /// <summary>Marks the log empty (LogGuid zero) once everything is durable, so other readers open the file without replay.</summary>
    public void EndLog()
    {
        if (!LogActive || Faulted)
        {
            return;
        }

        _storage.Flush(durable: true);
        WriteHeaders(h => h.LogGuid = Guid.Empty);
        ResetLogPosition();
    }

    /// <summary>Applies <paramref name="change"/> to both headers, non-current first, flushing after each (MS-VHDX 2.2.2.1).</summary>
    public void WriteHeaders(Action<VhdxHeader> change)
    {
        ThrowIfFaulted();
        var next = _current.Clone();
        change(next);
        try
        {
            for (var round = 0; round < 2; round++)
            {
                next.SequenceNumber = _current.SequenceNumber + 1;
                var slot = 1 - _currentSlot;
                var bytes = new byte[VhdxHeader.Size];
                next.WriteTo(bytes);
                _storage.WriteAt(slot == 0 ? VhdxConstants.Header1Offset : VhdxConstants.Header2Offset, bytes);
                _storage.Flush(durable: true);
                _current = next;
                _currentSlot = slot;
                next = next.Clone();
            }
        }
        catch
        {
            Faulted = true;
            throw;
        }
    }

    private byte[] BuildEntry(IReadOnlyDictionary<long, byte[]> sectors, List<long> targets, long position, long descriptorSectors, long entryLength)
    {
        var entry = new byte[entryLength];
        var header = new VhdxLogEntryHeader
        {
            EntryLength = (uint)entryLength,
            Tail = (uint)position,
            SequenceNumber = _sequence,
            DescriptorCount = (uint)targets.Count,
            LogGuid = _current.LogGuid,
            FlushedFileOffset = (ulong)_storage.Length,
            LastFileOffset = (ulong)_storage.Length,
        };
        header.WriteTo(entry);
        for (var i = 0; i < targets.Count; i++)
        {
            var descriptor = new VhdxLogDescriptor { IsZero = false, FileOffset = (ulong)targets[i], SequenceNumber = _sequence };
            var sector = entry.AsSpan((int)((descriptorSectors + i) * SectorSize), SectorSize);
            VhdxLogDataSector.Encode(sectors[targets[i]], _sequence, sector, ref descriptor);
            descriptor.WriteTo(entry.AsSpan(VhdxLogEntryHeader.Size + (i * VhdxLogDescriptor.Size), VhdxLogDescriptor.Size));
        }

        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(VhdxLogEntryHeader.ChecksumOffset), Crc32C.Compute(entry));
        return entry;
    }

    private void ResetLogPosition()
    {
        _sequence = 1;
        _position = 0;
        _headStart = -1;
        _headLength = 0;
    }

    private void ThrowIfFaulted()
    {
        if (Faulted)
        {
            throw new ImageOpsException("VhdxWriteFaulted", ErrorKind.WriteError, $"An earlier write to '{_path}' failed part-way; the file is left for its log to be replayed. Close it and open it again.", _path);
        }
    }
}
