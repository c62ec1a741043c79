# The README's PowerShell quick start, run as written in a fresh pwsh. Only what cannot work on one test machine is
# changed: both "machines" are nodes of one session, so each Start-DsnNode gets a free port on 127.0.0.1 and an
# identity file in the test drive, and "monitor01:7946" becomes monitor01's real address.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $readme = Get-Content -Raw (Join-Path $PSScriptRoot '../../README.md')
    $section = $readme.Substring($readme.IndexOf('## Quick start (PowerShell'))
    $script:quickStart = [regex]::Match($section, '```powershell\r?\n(.*?)```', 'Singleline').Groups[1].Value
}

Describe 'The README quick start' {
    It 'has the lines this test adapts' {
        $quickStart | Should -Match 'Import-Module \./out/DistributedState'
        $quickStart | Should -Match 'Start-DsnNode -NodeId monitor01 -KeyPath \./net\.key'
        $quickStart | Should -Match '-Bootstrap monitor01:7946'
    }

    It 'runs line by line: the write is read back, the peer table lists both nodes, the event fires and the wait returns' {
        $script = $quickStart.Replace('./out/DistributedState', "'$(Split-Path (Get-DsnTestModulePath))'")
        $script = [regex]::Replace($script, '(Start-DsnNode -NodeId (\S+) -KeyPath \./net\.key)',
            { param($m) "$($m.Groups[1].Value) -Port 0 -BindAddress 127.0.0.1 -IdentityPath ./$($m.Groups[2].Value).identity" })
        $script = $script.Replace('-Bootstrap monitor01:7946', '-Bootstrap "127.0.0.1:$((Get-DsnNode -NodeId monitor01).LocalEndPoint.Port)"')
        # After the quick start: show what a user would look at, and wait for the -Action block's output.
        $script += @'

"READ: " + ((Get-DsnData -NodeId web01 | ForEach-Object { "$($_.Key)=$($_.Value)" }) -join ',')
"PEERS: " + ((Get-DsnPeer | ForEach-Object { "$($_.NodeId):$($_.Status)" }) -join ',')
$job = Get-Job | Where-Object Command -like '*EventArgs.NodeId*' | Select-Object -Last 1
Set-DsnData status busy
Wait-DsnData -NodeId web01 -Key status -Value busy -Timeout 10 | Out-Null
$deadline = [DateTime]::UtcNow.AddSeconds(10)
while (-not $job.HasMoreData -and [DateTime]::UtcNow -lt $deadline) { Wait-Event -Timeout 1 | Out-Null }
"EVENT: " + (($job | Receive-Job) -join ' | ')
Get-DsnNode | Stop-DsnNode
'@
        $folder = Join-Path $TestDrive 'readme'
        New-Item -ItemType Directory -Path $folder | Out-Null
        Set-Content -Path (Join-Path $folder 'quickstart.ps1') -Value ('$ErrorActionPreference = "Stop"; if ($PSStyle) { $PSStyle.OutputRendering = "PlainText" }' + "`n" + $script)
        $pwsh = Get-DsnTestShell
        Push-Location $folder
        try {
            $output = & $pwsh -NoProfile -NonInteractive -File ./quickstart.ps1 2>&1 | Out-String -Width 200
            $LASTEXITCODE | Should -Be 0 -Because $output
        } finally {
            Pop-Location
        }
        $output | Should -Match 'READ: cpu=12,disk=80,status=online'
        $output | Should -Match 'PEERS: monitor01:Alive,web01:Alive'
        $output | Should -Match 'EVENT: .*web01/status = busy'
    }
}
