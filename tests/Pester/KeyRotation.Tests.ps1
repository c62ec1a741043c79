# A key rotation across processes, as an operator runs it: this session's node and two child pwsh processes, each
# started from its own copy of the key file, change the network key with Add-, Set-DsnPrimary- and
# Remove-DsnNetworkKey given once, here; the children's key files are rewritten, the old key stops working. Every wait
# is on a condition, never a sleep.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:modulePath = (Resolve-Path (Get-DsnTestModulePath)).Path
    Import-Module $modulePath -Force
    Get-DsnNode | Stop-DsnNode -Confirm:$false
    $script:keyFile = Join-Path $TestDrive 'rot-asker.key'
    New-DsnKey -Path $keyFile | Out-Null
    $script:oldKey = (Get-Content -Raw $keyFile).Trim()
    $script:oldId = [DistributedState.DsnNetworkKey]::Parse($oldKey).Id
    $script:asker = Start-DsnNode -NodeId rot-asker -KeyPath $keyFile -Port 0 -BindAddress 127.0.0.1 `
        -IdentityPath (Join-Path $TestDrive 'rot-asker.identity') -Confirm:$false

    $script:childScript = Join-Path $TestDrive 'member.ps1'
    Set-Content $childScript @'
param($ModulePath, $NodeId, $KeyPath, $Bootstrap, $Dir)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
Start-DsnNode -NodeId $NodeId -KeyPath $KeyPath -Port 0 -BindAddress 127.0.0.1 -IdentityPath (Join-Path $Dir "$NodeId.identity") -Bootstrap $Bootstrap -Confirm:$false | Out-Null
$done = New-DsnSubscription -NodeId rot-asker -Key done -EventName StateChanged
Register-ObjectEvent -InputObject $done -EventName StateChanged -SourceIdentifier rot.done | Out-Null
Set-DsnData -Key ready -Value yes -Confirm:$false
# Keyring commands are handled by the node itself; the process only has to stay up until the asker is done.
if (-not (Wait-Event -SourceIdentifier rot.done -Timeout 180)) { throw 'the asker never said it was done' }
'@
    $script:children = foreach ($id in 'rot-web1', 'rot-db1') {
        $childKey = Join-Path $TestDrive "$id.key"
        Copy-Item $keyFile $childKey # each machine has its own copy of the key file
        Start-DsnTestChild -Script $childScript -Name $id -Arguments @('-ModulePath', $modulePath, '-NodeId', $id, '-KeyPath', $childKey,
            '-Bootstrap', "127.0.0.1:$($asker.LocalEndPoint.Port)", '-Dir', $TestDrive)
    }
}

AfterAll {
    foreach ($child in $children) { if ($child -and -not $child.HasExited) { $child.Kill() } }
    Get-EventSubscriber | Unregister-Event
    Get-DsnNode | Stop-DsnNode -Confirm:$false
}

Describe 'Key rotation' {
    BeforeAll {
        try { Wait-DsnData -NodeId rot-web1, rot-db1 -Key ready -Value yes -Timeout 60 | Out-Null }
        catch { throw "$_`n$(Get-DsnTestChildOutput -Name rot-web1)`n$(Get-DsnTestChildOutput -Name rot-db1)" }
        $script:members = @('rot-asker', 'rot-db1', 'rot-web1')
    }

    It 'lists every member holding the one key it started with' {
        $listed = @(Get-DsnNetworkKey -Timeout 20s)
        ($listed.NodeId | Sort-Object) | Should -Be $members
        $listed | ForEach-Object { $_.PrimaryKeyId | Should -Be $oldId; $_.KeyIds | Should -Be @($oldId) }
        ($listed | Out-String) | Should -Match 'PrimaryKeyId'
    }

    It '-WhatIf sends nothing' {
        Add-DsnNetworkKey -Key (New-DsnKey) -WhatIf | Should -BeNullOrEmpty
        @($asker.NetworkKeyring.Keys).Count | Should -Be 1
    }

    It 'rotates the key of every member with one command per step, and rewrites their key files' {
        $new = New-DsnKey
        $newId = [DistributedState.DsnNetworkKey]::Parse($new).Id

        $installed = @(Add-DsnNetworkKey -Key $new -Timeout 20s -Confirm:$false -ErrorAction Stop)
        ($installed.NodeId | Sort-Object) | Should -Be $members
        $installed | ForEach-Object { "$($_.NodeId) $($_.Status)" | Should -Be "$($_.NodeId) Changed"; $_.KeyIds | Should -Be @($oldId, $newId) }

        $switched = @(Set-DsnPrimaryNetworkKey -Key $new -Timeout 20s -Confirm:$false -ErrorAction Stop)
        $switched | ForEach-Object { $_.Status | Should -Be 'Changed'; $_.PrimaryKeyId | Should -Be $newId }

        $removed = @(Remove-DsnNetworkKey -KeyId $oldId -Timeout 20s -Confirm:$false -ErrorAction Stop)
        ($removed.NodeId | Sort-Object) | Should -Be $members
        $removed | ForEach-Object { $_.Status | Should -Be 'Changed'; $_.KeyIds | Should -Be @($newId) }

        foreach ($id in 'rot-web1', 'rot-db1', 'rot-asker') {
            $text = Get-Content -Raw (Join-Path $TestDrive "$id.key")
            $text | Should -Match "primary $new"
            $text | Should -Not -Match $oldKey
        }

        # The network carries on under the new key, and admits it only.
        Set-DsnData -Key after -Value rotation -Confirm:$false
        $late = Start-DsnNode -NodeId rot-late -Key $new -Port 0 -BindAddress 127.0.0.1 -IdentityPath (Join-Path $TestDrive 'rot-late.identity') `
            -Bootstrap "127.0.0.1:$($asker.LocalEndPoint.Port)" -Confirm:$false
        Wait-DsnData -Node $late -NodeId rot-asker -Key after -Value rotation -Timeout 20 | Out-Null
        Wait-DsnPeer -Node $late -NodeId rot-web1, rot-db1 -Timeout 20 | Out-Null
        $record = Get-DsnTestError {
            Start-DsnNode -NodeId rot-stale -Key $oldKey -Port 0 -BindAddress 127.0.0.1 -IdentityPath (Join-Path $TestDrive 'rot-stale.identity') `
                -Bootstrap "127.0.0.1:$($asker.LocalEndPoint.Port)" -JoinTimeout 2 -Confirm:$false
        }
        $record.FullyQualifiedErrorId | Should -Be (Get-DsnTestErrorId DsnJoinFailed Start-DsnNode)
        Stop-DsnNode -Node $late -Confirm:$false
    }

    It 'refuses a key of the wrong length with DsnNetworkKeyInvalid' {
        $record = Get-DsnTestError { Add-DsnNetworkKey -Key 'abc123' -Confirm:$false }
        $record.FullyQualifiedErrorId | Should -Be (Get-DsnTestErrorId DsnNetworkKeyInvalid Add-DsnNetworkKey)
        $record.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'refuses to make primary a key nobody installed with DsnNetworkKeyNotFound' {
        $record = Get-DsnTestError { Set-DsnPrimaryNetworkKey -Key (New-DsnKey) -Node $asker -Confirm:$false }
        $record.FullyQualifiedErrorId | Should -Be (Get-DsnTestErrorId DsnNetworkKeyNotFound Set-DsnPrimaryNetworkKey)
        $record.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'refuses to remove the primary key with DsnNetworkKeyIsPrimary' {
        $primary = $asker.NetworkKeyring.Primary.Id
        $record = Get-DsnTestError { Remove-DsnNetworkKey -KeyId $primary -Node $asker -Confirm:$false }
        $record.FullyQualifiedErrorId | Should -Be (Get-DsnTestErrorId DsnNetworkKeyIsPrimary Remove-DsnNetworkKey)
        $record.CategoryInfo.Category | Should -Be 'InvalidOperation'
        @($asker.NetworkKeyring.Keys).Count | Should -Be 1
    }

    It 'refuses a malformed key id with DsnKeyIdInvalid' {
        $record = Get-DsnTestError { Remove-DsnNetworkKey -KeyId 'not-an-id' -Confirm:$false }
        $record.FullyQualifiedErrorId | Should -Be (Get-DsnTestErrorId DsnKeyIdInvalid Remove-DsnNetworkKey)
    }

    AfterAll { Set-DsnData -Key done -Value yes -Node $asker -Confirm:$false }
}
