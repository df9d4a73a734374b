BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'New-SampleWindowsImage' {
    It 'creates a Windows 11 UEFI image that Get-ImageInventory reads' {
        $sample = New-TestSampleImage -Name 'created'
        if ($sample.SkipReason) { Set-ItResult -Skipped -Because $sample.SkipReason }
        $info = Get-DiskFile -Path $sample.Path
        $info.Format | Should -Be 'Vhdx'
        $info.CapacityBytes | Should -Be 512MB
        (Get-ImageInventory $sample.Path).Installations[0].Build | Should -Be '26100.2314'
    }

    It 'returns the new image''s description' {
        $path = (New-TestFolder -Name 'returned') + '.img'
        try {
            $info = New-SampleWindowsImage -Path $path -Format Raw -Architecture X86 -Bios -Build 19045 -Ubr 5011 -ErrorAction Stop
        }
        catch {
            if ($_.FullyQualifiedErrorId -match '^(MkntfsNotAvailable|Ntfs3gNotAvailable),' -and $env:CI -ne 'true') {
                Set-ItResult -Skipped -Because $_.Exception.Message
            }

            throw
        }

        $info | Should -BeOfType ([ImageOps.Engine.Disks.DiskFileInfo])
        $info.Path | Should -Be $path
        $windows = (Get-ImageInventory $path).Installations[0]
        $windows.Architecture | Should -Be 'X86'
        $windows.DisplayVersion | Should -Be '22H2'
        (Get-ImageInventory $path).BootMode | Should -Be 'Bios'
    }

    It 'creates nothing with -WhatIf' {
        $path = (New-TestFolder) + '.vhdx'
        New-SampleWindowsImage -Path $path -WhatIf | Should -BeNullOrEmpty
        $path | Should -Not -Exist
    }

    It 'refuses an existing file' {
        $path = (New-TestFolder -Name 'existing') + '.vhdx'
        Set-Content -LiteralPath $path -Value 'keep'
        { New-SampleWindowsImage -Path $path -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'DiskFileExists' 'NewSampleWindowsImageCommand')
        Get-Content -LiteralPath $path | Should -Be 'keep'
    }

    It 'refuses a size too small for the partitions' {
        { New-SampleWindowsImage -Path ((New-TestFolder) + '.vhdx') -SizeBytes 1MB -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,ImageOps.PowerShell.Commands.NewSampleWindowsImageCommand'
    }
}
