# Get-DsnPeer and Wait-DsnPeer: selection by name, wildcard and status, pipeline chains, ErrorIds with categories.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-DsnTestModulePath) -Force
    Get-DsnNode | Stop-DsnNode -Confirm:$false
    $script:netKey = New-DsnKey
    $script:a, $script:b, $script:c = Start-DsnTestNetwork -Prefix pp -Count 3 -Key $netKey
}

AfterAll {
    Get-DsnNode | Stop-DsnNode -Confirm:$false
}

Describe 'Get-DsnPeer' {
    It 'lists every member, itself included and flagged Local, sorted by NodeId' {
        $peers = Get-DsnPeer -Node $b
        $peers | Should -BeOfType ([DistributedState.DsnPeer])
        $peers.NodeId | Should -Be @('pp-a', 'pp-b', 'pp-c')
        ($peers | Where-Object IsLocal).NodeId | Should -Be 'pp-b'
        $peers.Status | Should -Be @('Alive', 'Alive', 'Alive')
        ($peers | Where-Object NodeId -eq 'pp-a').EndPoint.ToString() | Should -Be "127.0.0.1:$($a.LocalEndPoint.Port)"
    }

    It 'uses the default node (the last started) without -Node' {
        (Get-DsnPeer | Where-Object IsLocal).NodeId | Should -Be 'pp-c'
    }

    It 'selects by name, by position, by wildcard and by status' {
        (Get-DsnPeer -Node $b -NodeId pp-a).NodeId | Should -Be 'pp-a'
        (Get-DsnPeer pp-[ac] -Node $b).NodeId | Should -Be @('pp-a', 'pp-c')
        (Get-DsnPeer -Node $b -NodeId PP-* -Status Alive).Count | Should -Be 3
        Get-DsnPeer -Node $b -Status Failed, Left | Should -BeNullOrEmpty
    }

    It 'counts keys per member' {
        @{ k1 = '1'; k2 = '2' } | Set-DsnData -Node $a -Confirm:$false
        $null = Wait-DsnData -Node $b -NodeId pp-a -Key k2 -Timeout 10
        (Get-DsnPeer -Node $b -NodeId pp-a).KeyCount | Should -Be 2
    }

    It 'binds NodeId by property name, from objects and from its own output' {
        ([pscustomobject]@{ NodeId = 'pp-c' } | Get-DsnPeer -Node $b).NodeId | Should -Be 'pp-c'
        (Get-DsnPeer -Node $a -NodeId pp-b | Get-DsnPeer -Node $c).IsLocal | Should -BeFalse
    }

    It 'chains: Get-DsnPeer | Get-DsnData, | Wait-DsnPeer, | Select-Object, | ConvertTo-Json' {
        (Get-DsnPeer -Node $b -NodeId pp-a | Get-DsnData -Node $b -Key k1).Value | Should -Be '1'
        (Get-DsnPeer -Node $b | Wait-DsnPeer -Node $b -Timeout 10).NodeId | Should -Be @('pp-a', 'pp-b', 'pp-c')
        (Get-DsnPeer -Node $b | Where-Object { -not $_.IsLocal } | Select-Object -ExpandProperty NodeId) | Should -Be @('pp-a', 'pp-c')
        $json = Get-DsnPeer -Node $b -NodeId pp-a | ConvertTo-Json -Depth 3 | ConvertFrom-Json
        ($json.NodeId, $json.KeyCount, $json.IsLocal) | Should -Be @('pp-a', 2, $false)
    }

    It 'writes DsnNodeNotFound (ObjectNotFound) for an unknown member and returns the others' {
        $found = Get-DsnPeer -Node $b -NodeId pp-a, nobody, pp-c -ErrorVariable problems -ErrorAction SilentlyContinue
        $found.NodeId | Should -Be @('pp-a', 'pp-c')
        $problems.FullyQualifiedErrorId | Should -Be 'DsnNodeNotFound,DistributedState.PowerShell.GetDsnPeerCommand'
        $problems.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $problems.TargetObject | Should -Be 'nobody'
    }

    It 'is silent for a wildcard that matches nothing' {
        Get-DsnPeer -Node $b -NodeId nobody* -ErrorVariable problems | Should -BeNullOrEmpty
        $problems | Should -BeNullOrEmpty
    }

    It 'reports an invalid pattern as DsnPatternInvalid and a bad status as a parameter binding error' {
        $record = Get-DsnTestError { Get-DsnPeer -Node $b -NodeId 'pp-[' }
        $record.FullyQualifiedErrorId | Should -Be 'DsnPatternInvalid,DistributedState.PowerShell.GetDsnPeerCommand'
        $record.CategoryInfo.Category | Should -Be 'InvalidArgument'
        (Get-DsnTestError { Get-DsnPeer -Node $b -Status Sleeping }).FullyQualifiedErrorId | Should -BeLike 'CannotConvertArgument*,DistributedState.PowerShell.GetDsnPeerCommand'
    }
}

