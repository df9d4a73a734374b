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
    }

    $path
}

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
