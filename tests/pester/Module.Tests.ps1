# Module-wide meta tests: the manifest, the exports, and complete help for every exported command.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters
    $commands = Get-Command -Module ImageOps | ForEach-Object {
        @{
            Name       = $_.Name
            Parameters = @($_.Parameters.Keys | Where-Object { $_ -notin $common } | ForEach-Object { @{ Parameter = $_ } })
        }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
    $manifestPath = Get-ImageOpsTestModulePath
    $module = Get-Module ImageOps
}

Describe 'The ImageOps module' {
    It 'has a valid manifest' {
        { Test-ModuleManifest -Path $manifestPath -ErrorAction Stop } | Should -Not -Throw
    }

    It 'has the version of its assemblies' {
        $assemblyVersion = [ImageOps.Engine.Library.ImageLibrary].Assembly.GetName().Version
        $module.Version | Should -Be ([version]('{0}.{1}.{2}' -f $assemblyVersion.Major, $assemblyVersion.Minor, $assemblyVersion.Build))
    }

    It 'exports exactly the cmdlets in its assembly, and they equal CmdletsToExport' {
        $inAssembly = [ImageOps.PowerShell.ImageOpsCmdlet].Assembly.GetExportedTypes() |
            ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { '{0}-{1}' -f $_.VerbName, $_.NounName } |
            Sort-Object
        $exported = Get-Command -Module ImageOps -CommandType Cmdlet | ForEach-Object Name | Sort-Object
        $declared = (Import-PowerShellDataFile -Path $manifestPath).CmdletsToExport | Sort-Object

        $exported | Should -Be $inAssembly
        $declared | Should -Be $inAssembly
        Get-Command -Module ImageOps -CommandType Function, Alias | Should -BeNullOrEmpty
    }

    It 'works in Windows PowerShell 5.1 and PowerShell 7' {
        (Import-PowerShellDataFile -Path $manifestPath).CompatiblePSEditions | Should -Be @('Desktop', 'Core')
    }

    It 'ships an about topic that Get-Help finds' {
        Join-Path $module.ModuleBase 'en-US/about_ImageOps.help.txt' | Should -Exist
        (Get-Help about_ImageOps | Out-String) | Should -BeLike '*IMAGE POOLS*'
    }

    It 'loads its format views' {
        $module.ExportedFormatFiles | Should -Not -BeNullOrEmpty
        Get-FormatData -TypeName ImageOps.Engine.Pools.ImagePoolInfo | Should -Not -BeNullOrEmpty
    }
}

Describe 'Help for <Name>' -ForEach $commands {
    BeforeAll {
        $help = Get-Help $Name -Full
    }

    It 'has a synopsis written by a person' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        # Without MAML, PowerShell makes the synopsis from the syntax; ours must not be that.
        $help.Synopsis | Should -Not -BeLike "$Name *"
    }

    It 'has a description' {
        ($help.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example with code and an explanation' {
        $help.Examples.Example | Should -Not -BeNullOrEmpty
        foreach ($example in $help.Examples.Example) {
            $example.Code | Should -Not -BeNullOrEmpty
            ($example.Remarks | Out-String).Trim() | Should -Not -BeNullOrEmpty
        }
    }

    It 'documents -<Parameter>' -ForEach $Parameters {
        $parameterHelp = $help.Parameters.Parameter | Where-Object Name -eq $Parameter
        $parameterHelp | Should -Not -BeNullOrEmpty
        ($parameterHelp.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'declares an output type' {
        (Get-Command $Name).OutputType | Should -Not -BeNullOrEmpty
    }
}
