BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'Remove-DriverProfile' {
    BeforeEach {
        $lib = New-TestDriverLibrary
        $null = New-DriverProfile -Name 'Latitude 7440' -Model 'Latitude 7440' -Group OEM -LibraryPath $lib
        $null = New-DriverProfile -Name VMs -Manufacturer 'VMware*' -NoDrivers -LibraryPath $lib
    }

    It 'removes a profile and keeps its packages' {
        Remove-DriverProfile -Name 'Latitude 7440' -LibraryPath $lib -Confirm:$false
        (Get-DriverProfile -LibraryPath $lib).Name | Should -Be 'VMs'
        Get-DriverPackage -Group OEM -LibraryPath $lib | Should -HaveCount 2
    }

    It 'removes piped profiles and returns them with -PassThru' {
        $removed = Get-DriverProfile -LibraryPath $lib | Remove-DriverProfile -PassThru -Confirm:$false
        $removed.Name | Should -Be @('Latitude 7440', 'VMs')
        Get-DriverProfile -LibraryPath $lib | Should -BeNullOrEmpty
    }

    It 'writes DriverProfileNotFound for an unknown name' {
        { Remove-DriverProfile -Name Nope -LibraryPath $lib -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'DriverProfileNotFound' 'RemoveDriverProfileCommand')
    }

    It 'removes nothing with -WhatIf and asks for confirmation by default' {
        Remove-DriverProfile -Name '*' -LibraryPath $lib -WhatIf
        Get-DriverProfile -LibraryPath $lib | Should -HaveCount 2
        $attribute = (Get-Command Remove-DriverProfile).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $attribute.ConfirmImpact | Should -Be 'High'
    }
}
