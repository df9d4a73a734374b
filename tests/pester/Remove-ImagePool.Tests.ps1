BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule

    function Add-FakeImage([string] $PoolPath) {
        $folder = Join-Path $PoolPath 'images/win11'
        $null = New-Item -ItemType Directory -Path $folder -Force
        Set-Content -LiteralPath (Join-Path $folder 'image.json') -Value '{}'
    }
}

Describe 'Remove-ImagePool' {
    BeforeEach {
        $lib = New-TestLibrary
        $gold = New-ImagePool -Name Gold -Path (New-TestFolder -Name 'gold') -LibraryPath $lib
        $lab = New-ImagePool -Name Lab -Path (New-TestFolder -Name 'lab') -LibraryPath $lib
    }

    It 'Get-ImagePool | Remove-ImagePool -WhatIf removes nothing' {
        Get-ImagePool -LibraryPath $lib | Remove-ImagePool -WhatIf
        (Get-ImagePool -LibraryPath $lib).Name | Should -Be @('Gold', 'Lab')
    }

    It 'removes a piped pool from the library it came from, keeping its files' {
        Get-ImagePool Lab -LibraryPath $lib | Remove-ImagePool -Confirm:$false
        (Get-ImagePool -LibraryPath $lib).Name | Should -Be 'Gold'
        Join-Path $lab.Path 'pool.json' | Should -Exist
    }

    It 'removes by wildcard name' {
        Remove-ImagePool -Name '*' -LibraryPath $lib -Confirm:$false
        Get-ImagePool -LibraryPath $lib | Should -BeNullOrEmpty
    }

    It 'refuses a pool that holds images unless -Force' {
        Add-FakeImage $gold.Path
        { Remove-ImagePool -Name Gold -LibraryPath $lib -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'ImagePoolNotEmpty' 'RemoveImagePoolCommand')
        (Get-ImagePool Gold -LibraryPath $lib).Status | Should -Be 'Online'

        Remove-ImagePool -Name Gold -Force -LibraryPath $lib -Confirm:$false
        { Get-ImagePool Gold -LibraryPath $lib -ErrorAction Stop } | Should -Throw
        Join-Path $gold.Path 'images/win11/image.json' | Should -Exist
    }

    It 'goes on to the next pool after one is refused' {
        Add-FakeImage $gold.Path
        Get-ImagePool -LibraryPath $lib | Remove-ImagePool -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err
        $err | Should -HaveCount 1
        $err[0].TargetObject | Should -Be 'Gold'
        (Get-ImagePool -LibraryPath $lib).Name | Should -Be 'Gold'
    }

    It 'deletes the pool''s files with -DeleteFiles and reports what it kept' {
        Set-Content -LiteralPath (Join-Path $gold.Path 'notes.txt') -Value 'not the pool''s'
        $result = Remove-ImagePool -Name Gold -DeleteFiles -PassThru -LibraryPath $lib -Confirm:$false
        $result | Should -BeOfType ([ImageOps.Engine.Pools.PoolRemovalResult])
        $result.FilesDeleted | Should -BeTrue
        $result.ForeignEntriesKept | Should -HaveCount 1
        Join-Path $gold.Path 'pool.json' | Should -Not -Exist
        Join-Path $gold.Path 'notes.txt' | Should -Exist

        Remove-ImagePool -Name Lab -DeleteFiles -LibraryPath $lib -Confirm:$false
        $lab.Path | Should -Not -Exist
    }

    It 'writes nothing without -PassThru' {
        Remove-ImagePool -Name Lab -LibraryPath $lib -Confirm:$false | Should -BeNullOrEmpty
    }

    It 'writes ImagePoolNotFound for an unknown name' {
        { Remove-ImagePool -Name Nope -LibraryPath $lib -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'ImagePoolNotFound' 'RemoveImagePoolCommand')
    }

    It 'has a high confirm impact' {
        $attribute = (Get-Command Remove-ImagePool).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $attribute.ConfirmImpact | Should -Be 'High'
        $attribute.SupportsShouldProcess | Should -BeTrue
    }
}
