# Leases and staleness as a script uses them: Set-DsnData -TimeToLive, Start-DsnNode -DefaultTimeToLive,
# Get-DsnData -MaxAge, the Age and LastHeard properties, the expiry event's Reason, and the errors of bad durations.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-DsnTestModulePath) -Force
    Get-DsnNode | Stop-DsnNode -Confirm:$false
    $script:netKey = New-DsnKey
    $script:a, $script:b = Start-DsnTestNetwork -Prefix ls -Count 2 -Key $netKey
}

AfterAll {
    Get-DsnNode | Stop-DsnNode -Confirm:$false
}

Describe 'Set-DsnData -TimeToLive' {
    It 'gives the value a lease that every node sees, and the value expires everywhere with Reason Expired' {
        $null = Register-ObjectEvent -InputObject $b -EventName StateChanged -SourceIdentifier ls.expiry
        try {
            $entry = Set-DsnData -Node $a -Key status -Value ok -TimeToLive 00:00:01 -PassThru -Confirm:$false
            $entry.TimeToLive | Should -Be ([TimeSpan]::FromSeconds(1))
            $entry.ExpiresAt | Should -Not -BeNullOrEmpty
            (Wait-DsnData -Node $b -NodeId ls-a -Key status -Value ok -Timeout 10).TimeToLive | Should -Be ([TimeSpan]::FromSeconds(1))
            $expired = Wait-DsnTestEvent -SourceIdentifier ls.expiry -Where { param($e) $e.Key -eq 'status' -and $e.IsRemoval }
            $expired.SourceEventArgs.Reason | Should -Be 'Expired'
            $expired.SourceEventArgs.OldValue | Should -Be 'ok'
            Get-DsnData -Node $b -NodeId ls-a -Key status -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            Get-DsnData -Node $a -NodeId ls-a -Key status -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
        finally {
            Unregister-Event -SourceIdentifier ls.expiry
        }
    }

    It 'takes seconds as a number and units as text' {
        (Set-DsnData -Node $a -Key n -Value 1 -TimeToLive 600 -PassThru -Confirm:$false).TimeToLive | Should -Be ([TimeSpan]::FromMinutes(10))
        (Set-DsnData -Node $a -Key u -Value 1 -TimeToLive '10m' -PassThru -Confirm:$false).TimeToLive | Should -Be ([TimeSpan]::FromMinutes(10))
        (@{ h1 = 'x'; h2 = 'y' } | Set-DsnData -Node $a -TimeToLive 00:10:00 -PassThru -Confirm:$false).TimeToLive | Should -Be @([TimeSpan]::FromMinutes(10), [TimeSpan]::FromMinutes(10))
    }

    It 'renewing keeps the value: setting it again moves its expiry' {
        $first = Set-DsnData -Node $a -Key renewed -Value ok -TimeToLive 00:10:00 -PassThru -Confirm:$false
        $null = Wait-DsnData -Node $b -NodeId ls-a -Key renewed -Timeout 10
        $second = Set-DsnData -Node $a -Key renewed -Value ok -TimeToLive 00:10:00 -PassThru -Confirm:$false
        $second.Version | Should -BeGreaterThan $first.Version
        $second.ExpiresAt | Should -BeGreaterOrEqual $first.ExpiresAt
    }

    It 'refuses a lease of <Name> with DsnTimeToLiveInvalid and writes nothing' -ForEach @(
        @{ Name = 'zero'; Ttl = 0 }
        @{ Name = 'a negative duration'; Ttl = '-00:01:00' }
        @{ Name = 'more than 30 days'; Ttl = '31.00:00:00' }
    ) {
        $err = Get-DsnTestError { Set-DsnData -Node $a -Key bad -Value x -TimeToLive $Ttl -Confirm:$false }
        $err.FullyQualifiedErrorId | Should -Be (Get-DsnTestErrorId DsnTimeToLiveInvalid Set-DsnData)
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match 'TimeToLive must be'
        Get-DsnData -Node $a -NodeId ls-a -Key bad -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'refuses text that is no duration when binding' {
        $err = Get-DsnTestError { Set-DsnData -Node $a -Key bad -Value x -TimeToLive 'soon' -Confirm:$false }
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentTransformationError*'
    }

    It 'writes nothing with -WhatIf' {
        Set-DsnData -Node $a -Key whatif -Value x -TimeToLive 00:10:00 -WhatIf
        Get-DsnData -Node $a -NodeId ls-a -Key whatif -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Start-DsnNode -DefaultTimeToLive' {
    It 'leases every value set without -TimeToLive; -TimeToLive Infinite sets none' {
        $node = Start-DsnNode -NodeId ls-default -Key $netKey -Port 0 -BindAddress 127.0.0.1 -IdentityPath (Join-Path $TestDrive 'ls-default.identity') -DefaultTimeToLive 00:15:00 -Confirm:$false
        try {
            (Set-DsnData -Node $node -Key status -Value ok -PassThru -Confirm:$false).TimeToLive | Should -Be ([TimeSpan]::FromMinutes(15))
            (Set-DsnData -Node $node -Key role -Value web -TimeToLive Infinite -PassThru -Confirm:$false).TimeToLive | Should -BeNullOrEmpty
        }
        finally {
            $node | Stop-DsnNode -Confirm:$false
        }
    }

    It 'refuses a default lease of zero with DsnTimeToLiveInvalid' {
        $err = Get-DsnTestError { Start-DsnNode -NodeId ls-bad -Key $netKey -Port 0 -BindAddress 127.0.0.1 -IdentityPath (Join-Path $TestDrive 'ls-bad.identity') -DefaultTimeToLive 0 -Confirm:$false }
        $err.FullyQualifiedErrorId | Should -Be (Get-DsnTestErrorId DsnTimeToLiveInvalid Start-DsnNode)
        $err.Exception.Message | Should -Match 'DefaultTimeToLive must be a positive duration'
    }
}

Describe 'Get-DsnData -MaxAge and Age' {
    It 'returns only values written at most -MaxAge ago' {
        Set-DsnData -Node $a -Key old -Value 1 -Confirm:$false
        $null = Wait-DsnData -Node $b -NodeId ls-a -Key old -Timeout 10
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while ((Get-DsnData -Node $b -NodeId ls-a -Key old).Age -lt [TimeSpan]::FromSeconds(1.2) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        Set-DsnData -Node $a -Key new -Value 2 -Confirm:$false
        $null = Wait-DsnData -Node $b -NodeId ls-a -Key new -Timeout 10
        $fresh = Get-DsnData -Node $b -NodeId ls-a -Key old, new -MaxAge 1
        $fresh.Key | Should -Be @('new')
        (Get-DsnData -Node $b -NodeId ls-a -Key old, new -MaxAge 00:05:00).Key | Should -Be @('new', 'old')
        (Get-DsnData -Node $b -NodeId ls-a -Key old, new -MaxAge 1 -AsHashtable).Keys | Should -Be @('new')
        (Get-DsnData -Node $b -NodeId ls-a -Key old).Age | Should -BeGreaterOrEqual ([TimeSpan]::FromSeconds(1.2))
    }

    It 'refuses -MaxAge <Name> with DsnMaxAgeInvalid' -ForEach @(
        @{ Name = 'negative'; MaxAge = '-00:00:05' }
        @{ Name = 'zero'; MaxAge = 0 }
    ) {
        $err = Get-DsnTestError { Get-DsnData -Node $b -MaxAge $MaxAge }
        $err.FullyQualifiedErrorId | Should -Be (Get-DsnTestErrorId DsnMaxAgeInvalid Get-DsnData)
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'LastHeard' {
    It 'Get-DsnPeer and Get-DsnData show when each member was last heard from' {
        $peer = Get-DsnPeer -Node $b -NodeId ls-a
        $peer.LastHeard | Should -Not -BeNullOrEmpty
        ([DateTimeOffset]::UtcNow - $peer.LastHeard).TotalSeconds | Should -BeLessThan 5
        Set-DsnData -Node $a -Key heard -Value 1 -Confirm:$false
        (Wait-DsnData -Node $b -NodeId ls-a -Key heard -Timeout 10).LastHeard | Should -Not -BeNullOrEmpty
    }
}

Describe 'A value published with a lease by a process that then exits' {
    It 'is read by the monitor, then disappears from it when its lease ends, reported as an expiry' {
        $publish = Join-Path $TestDrive 'publish-leased.ps1'
        Set-Content -Path $publish -Value @'
param($ModulePath, $Port, $Key, $IdentityPath)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$node = Start-DsnNode -NodeId ls-task -Key $Key -Port 0 -BindAddress 127.0.0.1 -IdentityPath $IdentityPath -Bootstrap "127.0.0.1:$Port" -Confirm:$false
@{ status = 'ok' } | Set-DsnData -TimeToLive 3 -Confirm:$false
Stop-DsnNode -Node $node -Confirm:$false
'@
        $null = Register-ObjectEvent -InputObject $b -EventName StateChanged -SourceIdentifier ls.task
        try {
            $published = [DateTimeOffset]::UtcNow
            $null = Invoke-DsnTestChild -ScriptPath $publish -ArgumentList @((Get-DsnTestModulePath), $b.LocalEndPoint.Port, $netKey, (Join-Path $TestDrive 'ls-task.identity'))
            $null = Wait-DsnPeer -Node $b -NodeId ls-task -Status Left -Timeout 30
            $set = Wait-DsnTestEvent -SourceIdentifier ls.task -Where { param($e) $e.NodeId -eq 'ls-task' -and $e.Key -eq 'status' -and -not $e.IsRemoval } -TimeoutSec 30
            $set.SourceEventArgs.Reason | Should -Be 'Set'
            $expired = Wait-DsnTestEvent -SourceIdentifier ls.task -Where { param($e) $e.NodeId -eq 'ls-task' -and $e.IsRemoval } -TimeoutSec 30
            $expired.SourceEventArgs.Reason | Should -Be 'Expired'
            ([DateTimeOffset]::UtcNow - $published).TotalSeconds | Should -BeGreaterOrEqual 3
            Get-DsnData -Node $b -NodeId ls-task -Key status -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            (Get-DsnPeer -Node $b -NodeId ls-task).Status | Should -Be 'Left'
        }
        finally {
            Unregister-Event -SourceIdentifier ls.task
        }
    }
}
