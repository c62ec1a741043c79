# Invoke-DsnQuery across processes: two child pwsh processes answer a query from a Register-ObjectEvent action while
# they wait in Wait-Event (PowerShell runs event actions only while a session is idle or waits for events, so the
# asking session, busy in Invoke-DsnQuery, cannot answer its own query from an action: it is asked, and does not
# answer). Every wait is on a condition, never a sleep.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:modulePath = (Resolve-Path (Get-DsnTestModulePath)).Path
    Import-Module $modulePath -Force
    Get-DsnNode | Stop-DsnNode -Confirm:$false
    $script:key = New-DsnKey
    $script:asker = Start-DsnTestNode -NodeId qry-asker -Key $key

    $script:childScript = Join-Path $TestDrive 'answer.ps1'
    Set-Content $childScript @'
param($ModulePath, $NodeId, $Key, $Bootstrap, $Dir)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$node = Start-DsnNode -NodeId $NodeId -Key $Key -Port 0 -BindAddress 127.0.0.1 -IdentityPath (Join-Path $Dir "$NodeId.identity") -Bootstrap $Bootstrap -Confirm:$false
Register-ObjectEvent -InputObject $node -EventName QueryReceived -SourceIdentifier qry.answer -Action {
    if ($EventArgs.Name -eq 'whoami') { $null = $EventArgs.Respond("$($Event.MessageData) got $($EventArgs.Text) from $($EventArgs.AskerId)") }
} -MessageData $NodeId | Out-Null
$done = New-DsnSubscription -NodeId qry-asker -Key done -EventName StateChanged
Register-ObjectEvent -InputObject $done -EventName StateChanged -SourceIdentifier qry.done | Out-Null
Set-DsnData -Key ready -Value yes -Confirm:$false
# Wait-Event runs the query action whenever a query arrives, until the asker says it is done.
if (-not (Wait-Event -SourceIdentifier qry.done -Timeout 120)) { throw 'the asker never said it was done' }
'@
    $script:children = foreach ($id in 'qry-web1', 'qry-db1') {
        Start-DsnTestChild -Script $childScript -Name $id -Arguments @('-ModulePath', $modulePath, '-NodeId', $id, '-Key', $key,
            '-Bootstrap', "127.0.0.1:$($asker.LocalEndPoint.Port)", '-Dir', $TestDrive)
    }
}

AfterAll {
    foreach ($child in $children) { if ($child -and -not $child.HasExited) { $child.Kill() } }
    Get-EventSubscriber | Unregister-Event
    Get-DsnNode | Stop-DsnNode -Confirm:$false
}

Describe 'Invoke-DsnQuery' {
    BeforeAll {
        try { Wait-DsnData -NodeId qry-web1, qry-db1 -Key ready -Value yes -Timeout 60 | Out-Null }
        catch { throw "$_`n$(Get-DsnTestChildOutput -Name qry-web1)`n$(Get-DsnTestChildOutput -Name qry-db1)" }
    }

    It 'streams one answer per member, with its latency, from handlers in other processes' {
        $answers = @(Invoke-DsnQuery -Name whoami -Text hello -Timeout 5s -Confirm:$false)
        ($answers.NodeId | Sort-Object) | Should -Be @('qry-db1', 'qry-web1')
        ($answers | Where-Object NodeId -eq 'qry-web1').Text | Should -Be 'qry-web1 got hello from qry-asker'
        $answers | ForEach-Object { $_.Latency.TotalMilliseconds | Should -BeGreaterThan 0 }
    }

    It 'asks only the members a wildcard names' {
        $answers = @(Invoke-DsnQuery -Name whoami -Text x -NodeId 'qry-w*' -Timeout 20s -Confirm:$false)
        $answers.NodeId | Should -Be @('qry-web1')
    }

    It 'ends at the timeout when nobody handles the name, with no answers' {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        @(Invoke-DsnQuery -Name nobody-answers -Timeout 500ms -Confirm:$false).Count | Should -Be 0
        $clock.Elapsed.TotalMilliseconds | Should -BeGreaterOrEqual 450
    }

    It 'reports a literal NodeId no member has with DsnNodeNotFound' {
        $record = Get-DsnTestError { Invoke-DsnQuery -Name whoami -NodeId nobody -Confirm:$false }
        $record.FullyQualifiedErrorId | Should -Be (Get-DsnTestErrorId DsnNodeNotFound Invoke-DsnQuery)
    }

    It 'refuses a bad name with DsnArgumentInvalid' {
        $record = Get-DsnTestError { Invoke-DsnQuery -Name ('x' * 200) -Confirm:$false }
        $record.FullyQualifiedErrorId | Should -Be (Get-DsnTestErrorId DsnArgumentInvalid Invoke-DsnQuery)
        $record.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    AfterAll { Set-DsnData -Key done -Value yes -Confirm:$false }
}
