using System.Globalization;

namespace ImageOps.Formats.Registry;

/// <summary>
/// Facts of a Windows SYSTEM hive that edits depend on. Offline there is no CurrentControlSet (it is a
/// volatile link Windows creates at boot): the control set in use is the one <c>Select\Current</c> names.
/// </summary>
public static class SystemHive
{
    /// <summary>
    /// The name of the current control set (for example <c>ControlSet001</c>) from the REG_DWORD
    /// <c>Select\Current</c>, or null when the hive has no <c>Select</c> key or no <c>Current</c> value
    /// (it is not a SYSTEM hive). A value that is not a DWORD from 1 to 999, or names a control set the
    /// hive lacks, is an error with the id <c>HiveValueMismatch</c>.
    /// </summary>
    public static string? CurrentControlSet(RegistryHive system)
    {
        if (system is null)
        {
            throw new System.ArgumentNullException(nameof(system));
        }

        var current = system.GetKey("Select")?.GetValue("Current");
        if (current is null)
        {
            return null;
        }

        var number = current.GetDWord();
        if (number < 1 || number > 999)
        {
            throw HiveErrors.ValueMismatch(@"Select\Current", $"is {number}, not a control set number from 1 to 999");
        }

        var name = "ControlSet" + number.ToString("D3", CultureInfo.InvariantCulture);
        if (system.GetKey(name) is null)
        {
            throw HiveErrors.ValueMismatch(@"Select\Current", $"names {name}, which the hive does not have");
        }

        return name;
    }

    /// <summary>
    /// True if the hive has a <c>DriverDatabase</c> key at its root (Windows 8 and later): boot-critical
    /// drivers are then registered there rather than in <c>CriticalDeviceDatabase</c>.
    /// </summary>
    public static bool HasDriverDatabase(RegistryHive system)
    {
        if (system is null)
        {
            throw new System.ArgumentNullException(nameof(system));
        }

        return system.GetKey("DriverDatabase") is not null;
    }
}
