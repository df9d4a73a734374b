# Shared by every *.Tests.ps1: dot-source it in BeforeAll (and BeforeDiscovery where discovery needs
# the module). The suite always tests the packaged module in artifacts/, never the bin/ folder.

function Get-ImageOpsTestModulePath {
    if ($env:IMAGEOPS_MODULE_PATH) {
        return $env:IMAGEOPS_MODULE_PATH
    }

    $artifacts = Join-Path (Join-Path (Join-Path $PSScriptRoot '..') '..') (Join-Path 'artifacts' 'ImageOps')
    $latest = Get-ChildItem -LiteralPath $artifacts -Directory -ErrorAction SilentlyContinue |
        Where-Object { $null -ne ($_.Name -as [version]) } |
        Sort-Object { [version]$_.Name } -Descending |
        Select-Object -First 1
    if (-not $latest) {
        throw "No packaged module under '$artifacts'. Run ./build.ps1 -Task Package first."
    }

    Join-Path $latest.FullName 'ImageOps.psd1'
}

function Import-ImageOpsTestModule {
    Import-Module (Get-ImageOpsTestModulePath) -Force -ErrorAction Stop
}

function New-TestFolder {
    param([string] $Name = 'folder')
    Join-Path $TestDrive ('{0}-{1}' -f $Name, [guid]::NewGuid().ToString('N').Substring(0, 8))
}

# A fresh library for each test: nothing leaks between tests or into the user's own library.
function New-TestLibrary {
    New-TestFolder -Name 'library'
}

function Get-ErrorIdFor {
    param([string] $ErrorId, [string] $CmdletClass)
    "$ErrorId,ImageOps.PowerShell.Commands.$CmdletClass"
}

