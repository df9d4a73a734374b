BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'Remove-DriverPackage' {
    BeforeEach {
        $lib = New-TestDriverLibrary
    }

    It 'removes piped packages and deletes their stored files' {
        $oem = Get-DriverPackage -Group OEM -LibraryPath $lib
        $result = $oem | Remove-DriverPackage -PassThru -Confirm:$false
        $result | Should -HaveCount 2
        $result[0] | Should -BeOfType ([ImageOps.Engine.Drivers.DriverPackageRemovalResult])
        $result[0].ObjectsDeleted | Should -BeGreaterThan 0
        (Get-DriverPackage -LibraryPath $lib).Name | Should -Be 'nic_curated.inf'
        $oem[0].Files[0].StorePath | Should -Not -Exist
    }

    It 'refuses a package a profile uses unless -Force' {
        $null = New-DriverProfile -Name Lat -Model 'Latitude*' -Group OEM -LibraryPath $lib
        $nic = Get-DriverPackage -Name nic_oem.inf -LibraryPath $lib
        { Remove-DriverPackage -Id $nic.Id -LibraryPath $lib -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'DriverPackageInUse' 'RemoveDriverPackageCommand')
        Get-DriverPackage -Id $nic.Id -LibraryPath $lib | Should -Not -BeNullOrEmpty

        $removed = Remove-DriverPackage -Id $nic.Id -Force -PassThru -LibraryPath $lib -Confirm:$false
        $removed.UsedByProfiles | Should -Be 'Lat'
    }

    It 'removes nothing with -WhatIf' {
        Get-DriverPackage -LibraryPath $lib | Remove-DriverPackage -WhatIf
        Get-DriverPackage -LibraryPath $lib | Should -HaveCount 3
    }

    It 'writes DriverPackageNotFound for an unknown id' {
        { Remove-DriverPackage -Id 'ffffffffffffffff' -LibraryPath $lib -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'DriverPackageNotFound' 'RemoveDriverPackageCommand')
    }

    It 'has a high confirm impact' {
        $attribute = (Get-Command Remove-DriverPackage).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $attribute.ConfirmImpact | Should -Be 'High'
    }
}
