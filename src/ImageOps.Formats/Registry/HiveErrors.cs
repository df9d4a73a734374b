using System;
using System.Globalization;

namespace ImageOps.Formats.Registry;

/// <summary>
/// The registry code's errors, each with its stable id (STYLE.md 14-15): damage is a
/// <see cref="CorruptImageException"/> naming the file, "regf", the byte offset and the structure.
/// </summary>
internal static class HiveErrors
{
    public const string Format = "regf";

    /// <summary>A structure is damaged (the general case).</summary>
    public const string CorruptId = "HiveCorrupt";

    /// <summary>The file ends before the data its base block declares.</summary>
    public const string TruncatedId = "HiveTruncated";

    /// <summary>The base block's checksum or fields are invalid and no log could repair it.</summary>
    public const string BaseBlockInvalidId = "HiveBaseBlockInvalid";

    /// <summary>The file is not a registry hive at all (or is a transaction log, not a primary file).</summary>
    public const string NotRecognizedId = "HiveNotRecognized";

    /// <summary>An edit was refused because the hive is dirty (sequence numbers differ, pending log entries).</summary>
    public const string DirtyId = "HiveDirty";

    /// <summary>The transaction logs could not bring a dirty hive up to date.</summary>
    public const string RecoveryFailedId = "HiveRecoveryFailed";

    /// <summary>A version or feature of the hive that is recognised but not supported.</summary>
    public const string VersionNotSupportedId = "HiveVersionNotSupported";

    /// <summary>A size, count or depth limit of ImageOps or of Windows was exceeded.</summary>
    public const string LimitExceededId = "HiveLimitExceeded";

    /// <summary>A key named in an edit does not exist.</summary>
    public const string KeyNotFoundId = "HiveKeyNotFound";

    /// <summary>A key or value name cannot be stored (empty, a backslash in a key name, too long).</summary>
    public const string NameInvalidId = "HiveNameInvalid";

    /// <summary>A value's data does not have the shape its accessor needs (a DWORD that is not 4 bytes).</summary>
    public const string ValueMismatchId = "HiveValueMismatch";

    /// <summary>A key ImageOps does not change: a symbolic link (its subkeys live elsewhere) or a predefined handle.</summary>
    public const string KeyNotEditableId = "HiveKeyNotEditable";

    /// <summary>A key that Windows never deletes (the root, KEY_NO_DELETE) was to be deleted.</summary>
    public const string KeyProtectedId = "HiveKeyProtected";

    public static CorruptImageException Corrupt(string path, long fileOffset, string structure, string detail, string id = CorruptId, Exception? inner = null)
        => new(path, Format, fileOffset, structure, detail, id, inner);

    /// <summary>Damage in a cell: <paramref name="cellOffset"/> is relative to the hive bins data.</summary>
    public static CorruptImageException CorruptCell(string path, uint cellOffset, string structure, string detail)
        => new(path, Format, cellOffset == HiveCell.Nil ? -1 : BaseBlock.Size + (long)cellOffset, structure, detail, CorruptId);

    public static ImageOpsException Limit(string path, string detail)
        => new(LimitExceededId, ErrorKind.LimitsExceeded, $"Registry hive '{path}': {detail}", path);

    public static ImageOpsException Dirty(string path, string detail)
        => new(DirtyId, ErrorKind.InvalidOperation, $"Registry hive '{path}' is dirty ({detail}); it is not edited until its transaction logs are replayed (open it with HiveRecoveryMode.ReplayLogs).", path);

    public static ImageOpsException KeyNotFound(string path, string keyPath)
        => new(KeyNotFoundId, ErrorKind.ObjectNotFound, $"Registry hive '{path}' has no key '{keyPath}'.", keyPath);

    public static ImageOpsException NameInvalid(string name, string detail)
        => new(NameInvalidId, ErrorKind.InvalidArgument, string.Format(CultureInfo.InvariantCulture, "The registry name '{0}' cannot be stored: {1}.", name, detail), name);

    public static ImageOpsException ValueMismatch(string valueName, string detail)
        => new(ValueMismatchId, ErrorKind.InvalidData, $"Registry value '{valueName}' {detail}.", valueName);

    public static ImageOpsException KeyProtected(string path, string keyPath)
        => new(KeyProtectedId, ErrorKind.InvalidOperation, $"Registry key '{keyPath}' in '{path}' cannot be deleted (it is the root or marked KEY_NO_DELETE).", keyPath);
}
