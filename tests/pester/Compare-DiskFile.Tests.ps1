BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'Compare-DiskFile' {
    It 'finds identical content across formats' {
        $a = New-TestRawImage -Write @{ Offset = 4096; Value = 9; Length = 512 }
        $b = (New-TestFolder) + '.vmdk'
        Convert-DiskFile -Path $a -DestinationPath $b -Format Vmdk
        $result = Compare-DiskFile -ReferencePath $a -DifferencePath $b
        $result | Should -BeOfType ([ImageOps.Engine.Disks.DiskComparison])
        $result.Identical | Should -BeTrue
        $result.FirstDifferenceOffset | Should -BeNullOrEmpty
    }

    It 'reports the first differing byte' {
        $a = New-TestRawImage -Write @{ Offset = 4096; Value = 9; Length = 512 }
        $b = New-TestRawImage -Write @(@{ Offset = 4096; Value = 9; Length = 512 }, @{ Offset = 4200; Value = 1; Length = 1 })
        $result = Compare-DiskFile $a $b
        $result.Identical | Should -BeFalse
        $result.FirstDifferenceOffset | Should -Be 4200
    }

    It 'treats a larger disk whose excess is zero as identical, like qemu-img compare' {
        $a = New-TestRawImage -SizeBytes 8MB -Write @{ Offset = 0; Value = 1; Length = 512 }
        $b = New-TestRawImage -SizeBytes 16MB -Write @{ Offset = 0; Value = 1; Length = 512 }
        (Compare-DiskFile $a $b).Identical | Should -BeTrue
    }

    It 'writes DiskFileNotFound for a missing disk' {
        { Compare-DiskFile (New-TestRawImage) (Join-Path $TestDrive 'none.img') -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'DiskFileNotFound' 'CompareDiskFileCommand')
    }
}
