BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'Optimize-DiskFile' {
    It 'keeps the content and never grows the file' {
        $raw = New-TestRawImage -SizeBytes 32MB -Write @{ Offset = 1MB; Value = 4; Length = 1MB }
        $image = (New-TestFolder) + '.qcow2'
        Convert-DiskFile -Path $raw -DestinationPath $image -Format Qcow2
        $result = Optimize-DiskFile -Path $image -PassThru
        $result | Should -BeOfType ([ImageOps.Engine.Disks.DiskOptimizeResult])
        $result.FileSizeAfterBytes | Should -BeLessOrEqual $result.FileSizeBeforeBytes
        (Compare-DiskFile $raw $image).Identical | Should -BeTrue
        (Test-DiskFile $image).Status | Should -Be 'Clean'
    }

    It 'changes nothing with -WhatIf' {
        $image = (New-TestFolder) + '.qcow2'
        $null = New-DiskFile -Path $image -Format Qcow2 -SizeBytes 8MB
        $before = (Get-Item $image).LastWriteTimeUtc
        Optimize-DiskFile -Path $image -WhatIf
        (Get-Item $image).LastWriteTimeUtc | Should -Be $before
    }
}
