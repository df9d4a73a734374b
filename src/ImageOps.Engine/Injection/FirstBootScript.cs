using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace ImageOps.Engine.Injection;

/// <summary>
/// The first-boot installer: a Windows PowerShell script (written to run on 5.1, and kept to the
/// language of PowerShell 2.0, which Windows 7 ships) that the <see cref="ServiceName"/> service starts
/// at every boot until it is done. For each staged package it runs <c>pnputil /add-driver &lt;inf&gt; /install</c>
/// (<c>pnputil -i -a</c> before Windows 10 1607), and:
/// <list type="bullet">
/// <item>counts the attempt before running pnputil, so a driver that hangs or crashes Windows is still
/// counted; after <see cref="MaxAttempts"/> failed attempts the package moves to the quarantine folder
/// and is not tried again (virt-v2v's script retried forever: a reboot loop, injection-facts.md);</item>
/// <item>never restarts Windows: 3010 (reboot required) is logged as installed, nothing else reboots;</item>
/// <item>removes the package's temporary boot stubs (DriverDatabase or CriticalDeviceDatabase entries)
/// once pnputil installed the real driver (exit 0 or 3010); with 259 (added to the store, no device)
/// the stubs stay, so the image still boots on hardware that has the device;</item>
/// <item>defers, without counting an attempt, while Windows has a pending reboot (the markers of
/// injection-facts.md §4.6), at most <see cref="MaxDeferrals"/> boots;</item>
/// <item>appends one JSON object per line to the result log (<see cref="FirstBootLog"/>), readable offline;</item>
/// <item>deletes its service when no package is left to try.</item>
/// </list>
/// Paths are built from <c>$env:SystemRoot</c>; package data is embedded as single-quoted literals
/// (the only escape is doubling <c>'</c>, and names are limited to safe characters), and the registry is
/// edited through <c>Microsoft.Win32.Registry</c>, so no key name is ever read as a wildcard.
/// </summary>
public static class FirstBootScript
{
    /// <summary>The service that starts the script.</summary>
    public const string ServiceName = "ImageOpsFirstBoot";

    /// <summary>pnputil attempts per INF before quarantine.</summary>
    public const int MaxAttempts = 3;

    /// <summary>Boots the installer waits for a pending reboot before it goes ahead anyway.</summary>
    public const int MaxDeferrals = 3;

    /// <summary>Seconds pnputil may run for one INF before it is stopped (and the attempt counted as failed).</summary>
    public const int PnputilTimeoutSeconds = 600;

    /// <summary>The first build whose pnputil has <c>/add-driver ... /install</c> (Windows 10 1607).</summary>
    public const int ModernPnputilBuild = 14393;

    /// <summary>A registry stub the script removes after the real driver is installed.</summary>
    public sealed class Stub
    {
        /// <summary>Key (delete the key and its subkeys), Value (delete the value; then the key if it is left empty), or Cdd (delete a CriticalDeviceDatabase key if its Service is still ours).</summary>
        public string Kind { get; set; } = "Key";

        /// <summary>The key under HKLM (for example <c>SYSTEM\DriverDatabase\DriverPackages\...</c>).</summary>
        public string Path { get; set; } = string.Empty;

        /// <summary>The value name (Value), or the service name (Cdd).</summary>
        public string Name { get; set; } = string.Empty;
    }

    /// <summary>A package as the script sees it.</summary>
    public sealed class Package
    {
        /// <summary>Folder under the staging folder.</summary>
        public string Folder { get; set; } = string.Empty;

        /// <summary>INF path relative to it.</summary>
        public string Inf { get; set; } = string.Empty;

        /// <summary>Stubs to remove once installed.</summary>
        public List<Stub> Stubs { get; } = new();
    }

