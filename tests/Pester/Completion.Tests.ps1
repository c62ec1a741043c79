# Tab completion as the console does it (TabExpansion2): NodeIds of members and of hosted nodes, keys of members and
# of the node's own state, narrowed by what is typed, quoted when needed.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-DsnTestModulePath) -Force
    Get-DsnNode | Stop-DsnNode -Confirm:$false
    $script:a, $script:b = Start-DsnTestNetwork -Prefix pc -Count 2
    @{ 'cpu' = '1'; 'cpu.max' = '2'; 'disk free' = '3' } | Set-DsnData -Node $a -Confirm:$false
    @{ 'own.one' = '1'; 'own.two' = '2' } | Set-DsnData -Node $b -Confirm:$false
    $null = Wait-DsnData -Node $b -NodeId pc-a -Key 'disk free' -Timeout 10

    # What Tab offers at the end of the line.
    function Get-Completion([string] $Line) {
        (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText
    }
}

AfterAll {
    Get-DsnNode | Stop-DsnNode -Confirm:$false
}

Describe 'Tab completion' {
    It 'completes member NodeIds for <Line>' -ForEach @(
        @{ Line = 'Get-DsnPeer -NodeId pc-' }
        @{ Line = 'Get-DsnPeer pc-' }
        @{ Line = 'Get-DsnData -NodeId PC-' }
        @{ Line = 'Send-DsnData -NodeId pc-' }
        @{ Line = 'Wait-DsnPeer -NodeId pc-' }
        @{ Line = 'Wait-DsnData -NodeId pc-' }
    ) {
        Get-Completion $Line | Should -Be @('pc-a', 'pc-b')
    }

    It 'completes hosted NodeIds for Get-DsnNode and Stop-DsnNode' {
        Get-Completion 'Get-DsnNode -NodeId pc-' | Should -Be @('pc-a', 'pc-b')
        Get-Completion 'Stop-DsnNode -NodeId pc-b' | Should -Be 'pc-b'
    }

    It 'completes the keys of the members named by -NodeId, quoting one with a space' {
        Get-Completion 'Get-DsnData -NodeId pc-a -Key ' | Should -Be @('cpu', 'cpu.max', "'disk free'")
        Get-Completion 'Get-DsnData -NodeId pc-a -Key cpu.' | Should -Be 'cpu.max'
        Get-Completion 'Get-DsnData pc-a d' | Should -Be "'disk free'"
        Get-Completion 'Wait-DsnData -NodeId pc-a -Key cp' | Should -Be @('cpu', 'cpu.max')
    }

    It 'completes the default node''s own keys for Set-DsnData and Remove-DsnData' {
        Get-Completion 'Set-DsnData -Key own.' | Should -Be @('own.one', 'own.two')
        Get-Completion 'Remove-DsnData own.t' | Should -Be 'own.two'
    }

    It 'completes through the node given with -Node' {
        Get-Completion 'Remove-DsnData -Node $a -Key cpu' | Should -Be @('cpu', 'cpu.max')
    }

    It 'offers nothing, without an error, for a name nothing starts with' {
        Get-Completion 'Get-DsnPeer -NodeId zz' | Should -BeNullOrEmpty
        Get-Completion 'Get-DsnData -NodeId nobody -Key ' | Should -BeNullOrEmpty
    }
}
