BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'Resolve-DriverSet' {
    BeforeAll {
        $lib = New-TestDriverLibrary
        $null = New-DriverProfile -Name 'Latitude 7440' -Manufacturer 'Dell*' -Model 'Latitude 7440' -Group OEM -CuratedGroup Curated -ExcludeClass SCSIAdapter -ExcludeClassFromGroup OEM -LibraryPath $lib
        $null = New-DriverProfile -Name VMs -Manufacturer 'VMware*' -NoDrivers -LibraryPath $lib
    }

    It 'resolves a model: the curated NIC wins and the pack''s storage driver is left out, each with a reason' {
        $set = Resolve-DriverSet -Manufacturer 'Dell Inc.' -Model 'Latitude 7440' -OSVersion 10.0.22631 -LibraryPath $lib
        $set | Should -BeOfType ([ImageOps.Engine.Drivers.DriverSet])
        $set.Status | Should -Be 'Resolved'
        $set.Packages.Name | Should -Be 'nic_curated.inf'
        $set.Packages[0].Tier | Should -Be 'Curated'
        $set.Packages[0].Files | ForEach-Object { $_.StorePath | Should -Exist }
        ($set.Excluded | Where-Object Name -eq 'stor_oem.inf').Reason | Should -BeLike '*class SCSIAdapter is excluded*'
    }

    It 'binds Manufacturer, Model and SystemSKUNumber from piped objects such as Win32_ComputerSystem' {
        $computer = [pscustomobject]@{ Manufacturer = 'Dell Inc.'; Model = 'Latitude 7440'; SystemSKUNumber = '0C6F' }
        ($computer | Resolve-DriverSet -LibraryPath $lib).Model.SystemSku | Should -Be '0C6F'
    }

    It 'gives no drivers where a profile says so' {
        (Resolve-DriverSet -Manufacturer 'VMware, Inc.' -Model 'VMware20,1' -LibraryPath $lib).Status | Should -Be 'NoDrivers'
    }

    It 'returns the set and writes DriverModelNotCovered for a model no profile covers' {
        $set = Resolve-DriverSet -Manufacturer HP -Model 'EliteBook 840 G10' -LibraryPath $lib -ErrorAction SilentlyContinue -ErrorVariable err
        $set.Status | Should -Be 'NoProfile'
        $err[0].FullyQualifiedErrorId | Should -Be (Get-ErrorIdFor 'DriverModelNotCovered' 'ResolveDriverSetCommand')
    }

    It 'resolves every model of an inventory for its devices' {
        $csv = Join-Path (New-TestFolder -Name 'inv') 'fleet.csv'
        $null = New-Item -ItemType Directory -Path (Split-Path $csv) -Force
        @(
            [pscustomobject]@{ ComputerManufacturer = 'Dell Inc.'; ComputerModel = 'Latitude 7440'; FriendlyName = 'Intel Ethernet'; Class = 'Net'; HardwareID = $TestNic }
            [pscustomobject]@{ ComputerManufacturer = 'Dell Inc.'; ComputerModel = 'Latitude 7440'; FriendlyName = 'Intel RST'; Class = 'SCSIAdapter'; HardwareID = $TestStorage }
        ) | Export-Csv -LiteralPath $csv -NoTypeInformation
        $set = Resolve-DriverSet -InventoryPath $csv -LibraryPath $lib
        $set.Devices | Should -HaveCount 2
        ($set.Devices | Where-Object Class -eq 'Net').PackageName | Should -Be 'nic_curated.inf'
        ($set.Devices | Where-Object Class -eq 'SCSIAdapter').Coverage | Should -Be 'NoDriver'
    }
}
