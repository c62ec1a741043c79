# Send-DsnData: both parameter sets, pipeline binding, -WhatIf/-Confirm/-PassThru, and every ErrorId it can emit.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-DsnTestModulePath) -Force
    Get-DsnNode | Stop-DsnNode -Confirm:$false
    $script:netKey = New-DsnKey
    $script:a, $script:b, $script:c = Start-DsnTestNetwork -Prefix pm -Count 3 -Key $netKey

    # The messages node $Receiver got while $Command ran, as text, in arrival order.
    function Get-ReceivedText([DistributedState.DsnNode] $Receiver, [int] $Expected, [scriptblock] $Command) {
        $id = "pm.received.$([guid]::NewGuid())"
        Register-ObjectEvent -InputObject $Receiver -EventName DataReceived -SourceIdentifier $id
        try {
            & $Command
            for ($i = 0; $i -lt $Expected; $i++) {
                $event = Wait-DsnTestEvent -SourceIdentifier $id -Where { $true }
                '{0}:{1}' -f $event.SourceEventArgs.SenderId, [Text.Encoding]::UTF8.GetString($event.SourceEventArgs.Data)
            }
        } finally {
            Unregister-Event -SourceIdentifier $id
            Get-Event -SourceIdentifier $id -ErrorAction SilentlyContinue | Remove-Event
        }
    }
}

AfterAll {
    Get-DsnNode | Stop-DsnNode -Confirm:$false
}

Describe 'Send-DsnData' {
    It 'sends bytes (the default set, positionally) and returns nothing without -PassThru' {
        $received = Get-ReceivedText $b 1 {
            Send-DsnData pm-b ([Text.Encoding]::UTF8.GetBytes('bytes!')) -Node $a -Confirm:$false | Should -BeNullOrEmpty
        }
        $received | Should -Be 'pm-a:bytes!'
    }

    It 'sends text as UTF-8 and returns the acknowledgement with -PassThru' {
        $received = Get-ReceivedText $b 1 {
            $script:result = Send-DsnData -Node $a -NodeId pm-b -Text 'héllo ✓' -PassThru -Confirm:$false
        }
        $received | Should -Be 'pm-a:héllo ✓'
        $result.GetType().Name | Should -Be 'DsnSendResult'
        ($result.NodeId, $result.Bytes) | Should -Be @('pm-b', 10)
        $result.RoundTrip | Should -BeGreaterThan ([TimeSpan]::Zero)
    }

    It 'sends an empty text' {
        (Send-DsnData -Node $a -NodeId pm-b -Text '' -PassThru -Confirm:$false).Bytes | Should -Be 0
    }

    It 'sends to every member piped by property name: Get-DsnPeer | Send-DsnData' {
        $received = Get-ReceivedText $c 1 {
            $script:results = Get-DsnPeer -Node $a | Where-Object { -not $_.IsLocal } | Send-DsnData -Node $a -Text fan-out -PassThru -Confirm:$false
        }
        $results.NodeId | Should -Be @('pm-b', 'pm-c')
        $received | Should -Be 'pm-a:fan-out'
    }

    It 'sends nothing with -WhatIf, and says "1 byte"' {
        $received = Get-ReceivedText $b 1 {
            Send-DsnData -Node $a -NodeId pm-b -Text x -WhatIf
            $script:said = Send-DsnData -Node $a -NodeId pm-b -Text y -Confirm:$false -Verbose 4>&1
        }
        $received | Should -Be 'pm-a:y' -Because 'the -WhatIf message was not sent, the next one arrived first'
        $said.Message | Should -Contain 'Performing the operation "Send 1 byte from node pm-a" on target "pm-b".'
        ($said.Message | Where-Object { $_ -like 'pm-b acknowledged*' }) | Should -BeLike 'pm-b acknowledged 1 byte in * ms.'
    }

    It 'reports <Why> as <ErrorId> (<Category>)' -ForEach @(
        @{ Why = 'an unknown member'; ErrorId = 'DsnNodeNotFound'; Category = 'ObjectNotFound'; Command = { Send-DsnData -Node $a -NodeId nobody -Data ([byte[]](1, 2, 3)) -Confirm:$false } }
        @{ Why = 'a message over 1 MiB'; ErrorId = 'DsnMessageTooLarge'; Category = 'LimitsExceeded'; Command = { Send-DsnData -Node $a -NodeId pm-b -Data ([byte[]]::new(1MB + 1)) -Confirm:$false } }
    ) {
        $record = Get-DsnTestError $Command
        $record.FullyQualifiedErrorId | Should -Be (Get-DsnTestErrorId $ErrorId Send-DsnData)
        $record.CategoryInfo.Category | Should -Be $Category
    }

    It 'names the -MaxMessageBytes parameter for an oversized message' {
        $message = (Get-DsnTestError { Send-DsnData -Node $a -NodeId pm-b -Data ([byte[]]::new(1MB + 1)) -Confirm:$false }).Exception.Message
        $message | Should -BeLike 'The message is 1048577 bytes; this node sends messages of at most 1048576 bytes.*-MaxMessageBytes*'
        $message | Should -Not -BeLike '*DsnNodeOptions*'
    }

    It 'reports a departed member as DsnPeerUnavailable (ConnectionError) and goes on with the next recipient' {
        $gone = Start-DsnTestNode -NodeId pm-gone -Key $netKey -Bootstrap $a
        $null = Wait-DsnPeer -Node $a -NodeId pm-gone -Timeout 10
        Stop-DsnNode -Node $gone -Confirm:$false
        $null = Wait-DsnPeer -Node $a -NodeId pm-gone -Status Left -Timeout 10
        $results = [pscustomobject]@{ NodeId = 'pm-gone' }, [pscustomobject]@{ NodeId = 'pm-b' } |
            Send-DsnData -Node $a -Text after -PassThru -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
        $results.NodeId | Should -Be 'pm-b'
        $problems.FullyQualifiedErrorId | Should -Be 'DsnPeerUnavailable,DistributedState.PowerShell.SendDsnDataCommand'
        $problems.CategoryInfo.Category | Should -Be 'ConnectionError'
        $problems.TargetObject | Should -Be 'pm-gone'
        $problems.Exception.Message | Should -BeLike '*left*'
    }

    It 'is DsnNodeStopped from a stopped node' {
        $stopped = Start-DsnTestNode -NodeId pm-stopped -Key (New-DsnKey)
        Stop-DsnNode -Node $stopped -Confirm:$false
        $record = Get-DsnTestError { Send-DsnData -Node $stopped -NodeId pm-b -Text x -Confirm:$false }
        $record.FullyQualifiedErrorId | Should -Be 'DsnNodeStopped,DistributedState.PowerShell.SendDsnDataCommand'
    }
}
