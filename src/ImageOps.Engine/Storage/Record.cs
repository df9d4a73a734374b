using System;
using System.Reflection;
using Newtonsoft.Json;

namespace ImageOps.Engine.Storage;

/// <summary>
/// Base of every JSON record ImageOps stores. Each record names its kind and schema version, so a
/// file is never misread as another kind and an older ImageOps refuses a newer schema clearly.
/// </summary>
public abstract class Record
{
    /// <summary>The schema version the record was written with.</summary>
    [JsonProperty(Order = -3)]
    public int SchemaVersion { get; set; }

    /// <summary>The kind of record, for example <c>ImagePool</c>.</summary>
    [JsonProperty(Order = -2)]
    public string Kind { get; set; } = string.Empty;
}

/// <summary>Declares a record type's kind and the newest schema version this build reads and writes.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RecordSchemaAttribute : Attribute
{
    /// <summary>Declares the schema.</summary>
    public RecordSchemaAttribute(string kind, int version)
    {
        Kind = kind;
        Version = version;
    }

    /// <summary>The record kind.</summary>
    public string Kind { get; }

    /// <summary>The newest schema version this build understands.</summary>
    public int Version { get; }

    internal static RecordSchemaAttribute Of(Type type)
        => type.GetCustomAttribute<RecordSchemaAttribute>()
           ?? throw new InvalidOperationException($"{type.FullName} has no [RecordSchema].");
}
