BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'Register-ImagePool' {
    BeforeEach {
        $lib = New-TestLibrary
        $shareLibrary = New-TestLibrary
        $shareRoot = New-TestFolder -Name 'share'
        $shared = New-ImagePool -Name Shared -Path (Join-Path $shareRoot 'shared') -Description 'on a share' -LibraryPath $shareLibrary
    }

    It 'adopts a pool another library created, under its own name' {
        $pool = Register-ImagePool -Path $shared.Path -LibraryPath $lib
        $pool.Name | Should -Be 'Shared'
        $pool.Id | Should -Be $shared.Id
        $pool.Description | Should -Be 'on a share'
        (Get-ImagePool -LibraryPath $lib).Name | Should -Be 'Shared'
    }

    It 'registers under a local name with -Name' {
        (Register-ImagePool -Path $shared.Path -Name Branch -LibraryPath $lib).Name | Should -Be 'Branch'
    }

    It 'expands wildcards in -Path' {
        $null = New-ImagePool -Name Second -Path (Join-Path $shareRoot 'second') -LibraryPath $shareLibrary
        $pools = Register-ImagePool -Path (Join-Path $shareRoot '*') -LibraryPath $lib
        ($pools.Name | Sort-Object) | Should -Be @('Second', 'Shared')
    }

    It 'takes folders from Get-Item through their PSPath' {
        $pool = Get-Item -LiteralPath $shared.Path | Register-ImagePool -LibraryPath $lib
        $pool.Id | Should -Be $shared.Id
    }

    It 'takes -LiteralPath with wildcard characters in the name' {
        $odd = Join-Path $shareRoot 'odd[1]'
        $null = New-ImagePool -Name Odd -Path $odd -LibraryPath $shareLibrary
        (Register-ImagePool -LiteralPath $odd -LibraryPath $lib).Name | Should -Be 'Odd'
    }

    It 'registers nothing with -WhatIf' {
        Register-ImagePool -Path $shared.Path -LibraryPath $lib -WhatIf
        Get-ImagePool -LibraryPath $lib | Should -BeNullOrEmpty
    }

    It 'refuses a pool that is already registered' {
        $null = Register-ImagePool -Path $shared.Path -LibraryPath $lib
        { Register-ImagePool -Path $shared.Path -Name Again -LibraryPath $lib -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'ImagePoolAlreadyRegistered' 'RegisterImagePoolCommand')
    }

    It 'refuses a folder that holds no pool' {
        $plain = New-TestFolder -Name 'plain'
        $null = New-Item -ItemType Directory -Path $plain
        { Register-ImagePool -Path $plain -LibraryPath $lib -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'ImagePoolPathNotPool' 'RegisterImagePoolCommand')
    }

    It 'reports a path that does not exist' {
        { Register-ImagePool -Path (Join-Path $TestDrive 'no-such-folder') -LibraryPath $lib -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'PathNotFound' 'RegisterImagePoolCommand')
    }
}
