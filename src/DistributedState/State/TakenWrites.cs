using System.Collections.Generic;
using DistributedState.Protocol;

namespace DistributedState.State
{
    /// <summary>
    /// Local writes taken to be signed (<see cref="OwnerState.TakePendingWrites"/>), with what the owner must commit to
    /// in each batch made of them: the live state after that batch. Every entry knows which signed value it replaces,
    /// so the commitment moves from one batch to the next without looking at the whole state again.
    /// </summary>
    internal sealed class TakenWrites
    {
        private readonly Dictionary<string, long?> _replaced;

        public TakenWrites(List<BatchEntry> entries, StateCommitment before, Dictionary<string, long?> replaced)
        {
            Entries = entries;
            Before = before;
            _replaced = replaced;
        }

        /// <summary>The newest value of every changed key, oldest version first.</summary>
        public List<BatchEntry> Entries { get; }

        /// <summary>The commitment of the state as last signed (before any of these writes).</summary>
        public StateCommitment Before { get; }

        /// <summary>
        /// The commitment after a batch of <paramref name="chunk"/> (entries of <see cref="Entries"/>), given the
        /// commitment before it: batches made of these writes chain their commitments from <see cref="Before"/>.
        /// </summary>
        public StateCommitment After(StateCommitment before, IEnumerable<BatchEntry> chunk)
        {
            var commitment = before;
            foreach (var entry in chunk)
            {
                if (_replaced.TryGetValue(entry.Key, out var replaced) && replaced is { } version)
                    commitment = commitment.Without(entry.Key, version);
                if (entry.Value is not null)
                    commitment = commitment.With(entry.Key, entry.Version);
            }

            return commitment;
        }
    }
}
