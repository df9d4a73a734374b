#Requires -Version 7.0
<#
.SYNOPSIS
    Builds, tests and packages ImageOps.

.DESCRIPTION
    -Task Build    builds the solution (warnings are errors) and generates the cmdlet help.
    -Task Test     builds, runs every xunit suite, packages the module and, when Pester 5 is
                   installed, runs tests/pester against the packaged module.
    -Task Package  builds and lays out artifacts/ImageOps/<version>/, ready for Import-Module, and
                   publishes the imageops command ReadyToRun (precompiled: no JIT at start-up) for
                   this platform into artifacts/cli/<version>/<rid>/.

.EXAMPLE
    ./build.ps1 -Task Package
    Import-Module ./artifacts/ImageOps/0.1.0/ImageOps.psd1
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot

function Invoke-Dotnet {
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE." }
}

function Invoke-Build {
    Invoke-Dotnet build (Join-Path $root 'ImageOps.sln') -c $Configuration -warnaserror
}

function Invoke-Package {
    $tool = Join-Path $root "tools/ImageOps.Build/bin/$Configuration/net10.0/imageops-build.dll"
    $bin = Join-Path $root "src/ImageOps.PowerShell/bin/$Configuration/netstandard2.0"
    $folder = & dotnet $tool package --bin $bin --module (Join-Path $root 'module') --output (Join-Path $root 'artifacts')
    if ($LASTEXITCODE -ne 0) { throw "Packaging failed with exit code $LASTEXITCODE." }
    Write-Host "Packaged module: $folder"

    # The command is published for this platform only: ReadyToRun code is per runtime identifier.
    # '-p:...' is quoted so PowerShell passes it to dotnet whole rather than binding it as a parameter.
    $rid = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
    # artifacts/cli, not artifacts/imageops: on a case-insensitive file system that would be the
    # module folder itself, and Import-Module would see the command's files.
    $cli = Join-Path $root "artifacts/cli/$(Split-Path $folder -Leaf)/$rid"
    Invoke-Dotnet publish (Join-Path $root 'src/ImageOps.Cli') -c $Configuration -r $rid --self-contained false '-p:PublishReadyToRun=true' -o $cli | Out-Host
    Write-Host "Published imageops: $cli"
    $folder
}

function Invoke-Test {
    Invoke-Dotnet test (Join-Path $root 'ImageOps.sln') -c $Configuration --no-build
    $null = Invoke-Package
    $pester = Get-Module -ListAvailable Pester | Where-Object { $_.Version.Major -ge 5 } | Sort-Object Version -Descending | Select-Object -First 1
    if (-not $pester) {
        Write-Warning 'Pester 5 is not installed; the Pester suite (tests/pester) was not run. Install-Module Pester -MinimumVersion 5.0 to run it.'
        return
    }

    Import-Module $pester -Force
    $config = New-PesterConfiguration
    $config.Run.Path = Join-Path $root 'tests/pester'
    $config.Run.Exit = $true
    $config.Output.Verbosity = 'Detailed'
    $config.TestResult.Enabled = $true
    $config.TestResult.OutputPath = Join-Path $root 'artifacts/pester-results.xml'
    # Every test file imports the packaged module from artifacts/ (tests/pester/TestHelpers.ps1), never
    # the bin/ folder, so the suite tests what ships.
    Invoke-Pester -Configuration $config
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Package' { Invoke-Build; $null = Invoke-Package }
    'Test' { Invoke-Build; Invoke-Test }
}
