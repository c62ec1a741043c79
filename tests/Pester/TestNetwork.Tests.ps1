# New-DsnTestNetwork and its fault cmdlets, as a user's Pester test would use them: an in-process network on the
# fault-injection transport, a script's alert (here a subscription that records failures) asserted within seconds.
# Every wait is on a condition (Wait-DsnPeer, Wait-Event), never a sleep.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-DsnTestModulePath) -Force
    Get-DsnNode | Stop-DsnNode -Confirm:$false
}

AfterAll {
    Get-EventSubscriber | Unregister-Event
    Get-Event | Remove-Event
    Get-DsnNode | Stop-DsnNode -Confirm:$false
}

Describe 'A failure alert tested against a test network' {
    BeforeAll {
        $script:net = New-DsnTestNetwork -Count 4 -NodeIdPrefix tweb -Confirm:$false
        $script:monitor = $net.Nodes[0]
        Wait-DsnPeer -Node $monitor -NodeId $net.Nodes.NodeId -Timeout 30 | Out-Null
        # The script under test: an alert on every member that turns Failed.
        $script:alerts = New-DsnSubscription -Node $monitor -EventName PeerStatusChanged
        Register-ObjectEvent -InputObject $alerts -EventName PeerStatusChanged -SourceIdentifier tnet.alert
    }

    AfterAll { $net | Remove-DsnTestNetwork -Confirm:$false }

    It 'starts real nodes that are the session''s nodes' {
        $net.Nodes.NodeId | Should -Be @('tweb1', 'tweb2', 'tweb3', 'tweb4')
        (Get-DsnNode).NodeId | Should -Contain 'tweb3'
        Set-DsnData -Node $net.Nodes[3] -Key role -Value lb -Confirm:$false
        (Wait-DsnData -Node $monitor -NodeId tweb4 -Key role -Value lb -Timeout 20).Value | Should -Be 'lb'
    }

    It 'fires the alert when a member crashes' {
        Stop-DsnTestNode -NodeId tweb2 -Confirm:$false
        $alert = Wait-DsnTestEvent -SourceIdentifier tnet.alert -TimeoutSec 30 -Where { param($e) $e.NodeId -eq 'tweb2' -and $e.NewStatus -eq 'Failed' }
        $alert.SourceEventArgs.NodeId | Should -Be 'tweb2'
    }

    It 'sees a frozen member fail and come back when thawed' {
        Suspend-DsnTestNode -NodeId tweb3 -Confirm:$false
        Wait-DsnPeer -Node $monitor -NodeId tweb3 -Status Failed -Timeout 30 | Out-Null
        Resume-DsnTestNode -NodeId tweb3 -Confirm:$false
        (Wait-DsnPeer -Node $monitor -NodeId tweb3 -Status Alive -Timeout 30).Status | Should -Be 'Alive'
    }

    It 'sees a partitioned member fail and come back when the network heals' {
        Split-DsnTestNetwork -Group @('tweb1', 'tweb3'), @('tweb4') -Confirm:$false
        Wait-DsnPeer -Node $monitor -NodeId tweb4 -Status Failed -Timeout 30 | Out-Null
        Join-DsnTestNetwork -Confirm:$false
        (Wait-DsnPeer -Node $monitor -NodeId tweb4 -Status Alive -Timeout 30).Status | Should -Be 'Alive'
    }

    It 'keeps working over slow and lossy links' {
        Set-DsnTestLink -NodeId tweb4 -Loss 0.2 -Delay 20ms -Confirm:$false
        Set-DsnData -Node $net.Nodes[3] -Key role -Value cache -Confirm:$false
        (Wait-DsnData -Node $monitor -NodeId tweb4 -Key role -Value cache -Timeout 30).Value | Should -Be 'cache'
        Set-DsnTestLink -NodeId tweb4 -Confirm:$false
    }
}

Describe 'Test network errors' {
    It 'refuses a fault cmdlet when the session has no test network, with DsnNoTestNetwork' {
        $record = Get-DsnTestError { Join-DsnTestNetwork -Confirm:$false }
        $record.FullyQualifiedErrorId | Should -Be (Get-DsnTestErrorId DsnNoTestNetwork Join-DsnTestNetwork)
        $record.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
    }

    It 'refuses an unknown node, a bad partition and a bad prefix with specific ErrorIds' {
        $net = New-DsnTestNetwork -Count 2 -NodeIdPrefix terr -Seed 7 -Confirm:$false
        try {
            $net.Seed | Should -Be 7
            (Get-DsnTestError { Stop-DsnTestNode -NodeId nobody -Confirm:$false }).FullyQualifiedErrorId |
                Should -Be (Get-DsnTestErrorId DsnNodeNotFound Stop-DsnTestNode)
            (Get-DsnTestError { Split-DsnTestNetwork -Group @('terr1') -Confirm:$false }).FullyQualifiedErrorId |
                Should -Be (Get-DsnTestErrorId DsnArgumentInvalid Split-DsnTestNetwork)
            (Get-DsnTestError { New-DsnTestNetwork -NodeIdPrefix 'bad prefix' -Confirm:$false }).FullyQualifiedErrorId |
                Should -Be (Get-DsnTestErrorId DsnNodeIdInvalid New-DsnTestNetwork)
            (Get-DsnTestError { New-DsnTestNetwork -Count 2 -NodeIdPrefix terr -Confirm:$false }).FullyQualifiedErrorId |
                Should -Be (Get-DsnTestErrorId DsnNodeAlreadyRunning New-DsnTestNetwork)
        }
        finally { $net | Remove-DsnTestNetwork -Confirm:$false }
        @(Get-DsnNode | Where-Object NodeId -like 'terr*').Count | Should -Be 0
    }
}
