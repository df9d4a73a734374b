BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'New-DriverProfile' {
    BeforeEach {
        $lib = New-TestDriverLibrary
    }

    It 'creates a profile with sources, exclusions and a selector, and returns it' {
        $profile = New-DriverProfile -Name 'Latitude 7440' -Manufacturer 'Dell*' -Model 'Latitude 7440' -Group OEM -CuratedGroup Curated -ExcludeClass SCSIAdapter -ExcludeClassFromGroup OEM -LibraryPath $lib
        $profile | Should -BeOfType ([ImageOps.Engine.Drivers.DriverProfileInfo])
        $profile.Name | Should -Be 'Latitude 7440'
        $profile.AppliesTo | Should -BeLike "*model 'Latitude 7440'*"
        $profile.Sources | Should -Be @('curated group Curated', 'group OEM')
        $profile.Exclusions | Should -Be 'class SCSIAdapter from OEM'
        $profile.Rules.Manufacturer | Should -Be 'Dell*'
    }

    It 'creates the explicit "no drivers" profile' {
        (New-DriverProfile -Name VMs -Manufacturer 'VMware*' -NoDrivers -LibraryPath $lib).NoDrivers | Should -BeTrue
    }

    It 'refuses contradictory rules' {
        { New-DriverProfile -Name Bad -NoDrivers -Group OEM -LibraryPath $lib -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'DriverProfileInvalid' 'NewDriverProfileCommand')
    }

    It 'refuses a name in use, without regard to case' {
        $null = New-DriverProfile -Name Gold -Group OEM -LibraryPath $lib
        { New-DriverProfile -Name GOLD -Group OEM -LibraryPath $lib -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'DriverProfileNameInUse' 'NewDriverProfileCommand')
    }

    It 'creates nothing with -WhatIf' {
        New-DriverProfile -Name Lab -Group OEM -LibraryPath $lib -WhatIf
        Get-DriverProfile -LibraryPath $lib | Should -BeNullOrEmpty
    }
}