    /// <summary>The stubs a boot registration leaves, as the live system names them (CurrentControlSet).</summary>
    public static IEnumerable<Stub> StubsOf(BootStubPlan stub)
    {
        if (stub.Database == "DriverDatabase")
        {
            yield return new Stub { Kind = "Key", Path = @"SYSTEM\DriverDatabase\DriverInfFiles\" + stub.StubInf };
            yield return new Stub { Kind = "Key", Path = @"SYSTEM\DriverDatabase\DriverPackages\" + stub.PackageLabel };
            foreach (var id in stub.HardwareIds)
            {
                yield return new Stub { Kind = "Value", Path = @"SYSTEM\DriverDatabase\DeviceIds\" + id, Name = stub.StubInf! };
            }
        }
        else
        {
            foreach (var id in stub.HardwareIds)
            {
                yield return new Stub { Kind = "Cdd", Path = @"SYSTEM\CurrentControlSet\Control\CriticalDeviceDatabase\" + id.Replace('\\', '#'), Name = stub.Service };
            }
        }
    }

    /// <summary>The pnputil command line for one INF on a build.</summary>
    public static string PnputilCommand(int build) => build >= ModernPnputilBuild ? "pnputil /add-driver <inf> /install" : "pnputil -i -a <inf>";

    /// <summary>Renders the script (ASCII, CRLF line ends, as Windows PowerShell 5.1 reads without a BOM).</summary>
    public static string Render(IReadOnlyList<Package> packages, int build, string generator)
    {
        var data = new StringBuilder();
        data.Append("$Packages = @(\r\n");
        for (var i = 0; i < packages.Count; i++)
        {
            var p = packages[i];
            data.Append("    @{ Folder = ").Append(Quote(p.Folder)).Append("; Inf = ").Append(Quote(p.Inf)).Append("; Stubs = @(");
            for (var j = 0; j < p.Stubs.Count; j++)
            {
                var s = p.Stubs[j];
                data.Append(j == 0 ? "\r\n" : ",\r\n");
                data.Append("        @{ Kind = ").Append(Quote(s.Kind)).Append("; Path = ").Append(Quote(s.Path)).Append("; Name = ").Append(Quote(s.Name)).Append(" }");
            }

            data.Append(p.Stubs.Count == 0 ? ") }" : "\r\n    ) }").Append(i < packages.Count - 1 ? ",\r\n" : "\r\n");
        }

        data.Append(")\r\n");
        var text = Template.Replace("\r\n", "\n").Replace("\n", "\r\n")
            .Replace("@@GENERATOR@@", generator)
            .Replace("@@SERVICE@@", ServiceName)
            .Replace("@@MAXATTEMPTS@@", MaxAttempts.ToString(CultureInfo.InvariantCulture))
            .Replace("@@MAXDEFERRALS@@", MaxDeferrals.ToString(CultureInfo.InvariantCulture))
            .Replace("@@TIMEOUTMS@@", (PnputilTimeoutSeconds * 1000).ToString(CultureInfo.InvariantCulture))
            .Replace("@@MODERN@@", build >= ModernPnputilBuild ? "$true" : "$false")
            .Replace("@@PACKAGES@@\r\n", data.ToString());
        foreach (var c in text)
        {
            if (c > 0x7E || (c < 0x20 && c != '\r' && c != '\n'))
            {
                throw new InvalidOperationException("The first-boot script must be printable ASCII.");
            }
        }

        return text;
    }

    /// <summary>A PowerShell single-quoted literal; refuses what cannot be embedded safely.</summary>
    public static string Quote(string text)
    {
        foreach (var c in text)
        {
            // Typographic quotes also end a single-quoted string in PowerShell; control characters and
            // non-ASCII never come from ImageOps' own names.
            if (c < 0x20 || c > 0x7E)
            {
                throw new ArgumentException($"'{text}' cannot be embedded in the first-boot script.", nameof(text));
            }
        }

        return "'" + text.Replace("'", "''") + "'";
    }

    // Kept to PowerShell 2.0 language: no [ordered], no ConvertTo-Json, no $PSScriptRoot, no .Where().
    private const string Template = @"# ImageOps first-boot driver installer, generated by @@GENERATOR@@.
# Add-ImageDriver and Remove-ImageDriver regenerate this file: do not edit it.
# Started at boot by the @@SERVICE@@ service (LocalSystem) until every staged package is installed
# or quarantined. It never restarts Windows. Result log: %SystemRoot%\ImageOps\FirstBoot\log.jsonl,
# one JSON object per line.
$ErrorActionPreference = 'Continue'
$Root = Join-Path $env:SystemRoot 'ImageOps'
$Drivers = Join-Path $Root 'Drivers'
$Quarantine = Join-Path $Root 'Quarantine'
$FirstBoot = Join-Path $Root 'FirstBoot'
$State = Join-Path $FirstBoot 'state'
$LogPath = Join-Path $FirstBoot 'log.jsonl'
$ServiceName = '@@SERVICE@@'
$MaxAttempts = @@MAXATTEMPTS@@
$MaxDeferrals = @@MAXDEFERRALS@@
$TimeoutMs = @@TIMEOUTMS@@
$ModernPnputil = @@MODERN@@
$BootId = [Guid]::NewGuid().ToString()
@@PACKAGES@@

function Format-JsonString([string] $Text) {
    if ($null -eq $Text) { return 'null' }
    $builder = New-Object System.Text.StringBuilder
    [void]$builder.Append('""')
    foreach ($c in $Text.ToCharArray()) {
        $code = [int]$c
        if ($code -eq 34) { [void]$builder.Append('\""') }
        elseif ($code -eq 92) { [void]$builder.Append('\\') }
        elseif ($code -lt 32 -or $code -gt 126) { [void]$builder.Append(('\u{0:x4}' -f $code)) }
        else { [void]$builder.Append($c) }
    }
    [void]$builder.Append('""')
    $builder.ToString()
}

function Write-Result([string] $Kind, [string] $Folder, [string] $Inf, [int] $Attempt, [string] $ExitCode, [string] $Message) {
    $time = [DateTime]::UtcNow.ToString('yyyy-MM-ddTHH:mm:ssZ', [Globalization.CultureInfo]::InvariantCulture)
    $code = 'null'
    if ($ExitCode -ne '') { $code = $ExitCode }
    $line = '{""time"":' + (Format-JsonString $time) + ',""boot"":' + (Format-JsonString $BootId) + ',""event"":' + (Format-JsonString $Kind) +
        ',""package"":' + (Format-JsonString $Folder) + ',""inf"":' + (Format-JsonString $Inf) + ',""attempt"":' + $Attempt +
        ',""exitCode"":' + $code + ',""message"":' + (Format-JsonString $Message) + '}'
    try {
        [System.IO.File]::AppendAllText($LogPath, $line + ""`n"", (New-Object System.Text.UTF8Encoding($false)))
    }
    catch {
    }
}

function Get-Counter([string] $Name) {
    $path = Join-Path $State ($Name + '.count')
    if (Test-Path -LiteralPath $path) {
        $text = [System.IO.File]::ReadAllText($path).Trim()
        $value = 0
        if ([int]::TryParse($text, [ref]$value)) { return $value }
    }
    return 0
}

function Set-Counter([string] $Name, [int] $Value) {
    [System.IO.File]::WriteAllText((Join-Path $State ($Name + '.count')), [string]$Value)
}

function Test-PendingReboot {
    $machine = [Microsoft.Win32.Registry]::LocalMachine
    foreach ($path in @('SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired', 'SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending')) {
        $key = $machine.OpenSubKey($path)
        if ($null -ne $key) { $key.Close(); return $true }
    }
    $key = $machine.OpenSubKey('SYSTEM\CurrentControlSet\Control\Session Manager')
    if ($null -ne $key) {
        $value = $key.GetValue('PendingFileRenameOperations')
        $key.Close()
        if ($null -ne $value -and @($value).Length -gt 0) { return $true }
    }
    return $false
}

function Remove-KeyTree([string] $Path) {
    $split = $Path.LastIndexOf('\')
    $parent = [Microsoft.Win32.Registry]::LocalMachine.OpenSubKey($Path.Substring(0, $split), $true)
    if ($null -eq $parent) { return }
    try {
        $leaf = $Path.Substring($split + 1)
        $child = $parent.OpenSubKey($leaf)
        if ($null -ne $child) { $child.Close(); $parent.DeleteSubKeyTree($leaf) }
    }
    finally { $parent.Close() }
}

function Remove-Stubs($Package) {
    $machine = [Microsoft.Win32.Registry]::LocalMachine
    foreach ($stub in $Package.Stubs) {
        try {
            if ($stub.Kind -eq 'Key') {
                Remove-KeyTree $stub.Path
            }
            elseif ($stub.Kind -eq 'Value') {
                $key = $machine.OpenSubKey($stub.Path, $true)
                if ($null -ne $key) {
                    $key.DeleteValue($stub.Name, $false)
                    $empty = ($key.ValueCount -eq 0 -and $key.SubKeyCount -eq 0)
                    $key.Close()
                    if ($empty) { Remove-KeyTree $stub.Path }
                }
            }
            elseif ($stub.Kind -eq 'Cdd') {
                $key = $machine.OpenSubKey($stub.Path)
                if ($null -ne $key) {
                    $ours = ([string]$key.GetValue('Service') -eq $stub.Name) -and ($null -eq $key.GetValue('DriverPackageId'))
                    $key.Close()
                    if ($ours) { Remove-KeyTree $stub.Path }
                }
            }
        }
        catch {
            Write-Result 'stubRemovalFailed' $Package.Folder $Package.Inf 0 '' ($stub.Path + ': ' + $_.Exception.Message)
        }
    }
}

function Invoke-Pnputil([string] $InfPath, [string] $OutFile) {
    $pnputil = Join-Path $env:SystemRoot 'Sysnative\pnputil.exe'
    if (-not (Test-Path -LiteralPath $pnputil)) { $pnputil = Join-Path $env:SystemRoot 'System32\pnputil.exe' }
    if ($ModernPnputil) { $arguments = '/add-driver ""' + $InfPath + '"" /install' } else { $arguments = '-i -a ""' + $InfPath + '""' }
    $process = Start-Process -FilePath $pnputil -ArgumentList $arguments -NoNewWindow -PassThru -RedirectStandardOutput $OutFile
    $null = $process.Handle
    if (-not $process.WaitForExit($TimeoutMs)) {
        try { $process.Kill() } catch { }
        return -1
    }
    return $process.ExitCode
}

foreach ($folder in @($FirstBoot, $State, $Quarantine)) {
    if (-not (Test-Path -LiteralPath $folder)) { $null = New-Item -ItemType Directory -Path $folder -Force }
}

Write-Result 'start' '' '' 0 '' ('Windows ' + [Environment]::OSVersion.Version.ToString() + ', ' + $Packages.Count + ' package(s)')
if (Test-PendingReboot) {
    $deferrals = Get-Counter 'deferrals'
    if ($deferrals -lt $MaxDeferrals) {
        Set-Counter 'deferrals' ($deferrals + 1)
        Write-Result 'deferred' '' '' 0 '' 'Windows has a pending reboot; installing at a later boot.'
        exit 0
    }
    Write-Result 'pendingRebootIgnored' '' '' 0 '' ('Still a pending reboot after ' + $MaxDeferrals + ' boot(s); installing anyway.')
}

$remaining = 0
foreach ($package in $Packages) {
    $done = Join-Path $State ($package.Folder + '.done')
    if ((Test-Path -LiteralPath $done) -or (Test-Path -LiteralPath (Join-Path $Quarantine $package.Folder))) { continue }
    $folder = Join-Path $Drivers $package.Folder
    $inf = Join-Path $folder $package.Inf
    if (-not (Test-Path -LiteralPath $inf)) {
        Write-Result 'missing' $package.Folder $package.Inf 0 '' 'The staged INF is not there; skipped.'
        [System.IO.File]::WriteAllText($done, 'missing')
        continue
    }
    $attempt = (Get-Counter $package.Folder) + 1
    Set-Counter $package.Folder $attempt
    $outFile = Join-Path $State ($package.Folder + '.pnputil.txt')
    $code = Invoke-Pnputil $inf $outFile
    $output = ''
    if (Test-Path -LiteralPath $outFile) { $output = ([System.IO.File]::ReadAllText($outFile)).Trim() }
    if ($code -eq 0 -or $code -eq 3010) {
        Remove-Stubs $package
        [System.IO.File]::WriteAllText($done, 'installed')
        $outcome = 'installed'
        if ($code -eq 3010) { $outcome = 'installedRebootRequired' }
        Write-Result $outcome $package.Folder $package.Inf $attempt ([string]$code) $output
    }
    elseif ($code -eq 259) {
        [System.IO.File]::WriteAllText($done, 'noDevice')
        Write-Result 'noDevice' $package.Folder $package.Inf $attempt ([string]$code) ('Added to the driver store; no device uses it now, so its boot stubs stay. ' + $output)
    }
    elseif ($attempt -ge $MaxAttempts) {
        try {
            Move-Item -LiteralPath $folder -Destination (Join-Path $Quarantine $package.Folder) -Force
            Write-Result 'quarantined' $package.Folder $package.Inf $attempt ([string]$code) $output
        }
        catch {
            [System.IO.File]::WriteAllText($done, 'quarantineFailed')
            Write-Result 'quarantineFailed' $package.Folder $package.Inf $attempt ([string]$code) ($output + ' ' + $_.Exception.Message)
        }
    }
    else {
        $remaining++
        Write-Result 'failed' $package.Folder $package.Inf $attempt ([string]$code) $output
    }
}

if ($remaining -eq 0) {
    Write-Result 'completed' '' '' 0 '' 'Nothing left to install; removing the first-boot service.'
    $null = & (Join-Path $env:SystemRoot 'System32\sc.exe') delete $ServiceName
}
exit 0
";
}
