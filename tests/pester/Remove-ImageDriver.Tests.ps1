BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
    $script:NoImages = -not (Test-CanBuildWindowsImage)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'Remove-ImageDriver' {
    It 'asks for confirmation by default' {
        (Get-Command Remove-ImageDriver).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact | Should -Be 'High'
    }

    Context 'with a synthetic image' -Skip:$NoImages {
        BeforeAll {
            $script:Image = New-TestWindowsImage -Format Qcow2
            $script:Layer = Join-Path (Split-Path $Image) 'a.qcow2'
            $null = Add-ImageDriver -Path $Image -DestinationPath $Layer -Driver (New-TestInjectionPackage), (New-TestInjectionPackage -Network)
        }

        It 'removes staged packages piped from Get-ImageDriver into one new layer' {
            $destination = Join-Path (Split-Path $Image) 'b.qcow2'
            $result = Get-ImageDriver -LiteralPath $Layer -Kind Staged | Remove-ImageDriver -DestinationPath $destination -Confirm:$false
            @($result).Count | Should -Be 1
            $result.Packages.Name | Should -Be @('viostor.inf', 'vionet.inf')
            @(Get-ImageDriver -LiteralPath $destination -Kind Staged).Count | Should -Be 0
            $Layer | Should -Exist
        }

        It 'reports a package ImageOps did not stage' {
            { Remove-ImageDriver -Path $Layer -Name 'netkvm.inf' -DestinationPath (Join-Path (Split-Path $Image) 'c.qcow2') -Confirm:$false -ErrorAction Stop } |
                Should -Throw -ErrorId (Get-ErrorIdFor 'ImageDriverNotFound' 'RemoveImageDriverCommand')
        }

        It 'writes nothing with -WhatIf' {
            $destination = Join-Path (Split-Path $Image) 'd.qcow2'
            Remove-ImageDriver -Path $Layer -Name viostor.inf -DestinationPath $destination -WhatIf
            $destination | Should -Not -Exist
        }
    }
}
