using System.Collections.Generic;
using DistributedState.Protocol;

namespace DistributedState.Dissemination
{
    /// <summary>
    /// The batches of one owner a peer lacks, given that it holds the owner up to <see cref="FromVersion"/>, and how
    /// they travel: as many sync messages as frames require, oldest batches first, each but the last marked
    /// <see cref="SyncMessage.MoreFollow"/> (the receiver checks the whole answer against the owner's commitment).
    /// </summary>
    internal sealed class SyncAnswer
    {
        public SyncAnswer(string owner, long fromVersion, IReadOnlyList<SignedBatch> batches)
        {
            Owner = owner;
            FromVersion = fromVersion;
            Batches = batches;
        }

        public string Owner { get; }

        public long FromVersion { get; }

        public IReadOnlyList<SignedBatch> Batches { get; }

        /// <summary>The answer as sync messages whose batches take at most <paramref name="frameBudget"/> bytes each (a larger batch travels alone).</summary>
        public IEnumerable<SyncMessage> Messages(long frameBudget)
        {
            var chunk = new List<SignedBatch>();
            long size = 0;
            foreach (var batch in Batches)
            {
                if (chunk.Count > 0 && size + batch.Size > frameBudget)
                {
                    yield return new SyncMessage(Owner, FromVersion, chunk, moreFollow: true);
                    chunk = new List<SignedBatch>();
                    size = 0;
                }

                chunk.Add(batch);
                size += batch.Size;
            }

            if (chunk.Count > 0)
                yield return new SyncMessage(Owner, FromVersion, chunk);
        }
    }
}
