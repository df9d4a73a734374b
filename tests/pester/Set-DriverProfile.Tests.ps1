BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'Set-DriverProfile' {
    BeforeEach {
        $lib = New-TestDriverLibrary
        $null = New-DriverProfile -Name 'Latitude 7440' -Model 'Latitude 7440' -Group OEM -ExcludeClass SCSIAdapter -MinimumOSVersion 10.0.22000 -LibraryPath $lib
    }

    It 'changes only what is given and writes nothing without -PassThru' {
        Set-DriverProfile -Name 'Latitude 7440' -Priority 5 -LibraryPath $lib | Should -BeNullOrEmpty
        $profile = Get-DriverProfile 'Latitude 7440' -LibraryPath $lib
        $profile.Priority | Should -Be 5
        $profile.Rules.Groups | Should -Be 'OEM'
        $profile.Rules.ExcludeClasses | Should -Be 'SCSIAdapter'
        $profile.Rules.MinimumOSVersion | Should -Be '10.0.22000'
    }

    It 'replaces a list, clears one with @() and removes a version bound with $null' {
        $profile = Set-DriverProfile -Name 'Latitude 7440' -CuratedGroup Curated -ExcludeClass @() -MinimumOSVersion $null -PassThru -LibraryPath $lib
        $profile.Rules.CuratedGroups | Should -Be 'Curated'
        $profile.Rules.ExcludeClasses | Should -BeNullOrEmpty
        $profile.Rules.MinimumOSVersion | Should -BeNullOrEmpty
    }

    It 'renames a piped profile' {
        $renamed = Get-DriverProfile 'Latitude 7440' -LibraryPath $lib | Set-DriverProfile -NewName 'Lat 7440' -PassThru
        $renamed.Name | Should -Be 'Lat 7440'
        (Get-DriverProfile -LibraryPath $lib).Name | Should -Be 'Lat 7440'
    }

    It 'refuses a change that makes the profile contradictory' {
        { Set-DriverProfile -Name 'Latitude 7440' -NoDrivers -LibraryPath $lib -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'DriverProfileInvalid' 'SetDriverProfileCommand')
    }

    It 'changes nothing with -WhatIf' {
        Set-DriverProfile -Name 'Latitude 7440' -Priority 9 -LibraryPath $lib -WhatIf
        (Get-DriverProfile 'Latitude 7440' -LibraryPath $lib).Priority | Should -Be 0
    }
}
