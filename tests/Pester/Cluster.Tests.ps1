# Several nodes in one session on 127.0.0.1 (free ports) as one network: membership, the default node, stopping.
# Each cmdlet's own specification is in Data, Peers, Messages and Events.Tests.ps1. Conditions are awaited with
# Wait-DsnPeer, Wait-DsnData and Wait-Event, never with Start-Sleep.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-DsnTestModulePath) -Force
    Get-DsnNode | Stop-DsnNode -Confirm:$false
    $script:key = New-DsnKey
    $script:a = Start-DsnTestNode -NodeId pt-a -Key $key
    $script:b = Start-DsnTestNode -NodeId pt-b -Key $key -Bootstrap $a
    $script:c = Start-DsnTestNode -NodeId pt-c -Key $key -Bootstrap $a
}

AfterAll {
    Get-EventSubscriber | Where-Object SourceIdentifier -like 'pt.*' | Unregister-Event
    Stop-DsnNode -NodeId pt-* -Confirm:$false
}

Describe 'Membership' {
    It 'converges: every node sees all three Alive' {
        foreach ($node in $a, $b, $c) {
            $peers = Wait-DsnPeer -Node $node -NodeId pt-a, pt-b, pt-c -Timeout 10
            $peers.NodeId | Should -Be @('pt-a', 'pt-b', 'pt-c')
            $peers.Status | Should -Be @('Alive', 'Alive', 'Alive')
        }
    }

    It 'makes the last started node the default' {
        (Get-DsnNode | Select-Object -Last 1).NodeId | Should -Be 'pt-c'
        (Get-DsnPeer | Where-Object IsLocal).NodeId | Should -Be 'pt-c'
    }

    It 'refuses a second node with a running NodeId' {
        { Start-DsnTestNode -NodeId pt-a -Key $key } | Should -Throw -ErrorId 'DsnNodeAlreadyRunning,DistributedState.PowerShell.StartDsnNodeCommand'
    }
}

Describe 'State' {
    It 'reaches every node, and each node answers for every member' {
        foreach ($node in $a, $b, $c) { Set-DsnData -Node $node -Key build -Value '1.2.3' -Confirm:$false }
        foreach ($node in $a, $b, $c) {
            (Wait-DsnData -Node $node -NodeId pt-* -Key build -Value '1.2.3' -Timeout 10).NodeId | Should -Be @('pt-a', 'pt-b', 'pt-c')
        }
        Set-DsnData -Node $c -Key role -Value web -Confirm:$false
        $null = Wait-DsnData -Node $a -NodeId pt-c -Key role -Value web -Timeout 10
    }
}

Describe 'Stopping' {
    It 'shows a stopped node as Left to the others and falls back to the previous default' {
        # The session's own member, piped by its NodeId: Get-DsnPeer | Stop-DsnNode.
        Get-DsnPeer -Node $c | Where-Object IsLocal | Stop-DsnNode -Confirm:$false
        (Wait-DsnPeer -Node $a -NodeId pt-c -Status Left -Timeout 5).Status | Should -Be 'Left'
        (Get-DsnPeer | Where-Object IsLocal).NodeId | Should -Be 'pt-b'
        Get-DsnNode -NodeId pt-c -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'keeps the last state of a departed member readable, flagged with its status' {
        (Get-DsnData -Node $a -NodeId pt-c -Key role).Status | Should -Be 'Left'
    }

    It 'stops every node it started when the module is removed' {
        $e = Start-DsnTestNode -NodeId pt-e -Key $key -Bootstrap $a
        Remove-Module DistributedState
        $e.IsRunning | Should -BeFalse
        $a.IsRunning | Should -BeFalse
        Import-Module (Get-DsnTestModulePath) -Force
        Get-DsnNode | Should -BeNullOrEmpty
    }
}
