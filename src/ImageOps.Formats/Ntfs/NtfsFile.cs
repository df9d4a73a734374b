using System.Collections.Generic;
using System.Linq;

namespace ImageOps.Formats.Ntfs;

/// <summary>
/// A file as NTFS spreads it: the base MFT record plus the extension records its $ATTRIBUTE_LIST names,
/// with every attribute collected. Data-bearing attributes are merged lazily per (type, name).
/// </summary>
internal sealed class NtfsFile
{
    private readonly Dictionary<(NtfsAttributeType, string), NtfsAttributeData> _data = new();
    private readonly object _gate = new();

    public NtfsFile(NtfsFileRecord baseRecord, List<NtfsAttributeRecord> attributes)
    {
        BaseRecord = baseRecord;
        Attributes = attributes;
        StandardInformation = attributes
            .Where(a => a.Type == NtfsAttributeType.StandardInformation && !a.NonResident)
            .Select(a => NtfsStandardInformation.TryParse(a.Value))
            .FirstOrDefault(s => s is not null);
        FileNames = attributes
            .Where(a => a.Type == NtfsAttributeType.FileName && !a.NonResident)
            .Select(a => NtfsFileName.TryParse(a.Value))
            .Where(n => n is not null)
            .Select(n => n!)
            .ToList();
    }

    public NtfsFileRecord BaseRecord { get; }

    public long RecordNumber => BaseRecord.RecordNumber;

    public List<NtfsAttributeRecord> Attributes { get; }

    public NtfsStandardInformation? StandardInformation { get; }

    public List<NtfsFileName> FileNames { get; }

    public bool IsDirectory => BaseRecord.IsDirectory;

    /// <summary>The distinct (type, name) pairs of one attribute type, in first-seen order.</summary>
    public IEnumerable<string> NamesOf(NtfsAttributeType type)
        => Attributes.Where(a => a.Type == type).Select(a => a.Name).Distinct(System.StringComparer.Ordinal);

    public bool Has(NtfsAttributeType type, string name)
        => Attributes.Any(a => a.Type == type && a.Name == name);

    /// <summary>The merged content of the attribute, or null when the file has none.</summary>
    public NtfsAttributeData? Data(NtfsAttributeType type, string name, NtfsVolume volume)
    {
        lock (_gate)
        {
            if (_data.TryGetValue((type, name), out var cached))
            {
                return cached;
            }

            var extents = Attributes.Where(a => a.Type == type && a.Name == name).ToList();
            if (extents.Count == 0)
            {
                return null;
            }

            var data = volume.CreateData(this, extents, type, name);
            _data[(type, name)] = data;
            return data;
        }
    }
}
