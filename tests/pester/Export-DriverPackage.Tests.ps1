BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'Export-DriverPackage' {
    BeforeEach {
        $lib = New-TestLibrary
        $source = New-TestFolder -Name 'source'
        $null = New-TestDriverPackage -Folder $source -Name 'nic'
        $package = Add-DriverPackage -Path $source -PassThru -LibraryPath $lib
        $out = New-TestFolder -Name 'out'
    }

    It 'restores the package byte for byte in its own folder' {
        $result = $package | Export-DriverPackage -DestinationPath $out -PassThru
        $result | Should -BeOfType ([ImageOps.Engine.Drivers.DriverPackageExportResult])
        $result.Path | Should -Be (Join-Path $out ('nic_' + $package.Id))
        foreach ($name in 'nic.inf', 'nic.sys', 'nic.cat') {
            (Get-FileHash -LiteralPath (Join-Path $result.Path $name)).Hash | Should -Be (Get-FileHash -LiteralPath (Join-Path $source $name)).Hash
        }
    }

    It 'refuses to overwrite an earlier export unless -Force' {
        Export-DriverPackage -Id $package.Id -DestinationPath $out -LibraryPath $lib
        { Export-DriverPackage -Id $package.Id -DestinationPath $out -LibraryPath $lib -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'DriverExportTargetExists' 'ExportDriverPackageCommand')
        Export-DriverPackage -Id $package.Id -DestinationPath $out -Force -LibraryPath $lib
    }

    It 'writes nothing with -WhatIf' {
        Export-DriverPackage -Id $package.Id -DestinationPath $out -LibraryPath $lib -WhatIf
        $out | Should -Not -Exist
    }
}
