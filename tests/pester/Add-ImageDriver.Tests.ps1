BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
    $script:NoImages = -not (Test-CanBuildWindowsImage)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'Add-ImageDriver' {
    It 'has the parameter sets ByDriver (default), ByProfile and ByModel' {
        $command = Get-Command Add-ImageDriver
        $command.DefaultParameterSet | Should -Be 'ByDriver'
        ($command.ParameterSets.Name | Sort-Object) | Should -Be @('ByDriver', 'ByModel', 'ByProfile')
    }

    Context 'with a synthetic image' -Skip:$NoImages {
        BeforeAll {
            $script:Image = New-TestWindowsImage -Format Qcow2
            $script:Storage = New-TestInjectionPackage
            $script:Nic = New-TestInjectionPackage -Network
        }

        It 'injects into a new layer, returns what was done and leaves the image as it was' {
            $before = (Get-FileHash -LiteralPath $Image).Hash
            $destination = Join-Path (Split-Path $Image) 'injected.qcow2'
            $result = Add-ImageDriver -Path $Image -DestinationPath $destination -Driver $Storage, $Nic
            $result | Should -BeOfType ([ImageOps.Engine.Injection.InjectionResult])
            $result.Format | Should -Be 'Qcow2'
            $result.Output | Should -Be 'Layer'
            $result.Packages.Name | Should -Be @('viostor.inf', 'vionet.inf')
            $result.Packages[0].BootStub.PackageLabel | Should -Be 'imageops_viostor.inf_amd64_0000000000000000'
            $result.Chain.Count | Should -Be 2
            (Get-FileHash -LiteralPath $Image).Hash | Should -Be $before
            (Get-DiskFile -LiteralPath $destination).Variant | Should -Be 'Differencing'
        }

        It 'writes nothing with -WhatIf' {
            $destination = Join-Path (Split-Path $Image) 'whatif.qcow2'
            Add-ImageDriver -Path $Image -DestinationPath $destination -Driver $Storage -WhatIf | Should -BeNullOrEmpty
            $destination | Should -Not -Exist
        }

        It 'refuses an unsigned boot storage driver with the finding''s id unless -ForceUnsigned' {
            $unsigned = New-TestInjectionPackage -NoCatalog
            $destination = Join-Path (Split-Path $Image) 'unsigned.qcow2'
            { Add-ImageDriver -Path $Image -DestinationPath $destination -Driver $unsigned -ErrorAction Stop } |
                Should -Throw -ErrorId (Get-ErrorIdFor 'BootDriverUnsigned' 'AddImageDriverCommand')
            $destination | Should -Not -Exist
            $result = Add-ImageDriver -Path $Image -DestinationPath $destination -Driver $unsigned -ForceUnsigned -WarningVariable warnings -WarningAction SilentlyContinue
            $result.Packages.Count | Should -Be 1
            ($warnings -join "`n") | Should -Match 'DriverPackageUnsigned'
        }

        It 'refuses an existing destination unless -Force' {
            $destination = Join-Path (Split-Path $Image) 'exists.qcow2'
            Set-Content -LiteralPath $destination -Value 'old'
            { Add-ImageDriver -Path $Image -DestinationPath $destination -Driver $Nic -ErrorAction Stop } |
                Should -Throw -ErrorId (Get-ErrorIdFor 'DiskFileExists' 'AddImageDriverCommand')
            (Add-ImageDriver -Path $Image -DestinationPath $destination -Driver $Nic -Force).Packages.Count | Should -Be 1
        }

        It 'writes a flat copy with -Flat -Format' {
            $destination = Join-Path (Split-Path $Image) 'flat.vhdx'
            $result = Add-ImageDriver -Path $Image -DestinationPath $destination -Driver $Nic -Flat -Format Vhdx
            $result.Output | Should -Be 'Flat'
            (Get-DiskFile -LiteralPath $destination).Format | Should -Be 'Vhdx'
            (Get-DiskFile -LiteralPath $destination).Variant | Should -Not -Be 'Differencing'
        }
    }
}
