BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'Add-DriverPackage' {
    BeforeEach {
        $lib = New-TestLibrary
        $pack = New-TestFolder -Name 'pack'
        $nic = New-TestDriverPackage -Folder (Join-Path $pack 'net') -Name 'nic' -HardwareId 'PCI\VEN_8086&DEV_15F3'
        $stor = New-TestDriverPackage -Folder (Join-Path $pack 'stor') -Name 'stor' -Class SCSIAdapter -ClassGuid '{4d36e97b-e325-11ce-bfc1-08002be10318}' -StartType 0 -HardwareId 'PCI\VEN_8086&DEV_A0D3'
    }

    It 'imports one package per INF of a folder and writes nothing without -PassThru' {
        Add-DriverPackage -Path $pack -LibraryPath $lib | Should -BeNullOrEmpty
        (Get-DriverPackage -LibraryPath $lib).Name | Should -Be @('nic.inf', 'stor.inf')
    }

    It 'returns the packages with -PassThru, with their metadata and groups' {
        $packages = Add-DriverPackage -Path $pack -Group 'Dell-7440', Curated -PassThru -LibraryPath $lib
        $packages | Should -HaveCount 2
        $packages[0] | Should -BeOfType ([ImageOps.Engine.Drivers.DriverPackageInfo])
        $packages[0].Provider | Should -Be 'Contoso'
        $packages[0].Groups | Should -Be @('Dell-7440', 'Curated')
        $packages[1].IsBootStorageController | Should -BeTrue
        $packages[0].Files | ForEach-Object { $_.StorePath | Should -Exist }
    }

    It 'takes files piped from Get-ChildItem through -LiteralPath' {
        $packages = Get-ChildItem -LiteralPath $pack -Recurse -Filter *.inf | Add-DriverPackage -PassThru -LibraryPath $lib
        $packages.Name | Should -Be @('nic.inf', 'stor.inf')
    }

    It 'imports a ZIP made by Compress-Archive' {
        $zip = Join-Path (New-TestFolder -Name 'zip') 'pack.zip'
        $null = New-Item -ItemType Directory -Path (Split-Path $zip) -Force
        Compress-Archive -Path (Join-Path $pack '*') -DestinationPath $zip
        $packages = Add-DriverPackage -LiteralPath $zip -PassThru -LibraryPath $lib
        $packages.Name | Should -Be @('nic.inf', 'stor.inf')
        $packages[0].Source | Should -Be $zip
    }

    It 'refuses an INF whose files are missing with a non-terminating error naming them, and imports the rest' {
        Remove-Item -LiteralPath (Join-Path $pack 'net/nic.sys')
        $packages = Add-DriverPackage -Path $pack -PassThru -LibraryPath $lib -ErrorAction SilentlyContinue -ErrorVariable err
        $packages.Name | Should -Be 'stor.inf'
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be (Get-ErrorIdFor 'DriverPackageFilesMissing' 'AddDriverPackageCommand')
        $err[0].Exception.Message | Should -BeLike '*nic.sys*'
        $err[0].TargetObject | Should -Be 'net/nic.inf'
    }

    It 'imports nothing with -WhatIf' {
        Add-DriverPackage -Path $pack -LibraryPath $lib -WhatIf
        Get-DriverPackage -LibraryPath $lib | Should -BeNullOrEmpty
    }

    It 'writes PathNotFound for a path that does not exist' {
        { Add-DriverPackage -Path (Join-Path $pack 'nope') -LibraryPath $lib -ErrorAction Stop } |
            Should -Throw -ErrorId 'PathNotFound,ImageOps.PowerShell.Commands.AddDriverPackageCommand'
    }

    It 'refuses a folder without INFs' {
        $empty = New-TestFolder -Name 'empty'
        $null = New-Item -ItemType Directory -Path $empty
        { Add-DriverPackage -LiteralPath $empty -LibraryPath $lib -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'DriverPackageNoInf' 'AddDriverPackageCommand')
    }

    It 'changes state, so it supports -WhatIf and -Confirm' {
        (Get-Command Add-DriverPackage).Parameters.Keys | Should -Contain 'WhatIf'
    }
}
