#
# Module manifest for DistributedState: a decentralized, authenticated key/value state shared by a fleet.
# Built by `dotnet publish src/DistributedState.PowerShell -c Release -o out/DistributedState` (see README).
#
@{
    RootModule           = 'DistributedState.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Desktop', 'Core')
    GUID                 = '6f1d3c2a-8b4e-4f5a-9c7d-2e1b0a9f8c31'
    Author               = 'DistributedState contributors'
    CompanyName          = 'DistributedState contributors'
    Copyright            = 'Copyright (c) 2026 DistributedState contributors'
    Description          = 'Share small key/value state across a fleet without a server: every machine runs a node, publishes its own keys and reads everyone''s, with authenticated, encrypted gossip, failure detection and events.'
    PowerShellVersion    = '5.1'
    # Windows PowerShell 5.1 only: the netstandard2.0 assemblies need .NET Framework 4.7.2 or later.
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('DistributedState.format.ps1xml')
    # Listed explicitly: '*' makes discovery slow and breaks command autoloading.
    CmdletsToExport      = @(
        'New-DsnKey'
        'Start-DsnNode'
        'Stop-DsnNode'
        'Get-DsnNode'
        'Set-DsnData'
        'Remove-DsnData'
        'Get-DsnData'
        'Get-DsnPeer'
        'Send-DsnData'
        'Wait-DsnPeer'
        'Wait-DsnData'
        'New-DsnSubscription'
        'Invoke-DsnQuery'
        'Add-DsnNetworkKey'
        'Set-DsnPrimaryNetworkKey'
        'Remove-DsnNetworkKey'
        'Get-DsnNetworkKey'
        'New-DsnTestNetwork'
        'Split-DsnTestNetwork'
        'Join-DsnTestNetwork'
        'Set-DsnTestLink'
        'Suspend-DsnTestNode'
        'Resume-DsnTestNode'
        'Stop-DsnTestNode'
        'Remove-DsnTestNetwork'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('DistributedState', 'Gossip', 'Cluster', 'Membership', 'KeyValue', 'Monitoring', 'Fleet', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/distributedstate/DistributedState'
            LicenseUri   = 'https://github.com/distributedstate/DistributedState/blob/main/LICENSE'
            ReleaseNotes = @'
0.1.0
- First release: New-DsnKey, Start-DsnNode, Stop-DsnNode, Get-DsnNode, Set-DsnData, Remove-DsnData, Get-DsnData,
  Get-DsnPeer, Send-DsnData, Wait-DsnPeer, Wait-DsnData.
- Events on the node object for Register-ObjectEvent: PeerJoined, PeerStatusChanged, StateChanged, DataReceived.
- Runs in Windows PowerShell 5.1 and PowerShell 7.4+; dependencies load in the module's own context.
'@
        }
    }
}
