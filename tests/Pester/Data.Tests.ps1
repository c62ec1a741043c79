# Set-DsnData, Get-DsnData, Remove-DsnData and Wait-DsnData as a script uses them: every parameter set, pipeline
# binding by value and by property name, every ErrorId with its category, -WhatIf/-Confirm/-PassThru.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-DsnTestModulePath) -Force
    Get-DsnNode | Stop-DsnNode -Confirm:$false
    $script:netKey = New-DsnKey
    $script:a, $script:b = Start-DsnTestNetwork -Prefix dt -Count 2 -Key $netKey
}

AfterAll {
    Get-DsnNode | Stop-DsnNode -Confirm:$false
}

Describe 'Set-DsnData' {
    Context 'the KeyValue parameter set' {
        It 'writes a key by name or by position, and the other node sees it' {
            Set-DsnData -Node $a -Key named -Value one -Confirm:$false | Should -BeNullOrEmpty
            Set-DsnData positional two -Node $a -Confirm:$false
            (Wait-DsnData -Node $b -NodeId dt-a -Key named -Value one -Timeout 10).Value | Should -Be 'one'
            (Wait-DsnData -Node $b -NodeId dt-a -Key positional -Value two -Timeout 10).Value | Should -Be 'two'
        }

        It 'returns the written entry with -PassThru, versions growing' {
            $first = Set-DsnData -Node $a -Key counter -Value 1 -PassThru -Confirm:$false
            $second = Set-DsnData -Node $a -Key counter -Value 2 -PassThru -Confirm:$false
            $first | Should -BeOfType ([DistributedState.DsnDataEntry])
            ($second.NodeId, $second.Key, $second.Value, $second.Status) | Should -Be @('dt-a', 'counter', '2', 'Alive')
            $second.Version | Should -BeGreaterThan $first.Version
        }

        It 'accepts an empty value' {
            (Set-DsnData -Node $a -Key empty -Value '' -PassThru -Confirm:$false).Value | Should -BeExactly ''
        }

        It 'writes nothing with -WhatIf' {
            Set-DsnData -Node $a -Key whatif -Value x -WhatIf
            @{ whatif2 = 'y' } | Set-DsnData -Node $a -WhatIf
            Get-DsnData -Node $a -NodeId dt-a -Key whatif* | Should -BeNullOrEmpty
        }

        It 'confirms a long value by its start and its length, on one line' {
            $said = Set-DsnData -Node $a -Key long -Value ("line1`n" + 'v' * 100000) -Confirm:$false -Verbose 4>&1
            $said.Message | Should -Contain ('Performing the operation "Set to ''line1 {0}''… (100006 characters)" on target "long on node dt-a".' -f ('v' * 54))
        }
    }

    Context 'the Hashtable parameter set' {
        It 'writes a piped hashtable as one batch, numbers in invariant culture' {
            $written = @{ cpu = 12.5; disk = '80'; up = $true } | Set-DsnData -Node $a -PassThru -Confirm:$false
            $written.Key | Should -Be @('cpu', 'disk', 'up')
            $state = Get-DsnData -Node $a -AsHashtable
            ($state.cpu, $state.disk, $state.up) | Should -Be @('12.5', '80', 'True')
        }

        It 'takes -InputObject and ordered dictionaries' {
            Set-DsnData -Node $a -InputObject ([ordered]@{ o1 = 'x'; o2 = 'y' }) -Confirm:$false
            (Get-DsnData -Node $a -NodeId dt-a -Key o1, o2).Value | Should -Be @('x', 'y')
        }

        It 'writes nothing of a batch with an invalid entry, and goes on with the next input' {
            @{ ok1 = '1' }, @{ good = '1'; bad = @(1, 2) }, @{ ok2 = '2' } |
                Set-DsnData -Node $a -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
            $problems.Count | Should -Be 1
            $problems[0].FullyQualifiedErrorId | Should -Be 'DsnValueInvalid,DistributedState.PowerShell.SetDsnDataCommand'
            $problems[0].TargetObject | Should -Be 'bad'
            (Get-DsnData -Node $a -NodeId dt-a -Key ok1, ok2).Key | Should -Be @('ok1', 'ok2')
            Get-DsnData -Node $a -NodeId dt-a -Key good -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
    }

    Context 'binding by property name' {
        It 'binds objects with Key and Value properties' {
            [pscustomobject]@{ Key = 'role'; Value = 'web' }, [pscustomobject]@{ Key = 'rack'; Value = 12 } |
                Set-DsnData -Node $b -Confirm:$false
            (Get-DsnData -Node $b -NodeId dt-b -Key role, rack).Value | Should -Be @('12', 'web')
        }

        It 'copies entries from another member: Get-DsnData | Set-DsnData' {
            $null = Wait-DsnData -Node $b -NodeId dt-a -Key disk -Value 80 -Timeout 10
            Get-DsnData -Node $b -NodeId dt-a -Key cpu, disk | Set-DsnData -Node $b -Confirm:$false
            (Get-DsnData -Node $b -NodeId dt-b -Key cpu, disk).Value | Should -Be @('12.5', '80')
        }

        It 'round-trips through Export-Csv and Import-Csv' {
            $csv = Join-Path $TestDrive 'state.csv'
            @{ 'csv.one' = 'a,b'; 'csv.two' = 'line "quoted"' } | Set-DsnData -Node $a -Confirm:$false
            Get-DsnData -Node $a -NodeId dt-a -Key csv.* | Export-Csv -Path $csv -NoTypeInformation
            Import-Csv -Path $csv | Set-DsnData -Node $b -Confirm:$false
            (Get-DsnData -Node $b -NodeId dt-b -Key csv.*).Value | Should -Be @('a,b', 'line "quoted"')
        }
    }

    Context 'errors' {
        It 'reports <Why> as <ErrorId> (<Category>)' -ForEach @(
            @{ Why = 'an empty key'; ErrorId = 'DsnKeyInvalid'; Category = 'InvalidArgument'; Command = { Set-DsnData -Node $a -Key '' -Value x -Confirm:$false } }
            @{ Why = 'a key with a control character'; ErrorId = 'DsnKeyInvalid'; Category = 'InvalidArgument'; Command = { Set-DsnData -Node $a -Key "a`tb" -Value x -Confirm:$false } }
            @{ Why = 'a key of 257 characters'; ErrorId = 'DsnKeyInvalid'; Category = 'InvalidArgument'; Command = { Set-DsnData -Node $a -Key ('k' * 257) -Value x -Confirm:$false } }
            @{ Why = 'an empty key in a hashtable'; ErrorId = 'DsnKeyInvalid'; Category = 'InvalidArgument'; Command = { @{ '' = 'x' } | Set-DsnData -Node $a -Confirm:$false } }
            @{ Why = 'a null value in a hashtable'; ErrorId = 'DsnValueInvalid'; Category = 'InvalidArgument'; Command = { @{ k = $null } | Set-DsnData -Node $a -Confirm:$false } }
            @{ Why = 'a nested hashtable value'; ErrorId = 'DsnValueInvalid'; Category = 'InvalidArgument'; Command = { @{ k = @{ x = 1 } } | Set-DsnData -Node $a -Confirm:$false } }
            @{ Why = 'a value over 1 MiB'; ErrorId = 'DsnValueTooLarge'; Category = 'LimitsExceeded'; Command = { Set-DsnData -Node $a -Key big -Value ('v' * 1MB + 'v') -Confirm:$false } }
        ) {
            $record = Get-DsnTestError $Command
            $record.FullyQualifiedErrorId | Should -Be (Get-DsnTestErrorId $ErrorId Set-DsnData)
            $record.CategoryInfo.Category | Should -Be $Category
        }

        It 'names the oversized key of a batch and the Start-DsnNode parameter that raises the limit' {
            $record = Get-DsnTestError { @{ fine = '1'; huge = 'v' * 2MB } | Set-DsnData -Node $a -Confirm:$false }
            $record.FullyQualifiedErrorId | Should -Be 'DsnValueTooLarge,DistributedState.PowerShell.SetDsnDataCommand'
            $record.TargetObject | Should -Be 'huge'
            $record.Exception.Message | Should -BeLike "*key 'huge' is 2097152 bytes*-MaxValueBytes*"
            $record.Exception.Message | Should -Not -BeLike '*DsnNodeOptions*'
            Get-DsnData -Node $a -NodeId dt-a -Key fine -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }

        It 'reports a full state as DsnStateFull (LimitsExceeded) naming -MaxStateBytes, and keeps what was written' {
            # A node of its own, alone: 16 MiB of state (the default limit) is written in 1 MiB values until refused.
            $full = Start-DsnTestNode -NodeId dt-full -Key (New-DsnKey)
            try {
                $value = 'v' * (1MB - 64)
                $record = $null
                for ($i = 0; $i -lt 40 -and -not $record; $i++) {
                    Set-DsnData -Node $full -Key "chunk$i" -Value $value -Confirm:$false -ErrorVariable refused -ErrorAction SilentlyContinue
                    if ($refused) { $record = $refused[0] }
                }
                $record | Should -Not -BeNullOrEmpty -Because 'the state has a limit'
                $record.FullyQualifiedErrorId | Should -Be 'DsnStateFull,DistributedState.PowerShell.SetDsnDataCommand'
                $record.CategoryInfo.Category | Should -Be 'LimitsExceeded'
                $record.TargetObject | Should -Be "chunk$($i - 1)"
                $record.Exception.Message | Should -BeLike '*-MaxStateBytes*'
                $record.Exception.Message | Should -Not -BeLike '*DsnNodeOptions*'
                (Get-DsnPeer -Node $full -NodeId dt-full).KeyCount | Should -Be ($i - 1)
            } finally {
                Stop-DsnNode -Node $full -Confirm:$false
            }
        }

        It 'goes on after a key error in the KeyValue set' {
            [pscustomobject]@{ Key = 'p1'; Value = 1 }, [pscustomobject]@{ Key = ''; Value = 2 }, [pscustomobject]@{ Key = 'p3'; Value = 3 } |
                Set-DsnData -Node $a -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
            $problems.FullyQualifiedErrorId | Should -Be 'DsnKeyInvalid,DistributedState.PowerShell.SetDsnDataCommand'
            (Get-DsnData -Node $a -NodeId dt-a -Key p1, p3).Value | Should -Be @('1', '3')
        }
    }
}

Describe 'Get-DsnData' {
    BeforeAll {
        @{ 'web.status' = 'online'; 'web.cpu' = '7'; 'Mixed' = 'case' } | Set-DsnData -Node $a -Confirm:$false
        $null = Wait-DsnData -Node $b -NodeId dt-a -Key Mixed -Timeout 10
    }

    It 'reads every member without parameters, member by member and keys in order' {
        $all = Get-DsnData -Node $b
        ($all.NodeId | Select-Object -Unique) | Should -Be @('dt-a', 'dt-b')
        $own = $all | Where-Object NodeId -eq 'dt-a'
        $ordinal = [string[]]$own.Key
        [Array]::Sort($ordinal, [StringComparer]::Ordinal)
        $own.Key | Should -Be $ordinal -Because 'keys come in ordinal order'
    }

    It 'selects members and keys by wildcard and by position' {
        (Get-DsnData -Node $b dt-? web.*).Key | Should -Be @('web.cpu', 'web.status')
        (Get-DsnData -Node $b -NodeId dt-a -Key web.status).Value | Should -Be 'online'
    }

    It 'finds a literal key in another case, the exact spelling first' {
        (Get-DsnData -Node $b -NodeId dt-a -Key mixed).Key | Should -BeExactly 'Mixed'
        (Get-DsnData -Node $b -NodeId dt-a -Key WEB.STATUS).Value | Should -Be 'online'
    }

    It 'returns a member as a hashtable, by default the node itself' {
        (Get-DsnData -Node $b -NodeId dt-a -AsHashtable)['web.status'] | Should -Be 'online'
        $own = Get-DsnData -Node $a -AsHashtable
        $own | Should -BeOfType ([hashtable])
        $own['web.cpu'] | Should -Be '7'
    }

    It 'binds NodeId and Key by property name: Get-DsnPeer | Get-DsnData, and objects' {
        (Get-DsnPeer -Node $b -NodeId dt-a | Get-DsnData -Node $b -Key web.cpu).Value | Should -Be '7'
        ([pscustomobject]@{ NodeId = 'dt-a'; Key = 'web.status' } | Get-DsnData -Node $b).Value | Should -Be 'online'
    }

    It 'converts to JSON with every property' {
        $json = Get-DsnData -Node $b -NodeId dt-a -Key web.status | ConvertTo-Json | ConvertFrom-Json
        ($json.NodeId, $json.Key, $json.Value) | Should -Be @('dt-a', 'web.status', 'online')
        $json.Version | Should -BeGreaterThan 0
        $json.PSObject.Properties.Name | Should -Contain 'LastChange'
    }

    It 'writes DsnNodeNotFound and DsnKeyNotFound as non-terminating errors and returns the rest' {
        $found = Get-DsnData -Node $b -NodeId dt-a, nobody -Key web.cpu, no-such-key -ErrorVariable problems -ErrorAction SilentlyContinue
        $found.Value | Should -Be '7'
        $problems.FullyQualifiedErrorId | Should -Be @('DsnNodeNotFound,DistributedState.PowerShell.GetDsnDataCommand', 'DsnKeyNotFound,DistributedState.PowerShell.GetDsnDataCommand')
        $problems.CategoryInfo.Category | Should -Be @('ObjectNotFound', 'ObjectNotFound')
        $problems.TargetObject | Should -Be @('nobody', 'no-such-key')
    }

    It 'is silent for a wildcard that matches nothing' {
        Get-DsnData -Node $b -NodeId nobody* -ErrorVariable problems | Should -BeNullOrEmpty
        Get-DsnData -Node $b -NodeId dt-a -Key nothing.* -ErrorVariable +problems | Should -BeNullOrEmpty
        $problems | Should -BeNullOrEmpty
    }

    It 'reports <Why> as <ErrorId>' -ForEach @(
        @{ Why = 'several members with -AsHashtable'; ErrorId = 'DsnHashtableNeedsOneNode'; Category = 'InvalidArgument'; Command = { Get-DsnData -Node $b -NodeId dt-* -AsHashtable } }
        @{ Why = 'an unclosed bracket'; ErrorId = 'DsnPatternInvalid'; Category = 'InvalidArgument'; Command = { Get-DsnData -Node $b -Key 'web[' } }
        @{ Why = 'a trailing escape'; ErrorId = 'DsnPatternInvalid'; Category = 'InvalidArgument'; Command = { Get-DsnData -Node $b -NodeId 'dt`' } }
    ) {
        $record = Get-DsnTestError $Command
        $record.FullyQualifiedErrorId | Should -Be (Get-DsnTestErrorId $ErrorId Get-DsnData)
        $record.CategoryInfo.Category | Should -Be $Category
    }
}

Describe 'Remove-DsnData' {
    BeforeEach {
        @{ 'tmp.one' = '1'; 'tmp.two' = '2'; 'tmp.three' = '3'; keep = 'k' } | Set-DsnData -Node $a -Confirm:$false
    }

    It 'removes a literal key and members see the removal' {
        $null = Wait-DsnData -Node $b -NodeId dt-a -Key tmp.one -Timeout 10
        Remove-DsnData -Node $a -Key tmp.one -Confirm:$false | Should -BeNullOrEmpty
        $null = Wait-DsnData -Node $b -NodeId dt-a -Key keep -Timeout 10
        Register-ObjectEvent -InputObject $b -EventName StateChanged -SourceIdentifier dt.removal
        try {
            if (Get-DsnData -Node $b -NodeId dt-a -Key tmp.one -ErrorAction SilentlyContinue) {
                $null = Wait-DsnTestEvent -SourceIdentifier dt.removal -Where { param($e) $e.Key -eq 'tmp.one' -and $e.IsRemoval }
            }
        } finally {
            Unregister-Event -SourceIdentifier dt.removal
        }
        Get-DsnData -Node $b -NodeId dt-a -Key tmp.one -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'removes by wildcard and returns the removed entries with -PassThru' {
        (Remove-DsnData -Node $a -Key tmp.* -PassThru -Confirm:$false).Key | Should -Be @('tmp.one', 'tmp.three', 'tmp.two')
        (Get-DsnData -Node $a -NodeId dt-a -Key tmp.*) | Should -BeNullOrEmpty
        (Get-DsnData -Node $a -NodeId dt-a -Key keep).Value | Should -Be 'k'
    }

    It 'takes keys from the pipeline by value and entries by their Key property' {
        'tmp.one', 'tmp.two' | Remove-DsnData -Node $a -Confirm:$false
        Get-DsnData -Node $a -NodeId dt-a -Key tmp.three | Remove-DsnData -Node $a -Confirm:$false
        Get-DsnData -Node $a -NodeId dt-a -Key tmp.* | Should -BeNullOrEmpty
    }

    It 'keeps everything with -WhatIf' {
        Remove-DsnData -Node $a -Key tmp.* -WhatIf
        (Get-DsnData -Node $a -NodeId dt-a -Key tmp.*).Count | Should -Be 3
    }

    It 'writes DsnKeyNotFound for a literal key it does not have and removes the others' {
        $removed = Remove-DsnData -Node $a -Key tmp.one, no-such-key, tmp.two -PassThru -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
        $removed.Key | Should -Be @('tmp.one', 'tmp.two')
        $problems.FullyQualifiedErrorId | Should -Be 'DsnKeyNotFound,DistributedState.PowerShell.RemoveDsnDataCommand'
        $problems.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $problems.TargetObject | Should -Be 'no-such-key'
    }

    It 'reports an invalid pattern as DsnPatternInvalid' {
        (Get-DsnTestError { Remove-DsnData -Node $a -Key 'tmp[' -Confirm:$false }).FullyQualifiedErrorId |
            Should -Be 'DsnPatternInvalid,DistributedState.PowerShell.RemoveDsnDataCommand'
    }
}

Describe 'Wait-DsnData' {
    It 'returns the entry once the value arrives' {
        Set-DsnData -Node $a -Key phase -Value blue -Confirm:$false
        $entry = Wait-DsnData -Node $b -NodeId dt-a -Key phase -Value blue -Timeout 10
        $entry | Should -BeOfType ([DistributedState.DsnDataEntry])
        ($entry.NodeId, $entry.Value) | Should -Be @('dt-a', 'blue')
    }

    It 'waits for any value without -Value, positionally' {
        Set-DsnData -Node $a -Key anyvalue -Value whatever -Confirm:$false
        (Wait-DsnData dt-a anyvalue -Node $b -Timeout 10).Value | Should -Be 'whatever'
    }

    It 'takes a wildcard NodeId like the Get-* cmdlets: every live member it matches' {
        foreach ($node in $a, $b) { Set-DsnData -Node $node -Key build -Value '1.2.3' -Confirm:$false }
        (Wait-DsnData -Node $b -NodeId dt-* -Key build -Value '1.2.3' -Timeout 10).NodeId | Should -Be @('dt-a', 'dt-b')
    }

    It 'waits with a wildcard until a matching member joins' {
        # The wait runs in a second runspace of this process (the module and its nodes are shared), so this one can
        # start the member it waits for.
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                param($Module, $Node)
                Import-Module $Module
                Wait-DsnData -Node $Node -NodeId 'dt-late*' -Key ready -Value yes -Timeout 60
            }).AddArgument((Get-DsnTestModulePath)).AddArgument($b)
            $async = $ps.BeginInvoke()
            $late = Start-DsnTestNode -NodeId dt-late -Key $netKey -Bootstrap $a
            Set-DsnData -Node $late -Key ready -Value yes -Confirm:$false
            $entries = $ps.EndInvoke($async)
            $ps.Streams.Error | Should -BeNullOrEmpty
            ($entries.NodeId, $entries.Value) | Should -Be @('dt-late', 'yes')
        } finally {
            $ps.Dispose()
            Get-DsnNode -NodeId dt-late -ErrorAction SilentlyContinue | Stop-DsnNode -Confirm:$false
        }
    }

    It 'binds NodeId by property name: Get-DsnPeer | Wait-DsnData' {
        Set-DsnData -Node $a -Key piped -Value p -Confirm:$false
        (Get-DsnPeer -Node $b -NodeId dt-a | Wait-DsnData -Node $b -Key piped -Value p -Timeout 10).Value | Should -Be 'p'
    }

    It 'stops with DsnWaitTimeout (OperationTimeout) naming the current value' {
        Set-DsnData -Node $a -Key color -Value blue -Confirm:$false
        $null = Wait-DsnData -Node $b -NodeId dt-a -Key color -Value blue -Timeout 10
        $record = Get-DsnTestError { Wait-DsnData -Node $b -NodeId dt-a -Key color -Value green -Timeout 0.3 }
        $record.FullyQualifiedErrorId | Should -Be 'DsnWaitTimeout,DistributedState.PowerShell.WaitDsnDataCommand'
        $record.CategoryInfo.Category | Should -Be 'OperationTimeout'
        $record.Exception.Message | Should -BeLike "*'color' = 'blue'*"
    }

    It 'stops with DsnWaitTimeout when a wildcard matches no live member' {
        $record = Get-DsnTestError { Wait-DsnData -Node $b -NodeId nobody* -Key k -Timeout 0.3 }
        $record.FullyQualifiedErrorId | Should -Be 'DsnWaitTimeout,DistributedState.PowerShell.WaitDsnDataCommand'
        $record.Exception.Message | Should -BeLike "*'nobody`**"
    }
}

Describe 'A stopped node' {
    It 'is DsnNodeStopped for every data cmdlet given it with -Node' {
        $gone = Start-DsnTestNode -NodeId dt-gone -Key (New-DsnKey)
        Stop-DsnNode -Node $gone -Confirm:$false
        foreach ($case in @(
                @{ Name = 'Set-DsnData'; Command = { Set-DsnData -Node $gone -Key k -Value v -Confirm:$false } }
                @{ Name = 'Get-DsnData'; Command = { Get-DsnData -Node $gone } }
                @{ Name = 'Remove-DsnData'; Command = { Remove-DsnData -Node $gone -Key k -Confirm:$false } }
                @{ Name = 'Wait-DsnData'; Command = { Wait-DsnData -Node $gone -NodeId x -Key k -Timeout 1 } })) {
            $record = Get-DsnTestError $case.Command
            $record.FullyQualifiedErrorId | Should -Be (Get-DsnTestErrorId DsnNodeStopped $case.Name)
            $record.CategoryInfo.Category | Should -Be 'InvalidOperation'
        }
    }
}