# A sparse raw image with the given bytes written: @{ Offset = 1MB; Value = 0xA5; Length = 4096 }.
function New-TestRawImage {
    param(
        [string] $Name = 'disk',
        [long] $SizeBytes = 16MB,
        [hashtable[]] $Write = @()
    )

    $path = (New-TestFolder -Name $Name) + '.img'
    $stream = [System.IO.File]::Open($path, [System.IO.FileMode]::CreateNew)
    try {
        $stream.SetLength($SizeBytes)
        foreach ($w in $Write) {
            $stream.Position = $w.Offset
            $bytes = [byte[]]::new($w.Length)
            [System.Array]::Fill($bytes, [byte]$w.Value)
            $stream.Write($bytes, 0, $bytes.Length)
        }
    }
    finally {
        $stream.Dispose()
# Writes a small driver package (INF, .sys and, unless -NoCatalog, .cat) into $Folder and returns the
# INF's path. The INF has one models section ($Decoration) listing $HardwareId, and one service.
function New-TestDriverPackage {
    param(
        [Parameter(Mandatory)] [string] $Folder,
        [string] $Name = 'drv',
        [string[]] $HardwareId = @('PCI\VEN_8086&DEV_15F3'),
        [string] $Class = 'Net',
        [string] $ClassGuid = '{4d36e972-e325-11ce-bfc1-08002be10318}',
        [string] $Decoration = 'NTamd64',
        [string] $DriverVer = '01/15/2024,1.0.0.0',
        [int] $StartType = 3,
        [switch] $NoCatalog,
        [switch] $MissingBinary
    )

    $null = New-Item -ItemType Directory -Path $Folder -Force
    $models = ($HardwareId | ForEach-Object { '"Device {0}" = Inst, {0}' -f $_ }) -join "`r`n"
    $catalog = if ($NoCatalog) { '' } else { "CatalogFile=$Name.cat" }
    $inf = @"
[Version]
Signature="`$Windows NT`$"
Class=$Class
ClassGuid=$ClassGuid
Provider=%Prov%
DriverVer=$DriverVer
$catalog

[SourceDisksNames]
1 = %Disk%,,,

[SourceDisksFiles]
$Name.sys = 1

[DestinationDirs]
DefaultDestDir = 13

[Manufacturer]
%Prov% = Mfg, $Decoration

[Mfg.$Decoration]
$models

[Inst.NT]
CopyFiles = Inst_Files

[Inst.NT.Services]
AddService = $Name, 0x00000002, Svc_Inst

[Svc_Inst]
ServiceType = 1
StartType = $StartType
ErrorControl = 1
ServiceBinary = %13%\$Name.sys

[Inst_Files]
$Name.sys

[Strings]
Prov = "Contoso"
Disk = "Disk 1"
"@
    $path = Join-Path $Folder "$Name.inf"
    Set-Content -LiteralPath $path -Value $inf -Encoding Ascii
    if (-not $MissingBinary) {
        Set-Content -LiteralPath (Join-Path $Folder "$Name.sys") -Value "MZ binary of $Name $DriverVer" -Encoding Ascii
    }

    if (-not $NoCatalog) {
        Set-Content -LiteralPath (Join-Path $Folder "$Name.cat") -Value "catalog of $Name $DriverVer" -Encoding Ascii
    }

    $path
}

# The hardware ids the driver tests use (visible to the tests that dot-source this file).
$TestNic = 'PCI\VEN_8086&DEV_15F3&SUBSYS_0C6F1028'
$TestStorage = 'PCI\VEN_8086&DEV_A0D3&SUBSYS_0C6F1028'

# A library with an OEM pack (NIC and boot-start storage, group OEM) and a curated NIC (group Curated).
function New-TestDriverLibrary {
    $nic = 'PCI\VEN_8086&DEV_15F3&SUBSYS_0C6F1028'
    $storage = 'PCI\VEN_8086&DEV_A0D3&SUBSYS_0C6F1028'
    $library = New-TestLibrary
    $oem = New-TestFolder -Name 'oem'
    $null = New-TestDriverPackage -Folder (Join-Path $oem 'net') -Name 'nic_oem' -HardwareId $nic -DriverVer '06/01/2024,2.0.0.0'
    $null = New-TestDriverPackage -Folder (Join-Path $oem 'stor') -Name 'stor_oem' -HardwareId $storage -Class SCSIAdapter -ClassGuid '{4d36e97b-e325-11ce-bfc1-08002be10318}' -StartType 0
    Add-DriverPackage -Path $oem -Group OEM -LibraryPath $library
    $curated = New-TestFolder -Name 'curated'
    $null = New-TestDriverPackage -Folder $curated -Name 'nic_curated' -HardwareId $nic -DriverVer '01/01/2023,1.0.0.0'
    Add-DriverPackage -Path $curated -Group Curated -LibraryPath $library
    $library
}

# A synthetic Windows 11 image (GPT, NTFS, SYSTEM and SOFTWARE hives) built by the engine's fixture builder.
# It needs mkntfs and libntfs-3g (Linux); Test-CanBuildWindowsImage says whether they are here.
function Test-CanBuildWindowsImage {
    $null -ne (Get-Command mkntfs -ErrorAction SilentlyContinue) -and $IsLinux
}

function New-TestWindowsImage {
    param([string] $Format = 'Qcow2', [string] $Name = 'win11')
    $folder = New-TestFolder -Name $Name
    $null = New-Item -ItemType Directory -Path $folder
    $path = Join-Path $folder ("$Name." + $Format.ToLowerInvariant())
    $spec = [ImageOps.Engine.Samples.WindowsImageSpec]::new()
    $spec.Format = $Format
    $spec.SizeBytes = 256MB
    $null = [ImageOps.Engine.Samples.SyntheticWindowsImage]::Create($path, $spec, $null)
    $path
}

# A VirtIO-style boot storage driver package (or -Network: a NIC) in a new folder; returns the folder.
function New-TestInjectionPackage {
    param([switch] $Network, [switch] $NoCatalog)
    $folder = New-TestFolder -Name 'package'
    $driver = if ($Network) { [ImageOps.Engine.Samples.SampleInjectionDrivers]::Network('vionet', 'PCI\VEN_1AF4&DEV_1041') } else { [ImageOps.Engine.Samples.SampleInjectionDrivers]::VirtioStorage() }
    $null = [ImageOps.Engine.Samples.SampleInjectionDrivers]::Write($folder, $driver, -not $NoCatalog, 4096)
    $folder
# A synthetic Windows image made by New-SampleWindowsImage, with any other parameters passed on.
# Returns @{ Path; SkipReason }: on hosts without mkntfs or libntfs-3g (Windows, or Linux without
# ntfs-3g) Path is $null and SkipReason says why, and tests use Set-ItResult -Skipped; under CI=true
# a missing tool fails instead, as the xunit suites do.
function New-TestSampleImage {
    param(
        [string] $Name = 'sample',
        [string] $Extension = '.vhdx',
        [hashtable] $Parameters = @{}
    )

    $path = (New-TestFolder -Name $Name) + $Extension
    try {
        $null = New-SampleWindowsImage -Path $path @Parameters -ErrorAction Stop
        [pscustomobject]@{ Path = $path; SkipReason = $null }
    }
    catch {
        $id = $_.FullyQualifiedErrorId -replace ',.*$', ''
        if ($id -in @('MkntfsNotAvailable', 'Ntfs3gNotAvailable') -and $env:CI -ne 'true') {
            return [pscustomobject]@{ Path = $null; SkipReason = $_.Exception.Message }
        }

        throw
    }
}
