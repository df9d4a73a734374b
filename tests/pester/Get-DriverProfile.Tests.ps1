BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'Get-DriverProfile' {
    BeforeAll {
        $lib = New-TestDriverLibrary
        $null = New-DriverProfile -Name 'Latitude 7440' -Model 'Latitude 7440' -Group OEM -LibraryPath $lib
        $null = New-DriverProfile -Name 'Latitude 5440' -Model 'Latitude 5440' -Group OEM -LibraryPath $lib
        $null = New-DriverProfile -Name VMs -Manufacturer 'VMware*' -NoDrivers -LibraryPath $lib
    }

    It 'lists every profile by name' {
        (Get-DriverProfile -LibraryPath $lib).Name | Should -Be @('Latitude 5440', 'Latitude 7440', 'VMs')
    }

    It 'filters with wildcards and takes names from the pipeline' {
        (Get-DriverProfile 'Lat*' -LibraryPath $lib).Name | Should -Be @('Latitude 5440', 'Latitude 7440')
        ('VMs' | Get-DriverProfile -LibraryPath $lib).NoDrivers | Should -BeTrue
    }

    It 'writes DriverProfileNotFound for a plain name that matches nothing' {
        { Get-DriverProfile -Name Nope -LibraryPath $lib -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'DriverProfileNotFound' 'GetDriverProfileCommand')
    }

    It 'formats as a table with what each profile applies to' {
        (Get-DriverProfile -LibraryPath $lib | Format-Table | Out-String) | Should -BeLike '*(no drivers)*'
    }
}
