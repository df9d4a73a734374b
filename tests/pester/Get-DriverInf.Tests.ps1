BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'Get-DriverInf' {
    BeforeAll {
        $folder = New-TestFolder -Name 'inf'
        $inf = New-TestDriverPackage -Folder $folder -Name 'stor' -Class SCSIAdapter -ClassGuid '{4d36e97b-e325-11ce-bfc1-08002be10318}' -StartType 0 -HardwareId 'PCI\VEN_1AF4&DEV_1042', 'PCI\VEN_1AF4&DEV_1001'
    }

    It 'reports what an INF declares without importing it' {
        $report = Get-DriverInf -Path $inf
        $report | Should -BeOfType ([ImageOps.Engine.Drivers.DriverInfReport])
        $report.Class | Should -Be 'SCSIAdapter'
        $report.Provider | Should -Be 'Contoso'
        $report.Version | Should -Be '1.0.0.0'
        $report.HardwareIds | Should -Be @('PCI\VEN_1AF4&DEV_1042', 'PCI\VEN_1AF4&DEV_1001')
        $report.Models[0].ModelsSection | Should -Be 'Mfg.NTamd64'
        $report.Platforms[0].IsBootStorageController | Should -BeTrue
        $report.Platforms[0].Services[0].StartType | Should -Be 'Boot'
        $report.CanImport | Should -BeTrue
    }

    It 'says why an import would refuse an INF' {
        $broken = New-TestFolder -Name 'broken'
        $path = New-TestDriverPackage -Folder $broken -Name 'b' -MissingBinary
        $report = Get-DriverInf -LiteralPath $path
        $report.CanImport | Should -BeFalse
        $report.MissingFiles | Should -Contain 'b.sys'
    }

    It 'takes INFs piped from Get-ChildItem' {
        (Get-ChildItem -LiteralPath $folder -Filter *.inf | Get-DriverInf).Name | Should -Be 'stor.inf'
    }

    It 'writes DriverInfMalformed with the line for an unreadable INF' {
        $bad = Join-Path (New-TestFolder -Name 'bad') 'bad.inf'
        $null = New-Item -ItemType Directory -Path (Split-Path $bad) -Force
        Set-Content -LiteralPath $bad -Value "[Version]`r`nSignature=`"`$Windows NT`$`"`r`n[Manufacturer" -Encoding Ascii
        { Get-DriverInf -LiteralPath $bad -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'DriverInfMalformed' 'GetDriverInfCommand')
    }
}
