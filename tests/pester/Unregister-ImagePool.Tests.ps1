BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'Unregister-ImagePool' {
    BeforeEach {
        $lib = New-TestLibrary
        $gold = New-ImagePool -Name Gold -Path (New-TestFolder -Name 'gold') -LibraryPath $lib
    }

    It 'forgets the pool and leaves its files' {
        Unregister-ImagePool -Name Gold -LibraryPath $lib | Should -BeNullOrEmpty
        Get-ImagePool -LibraryPath $lib | Should -BeNullOrEmpty
        Join-Path $gold.Path 'pool.json' | Should -Exist
        (Register-ImagePool -Path $gold.Path -LibraryPath $lib).Id | Should -Be $gold.Id
    }

    It 'returns the forgotten pool with -PassThru, also for pools that hold images' {
        $folder = Join-Path $gold.Path 'images/win11'
        $null = New-Item -ItemType Directory -Path $folder -Force
        Set-Content -LiteralPath (Join-Path $folder 'image.json') -Value '{}'
        $forgotten = Get-ImagePool Gold -LibraryPath $lib | Unregister-ImagePool -PassThru
        $forgotten.Id | Should -Be $gold.Id
    }

    It 'forgets unreachable pools piped from Get-ImagePool' {
        Remove-Item -LiteralPath $gold.Path -Recurse -Force
        Get-ImagePool -LibraryPath $lib | Where-Object Status -eq 'Unreachable' | Unregister-ImagePool
        Get-ImagePool -LibraryPath $lib | Should -BeNullOrEmpty
    }

    It 'changes nothing with -WhatIf' {
        Unregister-ImagePool -Name Gold -LibraryPath $lib -WhatIf
        (Get-ImagePool -LibraryPath $lib).Name | Should -Be 'Gold'
    }

    It 'writes ImagePoolNotFound for an unknown name' {
        { Unregister-ImagePool -Name Nope -LibraryPath $lib -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'ImagePoolNotFound' 'UnregisterImagePoolCommand')
    }
}
