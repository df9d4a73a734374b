using System;
using System.Collections.Generic;

namespace ImageOps.Formats.Ntfs;

/// <summary>
/// The content of one attribute (a $DATA stream, an $INDEX_ALLOCATION, a $BITMAP) with every extent's
/// runs merged: maps byte positions to volume clusters, reads sparse runs and the tail past the
/// initialized size as zeros, and decompresses LZNT1 compression units (libfsntfs, "Compression"; "Attribute chains").
/// </summary>
internal sealed class NtfsAttributeData
{
    /// <summary>16 clusters: the unit NTFS compresses in.</summary>
    public const int DefaultCompressionUnit = 4;

    private readonly NtfsSource _source;
    private readonly int _clusterSize;
    private readonly NtfsDataRun[] _runs;
    private readonly byte[]? _resident;
    private readonly object _unitGate = new();
    private long _cachedUnit = -1;
    private byte[]? _unitBuffer;

    private NtfsAttributeData(NtfsSource source, int clusterSize, NtfsAttributeRecord first, NtfsDataRun[] runs, byte[]? resident, string structure)
    {
        _source = source;
        _clusterSize = clusterSize;
        _runs = runs;
        _resident = resident;
        Structure = structure;
        Type = first.Type;
        Name = first.Name;
        Flags = first.Flags;
        DataSize = first.DataSize;
        AllocatedSize = first.AllocatedSize;
        InitializedSize = first.InitializedSize;
        CompressedSize = first.CompressedSize;
        // Windows XP has been seen writing compressed attributes with a unit of 0, meaning the default of
        // 16 clusters (libfsntfs, "Non-resident MFT attribute").
        CompressionUnit = first.IsCompressed && first.NonResident && first.CompressionUnit == 0 ? DefaultCompressionUnit : first.CompressionUnit;
        NonResident = first.NonResident;
    }

    public NtfsAttributeType Type { get; }

    public string Name { get; }

    public ushort Flags { get; }

    public bool NonResident { get; }

    public long DataSize { get; }

    public long AllocatedSize { get; }

    public long InitializedSize { get; }

    public long CompressedSize { get; }

    public int CompressionUnit { get; }

    public string Structure { get; }

    public bool IsCompressed => (Flags & NtfsAttributeRecord.FlagCompressionMask) != 0;

    public bool IsSparse => (Flags & NtfsAttributeRecord.FlagSparse) != 0;

    public bool IsEncrypted => (Flags & NtfsAttributeRecord.FlagEncrypted) != 0;

    public IReadOnlyList<NtfsDataRun> Runs => _runs;

    /// <summary>
    /// Merges the extents of one attribute (sorted here by first VCN). They must start at VCN 0 and
    /// follow each other without gap or overlap, so a looping or overlapping extent chain is refused;
    /// every run must stay inside the volume, not overlap another run of the same attribute, and not
    /// overlap <paramref name="forbidden"/> (the MFT and the boot sector, for user files).
    /// </summary>
    /// <remarks>
    /// With <paramref name="partial"/>, the extents need not cover the whole attribute yet: only while the
    /// $MFT's own extents are being collected, where later ones are found through the earlier ones.
    /// </remarks>
    public static NtfsAttributeData Create(NtfsSource source, int clusterSize, long clusterCount, List<NtfsAttributeRecord> extents, string structure, IReadOnlyList<NtfsDataRun>? forbidden, bool partial = false)
    {
        extents.Sort((a, b) => a.FirstVcn.CompareTo(b.FirstVcn));
        var first = extents[0];
        if (!first.NonResident)
        {
            if (extents.Count != 1)
            {
                throw source.Corrupt(first.VolumeOffset, structure, "a resident attribute appears in several records", "NtfsAttributeInvalid");
            }

            return new NtfsAttributeData(source, clusterSize, first, Array.Empty<NtfsDataRun>(), first.Value, structure);
        }

        var runs = new List<NtfsDataRun>();
        var nextVcn = 0L;
        foreach (var extent in extents)
        {
            if (!extent.NonResident || extent.FirstVcn != nextVcn)
            {
                throw source.Corrupt(extent.VolumeOffset, structure, $"an extent starts at VCN {extent.FirstVcn} where VCN {nextVcn} was expected (extents overlap, loop or leave a gap)", "NtfsRunListInvalid");
            }

            runs.AddRange(extent.Runs);
            nextVcn = extent.LastVcn + 1;
        }

        if (first.IsCompressed && ((long)clusterSize << Math.Max(first.CompressionUnit, DefaultCompressionUnit)) > (1 << 20))
        {
            throw new UnsupportedFeatureException("NTFS compression unit", $"{structure} uses {first.CompressionUnit}-cluster-exponent compression units of {(long)clusterSize << first.CompressionUnit} bytes; NTFS compresses only in 16-cluster units of at most 64 KiB.", source.Name, "NtfsCompressionNotSupported");
        }


        var span = nextVcn > long.MaxValue / clusterSize ? -1 : nextVcn * (long)clusterSize;
        if (nextVcn > long.MaxValue / clusterSize || (partial ? first.AllocatedSize < span : first.AllocatedSize != span) || first.DataSize > first.AllocatedSize || first.InitializedSize > first.DataSize)
        {
            throw source.Corrupt(first.VolumeOffset, structure, $"the sizes (allocated {first.AllocatedSize}, data {first.DataSize}, initialized {first.InitializedSize}) do not fit the {nextVcn} clusters the runs map", "NtfsSizeInvalid");
        }

        CheckRuns(source, clusterCount, runs, forbidden, first.VolumeOffset, structure);
        return new NtfsAttributeData(source, clusterSize, first, runs.ToArray(), null, structure);
    }

