# The module itself and the errors that need no network. Run in a fresh process: the DLL stays loaded after import.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:manifest = Get-DsnTestModulePath
    Import-Module $manifest -Force
    Get-DsnNode | Stop-DsnNode -Confirm:$false
}

Describe 'The module' {
    It 'has a valid manifest' {
        $info = Test-ModuleManifest -Path $manifest
        $info.Name | Should -Be 'DistributedState'
        $info.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
    }

    It 'exports exactly the cmdlets of the spec' {
        $names = (Get-Command -Module DistributedState).Name | Sort-Object
        $names | Should -Be @(
            'Add-DsnNetworkKey', 'Get-DsnData', 'Get-DsnNetworkKey', 'Get-DsnNode', 'Get-DsnPeer', 'Invoke-DsnQuery',
            'Join-DsnTestNetwork', 'New-DsnKey', 'New-DsnSubscription', 'New-DsnTestNetwork', 'Remove-DsnData',
            'Remove-DsnNetworkKey', 'Remove-DsnTestNetwork', 'Resume-DsnTestNode', 'Send-DsnData', 'Set-DsnData',
            'Set-DsnPrimaryNetworkKey', 'Set-DsnTestLink', 'Split-DsnTestNetwork', 'Start-DsnNode',
            'Stop-DsnNode', 'Stop-DsnTestNode', 'Suspend-DsnTestNode', 'Wait-DsnData', 'Wait-DsnPeer')
    }

    It 'documents every cmdlet' {
        foreach ($command in Get-Command -Module DistributedState) {
            (Get-Help $command.Name).Synopsis | Should -Not -BeNullOrEmpty
        }
    }

    It 'supports -WhatIf on state-changing cmdlets' {
        foreach ($name in 'New-DsnKey', 'Start-DsnNode', 'Stop-DsnNode', 'Set-DsnData', 'Remove-DsnData', 'Send-DsnData') {
            (Get-Command $name).Parameters.Keys | Should -Contain 'WhatIf'
        }
    }
}

Describe 'New-DsnKey' {
    It 'returns 64 hexadecimal characters by default and 32 with -Bits 128' {
        New-DsnKey | Should -Match '^[0-9a-f]{64}$'
        New-DsnKey -Bits 128 | Should -Match '^[0-9a-f]{32}$'
    }

    It 'writes a key file and refuses to overwrite it without -Force' {
        $path = Join-Path $TestDrive 'net.key'
        (New-DsnKey -Path $path).FullName | Should -Be $path
        { New-DsnKey -Path $path } | Should -Throw -ErrorId 'DsnKeyFileExists,DistributedState.PowerShell.NewDsnKeyCommand'
        New-DsnKey -Path $path -Force | Should -Not -BeNullOrEmpty
    }

    It 'makes the key file mode 0600 and the folders it creates 0700 on Linux and macOS' {
        if ($PSVersionTable.PSEdition -eq 'Desktop' -or $IsWindows) {
            Set-ItResult -Skipped -Because 'Windows has no mode bits: the file gets an owner-only DACL, which this Linux CI cannot check'
            return
        }
        $path = Join-Path $TestDrive 'new-folder/private.key'
        New-DsnKey -Path $path | Out-Null
        # Compare the flags, not their text: PowerShell's view of UnixFileMode is not the enum's name list.
        $owner = [IO.UnixFileMode]::UserRead -bor [IO.UnixFileMode]::UserWrite
        [IO.File]::GetUnixFileMode($path) | Should -Be $owner
        [IO.File]::GetUnixFileMode((Split-Path $path)) | Should -Be ($owner -bor [IO.UnixFileMode]::UserExecute)
    }

    It 'writes nothing with -WhatIf' {
        $path = Join-Path $TestDrive 'whatif.key'
        New-DsnKey -Path $path -WhatIf
        Test-Path $path | Should -BeFalse
    }
}

