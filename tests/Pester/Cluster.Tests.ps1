# Several nodes in one session on 127.0.0.1 (free ports), driven through the cmdlets. Conditions are awaited with
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

    It 'filters peers by wildcard and status' {
        (Get-DsnPeer -NodeId pt-[ab] -Status Alive).NodeId | Should -Be @('pt-a', 'pt-b')
        Get-DsnPeer -Status Failed | Should -BeNullOrEmpty
    }

    It 'reports an unknown member as DsnNodeNotFound without stopping the pipeline' {
        $found = Get-DsnPeer -NodeId pt-a, nobody -ErrorVariable problems -ErrorAction SilentlyContinue
        $found.NodeId | Should -Be 'pt-a'
        $problems[0].FullyQualifiedErrorId | Should -Be 'DsnNodeNotFound,DistributedState.PowerShell.GetDsnPeerCommand'
    }

    It 'refuses a second node with a running NodeId' {
        { Start-DsnTestNode -NodeId pt-a -Key $key } | Should -Throw -ErrorId 'DsnNodeAlreadyRunning,DistributedState.PowerShell.StartDsnNodeCommand'
    }
}

Describe 'State' {
    It 'propagates a key/value write to the other nodes' {
        Set-DsnData -Node $a -Key status -Value online -Confirm:$false
        (Wait-DsnData -Node $b -NodeId pt-a -Key status -Value online -Timeout 5).Value | Should -Be 'online'
        (Wait-DsnData -Node $c -NodeId pt-a -Key status -Value online -Timeout 5).Value | Should -Be 'online'
    }

    It 'writes a piped hashtable as one batch, numbers in invariant culture' {
        @{ cpu = 12.5; disk = '80' } | Set-DsnData -Node $b -Confirm:$false
        Wait-DsnData -Node $a -NodeId pt-b -Key disk -Value 80 -Timeout 5 | Out-Null
        $state = Get-DsnData -Node $a -NodeId pt-b -AsHashtable
        $state.cpu | Should -Be '12.5'
        $state.disk | Should -Be '80'
    }

    It 'binds objects with Key and Value properties from the pipeline' {
        [pscustomobject]@{ Key = 'role'; Value = 'web' }, [pscustomobject]@{ Key = 'rack'; Value = 'r12' } |
            Set-DsnData -Node $c -Confirm:$false
        Wait-DsnData -Node $a -NodeId pt-c -Key rack -Value r12 -Timeout 5 | Out-Null
        (Get-DsnData -Node $a -NodeId pt-c -Key r*).Key | Sort-Object | Should -Be @('rack', 'role')
    }

    It 'returns written entries with -PassThru and versions that grow' {
        $first = Set-DsnData -Node $a -Key counter -Value 1 -PassThru -Confirm:$false
        $second = Set-DsnData -Node $a -Key counter -Value 2 -PassThru -Confirm:$false
        $second.Version | Should -BeGreaterThan $first.Version
        $second.NodeId | Should -Be 'pt-a'
    }

    It 'waits for the same key on several members at once' {
        foreach ($node in $a, $b, $c) { Set-DsnData -Node $node -Key build -Value '1.2.3' -Confirm:$false }
        (Wait-DsnData -Node $a -NodeId pt-a, pt-b, pt-c -Key build -Value '1.2.3' -Timeout 5).NodeId | Should -Be @('pt-a', 'pt-b', 'pt-c')
    }

    It 'removes keys with wildcards, and members see the removal' {
        Set-DsnData -Node $b -Key tmp.one -Value 1 -Confirm:$false
        Set-DsnData -Node $b -Key tmp.two -Value 2 -Confirm:$false
        Wait-DsnData -Node $a -NodeId pt-b -Key tmp.two -Timeout 5 | Out-Null
        (Remove-DsnData -Node $b -Key tmp.* -PassThru -Confirm:$false).Key | Should -Be @('tmp.one', 'tmp.two')
        Register-ObjectEvent -InputObject $a -EventName StateChanged -SourceIdentifier pt.removal
        try {
            if ($null -ne (Get-DsnData -Node $a -NodeId pt-b -Key tmp.two -ErrorAction SilentlyContinue)) {
                Wait-DsnTestEvent -SourceIdentifier pt.removal -Where { param($e) $e.Key -eq 'tmp.two' -and $e.IsRemoval } | Out-Null
            }
        } finally {
            Unregister-Event -SourceIdentifier pt.removal
        }
        Get-DsnData -Node $a -NodeId pt-b -Key tmp.* | Should -BeNullOrEmpty
    }

    It 'reports errors by ErrorId' {
        { Set-DsnData -Node $a -Key '' -Value x -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'DsnKeyInvalid,DistributedState.PowerShell.SetDsnDataCommand'
        { @{ list = @(1, 2) } | Set-DsnData -Node $a -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'DsnValueInvalid,DistributedState.PowerShell.SetDsnDataCommand'
        { Remove-DsnData -Node $a -Key no-such-key -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'DsnKeyNotFound,DistributedState.PowerShell.RemoveDsnDataCommand'
        { Get-DsnData -Node $a -NodeId pt-a -Key no-such-key -ErrorAction Stop } |
            Should -Throw -ErrorId 'DsnKeyNotFound,DistributedState.PowerShell.GetDsnDataCommand'
        { Get-DsnData -Node $a -NodeId pt-* -AsHashtable } |
            Should -Throw -ErrorId 'DsnHashtableNeedsOneNode,DistributedState.PowerShell.GetDsnDataCommand'
    }

    It 'times out a wait with DsnWaitTimeout naming the current value' {
        Set-DsnData -Node $a -Key phase -Value blue -Confirm:$false
        Wait-DsnData -Node $b -NodeId pt-a -Key phase -Value blue -Timeout 5 | Out-Null
        { Wait-DsnData -Node $b -NodeId pt-a -Key phase -Value green -Timeout 0.3 } |
            Should -Throw -ErrorId 'DsnWaitTimeout,DistributedState.PowerShell.WaitDsnDataCommand' -ExpectedMessage "*'phase' = 'blue'*"
    }

    It 'writes nothing with -WhatIf' {
        Set-DsnData -Node $a -Key whatif -Value x -WhatIf
        Get-DsnData -Node $a -NodeId pt-a -Key whatif -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Events and messages' {
    It 'raises StateChanged for Register-ObjectEvent' {
        Register-ObjectEvent -InputObject $c -EventName StateChanged -SourceIdentifier pt.state
        try {
            Set-DsnData -Node $a -Key mood -Value happy -Confirm:$false
            $event = Wait-DsnTestEvent -SourceIdentifier pt.state -Where { param($e) $e.NodeId -eq 'pt-a' -and $e.Key -eq 'mood' }
            $event.SourceEventArgs.NewValue | Should -Be 'happy'
            $event.SourceEventArgs.IsRemoval | Should -BeFalse
        } finally {
            Unregister-Event -SourceIdentifier pt.state
        }
    }

    It 'delivers Send-DsnData text to the DataReceived event' {
        Register-ObjectEvent -InputObject $b -EventName DataReceived -SourceIdentifier pt.data
        try {
            $result = Send-DsnData -Node $a -NodeId pt-b -Text 'hello b' -PassThru -Confirm:$false
            $result.Bytes | Should -Be 7
            $event = Wait-DsnTestEvent -SourceIdentifier pt.data -Where { param($e) $e.SenderId -eq 'pt-a' }
            [Text.Encoding]::UTF8.GetString($event.SourceEventArgs.Data) | Should -Be 'hello b'
        } finally {
            Unregister-Event -SourceIdentifier pt.data
        }
    }

    It 'reports a message to an unknown member as DsnNodeNotFound' {
        { Send-DsnData -Node $a -NodeId nobody -Data ([byte[]](1, 2, 3)) -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'DsnNodeNotFound,DistributedState.PowerShell.SendDsnDataCommand'
    }

    It 'raises PeerJoined and PeerStatusChanged as a node joins and leaves' {
        Register-ObjectEvent -InputObject $a -EventName PeerJoined -SourceIdentifier pt.joined
        Register-ObjectEvent -InputObject $a -EventName PeerStatusChanged -SourceIdentifier pt.status
        try {
            $d = Start-DsnTestNode -NodeId pt-d -Key $key -Bootstrap $a
            (Wait-DsnTestEvent -SourceIdentifier pt.joined -Where { param($e) $e.NodeId -eq 'pt-d' }).SourceEventArgs.Peer.Status | Should -Be 'Alive'
            Stop-DsnNode -Node $d -Confirm:$false
            $left = Wait-DsnTestEvent -SourceIdentifier pt.status -Where { param($e) $e.NodeId -eq 'pt-d' -and $e.NewStatus -eq 'Left' }
            $left.SourceEventArgs.OldStatus | Should -Be 'Alive'
        } finally {
            Unregister-Event -SourceIdentifier pt.joined
            Unregister-Event -SourceIdentifier pt.status
        }
    }
}

Describe 'Stopping' {
    It 'shows a stopped node as Left to the others and falls back to the previous default' {
        Stop-DsnNode -NodeId pt-c -Confirm:$false
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
