# New-DsnSubscription: a console session subscribed to a few keys of a busy network stays responsive. A child process
# floods the network with 10,000 changes per second from one member while another member changes the watched key;
# only the watched changes reach PowerShell's event queue. Every wait is on a condition, never a sleep.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:modulePath = (Resolve-Path (Get-DsnTestModulePath)).Path
    Import-Module $modulePath -Force
    Get-DsnNode | Stop-DsnNode -Confirm:$false
    $script:key = New-DsnKey
    $script:console = Start-DsnTestNode -NodeId sub-console -Key $key

    $script:childScript = Join-Path $TestDrive 'flood.ps1'
    Set-Content $childScript @'
param($ModulePath, $Key, $Bootstrap, $Dir)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$noise = Start-DsnNode -NodeId sub-noise -Key $Key -Port 0 -BindAddress 127.0.0.1 -IdentityPath (Join-Path $Dir 'noise.identity') -Bootstrap $Bootstrap -Confirm:$false
$web = Start-DsnNode -NodeId sub-web1 -Key $Key -Port 0 -BindAddress 127.0.0.1 -IdentityPath (Join-Path $Dir 'web1.identity') -Bootstrap $Bootstrap -Confirm:$false
Wait-DsnPeer -Node $web -NodeId sub-console, sub-noise -Timeout 60 | Out-Null
Wait-DsnData -Node $noise -NodeId sub-console -Key go -Value now -Timeout 60 | Out-Null

# 10,000 changes a second from sub-noise, in writes of 1,000 keys every 100 ms; sub-web1 changes cpu every 100 ms.
$clock = [Diagnostics.Stopwatch]::StartNew()
$changes = 0
for ($tick = 1; $tick -le 30; $tick++) {
    $batch = New-Object 'System.Collections.Generic.Dictionary[string,string]'
    for ($i = 0; $i -lt 1000; $i++) { $batch["metric$i"] = "$tick" }
    $noise.SetData($batch)
    $changes += 1000
    $web.SetData('cpu', "$tick")
    $web.SetData('mem', "$tick")
    $wait = $tick * 100 - $clock.ElapsedMilliseconds
    if ($wait -gt 0) { [Threading.Thread]::Sleep([int]$wait) } # pacing the flood, not waiting for a result
}
$rate = [int]($changes / $clock.Elapsed.TotalSeconds)
Set-DsnData -Node $noise -Key rate -Value "$rate" -Confirm:$false
"flooded $changes changes at $rate per second"
Wait-DsnData -Node $noise -NodeId sub-console -Key done -Value yes -Timeout 120 | Out-Null
'@
    $script:child = Start-DsnTestChild -Script $childScript -Name flood -Arguments @('-ModulePath', $modulePath, '-Key', $key,
        '-Bootstrap', "127.0.0.1:$($console.LocalEndPoint.Port)", '-Dir', $TestDrive)
}

AfterAll {
    if ($child -and -not $child.HasExited) { $child.Kill() }
    Get-EventSubscriber | Unregister-Event
    Get-Event | Remove-Event
    Get-DsnNode | Stop-DsnNode -Confirm:$false
}

Describe 'New-DsnSubscription' {
    It 'delivers the watched key of matching members while 10,000 other changes per second flow' {
        try {
            Wait-DsnPeer -NodeId sub-noise, sub-web1 -Timeout 60 | Out-Null
            $subscription = New-DsnSubscription -NodeId 'sub-web*' -Key cpu -EventName StateChanged -QueueCapacity 1000
            Register-ObjectEvent -InputObject $subscription -EventName StateChanged -SourceIdentifier sub.webcpu
            Set-DsnData -Key go -Value now -Confirm:$false

            # The session answers while the flood runs: each read returns quickly.
            $slowest = 0
            $last = $null
            $deadline = [DateTime]::UtcNow.AddSeconds(90)
            while ($last -ne '30' -and [DateTime]::UtcNow -lt $deadline) {
                $event = Wait-Event -SourceIdentifier sub.webcpu -Timeout 5
                if ($event) {
                    Remove-Event -EventIdentifier $event.EventIdentifier
                    $event.SourceEventArgs.NodeId | Should -Be 'sub-web1'
                    $event.SourceEventArgs.Key | Should -Be 'cpu'
                    $last = $event.SourceEventArgs.NewValue
                }
                $elapsed = (Measure-Command { $null = Get-DsnData -NodeId sub-web1 -Key cpu }).TotalMilliseconds
                $slowest = [Math]::Max($slowest, $elapsed)
            }
            $last | Should -Be '30'
            $slowest | Should -BeLessThan 1000

            $rate = (Wait-DsnData -NodeId sub-noise -Key rate -Timeout 60).Value
            Write-Host "  flood: $rate changes/s from sub-noise; slowest read during it: $([int]$slowest) ms; subscription raised $($subscription.Raised), dropped $($subscription.Dropped)"
            [int]$rate | Should -BeGreaterThan 5000   # paced at 10,000/s; a loaded machine may fall somewhat short
            (Get-DsnData -NodeId sub-noise -Key metric999).Value | Should -Be '30'
            $subscription.Dropped | Should -Be 0
            $subscription.Raised | Should -BeLessOrEqual 30   # only the watched key of the matching member
            @(Get-Event -SourceIdentifier sub.webcpu -ErrorAction SilentlyContinue).Count | Should -BeLessOrEqual 30
            Set-DsnData -Key done -Value yes -Confirm:$false
            $subscription.Dispose()
            $subscription.IsActive | Should -BeFalse
        }
        catch {
            throw "$_`n$(Get-DsnTestChildOutput -Name flood)"
        }
    }

    It 'refuses a malformed pattern with DsnPatternInvalid' {
        $record = Get-DsnTestError { New-DsnSubscription -NodeId 'web[' }
        $record.FullyQualifiedErrorId | Should -Be (Get-DsnTestErrorId DsnPatternInvalid New-DsnSubscription)
        $record.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'refuses a queue capacity below 1 before starting anything' {
        { New-DsnSubscription -QueueCapacity 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,DistributedState.PowerShell.NewDsnSubscriptionCommand'
    }
}