Describe 'Errors without a running node' {
    It 'reports DsnNoNodeRunning from <Name>' -ForEach @(
        @{ Name = 'Get-DsnData'; Command = { Get-DsnData } }
        @{ Name = 'Get-DsnPeer'; Command = { Get-DsnPeer } }
        @{ Name = 'Set-DsnData'; Command = { Set-DsnData -Key k -Value v -Confirm:$false } }
        @{ Name = 'Wait-DsnPeer'; Command = { Wait-DsnPeer -NodeId x -Timeout 1 } }
        @{ Name = 'Wait-DsnData'; Command = { Wait-DsnData -NodeId x -Key k -Timeout 1 } }
        @{ Name = 'Remove-DsnData'; Command = { Remove-DsnData -Key k -Confirm:$false } }
        @{ Name = 'Send-DsnData'; Command = { Send-DsnData -NodeId x -Text hi -Confirm:$false } }
        @{ Name = 'Stop-DsnNode'; Command = { Stop-DsnNode -Confirm:$false } }
    ) {
        $type = ($Name -replace '-', '') + 'Command'
        $Command | Should -Throw -ErrorId "DsnNoNodeRunning,DistributedState.PowerShell.$type"
    }

    It 'refuses a key file that other users can read with DsnKeyFileInsecure and the chmod fix' {
        if ($PSVersionTable.PSEdition -eq 'Desktop' -or $IsWindows) {
            Set-ItResult -Skipped -Because 'key files are checked for mode and owner on Unix only'
            return
        }
        $path = Join-Path $TestDrive 'shared.key'
        New-DsnKey -Path $path | Out-Null
        [IO.File]::SetUnixFileMode($path, [IO.UnixFileMode]'UserRead, UserWrite, GroupRead, OtherRead') # 0644
        $failure = $null
        try { Start-DsnNode -NodeId insecure -KeyPath $path -Port 0 -BindAddress 127.0.0.1 -Alone -Confirm:$false -ErrorAction Stop }
        catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -Be 'DsnKeyFileInsecure,DistributedState.PowerShell.StartDsnNodeCommand'
        $failure.CategoryInfo.Category | Should -Be 'SecurityError'
        $failure.TargetObject | Should -Be $path
        $failure.Exception.Message | Should -BeLike "*has mode 0644*Fix it with: chmod 600 '$path'"
        Get-DsnNode | Should -BeNullOrEmpty
    }

    It 'reports an invalid network key as DsnNetworkKeyInvalid' {
        { Start-DsnNode -NodeId bad -Key 'not-a-key' -Port 0 -BindAddress 127.0.0.1 -Confirm:$false } |
            Should -Throw -ErrorId 'DsnNetworkKeyInvalid,DistributedState.PowerShell.StartDsnNodeCommand'
    }

    It 'reports a missing key file as DsnFileNotFound' {
        { Start-DsnNode -NodeId bad -KeyPath (Join-Path $TestDrive 'none.key') -Port 0 -Confirm:$false } |
            Should -Throw -ErrorId 'DsnFileNotFound,DistributedState.PowerShell.StartDsnNodeCommand'
    }

    It 'reports invalid bootstrap endpoints as DsnEndpointInvalid' {
        { Start-DsnNode -NodeId bad -Key (New-DsnKey) -Port 0 -BindAddress 127.0.0.1 -Bootstrap 'web01:99999' -Confirm:$false } |
            Should -Throw -ErrorId 'DsnEndpointInvalid,DistributedState.PowerShell.StartDsnNodeCommand'
    }

    It 'reports an unknown hosted node as DsnNodeNotFound' {
        { Get-DsnNode -NodeId nobody -ErrorAction Stop } | Should -Throw -ErrorId 'DsnNodeNotFound,DistributedState.PowerShell.GetDsnNodeCommand'
        Get-DsnNode -NodeId nobody* | Should -BeNullOrEmpty
    }
}
