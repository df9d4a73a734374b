using System;
using System.IO;
using System.Linq;
using System.Text;
using ImageOps.Engine.Drivers;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Drivers;

public sealed class FleetInventoryTests : IDisposable
{
    private readonly TempFolder _dir = new("inventory");

    public void Dispose() => _dir.Dispose();

    private string Write(string text, Encoding? encoding = null)
    {
        var path = _dir.Combine("inv-" + Guid.NewGuid().ToString("N").Substring(0, 6));
        File.WriteAllText(path, text, encoding ?? new UTF8Encoding(true));
        return path;
    }

    [Fact]
    public void Reads_what_windows_powershell_export_csv_writes()
    {
        var csv = "#TYPE System.Management.Automation.PSCustomObject\r\n"
            + "\"PSComputerName\",\"CsManufacturer\",\"CsModel\",\"CsSystemSKUNumber\",\"InstanceId\",\"FriendlyName\",\"Class\",\"ClassGuid\",\"Manufacturer\",\"Present\",\"Status\",\"HardwareID\",\"CompatibleID\"\r\n"
            + "\"PC1\",\"Dell Inc.\",\"Latitude 7440\",\"0C6F\",\"PCI\\VEN_8086&DEV_15F3\\3&1\",\"Intel(R) Ethernet\",\"Net\",\"{4d36e972-e325-11ce-bfc1-08002be10318}\",\"Intel\",\"True\",\"OK\",\"PCI\\VEN_8086&DEV_15F3&SUBSYS_0C6F1028;PCI\\VEN_8086&DEV_15F3\",\"PCI\\CC_020000\"\r\n"
            + "\"PC2\",\"Dell Inc.\",\"Latitude 7440\",\"0C6F\",\"PCI\\VEN_8086&DEV_15F3\\3&2\",\"Intel(R) Ethernet\",\"Net\",\"{4d36e972-e325-11ce-bfc1-08002be10318}\",\"Intel\",\"True\",\"OK\",\"PCI\\VEN_8086&DEV_15F3&SUBSYS_0C6F1028;PCI\\VEN_8086&DEV_15F3\",\"PCI\\CC_020000\"\r\n"
            + "\"PC2\",\"Dell Inc.\",\"Latitude 7440\",\"0C6F\",\"USB\\OLD\",\"Gone\",\"USB\",\"\",\"\",\"False\",\"Unknown\",\"USB\\VID_1\",\"\"\r\n"
            + "\"PC2\",\"Dell Inc.\",\"Latitude 7440\",\"0C6F\",\"SWD\\X\",\"Software device\",\"SoftwareDevice\",\"\",\"\",\"True\",\"OK\",\"\",\"\"\r\n";
        var inventory = FleetInventory.Read(Write(csv));
        Assert.Equal("CSV", inventory.Format);
        var model = Assert.Single(inventory.Models);
        Assert.Equal(new HardwareModel("Dell Inc.", "Latitude 7440", "0C6F"), model.Model);
        Assert.Equal(2, model.ComputerCount);
        var device = Assert.Single(model.Devices);
        Assert.Equal(new[] { "PCI\\VEN_8086&DEV_15F3&SUBSYS_0C6F1028", "PCI\\VEN_8086&DEV_15F3" }, device.Device.HardwareIds);
        Assert.Equal(new[] { "PCI\\CC_020000" }, device.Device.CompatibleIds);
        Assert.Equal("Intel(R) Ethernet", device.Device.Name);
        Assert.Equal("Net", device.Device.Class);
        Assert.Equal(2, inventory.SkippedRows);
    }

    [Fact]
    public void Accepts_pnputil_column_names_with_ids_on_several_lines_and_semicolon_delimiters()
    {
        var csv = "ComputerManufacturer;ComputerModel;Instance ID;Device Description;Class Name;Class GUID;Manufacturer Name;Status;Driver Name;Hardware IDs;Compatible IDs\n"
            + "HP;EliteBook 840 G10;PCI\\VEN_8086&DEV_A0D3\\3&1;Intel RST VMD;SCSIAdapter;{4d36e97b-e325-11ce-bfc1-08002be10318};Intel;Started;oem12.inf;\"PCI\\VEN_8086&DEV_A0D3&SUBSYS_8A4D103C\nPCI\\VEN_8086&DEV_A0D3\";\"PCI\\CC_010400\"\n";
        var inventory = FleetInventory.Read(Write(csv, new UnicodeEncoding(false, true)));
        var device = Assert.Single(Assert.Single(inventory.Models).Devices);
        Assert.Equal("HP", device.Model.Manufacturer);
        Assert.Equal("EliteBook 840 G10", device.Model.Model);
        Assert.Equal(2, device.Device.HardwareIds.Count);
        Assert.Equal("SCSIAdapter", device.Device.Class);
        Assert.Equal("oem12.inf", device.CurrentDriverInf);
        Assert.Equal("Intel RST VMD", device.Device.Name);
    }

