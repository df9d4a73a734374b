using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using Newtonsoft.Json.Serialization;

namespace ImageOps.Engine.Storage;

/// <summary>
/// The one JSON shape ImageOps writes, for records on disk and for the CLI's <c>--json</c>:
/// camelCase names, enums as strings, UTC ISO-8601 dates, no type names (never
/// <c>TypeNameHandling</c>: records come from shares and must not choose types).
/// </summary>
public static class JsonConventions
{
    /// <summary>Creates the settings (a new instance each time; callers may adjust formatting).</summary>
    public static JsonSerializerSettings CreateSettings(bool indented = true)
    {
        var settings = new JsonSerializerSettings
        {
            ContractResolver = new CamelCasePropertyNamesContractResolver(),
            Formatting = indented ? Formatting.Indented : Formatting.None,
            DateTimeZoneHandling = DateTimeZoneHandling.Utc,
            DateParseHandling = DateParseHandling.DateTimeOffset,
            NullValueHandling = NullValueHandling.Include,
            TypeNameHandling = TypeNameHandling.None,
            MaxDepth = 64,
        };
        settings.Converters.Add(new StringEnumConverter());
        return settings;
    }

    /// <summary>Serializes an object in the ImageOps shape.</summary>
    public static string Serialize(object? value, bool indented = true)
        => JsonConvert.SerializeObject(value, CreateSettings(indented));
}