Describe 'Wait-DsnPeer' {
    It 'returns the members once they have the status, in the order asked' {
        $peers = Wait-DsnPeer -Node $a -NodeId pp-c, pp-b -Timeout 10
        $peers.NodeId | Should -Be @('pp-c', 'pp-b')
        $peers | Should -BeOfType ([DistributedState.DsnPeer])
    }

    It 'takes wildcards: every live member they match' {
        (Wait-DsnPeer -Node $a -NodeId pp-* -Timeout 10).NodeId | Should -Be @('pp-a', 'pp-b', 'pp-c')
    }

    It 'waits for a member that has not joined yet, and sees it leave' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                param($Module, $Node)
                Import-Module $Module
                Wait-DsnPeer -Node $Node -NodeId pp-late -Timeout 60
            }).AddArgument((Get-DsnTestModulePath)).AddArgument($a)
            $async = $ps.BeginInvoke()
            $late = Start-DsnTestNode -NodeId pp-late -Key $netKey -Bootstrap $a
            $joined = $ps.EndInvoke($async)
            ($joined.NodeId, $joined.Status) | Should -Be @('pp-late', 'Alive')
            Stop-DsnNode -Node $late -Confirm:$false
            (Wait-DsnPeer -Node $a -NodeId pp-late -Status Left -Timeout 10).Status | Should -Be 'Left'
            (Get-DsnPeer -Node $a -Status Left).NodeId | Should -Be 'pp-late'
            (Wait-DsnPeer -Node $a -NodeId pp-l* -Status Left -Timeout 10).NodeId | Should -Be 'pp-late' -Because 'a wildcard counts members that already have the status'
        } finally {
            $ps.Dispose()
        }
    }

    It 'stops with DsnWaitTimeout (OperationTimeout) naming what the member is' {
        $record = Get-DsnTestError { Wait-DsnPeer -Node $a -NodeId pp-b -Status Failed -Timeout 0.3 }
        $record.FullyQualifiedErrorId | Should -Be 'DsnWaitTimeout,DistributedState.PowerShell.WaitDsnPeerCommand'
        $record.CategoryInfo.Category | Should -Be 'OperationTimeout'
        $record.Exception.Message | Should -BeLike '*pp-b is Alive*'
        (Get-DsnTestError { Wait-DsnPeer -Node $a -NodeId nobody -Timeout 0.3 }).Exception.Message | Should -BeLike '*nobody is unknown*'
    }

    It 'reports an invalid pattern as DsnPatternInvalid' {
        (Get-DsnTestError { Wait-DsnPeer -Node $a -NodeId 'pp-[' -Timeout 1 }).FullyQualifiedErrorId |
            Should -Be 'DsnPatternInvalid,DistributedState.PowerShell.WaitDsnPeerCommand'
    }

    It 'ends promptly when the pipeline is stopped (Ctrl+C)' {
        $ps = [powershell]::Create()
        $waiting = [Threading.ManualResetEventSlim]::new($false)
        try {
            $null = $ps.AddScript({
                param($Module, $Node, $Waiting)
                Import-Module $Module
                $Waiting.Set()
                Wait-DsnPeer -Node $Node -NodeId never-joins -Timeout 600
            }).AddArgument((Get-DsnTestModulePath)).AddArgument($a).AddArgument($waiting)
            $async = $ps.BeginInvoke()
            $waiting.Wait([TimeSpan]::FromSeconds(30)) | Should -BeTrue
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        } finally {
            $ps.Dispose()
            $waiting.Dispose()
        }
    }

    It 'is DsnNodeStopped for a stopped node and DsnNoNodeRunning without any' {
        $gone = Start-DsnTestNode -NodeId pp-gone -Key (New-DsnKey)
        Stop-DsnNode -Node $gone -Confirm:$false
        foreach ($name in 'Get-DsnPeer', 'Wait-DsnPeer') {
            $record = Get-DsnTestError { & $name -Node $gone -NodeId x }
            $record.FullyQualifiedErrorId | Should -Be (Get-DsnTestErrorId DsnNodeStopped $name)
            $record.CategoryInfo.Category | Should -Be 'InvalidOperation'
        }
    }
}
