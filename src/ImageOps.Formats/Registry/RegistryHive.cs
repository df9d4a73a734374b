using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;

namespace ImageOps.Formats.Registry;

/// <summary>
/// A Windows registry hive (regf) in memory: open one from a file, a stream or bytes (with its
/// transaction logs, replayed on request), read its keys and values, change it with a
/// <see cref="RegistryEditPlan"/> applied all at once, and save it crash-safely. Formats:
/// libyal libregf "Windows NT Registry File (REGF) format"; M. Suhanov "Windows registry file format
/// specification". A dirty hive is never edited blindly (DESIGN.md §5): edits and saves are refused
/// until its logs have been replayed.
/// </summary>
/// <remarks>
/// Reading from several threads is safe while no edit runs; <see cref="Apply"/> and the <c>Save</c> methods
/// must not run concurrently with anything else on the same instance. The whole file is held in memory.
/// </remarks>
public sealed class RegistryHive
{
    /// <summary>Largest file ImageOps opens as a hive or a log (Windows caps hives at 2 GiB).</summary>
    public const long MaxFileSize = BaseBlock.Size + (long)HiveStorage.MaxHiveBinsDataSize;

    private readonly Func<DateTime> _clock;
    private HiveStorage _storage;
    private HiveTree _tree;
    private BaseBlock _header;
    private bool _editVerified;

    private RegistryHive(string displayName, HiveStorage storage, BaseBlock header, HiveDirtyReasons reasons, bool dirty, HiveRecovery? recovery, Func<DateTime>? clock)
    {
        DisplayName = displayName;
        _storage = storage;
        _header = header;
        _tree = new HiveTree(storage, header.RootCellOffset, EffectiveMinorVersion(header.MinorVersion));
        DirtyReasons = reasons;
        IsDirty = dirty;
        Recovery = recovery;
        _clock = clock ?? (() => DateTime.UtcNow);
    }

    /// <summary>The name errors use for the hive: its path, or the name given when opened from a stream.</summary>
    public string DisplayName { get; }

    /// <summary>The format's major version (1).</summary>
    public int MajorVersion => (int)_header.MajorVersion;

    /// <summary>The format's minor version (3, 4, 5 or 6 in practice).</summary>
    public int MinorVersion => (int)_header.MinorVersion;

    /// <summary>The primary sequence number of the base block.</summary>
    public uint PrimarySequenceNumber => _header.PrimarySequenceNumber;

    /// <summary>The secondary sequence number of the base block (equal to the primary one in a clean hive).</summary>
    public uint SecondarySequenceNumber => _header.SecondarySequenceNumber;

    /// <summary>When the hive was last written (UTC).</summary>
    public DateTime LastWriteTimeUtc => FromFileTime(_header.LastWrittenFileTime);

    /// <summary>The file name Windows recorded in the base block (a path's last 32 characters, for debugging).</summary>
    public string EmbeddedFileName => BaseBlock.ReadFileName(_storage.Buffer);

    /// <summary>What made the hive dirty when it was opened (kept after a replay, for the record).</summary>
    public HiveDirtyReasons DirtyReasons { get; }

    /// <summary>
    /// True while the hive is dirty and not recovered: it can be read but not edited or saved. False for
    /// a clean hive and for one whose logs were replayed.
    /// </summary>
    public bool IsDirty { get; }

    /// <summary>What log replay did, or null if none was needed or asked for.</summary>
    public HiveRecovery? Recovery { get; }

    /// <summary>Size of the hive file (base block and hive bins) as it would be written now.</summary>
    public long Length => _storage.Length;

    /// <summary>The root key.</summary>
    public RegistryKey Root => new(this, _tree.Root, string.Empty);

    internal int Generation { get; private set; }

    internal HiveTree Tree => _tree;

    /// <summary>Creates a new, empty hive: a base block, one hive bin, a root key and its security item.</summary>
    public static RegistryHive Create(RegistryHiveCreateOptions? options = null)
    {
        options ??= new RegistryHiveCreateOptions();
        if (options.MinorVersion < 3 || options.MinorVersion > 6)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Minor versions 3 to 6 can be created.");
        }

