BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'Measure-DiskFile' {
    It 'predicts a conversion''s size within its real size' {
        $raw = New-TestRawImage -SizeBytes 64MB -Write @(@{ Offset = 0; Value = 1; Length = 2MB }, @{ Offset = 32MB; Value = 2; Length = 1MB })
        $measure = Measure-DiskFile -Path $raw -Format Qcow2
        $measure | Should -BeOfType ([ImageOps.Engine.Disks.DiskMeasureResult])
        $measure.SourceDataBytes | Should -Be 3MB
        $measure.FullyAllocatedBytes | Should -BeGreaterThan 64MB
        $target = (New-TestFolder) + '.qcow2'
        Convert-DiskFile -Path $raw -DestinationPath $target -Format Qcow2
        (Get-Item $target).Length | Should -BeLessOrEqual $measure.RequiredBytes
        $measure.RequiredBytes | Should -BeLessThan 8MB
    }

    It 'requires a target format' {
        (Get-Command Measure-DiskFile).Parameters['Format'].Attributes.Mandatory | Should -Contain $true
    }
}
