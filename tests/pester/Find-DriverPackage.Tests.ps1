BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'Find-DriverPackage' {
    BeforeAll {
        $lib = New-TestDriverLibrary
    }

    It 'ranks the matching packages as Windows would and explains the choice' {
        $result = Find-DriverPackage -HardwareId $TestNic, 'PCI\VEN_8086&DEV_15F3' -CompatibleId 'PCI\CC_020000' -LibraryPath $lib
        $result | Should -BeOfType ([ImageOps.Engine.Drivers.DriverMatchResult])
        $result.Chosen.InfName | Should -Be 'nic_oem.inf'
        $result.Chosen.RankHex | Should -Be '0x00FF0000'
        $result.Candidates[1].InfName | Should -Be 'nic_curated.inf'
        $result.Candidates[1].Reason | Should -BeLike '*older*'
    }

    It 'binds HardwareID and CompatibleID from piped objects such as Get-PnpDevice returns' {
        $device = [pscustomobject]@{ FriendlyName = 'Intel Ethernet'; HardwareID = @($TestNic); CompatibleID = @('PCI\CC_020000') }
        $result = $device | Find-DriverPackage -OSVersion 10.0.19045 -LibraryPath $lib
        $result.Device.Name | Should -Be 'Intel Ethernet'
        $result.Chosen | Should -Not -BeNullOrEmpty
    }

    It 'finds nothing on another architecture and says so' {
        $result = Find-DriverPackage -HardwareId $TestNic -Architecture Arm64 -LibraryPath $lib
        $result.Chosen | Should -BeNullOrEmpty
        $result.Summary | Should -BeLike '*none applies*'
    }

    It 'ranks only the given groups' {
        (Find-DriverPackage -HardwareId $TestNic -Group Curated -LibraryPath $lib).Chosen.InfName | Should -Be 'nic_curated.inf'
    }
}
