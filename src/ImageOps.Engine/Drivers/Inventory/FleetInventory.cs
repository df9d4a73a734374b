using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ImageOps.Engine.Drivers;

/// <summary>One device of one computer in a fleet inventory.</summary>
public sealed class InventoryDevice
{
    /// <summary>The computer, if the inventory names it.</summary>
    public string? Computer { get; internal set; }

    /// <summary>The computer's hardware model.</summary>
    public HardwareModel Model { get; internal set; } = null!;

    /// <summary>The device's ids, name and class.</summary>
    public DeviceIdentity Device { get; internal set; } = null!;

    /// <summary>The INF it uses now (oemNN.inf for a third-party driver, the inbox INF's name otherwise), if known.</summary>
    public string? CurrentDriverInf { get; internal set; }

    /// <summary>Status as reported (OK, Error, Unknown...).</summary>
    public string? Status { get; internal set; }
}

/// <summary>A hardware model of the inventory with its distinct devices.</summary>
public sealed class InventoryModel
{
    /// <summary>The model.</summary>
    public HardwareModel Model { get; internal set; } = null!;

    /// <summary>The computers of this model (names, when the inventory has them).</summary>
    public string[] Computers { get; internal set; } = Array.Empty<string>();

    /// <summary>How many computers (rows without a computer name count as one computer per model).</summary>
    public int ComputerCount { get; internal set; }

    /// <summary>Distinct devices (same class and ids on several computers count once).</summary>
    public InventoryDevice[] Devices { get; internal set; } = Array.Empty<InventoryDevice>();
}

/// <summary>
/// A fleet inventory: hardware model plus PnP ids per device, read from CSV or JSON as Get-PnpDevice,
/// pnputil and inventory tools export them. Columns (or JSON properties) are matched without regard to case,
/// spaces or underscores, and these names are accepted:
/// <list type="table">
/// <item><term>computer manufacturer</term><description>ComputerManufacturer, SystemManufacturer, CsManufacturer, Make (MDT); in the nested JSON form, the computer object's Manufacturer</description></item>
/// <item><term>model (required)</term><description>ComputerModel, SystemModel, CsModel, Model, SystemProductName, ProductName</description></item>
/// <item><term>system SKU</term><description>SystemSku, SystemSKUNumber, CsSystemSKUNumber, Sku</description></item>
/// <item><term>baseboard product</term><description>BaseboardProduct, BaseBoard, Product (MDT)</description></item>
/// <item><term>computer name</term><description>ComputerName, PSComputerName (Get-PnpDevice -CimSession), CsName, HostName, MachineName</description></item>
/// <item><term>hardware ids (required, or compatible ids)</term><description>HardwareID (Get-PnpDevice), HardwareIds, Hardware IDs (pnputil /enum-devices /ids), HwIds</description></item>
/// <item><term>compatible ids</term><description>CompatibleID (Get-PnpDevice), CompatibleIds, Compatible IDs (pnputil)</description></item>
/// <item><term>instance id</term><description>InstanceId (Get-PnpDevice), Instance ID (pnputil), DeviceID, PNPDeviceID</description></item>
/// <item><term>name</term><description>FriendlyName, Name, Device Description (pnputil), Description, Caption</description></item>
/// <item><term>class</term><description>Class (Get-PnpDevice), Class Name (pnputil), PNPClass; and ClassGuid, Class GUID</description></item>
/// <item><term>driver INF in use</term><description>Driver Name (pnputil), DriverInfPath (DEVPKEY_Device_DriverInfPath), InfName</description></item>
/// <item><term>present, status, device manufacturer</term><description>Present, Status, Manufacturer / Manufacturer Name (the device's, not the computer's)</description></item>
/// </list>
/// In CSV, lists of ids are separated by ';', '|' or line breaks (Export-Csv writes arrays as "System.String[]",
/// which is refused with the fix). JSON is an array of such rows (ConvertTo-Json of Get-PnpDevice objects
/// with the model properties added), or <c>{"computers":[{"manufacturer":..,"model":..,"devices":[...]}]}</c>.
/// Devices with Present = False, or with no ids, are skipped and counted.
/// </summary>
public sealed class FleetInventory
{
    /// <summary>Largest inventory read.</summary>
    public const long MaxBytes = 512L * 1024 * 1024;

    private static readonly Dictionary<string, string> Aliases = BuildAliases();

