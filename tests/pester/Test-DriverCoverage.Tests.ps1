BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'Test-DriverCoverage' {
    BeforeAll {
        $lib = New-TestDriverLibrary
        $null = New-DriverProfile -Name 'Latitude 7440' -Manufacturer 'Dell*' -Model 'Latitude 7440' -Group OEM -CuratedGroup Curated -ExcludeClass SCSIAdapter -ExcludeClassFromGroup OEM -LibraryPath $lib
        $folder = New-TestFolder -Name 'fleet'
        $null = New-Item -ItemType Directory -Path $folder
        $csv = Join-Path $folder 'fleet.csv'
        # The export the help suggests: id lists joined with ';'.
        @(
            [pscustomobject]@{ ComputerName = 'PC1'; ComputerManufacturer = 'Dell Inc.'; ComputerModel = 'Latitude 7440'; FriendlyName = 'Intel Ethernet'; Class = 'Net'; HardwareID = (@($TestNic, 'PCI\VEN_8086&DEV_15F3') -join ';'); CompatibleID = 'PCI\CC_020000'; DriverInfPath = 'oem3.inf' }
            [pscustomobject]@{ ComputerName = 'PC1'; ComputerManufacturer = 'Dell Inc.'; ComputerModel = 'Latitude 7440'; FriendlyName = 'Intel RST'; Class = 'SCSIAdapter'; HardwareID = $TestStorage; CompatibleID = ''; DriverInfPath = 'oem5.inf' }
            [pscustomobject]@{ ComputerName = 'PC2'; ComputerManufacturer = 'HP'; ComputerModel = 'EliteBook 840 G10'; FriendlyName = 'Intel Wi-Fi'; Class = 'Net'; HardwareID = 'PCI\VEN_8086&DEV_51F1'; CompatibleID = ''; DriverInfPath = 'oem4.inf' }
        ) | Export-Csv -LiteralPath $csv -NoTypeInformation
    }

    It 'reports per model, with boot-critical failures and models no profile covers' {
        $report = Test-DriverCoverage -InventoryPath $csv -OSVersion 10.0.22631 -LibraryPath $lib
        $report | Should -BeOfType ([ImageOps.Engine.Drivers.DriverCoverageReport])
        $report.Status | Should -Be 'Fail'
        $report.Models | Should -HaveCount 2
        $dell = $report.Models | Where-Object { $_.Model.Model -eq 'Latitude 7440' }
        ($dell.Problems | Where-Object Kind -eq 'BootCriticalMissing').Severity | Should -Be 'Fail'
        ($report.Models | Where-Object { $_.Model.Manufacturer -eq 'HP' }).Problems[0].Kind | Should -Be 'NoProfile'
    }

    It 'writes the HTML report' {
        $html = Join-Path $folder 'coverage.html'
        $report = Test-DriverCoverage $csv -HtmlPath $html -LibraryPath $lib
        $report.HtmlPath | Should -Be $html
        Get-Content -Raw -LiteralPath $html | Should -BeLike '*device classes*'
    }

    It 'converts to JSON for tooling' {
        $json = Test-DriverCoverage $csv -LibraryPath $lib | ConvertTo-Json -Depth 4 -WarningAction SilentlyContinue | ConvertFrom-Json
        $json.Failed | Should -Be 2
        $json.Models | Should -HaveCount 2
    }

    It 'refuses an Export-Csv of raw arrays with the fix in the message' {
        $bad = Join-Path $folder 'raw.csv'
        [pscustomobject]@{ Model = 'X'; HardwareID = [string[]]@('A', 'B') } | Export-Csv -LiteralPath $bad -NoTypeInformation
        { Test-DriverCoverage $bad -LibraryPath $lib -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'DriverInventoryInvalid' 'TestDriverCoverageCommand')
    }

    It 'writes DriverInventoryNotFound for a missing inventory' {
        { Test-DriverCoverage (Join-Path $folder 'none.csv') -LibraryPath $lib -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'DriverInventoryNotFound' 'TestDriverCoverageCommand')
    }
}
