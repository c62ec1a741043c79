using System.Collections.Generic;
using System.Linq;
using DistributedState.Protocol;
using DistributedState.Security;

namespace DistributedState.Tests.Support
{
    /// <summary>
    /// Signs batches as an owner would, for tests that craft them by hand: each batch commits to the owner's live state
    /// after it, as tracked here from every batch this helper signed of the same epoch (newest version per key wins).
    /// </summary>
    internal sealed class SigningOwner
    {
        private readonly IdentityKey _key;
        private readonly Dictionary<long, Dictionary<string, (long Version, bool Live)>> _epochs = new Dictionary<long, Dictionary<string, (long, bool)>>();

        public SigningOwner(IdentityKey key, string owner)
        {
            _key = key;
            Owner = owner;
        }

        public string Owner { get; }

        public SignedBatch Batch(long epoch, long baseVersion, long version, params (string Key, long Version, string? Value)[] entries) =>
            Batch(epoch, baseVersion, version, entries.Select(e => new BatchEntry(e.Key, e.Version, e.Value)).ToList());

        public SignedBatch Batch(long epoch, long baseVersion, long version, IReadOnlyList<BatchEntry> entries)
        {
            if (!_epochs.TryGetValue(epoch, out var state))
                _epochs[epoch] = state = new Dictionary<string, (long, bool)>();
            foreach (var entry in entries)
            {
                if (!state.TryGetValue(entry.Key, out var held) || held.Version < entry.Version)
                    state[entry.Key] = (entry.Version, entry.Value is not null);
            }

            return SignedBatch.Create(_key, Owner, epoch, baseVersion, version, entries, CommitmentOf(state.Where(p => p.Value.Live).Select(p => (p.Key, p.Value.Version))));
        }

        /// <summary>The commitment to a state whose live keys are <paramref name="live"/>.</summary>
        public static StateCommitment CommitmentOf(IEnumerable<(string Key, long Version)> live)
        {
            var commitment = StateCommitment.Empty;
            foreach (var (key, version) in live)
                commitment = commitment.With(key, version);
            return commitment;
        }
    }
}
