# Get-Help as a user reads it: for every cmdlet a synopsis, every parameter described, at least two examples, and an
# online page; the about topic. Runs against the MAML help the build lays out beside the module.
BeforeDiscovery {
    $script:commands = 'Get-DsnData', 'Get-DsnNode', 'Get-DsnPeer', 'New-DsnKey', 'Remove-DsnData', 'Send-DsnData',
        'Set-DsnData', 'Start-DsnNode', 'Stop-DsnNode', 'Wait-DsnData', 'Wait-DsnPeer' | ForEach-Object { @{ Name = $_ } }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-DsnTestModulePath) -Force
    $script:common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
}

Describe 'Get-Help <Name> -Full' -ForEach $commands {
    BeforeAll {
        $script:help = Get-Help $Name -Full
        $script:text = $help | Out-String -Width 200
        $script:parameters = (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }
    }

    It 'comes from the module''s help file, with a synopsis' {
        $help.ModuleName | Should -Be 'DistributedState'
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -BeLike "*$Name *[<CommonParameters>]*" -Because 'a generated synopsis is the syntax line'
        $text | Should -Match '(?m)^DESCRIPTION'
    }

    It 'describes every parameter' {
        $described = @($help.parameters.parameter | Where-Object { ($_.description | Out-String).Trim() }).name
        foreach ($parameter in $parameters) {
            $described | Should -Contain $parameter
            $text | Should -BeLike "*-$parameter*"
        }
    }

    It 'has at least two examples with code' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) { $example.code | Should -Not -BeNullOrEmpty }
    }

    It 'has an online page: the HelpUri and the first related link' {
        $uri = "https://github.com/distributedstate/DistributedState/blob/main/docs/en-US/$Name.md"
        (Get-Command $Name).HelpUri | Should -Be $uri
        @($help.relatedLinks.navigationLink)[0].uri | Should -Be $uri
    }
}

Describe 'Get-Help about_DistributedState' {
    It 'shows the concepts: the default node, events, waits and ErrorIds' {
        $about = Get-Help about_DistributedState | Out-String
        $about | Should -BeLike '*about_DistributedState*'
        foreach ($topic in 'default node', 'Register-ObjectEvent', 'Wait-DsnData', 'ErrorId', 'DsnValueTooLarge', '-MaxValueBytes') {
            $about | Should -BeLike "*$topic*"
        }
    }
}
