BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'New-ImagePool' {
    BeforeEach {
        $lib = New-TestLibrary
    }

    It 'creates the folder as a pool, registers it and returns it' {
        $folder = New-TestFolder -Name 'gold'
        $pool = New-ImagePool -Name Gold -Path $folder -Description 'Monthly' -LibraryPath $lib

        $pool | Should -BeOfType ([ImageOps.Engine.Pools.ImagePoolInfo])
        $pool.Name | Should -Be 'Gold'
        $pool.Status | Should -Be 'Online'
        $pool.Description | Should -Be 'Monthly'
        $pool.Path | Should -Be $folder
        $pool.ImageCount | Should -Be 0
        $pool.FreeBytes | Should -BeGreaterThan 0
        $pool.LibraryPath | Should -Be $lib
        Join-Path $folder 'pool.json' | Should -Exist
        (Get-ImagePool -Name Gold -LibraryPath $lib).Id | Should -Be $pool.Id
    }

    It 'resolves a relative path against the current PowerShell location' {
        $base = New-TestFolder -Name 'base'
        $null = New-Item -ItemType Directory -Path $base
        Push-Location $base
        try {
            $pool = New-ImagePool -Name Relative -Path 'rel' -LibraryPath $lib
        }
        finally {
            Pop-Location
        }

        $pool.Path | Should -Be (Join-Path $base 'rel')
    }

    It 'binds Name, Path and Description from piped objects by property name' {
        $rows = 1..3 | ForEach-Object { [pscustomobject]@{ Name = "P$_"; Path = (New-TestFolder -Name "p$_"); Description = "row $_" } }
        $pools = $rows | New-ImagePool -LibraryPath $lib
        $pools.Name | Should -Be @('P1', 'P2', 'P3')
        $pools[2].Description | Should -Be 'row 3'
    }

    It 'creates nothing with -WhatIf' {
        $folder = New-TestFolder -Name 'whatif'
        $result = New-ImagePool -Name WhatIf -Path $folder -LibraryPath $lib -WhatIf
        $result | Should -BeNullOrEmpty
        $folder | Should -Not -Exist
        Get-ImagePool -LibraryPath $lib | Should -BeNullOrEmpty
    }

    It 'refuses a name that is taken, without regard to case' {
        $null = New-ImagePool -Name Gold -Path (New-TestFolder) -LibraryPath $lib
        { New-ImagePool -Name GOLD -Path (New-TestFolder) -LibraryPath $lib -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'ImagePoolNameInUse' 'NewImagePoolCommand')
    }

    It 'reports errors with the right category and the pool as target' {
        $null = New-ImagePool -Name Gold -Path (New-TestFolder) -LibraryPath $lib
        New-ImagePool -Name Gold -Path (New-TestFolder) -LibraryPath $lib -ErrorAction SilentlyContinue -ErrorVariable err
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $err[0].TargetObject | Should -Be 'Gold'
        $err[0].Exception | Should -BeOfType ([ImageOps.ImageOpsException])
    }

    It 'refuses a path inside another pool' {
        $outer = New-TestFolder -Name 'outer'
        $null = New-ImagePool -Name Outer -Path $outer -LibraryPath $lib
        { New-ImagePool -Name Inner -Path (Join-Path $outer 'inner') -LibraryPath $lib -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'ImagePoolPathOverlap' 'NewImagePoolCommand')
    }

    It 'refuses a path that contains another pool' {
        $outer = New-TestFolder -Name 'outer'
        $null = New-ImagePool -Name Inner -Path (Join-Path $outer 'inner') -LibraryPath $lib
        { New-ImagePool -Name Outer -Path $outer -LibraryPath $lib -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'ImagePoolPathOverlap' 'NewImagePoolCommand')
    }

    It 'refuses invalid names' -ForEach @(
        @{ Name = 'has space' }
        @{ Name = 'a/b' }
        @{ Name = 'CON' }
        @{ Name = '-dash' }
    ) {
        { New-ImagePool -Name $Name -Path (New-TestFolder) -LibraryPath $lib -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'ImagePoolNameInvalid' 'NewImagePoolCommand')
    }

    It 'refuses a folder that already holds a pool and points to Register-ImagePool' {
        $folder = New-TestFolder
        $null = New-ImagePool -Name First -Path $folder -LibraryPath (New-TestLibrary)
        $thrown = { New-ImagePool -Name Second -Path $folder -LibraryPath $lib -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'ImagePoolPathAlreadyPool' 'NewImagePoolCommand') -PassThru
        $thrown.Exception.Message | Should -BeLike '*Register-ImagePool*'
    }

    It 'refuses a path on a provider other than the file system' {
        { New-ImagePool -Name Env -Path 'Env:\IMAGEOPS_NOWHERE' -LibraryPath $lib -ErrorAction Stop } |
            Should -Throw -ErrorId 'PathNotFileSystem,ImageOps.PowerShell.Commands.NewImagePoolCommand'
    }

    It 'declares its output type and supports ShouldProcess' {
        $command = Get-Command New-ImagePool
        $command.OutputType.Type | Should -Contain ([ImageOps.Engine.Pools.ImagePoolInfo])
        $command.Parameters.Keys | Should -Contain 'WhatIf'
        $command.Parameters.Keys | Should -Contain 'Confirm'
    }
}