    private FleetInventory(string path, string format)
    {
        Path = path;
        Format = format;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>CSV or JSON.</summary>
    public string Format { get; }

    /// <summary>Every device row kept.</summary>
    public IReadOnlyList<InventoryDevice> Devices { get; private set; } = Array.Empty<InventoryDevice>();

    /// <summary>The models and their distinct devices.</summary>
    public IReadOnlyList<InventoryModel> Models { get; private set; } = Array.Empty<InventoryModel>();

    /// <summary>Rows skipped (not present, or without ids).</summary>
    public int SkippedRows { get; private set; }

    /// <summary>Reads an inventory (CSV or JSON, recognised by content).</summary>
    /// <exception cref="ImageOpsException">The file is missing (<see cref="ErrorIds.DriverInventoryNotFound"/>) or unusable (<see cref="ErrorIds.DriverInventoryInvalid"/>).</exception>
    public static FleetInventory Read(string path, OperationContext? context = null)
    {
        context ??= OperationContext.None;
        var full = System.IO.Path.GetFullPath(path);
        var info = new FileInfo(full);
        if (!info.Exists)
        {
            throw new ObjectNotFoundException(ErrorIds.DriverInventoryNotFound, $"The inventory '{full}' does not exist.", full);
        }

        if (info.Length > MaxBytes)
        {
            throw new InvalidRequestException(ErrorIds.DriverInventoryInvalid, $"The inventory '{full}' is {info.Length} bytes; the limit is {MaxBytes}.", full);
        }

        using var reader = new StreamReader(full, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        var firstChar = SkipWhitespace(reader);
        var rows = new List<Dictionary<string, string?>>();
        FleetInventory inventory;
        if (firstChar == '[' || firstChar == '{')
        {
            inventory = new FleetInventory(full, "JSON");
            ReadJson(reader, full, rows);
        }
        else
        {
            inventory = new FleetInventory(full, "CSV");
            var (header, records) = CsvTable.Read(reader, full);
            var keys = header.Select(Normalize).ToArray();
            foreach (var record in records)
            {
                context.ThrowIfCancelled();
                var row = new Dictionary<string, string?>(StringComparer.Ordinal);
                for (var i = 0; i < keys.Length && i < record.Count; i++)
                {
                    if (keys[i] is { } key && !row.ContainsKey(key))
                    {
                        row[key] = record[i];
                    }
                }

                rows.Add(row);
            }

            if (!keys.Contains("model"))
            {
                throw Invalid(full, "it has no model column (" + string.Join(", ", header.Take(12)) + ")");
            }

            if (!keys.Contains("hardwareids") && !keys.Contains("compatibleids"))
            {
                throw Invalid(full, "it has no HardwareID or CompatibleID column (" + string.Join(", ", header.Take(12)) + ")");
            }
        }

        inventory.Build(rows);
        return inventory;
    }

    private void Build(List<Dictionary<string, string?>> rows)
    {
        var devices = new List<InventoryDevice>();
        var skipped = 0;
        foreach (var row in rows)
        {
            string? Get(string key) => row.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v!.Trim() : null;
            var present = Get("present");
            var hardware = SplitIds(Get("hardwareids"), "HardwareID");
            var compatible = SplitIds(Get("compatibleids"), "CompatibleID");
            if ((present is not null && string.Equals(present, "false", StringComparison.OrdinalIgnoreCase)) || (hardware.Count == 0 && compatible.Count == 0))
            {
                skipped++;
                continue;
            }

            var model = Get("model") ?? throw Invalid(Path, "a device row has no model (" + (Get("instanceid") ?? hardware.FirstOrDefault()) + ")");
            devices.Add(new InventoryDevice
            {
                Computer = Get("computer"),
                Model = new HardwareModel(Get("manufacturer"), model, Get("sku"), Get("baseboard")),
                Device = new DeviceIdentity(hardware, compatible, Get("name"), Get("instanceid"), Get("class"), Get("classguid")),
                CurrentDriverInf = Get("driverinf"),
                Status = Get("status"),
            });
        }

        Devices = devices;
        SkippedRows = skipped;
        Models = devices.GroupBy(d => d.Model).Select(g => new InventoryModel
        {
            Model = g.Key,
            Computers = g.Select(d => d.Computer).Where(c => c is not null).Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(c => c, StringComparer.OrdinalIgnoreCase).ToArray()!,
            ComputerCount = Math.Max(1, g.Select(d => d.Computer).Where(c => c is not null).Distinct(StringComparer.OrdinalIgnoreCase).Count()),
            Devices = g.GroupBy(d => (d.Device.Class ?? d.Device.ClassGuid ?? string.Empty).ToUpperInvariant() + "|" + string.Join(";", d.Device.HardwareIds).ToUpperInvariant() + "|" + string.Join(";", d.Device.CompatibleIds).ToUpperInvariant())
                .Select(x => x.First()).ToArray(),
        }).OrderBy(m => m.Model.Manufacturer, StringComparer.OrdinalIgnoreCase).ThenBy(m => m.Model.Model, StringComparer.OrdinalIgnoreCase).ToArray();
    }

    private static void ReadJson(StreamReader reader, string path, List<Dictionary<string, string?>> rows)
    {
        JToken root;
        try
        {
            using var json = new JsonTextReader(reader) { MaxDepth = 16, DateParseHandling = DateParseHandling.None };
            root = JToken.ReadFrom(json);
        }
        catch (JsonException ex)
        {
            throw new InvalidRequestException(ErrorIds.DriverInventoryInvalid, $"The inventory '{path}' is not valid JSON: {ex.Message}", path, ex);
        }

        void Row(JObject device, Dictionary<string, string?>? computer)
        {
            var row = computer is null ? new Dictionary<string, string?>(StringComparer.Ordinal) : new Dictionary<string, string?>(computer, StringComparer.Ordinal);
            foreach (var property in device.Properties())
            {
                if (Normalize(property.Name) is { } key)
                {
                    row[key] = Value(property.Value);
                }
            }

            rows.Add(row);
        }

        IEnumerable<JObject> Objects(JToken? token) => token is JArray array ? array.OfType<JObject>() : token is JObject single ? new[] { single } : Enumerable.Empty<JObject>();
        JToken? Property(JObject o, string name) => o.Properties().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))?.Value;

        var tops = Objects(root).ToList();
        if (root is JObject obj && Property(obj, "computers") is JArray computers)
        {
            tops = computers.OfType<JObject>().ToList();
        }

        foreach (var top in tops)
        {
            if (Property(top, "devices") is { } nested)
            {
                // A computer: its Manufacturer is the computer's; its devices are the rows.
                var computer = new Dictionary<string, string?>(StringComparer.Ordinal);
                foreach (var property in top.Properties())
                {
                    var squashed = Squash(property.Name);
                    var normalized = squashed == "manufacturer" ? "manufacturer" : squashed == "name" ? "computer" : Normalize(property.Name);
                    if (normalized is not null && property.Value is not JArray && property.Value is not JObject)
                    {
                        computer[normalized] = Value(property.Value);
                    }
                }

                foreach (var device in Objects(nested))
                {
                    var row = new Dictionary<string, string?>(computer, StringComparer.Ordinal);
                    foreach (var property in device.Properties())
                    {
                        if (Normalize(property.Name) is { } key)
                        {
                            row[key] = Value(property.Value);
                        }
                    }

                    rows.Add(row);
                }
            }
            else
            {
                Row(top, null);
            }
        }

        if (rows.Count > 0 && !rows.Any(r => r.ContainsKey("model")))
        {
            throw Invalid(path, "no device has a model property");
        }
    }

