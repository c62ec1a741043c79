using System.Collections.Generic;
using System.Linq;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>Get-DsnPeer's selection: by NodeId pattern, then by status.</summary>
    public static class PeerSelection
    {
        /// <summary>Selects peers; no statuses means any status. Unmatched literal NodeIds are reported whatever the status filter.</summary>
        public static NameFilterResult<DsnPeer> Select(IEnumerable<DsnPeer> peers, IEnumerable<string>? nodePatterns, IEnumerable<DsnPeerStatus>? statuses)
        {
            var byName = NameFilter.Apply(peers, nodePatterns, p => p.NodeId);
            var wanted = statuses?.ToList();
            if (wanted is null || wanted.Count == 0) return byName;
            return new NameFilterResult<DsnPeer>(byName.Matches.Where(p => wanted.Contains(p.Status)).ToList(), byName.UnmatchedNames);
        }
    }
}
