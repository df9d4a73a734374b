BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
    $script:NoImages = -not (Test-CanBuildWindowsImage)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'Get-ImageDriver' {
    It 'pairs -Path (wildcards) with -LiteralPath' {
        $command = Get-Command Get-ImageDriver
        $command.Parameters['LiteralPath'].Aliases | Should -Contain 'PSPath'
        $command.DefaultParameterSet | Should -Be 'ByPath'
    }

    Context 'with a synthetic image' -Skip:$NoImages {
        BeforeAll {
            $script:Image = New-TestWindowsImage -Format Vhdx
            $script:Layer = Join-Path (Split-Path $Image) 'layer.vhdx'
            $null = Add-ImageDriver -Path $Image -DestinationPath $Layer -Driver (New-TestInjectionPackage)
        }

        It 'lists in-box, installed and staged drivers read from the image' {
            $drivers = Get-ImageDriver -LiteralPath $Layer
            ($drivers | Where-Object Kind -eq 'InBox').Name | Should -Contain 'storahci.inf'
            ($drivers | Where-Object Kind -eq 'Installed').PublishedName | Should -Be @('oem0.inf', 'oem1.inf')
            $staged = $drivers | Where-Object Kind -eq 'Staged'
            $staged.Name | Should -Be 'viostor.inf'
            $staged.Status | Should -Be 'Pending'
            $staged.BootStart | Should -BeTrue
        }

        It 'filters by -Kind and takes files from the pipeline' {
            $staged = Get-Item -LiteralPath $Layer | Get-ImageDriver -Kind Staged
            @($staged).Count | Should -Be 1
            @(Get-ImageDriver -Path $Image -Kind Staged).Count | Should -Be 0
        }
    }
}
