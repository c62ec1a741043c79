using System;
using DistributedState.Internal;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Protocol;

namespace DistributedState
{
    // A restarted node (same NodeId, same identity) begins a new run: a new epoch of its state. Observers that
    // still hold the previous run replace it when the new run's opening batch arrives: keys the opening writes
    // change once, the others are removed. So the opening is held back until the run has written its initial
    // state (see docs/protocol.md, "A new run of an owner").
    public sealed partial class DsnNode
    {
        /// <summary>Writes that follow the run's first write within this time still travel in its opening batch.</summary>
        internal static readonly TimeSpan OpeningSettle = TimeSpan.FromMilliseconds(250);

        /// <summary>A run that writes nothing opens (empty) this long after its start.</summary>
        internal static readonly TimeSpan OpeningDeadline = TimeSpan.FromSeconds(3);

        /// <summary>True once a peer has shown this node state of a previous run of its own.</summary>
        private bool _previousRunSeen;

        /// <summary>Test hook: true while this run's opening batch is held back.</summary>
        internal bool IsRunOpeningHeld
        {
            get
            {
                lock (_gate)
                    return !_own.IsPublished;
            }
        }

        /// <summary>Called under <c>_gate</c> when the run begins: hold its opening batch back.</summary>
        private void HoldRunOpening() => _own.HoldOpening();

        /// <summary>
        /// After the join: if no peer holds a previous run of this node, nobody can see its keys flap, so the
        /// opening goes at once; otherwise it goes with the run's first writes (or at the deadline, or at stop).
        /// </summary>
        private void OpenRunUnlessObserved(bool joined)
        {
            lock (_gate)
            {
                if (joined && !_previousRunSeen)
                {
                    ReleaseRunOpening();
                    return;
                }
            }

            _loops.Add(RunLoop("opening", OpenRunWhenWrittenAsync));
        }

        private async Task OpenRunWhenWrittenAsync(CancellationToken token)
        {
            Task<bool>? firstWrite;
            lock (_gate)
                firstWrite = _own.FirstWriteWhileHeld;
            if (firstWrite is null)
                return;
            var deadline = Task.Delay(OpeningDeadline, token);
            if (await Task.WhenAny(firstWrite, deadline).ConfigureAwait(false) == firstWrite && firstWrite.Result)
                await Task.Delay(OpeningSettle, token).ConfigureAwait(false); // a script's next writes join the opening
            lock (_gate)
                ReleaseRunOpening();
        }

        /// <summary>Under <c>_gate</c>: lets the opening batch go with the next flush.</summary>
        private void ReleaseRunOpening()
        {
            if (_own.ReleaseOpening())
                _flushSignal.Release();
        }

        /// <summary>Under <c>_gate</c>: a peer's digest names this node's state; another epoch is a previous run.</summary>
        private void NotePreviousRun(IReadOnlyList<OwnerDigest> owners)
        {
            foreach (var owner in owners)
            {
                if (NameRules.SameNodeId(owner.Owner, NodeId))
                    NotePreviousRun(owner.Epoch);
            }
        }

        /// <summary>
        /// Under <c>_gate</c>: a peer holds this node's state at <paramref name="epoch"/> (a digest names it, or it
        /// sent the batches: a joiner's digest leaves out its unopened run, so the bootstrap sends the previous one).
        /// </summary>
        private void NotePreviousRun(long epoch)
        {
            if (epoch != _own.Epoch)
                _previousRunSeen = true;
        }
    }
}
