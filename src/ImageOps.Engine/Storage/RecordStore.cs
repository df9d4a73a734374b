using System;
using System.IO;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ImageOps.Engine.Storage;

/// <summary>
/// Reads and writes <see cref="Record"/>s as JSON files, atomically (see <see cref="AtomicFile"/>).
/// Reading validates the kind and refuses a schema newer than this build with
/// <see cref="ErrorIds.RecordSchemaUnsupported"/>; a file that does not parse is
/// <see cref="ErrorIds.RecordCorrupt"/>.
/// </summary>
public static class RecordStore
{
    /// <summary>Records are small; anything larger is not one of ours and is refused before parsing.</summary>
    public const long MaxRecordBytes = 4 * 1024 * 1024;

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Reads a record; throws if it is missing, corrupt, of another kind or too new.</summary>
    public static T Read<T>(string path)
        where T : Record
        => TryRead<T>(path) ?? throw new RecordException(ErrorIds.RecordCorrupt, path, $"The record '{path}' does not exist.", new FileNotFoundException(null, path));

    /// <summary>Reads a record, or returns null if the file does not exist.</summary>
    public static T? TryRead<T>(string path)
        where T : Record
    {
        var schema = RecordSchemaAttribute.Of(typeof(T));
        string text;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return null;
            }

            if (info.Length > MaxRecordBytes)
            {
                throw new RecordException(ErrorIds.RecordCorrupt, path, $"The record '{path}' is {info.Length} bytes, more than any ImageOps record ({MaxRecordBytes}).");
            }

            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        JObject json;
        try
        {
            using var reader = new JsonTextReader(new StringReader(text)) { MaxDepth = 64, DateParseHandling = DateParseHandling.None };
            json = JObject.Load(reader);
        }
        catch (JsonException ex)
        {
            throw new RecordException(ErrorIds.RecordCorrupt, path, $"The record '{path}' is not valid JSON: {ex.Message}", ex);
        }

        var kind = (string?)json["kind"];
        if (!string.Equals(kind, schema.Kind, StringComparison.Ordinal))
        {
            throw new RecordException(ErrorIds.RecordKindMismatch, path, $"The record '{path}' is of kind '{kind ?? "(none)"}', expected '{schema.Kind}'.");
        }

        var versionToken = json["schemaVersion"];
        if (versionToken is null || versionToken.Type != JTokenType.Integer)
        {
            throw new RecordException(ErrorIds.RecordCorrupt, path, $"The record '{path}' has no integer schemaVersion.");
        }

        var version = (long)versionToken;
        if (version > schema.Version)
        {
            throw new RecordException(ErrorIds.RecordSchemaUnsupported, path, $"The record '{path}' uses {schema.Kind} schema {version}, written by a newer ImageOps; this version reads up to schema {schema.Version}. Upgrade ImageOps to use it.");
        }

        if (version < 1)
        {
            throw new RecordException(ErrorIds.RecordCorrupt, path, $"The record '{path}' has schema version {version}, which no ImageOps writes.");
        }

        try
        {
            var record = json.ToObject<T>(JsonSerializer.Create(JsonConventions.CreateSettings()))
                         ?? throw new RecordException(ErrorIds.RecordCorrupt, path, $"The record '{path}' is empty.");
            return record;
        }
        catch (JsonException ex)
        {
            throw new RecordException(ErrorIds.RecordCorrupt, path, $"The record '{path}' does not match the {schema.Kind} schema: {ex.Message}", ex);
        }
        catch (FormatException ex)
        {
            throw new RecordException(ErrorIds.RecordCorrupt, path, $"The record '{path}' does not match the {schema.Kind} schema: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Writes a record, replacing any existing file atomically. With a <paramref name="fence"/>, the
    /// lease is checked after the record is flushed and right before it becomes visible, so a holder
    /// that lost its lease cannot commit (DESIGN.md §3).
    /// </summary>
    public static void Replace<T>(string path, T record, Lease? fence = null)
        where T : Record
        => AtomicFile.Replace(path, Encode(record), fence is null ? null : fence.EnsureHeld);

    /// <summary>Writes a record only if the file does not exist; false if it does (someone else won). <paramref name="fence"/> as for <see cref="Replace{T}"/>.</summary>
    public static bool TryCreate<T>(string path, T record, Lease? fence = null)
        where T : Record
        => AtomicFile.TryCreate(path, Encode(record), fence is null ? null : fence.EnsureHeld);

    private static byte[] Encode<T>(T record)
        where T : Record
    {
        var schema = RecordSchemaAttribute.Of(typeof(T));
        record.Kind = schema.Kind;
        record.SchemaVersion = schema.Version;
        var text = JsonConvert.SerializeObject(record, JsonConventions.CreateSettings()) + "\n";
        return Utf8NoBom.GetBytes(text);
    }
}
