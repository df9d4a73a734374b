BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'Get-DriverPackage' {
    BeforeAll {
        $lib = New-TestDriverLibrary
        $win11 = New-TestFolder -Name 'win11'
        $null = New-TestDriverPackage -Folder $win11 -Name 'new' -HardwareId 'USB\VID_1234&PID_0001' -Decoration 'NTamd64.10.0...26100'
        Add-DriverPackage -Path $win11 -Group Next -LibraryPath $lib
    }

    It 'lists every package by name' {
        (Get-DriverPackage -LibraryPath $lib).Name | Should -Be @('new.inf', 'nic_curated.inf', 'nic_oem.inf', 'stor_oem.inf')
    }

    It 'filters by class, group, hardware id and Windows version' {
        (Get-DriverPackage -Class 'SCSI*' -LibraryPath $lib).Name | Should -Be 'stor_oem.inf'
        (Get-DriverPackage -Group Curated -LibraryPath $lib).Name | Should -Be 'nic_curated.inf'
        (Get-DriverPackage -HardwareId 'PCI\VEN_8086&DEV_15F3*' -LibraryPath $lib).Name | Should -Be @('nic_curated.inf', 'nic_oem.inf')
        (Get-DriverPackage -OSVersion 10.0.22631 -LibraryPath $lib).Name | Should -Not -Contain 'new.inf'
        (Get-DriverPackage -OSVersion 10.0.26100 -LibraryPath $lib).Name | Should -Contain 'new.inf'
        Get-DriverPackage -Architecture Arm64 -LibraryPath $lib | Should -BeNullOrEmpty
    }

    It 'finds a package by a unique prefix of its id' {
        $one = Get-DriverPackage -Name 'stor_oem.inf' -LibraryPath $lib
        (Get-DriverPackage -Id $one.Id.Substring(0, 6) -LibraryPath $lib).Id | Should -Be $one.Id
    }

    It 'writes DriverPackageNotFound for an id that matches nothing' {
        { Get-DriverPackage -Id 'ffffffffffffffff' -LibraryPath $lib -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'DriverPackageNotFound' 'GetDriverPackageCommand')
    }

    It 'formats as a table with the class and boot column' {
        $text = Get-DriverPackage -LibraryPath $lib | Format-Table | Out-String
        $text | Should -BeLike '*SCSIAdapter*'
        $text | Should -BeLike '*stor*'
    }

    It 'declares its output type and changes nothing' {
        (Get-Command Get-DriverPackage).OutputType.Type | Should -Contain ([ImageOps.Engine.Drivers.DriverPackageInfo])
        (Get-Command Get-DriverPackage).Parameters.Keys | Should -Not -Contain 'WhatIf'
    }
}