    private static void CheckRuns(NtfsSource source, long clusterCount, List<NtfsDataRun> runs, IReadOnlyList<NtfsDataRun>? forbidden, long volumeOffset, string structure)
    {
        var allocated = new List<NtfsDataRun>();
        foreach (var run in runs)
        {
            if (run.IsSparse)
            {
                continue;
            }

            if (run.Lcn >= clusterCount || run.Length > clusterCount - run.Lcn)
            {
                throw source.Corrupt(volumeOffset, structure, $"a run of {run.Length} clusters at cluster {run.Lcn} leaves the volume's {clusterCount} clusters", "NtfsRunListInvalid");
            }

            allocated.Add(run);
        }

        allocated.Sort((a, b) => a.Lcn.CompareTo(b.Lcn));
        for (var i = 1; i < allocated.Count; i++)
        {
            if (allocated[i].Lcn < allocated[i - 1].Lcn + allocated[i - 1].Length)
            {
                throw source.Corrupt(volumeOffset, structure, $"runs at clusters {allocated[i - 1].Lcn} and {allocated[i].Lcn} overlap", "NtfsRunListInvalid");
            }
        }

        if (forbidden is null)
        {
            return;
        }

        foreach (var run in allocated)
        {
            if (run.Lcn == 0)
            {
                throw source.Corrupt(volumeOffset, structure, "a run covers cluster 0, the boot sector", "NtfsRunListInvalid");
            }

            foreach (var meta in forbidden)
            {
                if (!meta.IsSparse && run.Lcn < meta.Lcn + meta.Length && meta.Lcn < run.Lcn + run.Length)
                {
                    throw source.Corrupt(volumeOffset, structure, $"a run at clusters [{run.Lcn}, {run.Lcn + run.Length}) overlaps the MFT", "NtfsRunListInvalid");
                }
            }
        }
    }

    /// <summary>Reads up to <c>buffer.Length</c> bytes at <paramref name="position"/>; returns the count (0 at the end).</summary>
    public int Read(long position, Span<byte> buffer)
    {
        if (position < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(position));
        }

        if (position >= DataSize || buffer.Length == 0)
        {
            return 0;
        }

        var count = (int)Math.Min(buffer.Length, DataSize - position);
        var target = buffer.Slice(0, count);
        if (_resident is not null)
        {
            _resident.AsSpan((int)position, count).CopyTo(target);
            return count;
        }

        if (IsEncrypted)
        {
            throw new UnsupportedFeatureException("NTFS encryption", $"{Structure} is encrypted (EFS); its content cannot be read offline.", _source.Name, "NtfsEncryptedNotSupported");
        }

        // Bytes past the initialized size read as zeros whatever the clusters hold.
        var initialized = (int)Math.Max(0, Math.Min(count, InitializedSize - position));
        target.Slice(initialized).Clear();
        if (initialized > 0)
        {
            if (IsCompressed)
            {
                ReadCompressed(position, target.Slice(0, initialized));
            }
            else
            {
                ReadPlain(position, target.Slice(0, initialized));
            }
        }

