BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'Merge-DiskFile' {
    BeforeEach {
        $raw = New-TestRawImage -SizeBytes 16MB -Write @{ Offset = 0; Value = 1; Length = 1MB }
        $parent = (New-TestFolder -Name 'parent') + '.qcow2'
        Convert-DiskFile -Path $raw -DestinationPath $parent -Format Qcow2
        $child = Join-Path (Split-Path $parent) 'child.qcow2'
        $null = New-DiskFile -Path $child -Format Qcow2 -ParentPath $parent
    }

    It 'merges into the parent and deletes the child' {
        $result = Merge-DiskFile -Path $child -Confirm:$false -PassThru
        $result | Should -BeOfType ([ImageOps.Engine.Disks.DiskMergeResult])
        $result.ChildRemoved | Should -BeTrue
        $result.DestinationPath | Should -Be $parent
        $child | Should -Not -Exist
        (Compare-DiskFile $raw $parent).Identical | Should -BeTrue
    }

    It 'keeps the child with -KeepChild' {
        Merge-DiskFile -Path $child -KeepChild -Confirm:$false
        $child | Should -Exist
    }

    It 'refuses a disk without a parent' {
        { Merge-DiskFile -Path $parent -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'DiskHasNoParent' 'MergeDiskFileCommand')
    }

    It 'has a high confirm impact and honours -WhatIf' {
        (Get-Command Merge-DiskFile).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact | Should -Be 'High'
        Merge-DiskFile -Path $child -WhatIf
        $child | Should -Exist
    }
}
