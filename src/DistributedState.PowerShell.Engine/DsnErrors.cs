using System.Collections.Generic;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>The "not found" failures the cmdlets report per item; one place for their ids and wording.</summary>
    public static class DsnErrors
    {
        /// <summary>Get-DsnNode/Stop-DsnNode: no node of that name runs in this session.</summary>
        public static DsnCommandException NodeNotHosted(string nodeId) =>
            new DsnCommandException("DsnNodeNotFound", DsnErrorCategory.ObjectNotFound,
                $"No node named '{nodeId}' runs in this session. Get-DsnNode lists the nodes this session hosts.", nodeId);

        /// <summary>Get-DsnData/Get-DsnPeer: the viewing node knows no member of that name.</summary>
        public static DsnCommandException MemberNotFound(string nodeId, string viewer) =>
            new DsnCommandException("DsnNodeNotFound", DsnErrorCategory.ObjectNotFound,
                $"No member named '{nodeId}' is known to node '{viewer}'. Get-DsnPeer lists the members it knows.", nodeId);

        /// <summary>Get-DsnData/Remove-DsnData: none of the selected members has the key.</summary>
        public static DsnCommandException KeyNotFound(string key, IReadOnlyList<string> nodeIds) =>
            new DsnCommandException("DsnKeyNotFound", DsnErrorCategory.ObjectNotFound,
                nodeIds.Count == 1
                    ? $"Node '{nodeIds[0]}' has no key '{key}'."
                    : $"None of the {nodeIds.Count} selected members has a key '{key}'.", key);
    }
}