    [Fact]
    public void Arrays_exported_as_type_names_are_refused_with_the_fix()
    {
        var csv = "\"Model\",\"HardwareID\"\r\n\"X\",\"System.String[]\"\r\n";
        var error = Assert.Throws<InvalidRequestException>(() => FleetInventory.Read(Write(csv)));
        Assert.Equal(ErrorIds.DriverInventoryInvalid, error.ErrorId);
        Assert.Contains("-join ';'", error.Message);
    }

    [Fact]
    public void A_model_and_an_id_column_are_required()
    {
        Assert.Contains("no model column", Assert.Throws<InvalidRequestException>(() => FleetInventory.Read(Write("Name,HardwareID\r\na,b\r\n"))).Message);
        Assert.Contains("no HardwareID", Assert.Throws<InvalidRequestException>(() => FleetInventory.Read(Write("Model,Name\r\na,b\r\n"))).Message);
        Assert.Equal(ErrorIds.DriverInventoryNotFound, Assert.Throws<ObjectNotFoundException>(() => FleetInventory.Read(_dir.Combine("none.csv"))).ErrorId);
        Assert.Equal(ErrorIds.DriverInventoryInvalid, Assert.Throws<InvalidRequestException>(() => FleetInventory.Read(Write("[{\"Model\": \"x\", "))).ErrorId);
        Assert.Equal(ErrorIds.DriverInventoryInvalid, Assert.Throws<InvalidRequestException>(() => FleetInventory.Read(Write(string.Empty))).ErrorId);
    }

    [Fact]
    public void Reads_convertto_json_of_get_pnpdevice_objects_with_model_properties()
    {
        var json = @"[
  { ""ComputerModel"": ""Latitude 7440"", ""ComputerManufacturer"": ""Dell Inc."", ""Class"": ""Net"", ""FriendlyName"": ""Intel(R) Ethernet"",
    ""InstanceId"": ""PCI\\VEN_8086&DEV_15F3\\3&1"", ""Present"": true, ""Status"": ""OK"",
    ""HardwareID"": [""PCI\\VEN_8086&DEV_15F3&SUBSYS_0C6F1028"", ""PCI\\VEN_8086&DEV_15F3""], ""CompatibleID"": [""PCI\\CC_020000""],
    ""CimInstanceProperties"": [ { ""Name"": ""Caption"" } ], ""CimClass"": { ""CimClassName"": ""Win32_PnPEntity"" } },
  { ""ComputerModel"": ""Latitude 7440"", ""ComputerManufacturer"": ""Dell Inc."", ""Class"": ""USB"", ""Present"": false, ""HardwareID"": [""USB\\X""] }
]";
        var inventory = FleetInventory.Read(Write(json));
        Assert.Equal("JSON", inventory.Format);
        var device = Assert.Single(Assert.Single(inventory.Models).Devices);
        Assert.Equal(2, device.Device.HardwareIds.Count);
        Assert.Equal(1, inventory.SkippedRows);
    }

    [Fact]
    public void Reads_the_nested_computers_form()
    {
        var json = @"{ ""computers"": [
  { ""Name"": ""PC1"", ""Manufacturer"": ""LENOVO"", ""Model"": ""21HD"", ""SystemSKUNumber"": ""LENOVO_MT_21HD"", ""BaseBoardProduct"": ""21HDCTO1WW"",
    ""Devices"": [ { ""Name"": ""Wi-Fi"", ""Class"": ""Net"", ""Manufacturer"": ""Intel"", ""HardwareID"": ""PCI\\VEN_8086&DEV_2725"" } ] },
  { ""Name"": ""PC2"", ""Manufacturer"": ""LENOVO"", ""Model"": ""21HD"", ""SystemSKUNumber"": ""LENOVO_MT_21HD"", ""BaseBoardProduct"": ""21HDCTO1WW"",
    ""Devices"": [ { ""Name"": ""Wi-Fi"", ""Class"": ""Net"", ""HardwareID"": ""PCI\\VEN_8086&DEV_2725"" } ] } ] }";
        var inventory = FleetInventory.Read(Write(json));
        var model = Assert.Single(inventory.Models);
        Assert.Equal(new HardwareModel("LENOVO", "21HD", "LENOVO_MT_21HD", "21HDCTO1WW"), model.Model);
        Assert.Equal(new[] { "PC1", "PC2" }, model.Computers);
        Assert.Equal("Wi-Fi", Assert.Single(model.Devices).Device.Name);
    }

    [Fact]
    public void An_unterminated_quote_is_bounded()
    {
        var text = "Model,HardwareID\r\n\"x," + new string('a', 3 << 20);
        var error = Hostile.Refused(() => FleetInventory.Read(Write(text)), maxAllocatedBytes: 256L << 20);
        Assert.Equal(ErrorIds.DriverInventoryInvalid, error.ErrorId);
    }
}
