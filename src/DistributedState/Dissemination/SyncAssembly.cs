using System.Collections.Generic;
using DistributedState.Protocol;

namespace DistributedState.Dissemination
{
    /// <summary>What a sync message did to the answer being gathered on its session.</summary>
    internal enum SyncStep
    {
        /// <summary>Part of an answer whose further messages are still to come.</summary>
        Waiting,

        /// <summary>The answer is whole: take it with <see cref="SyncAssembly.Take"/>.</summary>
        Complete,

        /// <summary>
        /// Refused: batches not in strictly ascending versions (repeated, reordered) or of more than one epoch, or a
        /// continuation of another owner or from-version. An honest sender sends an owner's retained batches of one epoch
        /// oldest first, so nothing honest is lost; the answer is dropped before any signature is checked.
        /// </summary>
        Unordered,

        /// <summary>Refused: the answer grew beyond the byte budget.</summary>
        Oversized,
    }

    /// <summary>
    /// Gathers the messages of one sync answer arriving on one session (an answer too large for a frame comes as several,
    /// all but the last marked <see cref="SyncMessage.MoreFollow"/>), so that the whole answer is judged against the
    /// owner's commitment at once: a part alone never adds up. Checks each message as it arrives: one owner, one
    /// from-version, one epoch, versions strictly ascending across the whole answer, at most <c>maxBytes</c> of batches.
    /// A message that does not continue an unfinished answer abandons it (<see cref="Abandoned"/>): the unfinished one
    /// can never add up. Not thread-safe: a session delivers its messages one at a time.
    /// </summary>
    internal sealed class SyncAssembly
    {
        private readonly List<SignedBatch> _batches = new List<SignedBatch>();
        private long _bytes;

        /// <summary>The owner of the answer being gathered (null when none is).</summary>
        public string? Owner { get; private set; }

        /// <summary>The version the answer starts from.</summary>
        public long FromVersion { get; private set; }

        /// <summary>The owner of an unfinished answer that the last <see cref="Add"/> dropped to start anew; null when none was.</summary>
        public string? Abandoned { get; private set; }

        /// <summary>Adds a message; on <see cref="SyncStep.Unordered"/> and <see cref="SyncStep.Oversized"/> everything gathered is dropped.</summary>
        public SyncStep Add(SyncMessage message, long maxBytes)
        {
            Abandoned = null;
            if (Owner is not null && (Owner != message.Owner || FromVersion != message.FromVersion))
            {
                Abandoned = Owner;
                Clear();
            }

            if (Owner is null)
            {
                Owner = message.Owner;
                FromVersion = message.FromVersion;
            }

            foreach (var batch in message.Batches)
            {
                if (_batches.Count > 0)
                {
                    var previous = _batches[_batches.Count - 1];
                    if (batch.Epoch != previous.Epoch || batch.Version <= previous.Version)
                    {
                        Clear();
                        return SyncStep.Unordered;
                    }
                }

                _batches.Add(batch);
                _bytes += batch.Size;
                if (_bytes > maxBytes)
                {
                    Clear();
                    return SyncStep.Oversized;
                }
            }

            return message.MoreFollow ? SyncStep.Waiting : SyncStep.Complete;
        }

        /// <summary>The whole answer, oldest batch first; the assembly is empty afterwards.</summary>
        public SyncAnswer Take()
        {
            var answer = new SyncAnswer(Owner ?? "", FromVersion, new List<SignedBatch>(_batches));
            Clear();
            return answer;
        }

        private void Clear()
        {
            _batches.Clear();
            _bytes = 0;
            Owner = null;
            FromVersion = 0;
        }
    }
}
