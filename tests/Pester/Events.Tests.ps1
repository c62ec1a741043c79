# The four node events through Register-ObjectEvent, both ways a script consumes them: queued and read with
# Wait-Event, and handled by an -Action block (which sees $EventArgs and $Sender). Conditions are awaited, never slept on.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-DsnTestModulePath) -Force
    Get-DsnNode | Stop-DsnNode -Confirm:$false
    $script:netKey = New-DsnKey
    $script:a, $script:b = Start-DsnTestNetwork -Prefix pe -Count 2 -Key $netKey

    # Subscribes to an event of a node. With -Action, the handler forwards what it saw ($EventArgs, $Sender) as a new
    # event, so the test waits on that with Wait-Event too.
    function Register-Probe([DistributedState.DsnNode] $Node, [string] $EventName, [string] $Mode) {
        $id = "pe.$EventName.$Mode.$([guid]::NewGuid().ToString('n'))"
        if ($Mode -eq 'Action') {
            $null = Register-ObjectEvent -InputObject $Node -EventName $EventName -SourceIdentifier $id -MessageData "$id.seen" -Action {
                $null = New-Event -SourceIdentifier $Event.MessageData -MessageData ([pscustomobject]@{ Args = $EventArgs; Sender = $Sender })
            }
            return "$id.seen", $id
        }
        Register-ObjectEvent -InputObject $Node -EventName $EventName -SourceIdentifier $id
        return $id, $id
    }

    # The first probed event whose arguments satisfy $Where: [pscustomobject]@{ Args; Sender }.
    function Wait-Probe([string[]] $Probe, [scriptblock] $Where, [int] $TimeoutSec = 15) {
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
        while ([DateTime]::UtcNow -lt $deadline) {
            $left = [Math]::Max(1, [int][Math]::Ceiling(($deadline - [DateTime]::UtcNow).TotalSeconds))
            $event = Wait-Event -SourceIdentifier $Probe[0] -Timeout $left
            if (-not $event) { break }
            Remove-Event -EventIdentifier $event.EventIdentifier
            $seen = if ($Probe[0] -ne $Probe[1]) { $event.MessageData } else { [pscustomobject]@{ Args = $event.SourceEventArgs; Sender = $event.Sender } }
            if (& $Where $seen.Args) { return $seen }
        }
        throw "No event on '$($Probe[1])' matched within $TimeoutSec s."
    }

    function Unregister-Probe([string[]] $Probe) {
        Unregister-Event -SourceIdentifier $Probe[1]
        Get-Job -Name $Probe[1] -ErrorAction SilentlyContinue | Remove-Job -Force
        Get-Event -SourceIdentifier $Probe[0] -ErrorAction SilentlyContinue | Remove-Event
    }
}

AfterAll {
    Get-DsnNode | Stop-DsnNode -Confirm:$false
}

Describe 'Node events through <Mode>' -ForEach @(@{ Mode = 'Wait-Event' }, @{ Mode = 'Action' }) {
    It 'raises StateChanged for a write, an overwrite and a removal, with NodeId, Key, OldValue, NewValue, Version, IsRemoval' {
        $probe = Register-Probe $b StateChanged $Mode
        try {
            $key = "mood.$Mode"
            Set-DsnData -Node $a -Key $key -Value happy -Confirm:$false
            $set = Wait-Probe $probe { param($e) $e.Key -eq $key -and $e.NewValue -eq 'happy' }
            $set.Sender | Should -Be $b
            $set.Args | Should -BeOfType ([DistributedState.DsnStateChangedEventArgs])
            ($set.Args.NodeId, $set.Args.OldValue, $set.Args.IsRemoval) | Should -Be @('pe-a', $null, $false)
            $set.Args.Version | Should -BeGreaterThan 0

            Set-DsnData -Node $a -Key $key -Value calm -Confirm:$false
            $changed = Wait-Probe $probe { param($e) $e.Key -eq $key -and $e.NewValue -eq 'calm' }
            $changed.Args.OldValue | Should -Be 'happy'
            $changed.Args.Version | Should -BeGreaterThan $set.Args.Version

            Remove-DsnData -Node $a -Key $key -Confirm:$false
            $removed = Wait-Probe $probe { param($e) $e.Key -eq $key -and $e.IsRemoval }
            ($removed.Args.OldValue, $removed.Args.NewValue) | Should -Be @('calm', $null)
        } finally {
            Unregister-Probe $probe
        }
    }

    It 'raises DataReceived with SenderId, Data and ReceivedAt' {
        $probe = Register-Probe $b DataReceived $Mode
        try {
            $before = [DateTimeOffset]::Now.AddSeconds(-1)
            Send-DsnData -Node $a -NodeId pe-b -Text "ping $Mode" -Confirm:$false
            $got = Wait-Probe $probe { param($e) $e.SenderId -eq 'pe-a' }
            $got.Sender | Should -Be $b
            $got.Args | Should -BeOfType ([DistributedState.DsnDataReceivedEventArgs])
            [Text.Encoding]::UTF8.GetString($got.Args.Data) | Should -Be "ping $Mode"
            $got.Args.ReceivedAt | Should -BeGreaterThan $before
        } finally {
            Unregister-Probe $probe
        }
    }

    It 'raises PeerJoined with NodeId and Peer, then PeerStatusChanged with OldStatus and NewStatus as it leaves' {
        $joined = Register-Probe $a PeerJoined $Mode
        $status = Register-Probe $a PeerStatusChanged $Mode
        $id = "pe-j$($Mode.Length)"
        try {
            $late = Start-DsnTestNode -NodeId $id -Key $netKey -Bootstrap $a
            $join = Wait-Probe $joined { param($e) $e.NodeId -eq $id }
            $join.Sender | Should -Be $a
            $join.Args | Should -BeOfType ([DistributedState.DsnPeerEventArgs])
            $join.Args.Peer | Should -BeOfType ([DistributedState.DsnPeer])
            ($join.Args.Peer.NodeId, $join.Args.Peer.Status, $join.Args.Peer.IsLocal) | Should -Be @($id, 'Alive', $false)
            $join.Args.Peer.EndPoint.Port | Should -Be $late.LocalEndPoint.Port

            Stop-DsnNode -Node $late -Confirm:$false
            $left = Wait-Probe $status { param($e) $e.NodeId -eq $id -and $e.NewStatus -eq 'Left' }
            $left.Args | Should -BeOfType ([DistributedState.DsnPeerStatusEventArgs])
            $left.Args.OldStatus | Should -Be 'Alive'
            $left.Args.Peer.Status | Should -Be 'Left'
        } finally {
            Unregister-Probe $joined
            Unregister-Probe $status
        }
    }
}
