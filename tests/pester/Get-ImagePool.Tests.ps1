BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'Get-ImagePool' {
    BeforeAll {
        $lib = New-TestLibrary
        $gold = New-ImagePool -Name Gold -Path (New-TestFolder -Name 'gold') -LibraryPath $lib
        $golden = New-ImagePool -Name Golden -Path (New-TestFolder -Name 'golden') -LibraryPath $lib
        $lab = New-ImagePool -Name Lab -Path (New-TestFolder -Name 'lab') -LibraryPath $lib
    }

    It 'lists every pool by name' {
        (Get-ImagePool -LibraryPath $lib).Name | Should -Be @('Gold', 'Golden', 'Lab')
    }

    It 'filters with wildcards, without regard to case' {
        (Get-ImagePool -Name 'gold*' -LibraryPath $lib).Name | Should -Be @('Gold', 'Golden')
        (Get-ImagePool -Name 'G?ld' -LibraryPath $lib).Name | Should -Be 'Gold'
    }

    It 'takes several names and names from the pipeline' {
        ('Lab', 'Gold' | Get-ImagePool -LibraryPath $lib).Name | Should -Be @('Lab', 'Gold')
        (Get-ImagePool -Name Lab, Gold -LibraryPath $lib).Name | Should -Be @('Gold', 'Lab')
    }

    It 'writes ImagePoolNotFound for a plain name that matches nothing, and still returns the rest' {
        $found = Get-ImagePool -Name Lab, Nope -LibraryPath $lib -ErrorAction SilentlyContinue -ErrorVariable err
        $found.Name | Should -Be 'Lab'
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be (Get-ErrorIdFor 'ImagePoolNotFound' 'GetImagePoolCommand')
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be 'Nope'
    }

    It 'returns nothing and no error for a wildcard that matches nothing' {
        Get-ImagePool -Name 'zz*' -LibraryPath $lib -ErrorVariable err | Should -BeNullOrEmpty
        $err | Should -BeNullOrEmpty
    }

    It 'reports capacity, free space and counts for an online pool' {
        $pool = Get-ImagePool -Name Gold -LibraryPath $lib
        $pool.Status | Should -Be 'Online'
        $pool.CapacityBytes | Should -BeGreaterThan 0
        $pool.FreeBytes | Should -BeGreaterThan 0
        $pool.FreeBytes | Should -BeLessOrEqual $pool.CapacityBytes
        $pool.ImageCount | Should -Be 0
        $pool.ToolImageCount | Should -Be 0
    }

    It 'counts published images' {
        $folder = Join-Path $gold.Path 'images/win11'
        $null = New-Item -ItemType Directory -Path $folder -Force
        Set-Content -LiteralPath (Join-Path $folder 'image.json') -Value '{}'
        (Get-ImagePool -Name Gold -LibraryPath $lib).ImageCount | Should -Be 1
        Remove-Item -LiteralPath $folder -Recurse
    }

    It 'reports a pool whose folder is gone as Unreachable' {
        $l = New-TestLibrary
        $pool = New-ImagePool -Name Gone -Path (New-TestFolder) -LibraryPath $l
        Remove-Item -LiteralPath $pool.Path -Recurse -Force
        $again = Get-ImagePool -Name Gone -LibraryPath $l
        $again.Status | Should -Be 'Unreachable'
        $again.StatusDetail | Should -Not -BeNullOrEmpty
        $again.FreeBytes | Should -BeNullOrEmpty
    }

    It 'uses $env:IMAGEOPS_HOME when no -LibraryPath is given' {
        $saved = $env:IMAGEOPS_HOME
        try {
            $env:IMAGEOPS_HOME = $lib
            (Get-ImagePool -Name Lab).Id | Should -Be $lab.Id
        }
        finally {
            $env:IMAGEOPS_HOME = $saved
        }
    }

    It 'formats as a table with free space in GiB' {
        $text = Get-ImagePool -LibraryPath $lib | Format-Table | Out-String
        $text | Should -BeLike '*Free(GiB)*'
        $text | Should -BeLike '*Golden*'
    }

    It 'declares its output type and changes nothing' {
        $command = Get-Command Get-ImagePool
        $command.OutputType.Type | Should -Contain ([ImageOps.Engine.Pools.ImagePoolInfo])
        $command.Parameters.Keys | Should -Not -Contain 'WhatIf'
    }
}