        return count;
    }

    private void ReadPlain(long position, Span<byte> buffer)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var at = position + done;
            var vcn = at / _clusterSize;
            var run = FindRun(vcn);
            var runEnd = run.EndVcn * (long)_clusterSize;
            var n = (int)Math.Min(buffer.Length - done, runEnd - at);
            if (run.IsSparse)
            {
                buffer.Slice(done, n).Clear();
            }
            else
            {
                var volumeOffset = (run.Lcn * (long)_clusterSize) + (at - (run.Vcn * (long)_clusterSize));
                _source.Read(volumeOffset, buffer.Slice(done, n), Structure);
            }

            done += n;
        }
    }

    private void ReadCompressed(long position, Span<byte> buffer)
    {
        var unitSize = _clusterSize << CompressionUnit;
        var done = 0;
        lock (_unitGate)
        {
            _unitBuffer ??= new byte[unitSize];
            while (done < buffer.Length)
            {
                var at = position + done;
                var unit = at / unitSize;
                if (unit != _cachedUnit)
                {
                    _cachedUnit = -1;
                    DecodeUnit(unit, _unitBuffer);
                    _cachedUnit = unit;
                }

                var inUnit = (int)(at - (unit * unitSize));
                var n = Math.Min(buffer.Length - done, unitSize - inUnit);
                _unitBuffer.AsSpan(inUnit, n).CopyTo(buffer.Slice(done, n));
                done += n;
            }
        }
    }

    /// <summary>
    /// A compression unit is stored three ways (libfsntfs, "Compression"): all its clusters allocated (stored
    /// uncompressed), none (all zeros), or some allocated followed by sparse ones (LZNT1 data in the
    /// allocated ones).
    /// </summary>
    private void DecodeUnit(long unit, byte[] output)
    {
        var clustersPerUnit = 1 << CompressionUnit;
        var firstVcn = unit * clustersPerUnit;
        var stored = 0;
        var sparse = 0;
        for (var vcn = firstVcn; vcn < firstVcn + clustersPerUnit && vcn < TotalVcns;)
        {
            var run = FindRun(vcn);
            var n = (int)Math.Min(run.EndVcn - vcn, firstVcn + clustersPerUnit - vcn);
            if (run.IsSparse)
            {
                sparse += n;
            }
            else
            {
                if (sparse > 0)
                {
                    throw _source.Corrupt(-1, Structure, $"compression unit {unit} has allocated clusters after sparse ones", "NtfsCompressedDataInvalid");
                }

                stored += n;
            }

            vcn += n;
        }

        if (stored == 0)
        {
            Array.Clear(output, 0, output.Length);
            return;
        }

        // No sparse cluster in the unit means it is stored as is; that includes a last unit the runs
        // end inside of, which holds fewer than 16 clusters.
        if (sparse == 0)
        {
            var plain = stored * _clusterSize;
            ReadPlain(firstVcn * (long)_clusterSize, output.AsSpan(0, plain));
            Array.Clear(output, plain, output.Length - plain);
            return;
        }

        var compressed = new byte[stored * _clusterSize];
        ReadPlain(firstVcn * (long)_clusterSize, compressed);
        var produced = Lznt1.Decompress(compressed, output);
        if (produced < 0)
        {
            throw _source.Corrupt(-1, Structure, $"compression unit {unit} does not hold valid LZNT1 data", "NtfsCompressedDataInvalid");
        }

        Array.Clear(output, produced, output.Length - produced);
    }

    /// <summary>The volume offset of byte <paramref name="position"/> of the content, or -1 (resident, sparse, unmapped).</summary>
    public long VolumeOffsetOf(long position)
    {
        var vcn = position / _clusterSize;
        foreach (var run in _runs)
        {
            if (vcn >= run.Vcn && vcn < run.EndVcn)
            {
                return run.IsSparse ? -1 : (run.Lcn * (long)_clusterSize) + (position - (run.Vcn * (long)_clusterSize));
            }
        }

        return -1;
    }

    private long TotalVcns => _runs.Length == 0 ? 0 : _runs[_runs.Length - 1].EndVcn;

    private NtfsDataRun FindRun(long vcn)
    {
        int lo = 0, hi = _runs.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var run = _runs[mid];
            if (vcn < run.Vcn)
            {
                hi = mid - 1;
            }
            else if (vcn >= run.EndVcn)
            {
                lo = mid + 1;
            }
            else
            {
                return run;
            }
        }

        throw _source.Corrupt(-1, Structure, $"VCN {vcn} is not mapped by any run", "NtfsRunListInvalid");
    }
}
