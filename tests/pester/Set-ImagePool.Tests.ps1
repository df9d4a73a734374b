BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'Set-ImagePool' {
    BeforeEach {
        $lib = New-TestLibrary
        $gold = New-ImagePool -Name Gold -Path (New-TestFolder -Name 'gold') -Description 'old' -LibraryPath $lib
    }

    It 'changes the description and writes nothing without -PassThru' {
        $out = Set-ImagePool -Name Gold -Description 'new' -LibraryPath $lib
        $out | Should -BeNullOrEmpty
        (Get-ImagePool Gold -LibraryPath $lib).Description | Should -Be 'new'
        (Get-Content -Raw -LiteralPath (Join-Path $gold.Path 'pool.json') | ConvertFrom-Json).description | Should -Be 'new'
    }

    It 'returns the changed pool with -PassThru' {
        $changed = Set-ImagePool -Name Gold -Description 'new' -PassThru -LibraryPath $lib
        $changed | Should -BeOfType ([ImageOps.Engine.Pools.ImagePoolInfo])
        $changed.Description | Should -Be 'new'
    }

    It 'renames a pool piped from Get-ImagePool, in the library it came from' {
        $renamed = Get-ImagePool Gold -LibraryPath $lib | Set-ImagePool -NewName Platinum -PassThru
        $renamed.Name | Should -Be 'Platinum'
        $renamed.Id | Should -Be $gold.Id
        { Get-ImagePool Gold -LibraryPath $lib -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'ImagePoolNotFound' 'GetImagePoolCommand')
    }

    It 'refuses -NewName for more than one pool' {
        $null = New-ImagePool -Name Golden -Path (New-TestFolder) -LibraryPath $lib
        { Set-ImagePool -Name 'Gold*' -NewName One -LibraryPath $lib -ErrorAction Stop } |
            Should -Throw -ErrorId 'NewNameNeedsOnePool,ImageOps.PowerShell.Commands.SetImagePoolCommand'
        (Get-ImagePool -LibraryPath $lib).Name | Should -Be @('Gold', 'Golden')
    }

    It 'refuses a new name that is taken' {
        $null = New-ImagePool -Name Lab -Path (New-TestFolder) -LibraryPath $lib
        { Set-ImagePool -Name Lab -NewName gold -LibraryPath $lib -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'ImagePoolNameInUse' 'SetImagePoolCommand')
    }

    It 'changes nothing with -WhatIf' {
        Set-ImagePool -Name Gold -Description 'new' -NewName Platinum -LibraryPath $lib -WhatIf
        $pool = Get-ImagePool Gold -LibraryPath $lib
        $pool.Description | Should -Be 'old'
    }

    It 'writes ImagePoolNotFound for an unknown name' {
        { Set-ImagePool -Name Nope -Description x -LibraryPath $lib -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'ImagePoolNotFound' 'SetImagePoolCommand')
    }

    It 'cannot change the description of an unreachable pool' {
        Remove-Item -LiteralPath $gold.Path -Recurse -Force
        { Set-ImagePool -Name Gold -Description x -LibraryPath $lib -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'ImagePoolUnreachable' 'SetImagePoolCommand')
    }
}