    private static string? Value(JToken token) => token switch
    {
        JArray array => string.Join(";", array.Where(t => t.Type == JTokenType.String).Select(t => (string?)t)),
        JValue value when value.Type == JTokenType.Null => null,
        JValue value => Convert.ToString(value.Value, CultureInfo.InvariantCulture),
        _ => null,
    };

    private static IReadOnlyList<string> SplitIds(string? text, string column)
    {
        if (text is null)
        {
            return Array.Empty<string>();
        }

        if (text.StartsWith("System.", StringComparison.Ordinal) && text.EndsWith("[]", StringComparison.Ordinal))
        {
            throw new InvalidRequestException(ErrorIds.DriverInventoryInvalid,
                $"The {column} column holds '{text}': Export-Csv wrote the array's type instead of its ids. Export it with @{{n='{column}';e={{$_.{column} -join ';'}}}}, or use ConvertTo-Json.", column);
        }

        return text.Split(new[] { ';', '|', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()).Where(s => s.Length > 0).ToArray();
    }

    private static int SkipWhitespace(StreamReader reader)
    {
        while (reader.Peek() is var c && c >= 0 && char.IsWhiteSpace((char)c))
        {
            reader.Read();
        }

        return reader.Peek();
    }

    private static InvalidRequestException Invalid(string path, string why)
        => new(ErrorIds.DriverInventoryInvalid, $"The inventory '{path}' cannot be used: {why}. It needs a model column and a HardwareID (or CompatibleID) column per device; see Get-Help Test-DriverCoverage.", path);

    private static string Squash(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (char.IsLetterOrDigit(c))
            {
                sb.Append(char.ToLowerInvariant(c));
            }
        }

        return sb.ToString();
    }

    private static string? Normalize(string name) => Aliases.TryGetValue(Squash(name), out var key) ? key : null;

    private static Dictionary<string, string> BuildAliases()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(string key, params string[] names)
        {
            foreach (var name in names)
            {
                map[name] = key;
            }
        }

        Add("computer", "computer", "computername", "pscomputername", "csname", "hostname", "machinename", "systemname");
        Add("manufacturer", "computermanufacturer", "systemmanufacturer", "csmanufacturer", "make");
        Add("model", "model", "computermodel", "systemmodel", "csmodel", "systemproductname", "productname");
        Add("sku", "sku", "systemsku", "systemskunumber", "cssystemskunumber");
        Add("baseboard", "baseboardproduct", "baseboard", "boardproduct", "product");
        Add("instanceid", "instanceid", "deviceid", "pnpdeviceid", "deviceinstanceid");
        Add("name", "friendlyname", "name", "devicedescription", "description", "caption");
        Add("class", "class", "classname", "pnpclass");
        Add("classguid", "classguid");
        Add("hardwareids", "hardwareid", "hardwareids", "hwid", "hwids");
        Add("compatibleids", "compatibleid", "compatibleids");
        Add("driverinf", "drivername", "driverinfpath", "infname", "driverinf", "infpath");
        Add("status", "status");
        Add("present", "present");
        Add("devicemanufacturer", "manufacturer", "manufacturername");
        return map;
    }
}
