using System.Collections.Generic;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>What <see cref="DataSelection.Select"/> found.</summary>
    public sealed class DataSelectionResult
    {
        internal DataSelectionResult(IReadOnlyList<string> members, IReadOnlyList<DsnDataEntry> entries,
            IReadOnlyList<string> unmatchedNodeIds, IReadOnlyList<string> unmatchedKeys)
        {
            Members = members;
            Entries = entries;
            UnmatchedNodeIds = unmatchedNodeIds;
            UnmatchedKeys = unmatchedKeys;
        }

        /// <summary>The selected members.</summary>
        public IReadOnlyList<string> Members { get; }

        /// <summary>The selected entries, member by member, keys in the runtime's order.</summary>
        public IReadOnlyList<DsnDataEntry> Entries { get; }

        /// <summary>Literal NodeIds that name no known member.</summary>
        public IReadOnlyList<string> UnmatchedNodeIds { get; }

        /// <summary>Literal keys that none of the selected members has.</summary>
        public IReadOnlyList<string> UnmatchedKeys { get; }
    }
}