        HiveNames.ValidateKeyName(options.RootName);
        var clock = options.Clock ?? (() => DateTime.UtcNow);
        var now = clock().ToFileTimeUtc();
        var name = options.DisplayName ?? "(new hive)";
        var storage = HiveStorage.CreateEmpty(name, now);

        var descriptor = options.SecurityDescriptor ?? DefaultSecurityDescriptor.Build();
        var security = storage.Allocate(KeySecurity.CellDataSize(descriptor.Length));
        var rootNameBytes = HiveNames.Encode(options.RootName, out var compressed);
        var root = storage.Allocate(KeyNode.CellDataSize(rootNameBytes.Length));
        new KeySecurity { Flink = security, Blink = security, ReferenceCount = 1, Descriptor = descriptor }.Write(storage.Cell(security, "key security"));
        new KeyNode
        {
            Flags = (ushort)(KeyNode.KeyHiveEntry | KeyNode.KeyNoDelete | (compressed ? KeyNode.KeyCompName : 0)),
            LastWrittenFileTime = now,
            Parent = HiveCell.Nil,
            Security = security,
            NameBytes = rootNameBytes,
        }.Write(storage.Cell(root, "key node"));

        var header = new BaseBlock
        {
            PrimarySequenceNumber = 1,
            SecondarySequenceNumber = 1,
            LastWrittenFileTime = now,
            MajorVersion = BaseBlock.SupportedMajorVersion,
            MinorVersion = (uint)options.MinorVersion,
            FileType = HiveFileType.Primary,
            RootCellOffset = root,
            HiveBinsDataSize = (uint)storage.HiveBinsDataSize,
        };
        BaseBlock.WriteFileName(storage.Buffer, options.FileName);
        header.Write(storage.Buffer);
        return new RegistryHive(name, storage, header, HiveDirtyReasons.None, dirty: false, recovery: null, options.Clock) { _editVerified = true };
    }

    /// <summary>Opens a hive from its bytes (copied; the array is not kept).</summary>
    public static RegistryHive Open(byte[] data, RegistryHiveOpenOptions? options = null)
    {
        if (data is null)
        {
            throw new ArgumentNullException(nameof(data));
        }

        options ??= new RegistryHiveOpenOptions();
        var name = options.DisplayName ?? "(hive bytes)";
        return Load(name, (byte[])data.Clone(), StreamLogs(name, options), options);
    }

    /// <summary>Opens a hive from a stream, read to its end (the stream is not kept or written).</summary>
    public static RegistryHive Open(Stream stream, RegistryHiveOpenOptions? options = null)
    {
        if (stream is null)
        {
            throw new ArgumentNullException(nameof(stream));
        }

        options ??= new RegistryHiveOpenOptions();
        var name = options.DisplayName ?? "(hive stream)";
        return Load(name, ReadAll(stream, name), StreamLogs(name, options), options);
    }

    /// <summary>
    /// Opens the hive file at <paramref name="path"/>. Unless log streams are given, its logs are looked
    /// for beside it (<c>NAME.LOG</c>, <c>.LOG1</c>, <c>.LOG2</c>, any letter case); only those names are
    /// opened, never a path the hive itself names.
    /// </summary>
    public static RegistryHive OpenFile(string path, RegistryHiveOpenOptions? options = null)
    {
        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        options ??= new RegistryHiveOpenOptions();
        byte[] data;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            data = ReadAll(stream, path);
        }

        var logs = StreamLogs(path, options);
        if (logs.Count == 0 && options.FindLogFiles)
        {
            foreach (var (suffix, file) in FindLogFiles(path))
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                logs.Add(new HiveLogReplay.LogFile(suffix, ReadAll(stream, file)));
            }
        }

        return Load(path, data, logs, options);
    }

    /// <summary>The transaction logs beside a hive file: ("LOG"/"LOG1"/"LOG2", path) for those that exist.</summary>
    public static IReadOnlyList<(string Kind, string Path)> FindLogFiles(string hivePath)
    {
        if (hivePath is null)
        {
            throw new ArgumentNullException(nameof(hivePath));
        }

        var found = new List<(string, string)>();
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(hivePath)) ?? ".";
        var name = System.IO.Path.GetFileName(hivePath);
        if (!Directory.Exists(directory))
        {
            return found;
        }

        var entries = Directory.GetFiles(directory);
        foreach (var kind in new[] { "LOG", "LOG1", "LOG2" })
        {
            var wanted = name + "." + kind;
            var exact = Array.Find(entries, e => string.Equals(System.IO.Path.GetFileName(e), wanted, StringComparison.Ordinal));
            var match = exact ?? Array.Find(entries, e => string.Equals(System.IO.Path.GetFileName(e), wanted, StringComparison.OrdinalIgnoreCase));
            if (match is not null)
            {
                found.Add((kind, match));
            }
        }

        return found;
    }

    /// <summary>The key at <paramref name="path"/> (backslash-separated, from the root, case-insensitive), or null.</summary>
    public RegistryKey? GetKey(string path) => Root.GetSubkey(path);

    /// <summary>The key at <paramref name="path"/>; a missing key is an error with the id <c>HiveKeyNotFound</c>.</summary>
    public RegistryKey OpenKey(string path) => GetKey(path) ?? throw HiveErrors.KeyNotFound(DisplayName, path);

    /// <summary>Every key, the root first, depth-first in stored order (iterative: depth costs no stack).</summary>
    public IEnumerable<RegistryKey> EnumerateKeys()
    {
        var pending = new Stack<RegistryKey>();
        pending.Push(Root);
        while (pending.Count > 0)
        {
            var key = pending.Pop();
            yield return key;
            var children = key.GetSubkeys();
            for (var i = children.Count - 1; i >= 0; i--)
            {
                pending.Push(children[i]);
            }
        }
    }

    /// <summary>
    /// Applies every edit of <paramref name="plan"/> in order, in memory, and returns what each did. The
    /// edits are made on a copy that replaces the hive only when all succeeded: a failing edit leaves the
    /// hive as it was. Keys read before are stale afterwards. Refused for a dirty hive (<c>HiveDirty</c>).
    /// </summary>
    public IReadOnlyList<RegistryEditResult> Apply(RegistryEditPlan plan)
    {
        if (plan is null)
        {
            throw new ArgumentNullException(nameof(plan));
        }

        RefuseIfDirty();
        RefuseIfDamaged();
        var now = _clock().ToFileTimeUtc();
        var work = _storage.Clone();
        var tree = new HiveTree(work, _tree.Root, _tree.MinorVersion);
        var editor = new HiveEditor(tree, now);
        var results = new List<RegistryEditResult>();
        var changed = false;
        foreach (var edit in plan.Edits)
        {
            var names = HiveNames.SplitPath(edit.KeyPath);
            RegistryEditOutcome outcome;
            var created = 0;
            switch (edit.Kind)
            {
                case RegistryEditKind.CreateKey:
                    EnsureKey(tree, editor, names, edit.ClassName, ref created);
                    outcome = created > 0 ? RegistryEditOutcome.Created : RegistryEditOutcome.Unchanged;
                    break;
                case RegistryEditKind.SetValue:
                    var key = EnsureKey(tree, editor, names, null, ref created);
                    var wrote = editor.SetValue(key, edit.ValueName!, (uint)edit.Type, edit.Data!, out var newValue);
                    outcome = !wrote ? RegistryEditOutcome.Unchanged : newValue ? RegistryEditOutcome.Created : RegistryEditOutcome.Changed;
                    break;
                case RegistryEditKind.DeleteValue:
                    var holder = tree.Resolve(names);
                    outcome = holder != HiveCell.Nil && editor.DeleteValue(holder, edit.ValueName!) ? RegistryEditOutcome.Deleted : RegistryEditOutcome.NotPresent;
                    break;
                default:
                    if (names.Length == 0)
                    {
                        throw HiveErrors.KeyProtected(DisplayName, "\\");
                    }

                    var doomed = tree.Resolve(names);
                    if (doomed != HiveCell.Nil)
                    {
                        editor.DeleteKey(doomed);
                    }

                    outcome = doomed != HiveCell.Nil ? RegistryEditOutcome.Deleted : RegistryEditOutcome.NotPresent;
                    break;
            }

            changed |= outcome is RegistryEditOutcome.Created or RegistryEditOutcome.Changed or RegistryEditOutcome.Deleted;
            results.Add(new RegistryEditResult(edit, outcome, created));
        }

        if (changed)
        {
            work.TrimTrailingFreeBins();
            var header = BaseBlock.Parse(work.Buffer);
            header.LastWrittenFileTime = now;
            header.HiveBinsDataSize = (uint)work.HiveBinsDataSize;
            header.Write(work.Buffer);
            BinaryPrimitives.WriteInt64LittleEndian(work.Buffer.AsSpan(BaseBlock.Size + HiveBin.TimestampOffset), now);
            _storage = work;
            _tree = tree;
            _header = header;
            Generation++;
        }

        return results;
    }

    /// <summary>
    /// Writes the hive to <paramref name="path"/> crash-safely: a temp file beside it gets the hive with
    /// the sequence-number protocol (primary advanced, data, flush, secondary caught up, flush), then
    /// replaces the file by rename, optionally keeping the old file as a backup. On failure the target is
    /// unchanged. Refused for a dirty hive (<c>HiveDirty</c>).
    /// </summary>
    public void Save(string path, RegistryHiveSaveOptions? options = null)
    {
        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        RefuseIfDirty();
        options ??= new RegistryHiveSaveOptions();
        var (dirtyBlock, cleanBlock, header) = ProtocolBlocks();
        HiveFileWriter.Write(path, dirtyBlock, cleanBlock, _storage.Buffer, _storage.Length, options.KeepBackup ? options.BackupPath ?? path + ".bak" : null);

        Array.Copy(cleanBlock, _storage.Buffer, BaseBlock.Size);
        _header = header;
    }

    /// <summary>
    /// Writes the hive over the start of a seekable <paramref name="destination"/> (a hive file inside an
    /// image, opened through the volume that holds it) with the hive's own crash protocol: the base block
    /// with the primary sequence number advanced, the hive bins, a flush, then the base block with the
    /// secondary sequence number caught up, and a flush. Interrupted, the destination reads as a dirty
    /// hive, never as a clean one with half its data. Bytes past the hive's length are left as they are
    /// (the format allows padding after the last bin). Refused for a dirty hive (<c>HiveDirty</c>).
    /// </summary>
    public void Save(Stream destination)
    {
        if (destination is null)
        {
            throw new ArgumentNullException(nameof(destination));
        }

        if (!destination.CanSeek || !destination.CanWrite)
        {
            throw new ArgumentException("The destination must be writable and seekable.", nameof(destination));
        }

        RefuseIfDirty();
        var (dirtyBlock, cleanBlock, header) = ProtocolBlocks();
        destination.Position = 0;
        destination.Write(dirtyBlock, 0, BaseBlock.Size);
        destination.Write(_storage.Buffer, BaseBlock.Size, _storage.Length - BaseBlock.Size);
        destination.Flush();
        destination.Position = 0;
        destination.Write(cleanBlock, 0, BaseBlock.Size);
        destination.Flush();
        Array.Copy(cleanBlock, _storage.Buffer, BaseBlock.Size);
        _header = header;
    }

    /// <summary>The hive file's bytes as they stand in memory (base block and hive bins).</summary>
    public byte[] ToArray() => _storage.ToArray();

    /// <summary>Writes the hive file's bytes to <paramref name="stream"/>.</summary>
    public void WriteTo(Stream stream)
    {
        if (stream is null)
        {
            throw new ArgumentNullException(nameof(stream));
        }

        stream.Write(_storage.Buffer, 0, _storage.Length);
    }

    /// <summary>
    /// Checks the whole hive (STYLE.md 21: separate from opening): every key, list, value and security
    /// item, their order, hashes, counts and reference counts, and which allocated cells nothing uses.
    /// </summary>
    public HiveCheckReport Check() => HiveChecker.Run(_storage, _tree, _header);

    /// <summary>The two base blocks of a write: primary sequence number advanced, then both equal.</summary>
    private (byte[] Dirty, byte[] Clean, BaseBlock Header) ProtocolBlocks()
    {
        var next = _header.PrimarySequenceNumber + 1;
        var dirtyBlock = new byte[BaseBlock.Size];
        var cleanBlock = new byte[BaseBlock.Size];
        Array.Copy(_storage.Buffer, dirtyBlock, BaseBlock.Size);
        var header = BaseBlock.Parse(dirtyBlock);
        header.PrimarySequenceNumber = next;
        header.Write(dirtyBlock);
        Array.Copy(dirtyBlock, cleanBlock, BaseBlock.Size);
        header.SecondarySequenceNumber = next;
        header.Write(cleanBlock);
        return (dirtyBlock, cleanBlock, header);
    }

    internal static DateTime FromFileTime(long fileTime)
        => fileTime > 0 && fileTime <= DateTime.MaxValue.ToFileTimeUtc() ? DateTime.FromFileTimeUtc(fileTime) : DateTime.MinValue;

    internal void EnsureGeneration(int generation)
    {
        if (generation != Generation)
        {
            throw new InvalidOperationException("The hive has been edited since this key or value was read; look it up again.");
        }
    }

    private static uint EnsureKey(HiveTree tree, HiveEditor editor, string[] names, string? className, ref int created)
    {
        var current = tree.Root;
        for (var i = 0; i < names.Length; i++)
        {
            var child = tree.FindSubkey(current, tree.Key(current), names[i]);
            if (child == HiveCell.Nil)
            {
                child = editor.CreateKey(current, names[i], i == names.Length - 1 ? className : null);
                created++;
            }

            current = child;
        }

        return current;
    }

    /// <summary>
    /// Before the first edit of a hive read from outside, its structure is walked once: a hive with
    /// damage, shared cells or security counts below their use is not edited (an edit could free a cell
    /// something else still uses). Hives this class wrote stay verified.
    /// </summary>
    private void RefuseIfDamaged()
    {
        if (_editVerified)
        {
            return;
        }

        var blocker = HiveChecker.FindEditBlocker(_tree);
        if (blocker is not null)
        {
            throw HiveErrors.Corrupt(DisplayName, blocker.Offset, blocker.Structure, "the hive is damaged, so ImageOps does not edit it: " + blocker.Detail, HiveErrors.CorruptId, blocker);
        }

        _editVerified = true;
    }

    private void RefuseIfDirty()
    {
        if (IsDirty)
        {
            throw HiveErrors.Dirty(DisplayName, DescribeDirty(DirtyReasons));
        }
    }

    private static string DescribeDirty(HiveDirtyReasons reasons)
    {
        var parts = new List<string>();
        if ((reasons & HiveDirtyReasons.BaseBlockChecksumInvalid) != 0)
        {
            parts.Add("its base block checksum is wrong");
        }

        if ((reasons & HiveDirtyReasons.SequenceNumbersDiffer) != 0)
        {
            parts.Add("its sequence numbers differ");
        }

        if ((reasons & HiveDirtyReasons.PendingLogEntries) != 0)
        {
            parts.Add("its transaction logs hold entries not yet in the primary file");
        }

        if ((reasons & HiveDirtyReasons.Truncated) != 0)
        {
            parts.Add("the file is shorter than its base block says and was read in salvage mode");
        }

        return string.Join(", ", parts);
    }

    private static uint EffectiveMinorVersion(uint minor) => minor >= 2 && minor <= 6 ? minor : 3;

    private static RegistryHive Load(string name, byte[] file, List<HiveLogReplay.LogFile> logs, RegistryHiveOpenOptions options)
    {
        if (file.Length < 4 || BinaryPrimitives.ReadUInt32LittleEndian(file) != BaseBlock.SignatureValue)
        {
            var what = file.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(file) == HiveBin.SignatureValue
                ? "it starts with a hive bin, not a base block (a fragment of a hive)"
                : "it has no 'regf' signature";
            throw HiveErrors.Corrupt(name, 0, "base block", what, HiveErrors.NotRecognizedId);
        }

        if (file.Length < BaseBlock.Size)
        {
            throw HiveErrors.Corrupt(name, 0, "base block", $"the file is {file.Length} bytes, shorter than the {BaseBlock.Size}-byte base block", HiveErrors.TruncatedId);
        }

        var header = BaseBlock.Parse(file);
        if (header.FileType != HiveFileType.Primary)
        {
            throw HiveErrors.Corrupt(name, BaseBlock.FileTypeOffset, "base block", $"file type {(uint)header.FileType} is a transaction log or unknown, not a primary hive file", HiveErrors.NotRecognizedId);
        }

        var reasons = HiveDirtyReasons.None;
        if (!header.ChecksumValid)
        {
            reasons |= HiveDirtyReasons.BaseBlockChecksumInvalid;
        }
        else if (header.SequenceNumbersDiffer)
        {
            reasons |= HiveDirtyReasons.SequenceNumbersDiffer;
        }
        else if (logs.Count > 0 && HiveLogReplay.PendingEntries(header, logs) > 0)
        {
            reasons |= HiveDirtyReasons.PendingLogEntries;
        }

        HiveRecovery? recovery = null;
        var dirty = reasons != HiveDirtyReasons.None;
        if (options.Recovery == HiveRecoveryMode.ReplayLogs && dirty)
        {
            if ((reasons & HiveDirtyReasons.PendingLogEntries) == 0)
            {
                long budget = file.Length;
                logs.ForEach(l => budget += l.Data.Length);
                var result = HiveLogReplay.Replay(file, header, logs, Math.Min(budget, MaxFileSize), out var problem)
                    ?? throw HiveErrors.Corrupt(name, -1, "transaction log", $"the hive is dirty and its logs cannot recover it: {problem}", HiveErrors.RecoveryFailedId);
                file = result.File;
                header = BaseBlock.Parse(file);
                recovery = result.Report;
            }

            // Recovered, or a clean base block whose logs Windows ignores, so replay does too (the reason
            // stays on record).
            dirty = false;
        }

        try
        {
            return Validate(name, file, header, reasons, dirty, recovery, options);
        }
        catch (ImageOpsException ex) when (recovery is not null)
        {
            var offset = ex is CorruptImageException corrupt ? corrupt.Offset : -1;
            var structure = ex is CorruptImageException c ? c.Structure : "hive";
            throw HiveErrors.Corrupt(name, offset, structure, "the hive replayed from its logs is not valid: " + ex.Message, HiveErrors.RecoveryFailedId, ex);
        }
    }

    /// <summary>Checks the base block's fields (or salvages the bins present) and loads the hive bins.</summary>
    private static RegistryHive Validate(string name, byte[] file, BaseBlock header, HiveDirtyReasons reasons, bool dirty, HiveRecovery? recovery, RegistryHiveOpenOptions options)
    {
        int hiveBinsSize;
        if (!header.ChecksumValid)
        {
            if (!options.Salvage)
            {
                throw HiveErrors.Corrupt(name, BaseBlock.ChecksumOffset, "base block", $"its checksum 0x{header.Checksum:X8} does not match the computed 0x{BaseBlock.ComputeChecksum(file):X8}, and no transaction log repaired it", HiveErrors.BaseBlockInvalidId);
            }

            hiveBinsSize = EffectiveHiveBinsSize(name, file);
        }
        else
        {
            if (header.MajorVersion != BaseBlock.SupportedMajorVersion || header.MinorVersion < 2 || header.MinorVersion > 6)
            {
                throw new UnsupportedFeatureException($"regf version {header.MajorVersion}.{header.MinorVersion}", $"Registry hive '{name}' has format version {header.MajorVersion}.{header.MinorVersion}; ImageOps reads 1.2 to 1.6.", name, HiveErrors.VersionNotSupportedId);
            }

            if (header.FileFormat != BaseBlock.FileFormatDirectMemoryLoad)
            {
                throw new UnsupportedFeatureException($"regf file format {header.FileFormat}", $"Registry hive '{name}' has file format {header.FileFormat}; only 1 (direct memory load) exists.", name, HiveErrors.VersionNotSupportedId);
            }

            if (header.HiveBinsDataSize == 0 || header.HiveBinsDataSize % HiveBin.Alignment != 0 || header.HiveBinsDataSize > HiveStorage.MaxHiveBinsDataSize)
            {
                throw HiveErrors.Corrupt(name, BaseBlock.HiveBinsDataSizeOffset, "base block", $"its hive bins data size {header.HiveBinsDataSize} is not a non-zero multiple of {HiveBin.Alignment} within ImageOps' limit", HiveErrors.BaseBlockInvalidId);
            }

            if (BaseBlock.Size + (long)header.HiveBinsDataSize > file.Length)
            {
                if (!options.Salvage)
                {
                    throw HiveErrors.Corrupt(name, file.Length, "hive bins", $"the base block declares {header.HiveBinsDataSize} bytes of hive bins but the file holds only {file.Length - BaseBlock.Size}", HiveErrors.TruncatedId);
                }

                reasons |= HiveDirtyReasons.Truncated;
                dirty = true;
                hiveBinsSize = EffectiveHiveBinsSize(name, file);
            }
            else
            {
                hiveBinsSize = (int)header.HiveBinsDataSize;
            }
        }

        var hive = Build(name, file, header, hiveBinsSize, reasons, dirty, recovery, options);
        hive.CheckRoot();
        return hive;
    }

    private static RegistryHive Build(string name, byte[] file, BaseBlock header, int hiveBinsSize, HiveDirtyReasons reasons, bool dirty, HiveRecovery? recovery, RegistryHiveOpenOptions options)
    {
        var storage = HiveStorage.Load(name, file, hiveBinsSize);
        return new RegistryHive(name, storage, header, reasons, dirty || !header.ChecksumValid, recovery, options.Clock);
    }

    private void CheckRoot()
    {
        if (!_storage.IsAllocatedCell(_header.RootCellOffset))
        {
            throw HiveErrors.Corrupt(DisplayName, BaseBlock.RootCellOffsetOffset, "base block", $"its root cell offset 0x{_header.RootCellOffset:X} is not an allocated cell");
        }

        _tree.Key(_header.RootCellOffset);
    }

    /// <summary>The hive bins actually present when the base block cannot be trusted: consecutive valid bins from the start.</summary>
    private static int EffectiveHiveBinsSize(string name, byte[] file)
    {
        long position = 0;
        while (BaseBlock.Size + position + HiveBin.HeaderSize <= file.Length)
        {
            var bin = HiveBin.Parse(file.AsSpan((int)(BaseBlock.Size + position)));
            if (bin.Signature != HiveBin.SignatureValue || bin.Offset != position || bin.Size == 0 || bin.Size % HiveBin.Alignment != 0
                || BaseBlock.Size + position + bin.Size > file.Length || position + bin.Size > HiveStorage.MaxHiveBinsDataSize)
            {
                break;
            }

            position += bin.Size;
        }

        if (position == 0)
        {
            throw HiveErrors.Corrupt(name, BaseBlock.Size, "hive bin", "the base block is damaged and no hive bin follows it", HiveErrors.BaseBlockInvalidId);
        }

        return (int)position;
    }

    private static List<HiveLogReplay.LogFile> StreamLogs(string name, RegistryHiveOpenOptions options)
    {
        var logs = new List<HiveLogReplay.LogFile>();
        foreach (var (kind, stream) in new[] { ("LOG1", options.Log1), ("LOG2", options.Log2), ("LOG", options.Log) })
        {
            if (stream is not null)
            {
                logs.Add(new HiveLogReplay.LogFile(kind, ReadAll(stream, name + "." + kind)));
            }
        }

        return logs;
    }

    private static byte[] ReadAll(Stream stream, string name)
    {
        if (stream.CanSeek)
        {
            var remaining = stream.Length - stream.Position;
            if (remaining > MaxFileSize)
            {
                throw HiveErrors.Limit(name, $"the file is {remaining} bytes, more than the {MaxFileSize} a hive can be");
            }

            var data = new byte[remaining];
            var read = 0;
            while (read < data.Length)
            {
                var n = stream.Read(data, read, data.Length - read);
                if (n == 0)
                {
                    Array.Resize(ref data, read);
                    break;
                }

                read += n;
            }

            return data;
        }

        using var copy = new MemoryStream();
        var buffer = new byte[1 << 16];
        int count;
        while ((count = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            if (copy.Length + count > MaxFileSize)
            {
                throw HiveErrors.Limit(name, $"the stream is longer than the {MaxFileSize} bytes a hive can be");
            }

            copy.Write(buffer, 0, count);
        }

        return copy.ToArray();
    }
}
