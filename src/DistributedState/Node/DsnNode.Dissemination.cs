using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Sessions;
using DistributedState.Dissemination;
using DistributedState.Internal;
using DistributedState.Protocol;
using DistributedState.State;
using DistributedState.Transport;
using DistributedState.Logging;

namespace DistributedState
{
    // Getting state changes out: local writes are signed in batches and pushed to every connected peer;
    // received batches are checked, applied and, beyond the full mesh, relayed.
    public sealed partial class DsnNode
    {
        private readonly SemaphoreSlim _flushSignal = new SemaphoreSlim(0);
        private readonly object _flushLock = new object();

        /// <summary>The sync answer being gathered on each session (dropped with the session).</summary>
        private readonly System.Runtime.CompilerServices.ConditionalWeakTable<PeerSession, SyncAssembly> _incomingSyncs =
            new System.Runtime.CompilerServices.ConditionalWeakTable<PeerSession, SyncAssembly>();

        private async Task FlushLoopAsync(CancellationToken token)
        {
            long lastFlush = -BatchSpacing.MaxMs;
            var spacing = BatchSpacing.MinMs;
            var lastBatchWrites = 0;
            while (!token.IsCancellationRequested)
            {
                await _flushSignal.WaitAsync(token).ConfigureAwait(false);
                while (_flushSignal.Wait(0))
                {
                    // Many writes, one flush.
                }

                await WhenThawed().ConfigureAwait(false);
                spacing = BatchSpacing.Next(spacing, lastBatchWrites);
                var since = MonotonicMs - lastFlush;
                if (since < spacing)
                    await Task.Delay((int)(spacing - since), token).ConfigureAwait(false);
                lastBatchWrites = FlushPendingWrites();
                lastFlush = MonotonicMs;
            }
        }

        /// <summary>
        /// Signs what was written since the last flush (one signature per batch, not per write) and pushes it. Runs
        /// from the flush loop and before answering a digest; one flush at a time, because each batch must build on
        /// the one before it (taken under <c>_flushLock</c>, always before <c>_gate</c>).
        /// </summary>
        /// <returns>How many local writes the flush covered, overwrites included (0 when none were pending).</returns>
        private int FlushPendingWrites()
        {
            lock (_flushLock)
                return FlushPendingWritesExclusively();
        }

        private int FlushPendingWritesExclusively()
        {
            TakenWrites taken;
            long epoch;
            long baseVersion;
            int writes;
            lock (_gate)
            {
                if (!_own.HasPendingWrites)
                    return 0;
                writes = _own.WritesSinceTaken;
                taken = _own.TakePendingWrites();
                epoch = _own.Epoch;
                baseVersion = _own.Version;
            }

            var batches = new List<SignedBatch>();
            var commitment = taken.Before;
            foreach (var chunk in SplitBySize(taken.Entries))
            {
                var version = chunk.Count > 0 ? chunk[chunk.Count - 1].Version : baseVersion;
                commitment = taken.After(commitment, chunk);
                batches.Add(SignedBatch.Create(_identity, NodeId, epoch, baseVersion, version, chunk, commitment));
                baseVersion = version;
            }

            lock (_gate)
            {
                if (_own.Epoch != epoch)
                    return 0; // rebased while signing: every live entry is pending again under the new epoch
                var budget = InitialRelayBudget();
                foreach (var batch in batches)
                {
                    _own.AttachOwnBatch(batch);
                    Broadcast(MessageCodec.Encode(new PushMessage(budget, new[] { batch })), null);
                }
            }

            _counters.Add("batches.signed", batches.Count);
            NoteOwnStateSigned();
            _changed.Pulse();
            return writes;
        }

        /// <summary>Keeps every batch within one frame: at most one maximal value's worth of entries each.</summary>
        private IEnumerable<List<BatchEntry>> SplitBySize(List<BatchEntry> entries)
        {
            var chunk = new List<BatchEntry>();
            long size = 0;
            foreach (var entry in entries)
            {
                var entrySize = 32 + 4L * entry.Key.Length + 3L * (entry.Value?.Length ?? 0);
                if (chunk.Count > 0 && size + entrySize > _limits.MaxValueBytes)
                {
                    yield return chunk;
                    chunk = new List<BatchEntry>();
                    size = 0;
                }

                chunk.Add(entry);
                size += entrySize;
            }

            yield return chunk;
        }

        private void HandlePush(PeerSession session, PushMessage push)
        {
            foreach (var batch in push.Batches)
            {
                if (!TryApplyPush(session, batch))
                    continue;
                if (push.RelayBudget > 0)
                {
                    lock (_gate)
                        Relay(MessageCodec.Encode(new PushMessage((byte)(push.RelayBudget - 1), new[] { batch })), session.PeerId);
                }
            }
        }

        /// <summary>
        /// Gathers a sync answer (it may span several messages) and applies it once whole. Batches out of order, of
        /// several epochs, or beyond the budget are refused before any signature is checked.
        /// </summary>
        private void HandleSync(PeerSession session, SyncMessage sync)
        {
            if (NameRules.SameNodeId(sync.Owner, NodeId))
            {
                foreach (var batch in sync.Batches)
                    ConsiderOwnBatchFromNetwork(batch);
                return;
            }

            var assembly = _incomingSyncs.GetValue(session, _ => new SyncAssembly());
            var step = assembly.Add(sync, SyncAnswerBudget);
            if (assembly.Abandoned is { } abandoned)
                RefuseIncomplete(session, abandoned, "sync.rejected.incomplete", "its answer stopped before the last message");
            switch (step)
            {
                case SyncStep.Complete:
                    TryApplySync(session, assembly.Take());
                    break;
                case SyncStep.Unordered:
                    _counters.Add("sync.rejected.unordered");
                    _logger.LogWarning("Dropped a state sync for {Owner} from {Peer}: its batches are repeated, out of order or of several runs.", sync.Owner, session.PeerId);
                    lock (_gate)
                        RepairElsewhere(session, sync.Owner);
                    break;
                case SyncStep.Oversized:
                    _counters.Add("sync.rejected.oversized");
                    _logger.LogWarning("Dropped a state sync for {Owner} from {Peer}: it exceeds {Limit} bytes of batches.", sync.Owner, session.PeerId, SyncAnswerBudget);
                    lock (_gate)
                        RepairElsewhere(session, sync.Owner);
                    break;
            }
        }

        /// <summary>
        /// The most bytes of batches one sync answer may carry while it is gathered: twice the state limit (retained
        /// batches also carry superseded values beside their live entries) plus one frame.
        /// </summary>
        private long SyncAnswerBudget => 2 * _options.MaxStateBytes + _limits.MaxFrameBytes;

        /// <summary>Checks and applies one pushed batch (it must extend the chain). Returns true when state changed.</summary>
        private bool TryApplyPush(PeerSession session, SignedBatch batch)
        {
            var owner = batch.Owner;
            if (NameRules.SameNodeId(owner, NodeId))
            {
                if (!ConsiderOwnBatchFromNetwork(batch))
                    StrikeBadSignature(session, "a state batch of this node's own NodeId");
                return false;
            }

            Security.SignatureVerifier? verifier;
            lock (_gate)
            {
                verifier = VerifierOf(session, owner);
                if (verifier is null)
                    return false;
                if (RefusedByOwnerCap(_owners[owner]))
                    return false;
                var fit = _owners[owner].Classify(batch);
                if (fit == BatchFit.Gap)
                {
                    _counters.Add("batches.gap");
                    RequestDigest(session);
                }

                if (fit != BatchFit.Applicable)
                {
                    _counters.Add("batches.duplicate");
                    return false;
                }
            }

            var single = new[] { batch };
            if (!AreGenuine(session, owner, single, verifier))
                return false;
            return ApplyVerified(session, owner, verifier, fromSync: false, (state, changes) => state.TryApply(batch, _options.MaxStateBytes, changes));
        }

        /// <summary>Checks and applies a whole sync answer. Returns true when state changed.</summary>
        private bool TryApplySync(PeerSession session, SyncAnswer answer)
        {
            Security.SignatureVerifier? verifier;
            lock (_gate)
                verifier = VerifierOf(session, answer.Owner);
            if (verifier is null || !AreGenuine(session, answer.Owner, answer.Batches, verifier))
                return false;
            return ApplyVerified(session, answer.Owner, verifier, fromSync: true,
                (state, changes) => state.TryApplySync(answer.Batches, answer.FromVersion, _options.MaxStateBytes, changes));
        }

        /// <summary>Under <c>_gate</c>: the verifier of a member's batches, or null (counted) when no state of it is held.</summary>
        private Security.SignatureVerifier? VerifierOf(PeerSession session, string owner)
        {
            if (_members.TryGet(owner, out var member) && _owners.ContainsKey(owner))
                return member.Verifier;
            _counters.Add("batches.rejected.unknown_owner");
            RequestDigest(session);
            return null;
        }

        /// <summary>Checks the owner's signatures and every entry against the API's rules, outside the lock.</summary>
        private bool AreGenuine(PeerSession session, string owner, IReadOnlyList<SignedBatch> batches, Security.SignatureVerifier verifier)
        {
            foreach (var batch in batches)
            {
                if (!batch.IsSignedBy(verifier, _batchSignatures))
                {
                    _counters.Add("batches.rejected.bad_signature");
                    _logger.LogWarning("Dropped a state batch for {Owner} relayed by {Peer}: its signature is not the owner's.", owner, session.PeerId);
                    StrikeBadSignature(session, "a state batch");
                    return false;
                }

                foreach (var entry in batch.Entries)
                {
                    if (NameRules.KeyProblem(entry.Key) is not null || (entry.Value is not null && NameRules.ValueProblem(entry.Value, _options.MaxValueBytes) is not null))
                    {
                        _counters.Add("batches.rejected.invalid_entry");
                        return false;
                    }
                }
            }

            _counters.Add("batches.verified", batches.Count);
            return true;
        }

        /// <summary>
        /// Applies verified batches under the lock if the owner is still bound to the key that verified them, and
        /// counts a refusal: a copy that would not add up to the owner's commitment is not taken (the copy held stays
        /// as it was) and the owner's state is asked of another peer.
        /// </summary>
        private bool ApplyVerified(PeerSession session, string owner, Security.SignatureVerifier verifier, bool fromSync,
            Func<OwnerState, List<StateChange>, ApplyOutcome> apply)
        {
            var changes = new List<StateChange>();
            lock (_gate)
            {
                if (!_members.TryGet(owner, out var member) || member.Verifier != verifier || !_owners.TryGetValue(owner, out var state))
                    return false; // the owner was rebound or reaped meanwhile
                var outcome = apply(state, changes);
                switch (outcome.Result)
                {
                    case ApplyResult.TooLarge:
                        _counters.Add("batches.rejected.state_too_large");
                        _logger.LogWarning("Dropped state of {Owner}: it would hold {Size} bytes, more than MaxStateBytes ({Limit}).", owner, outcome.SizeAfter, _options.MaxStateBytes);
                        return false;
                    case ApplyResult.Unfit:
                        // A push that no longer fits was overtaken while its signature was checked: nothing to count.
                        if (fromSync)
                            _counters.Add("sync.unfit");
                        return false;
                    case ApplyResult.Incomplete:
                        RefuseIncomplete(session, owner, fromSync ? "sync.rejected.incomplete" : "batches.rejected.incomplete",
                            "the copy would not add up to what the owner signed for its newest version");
                        return false;
                }

                if (!fromSync)
                    member.NoteHeard(MonotonicMs); // a push is news the owner sent moments ago, whoever relayed it
                RaiseStateChanges(changes);
                _changed.Pulse();
            }

            return true;
        }

        /// <summary>
        /// Batches of an owner did not add up to its commitment (a relay left some out, sent an old subset, or an
        /// answer stopped short): the copy held stays, and another peer (the owner first) is asked for the owner's state.
        /// </summary>
        private void RefuseIncomplete(PeerSession session, string owner, string counter, string why)
        {
            _counters.Add(counter);
            _logger.LogWarning("Refused state of {Owner} from {Peer}: {Why}; kept the copy held and asked another peer.", owner, session.PeerId, why);
            lock (_gate)
                RepairElsewhere(session, owner);
        }

        /// <summary>
        /// A batch of this node's own state came back from the network. If an earlier run of this node wrote
        /// versions at or above this run's epoch (its clock was behind), start a new epoch above them, so this
        /// run's writes win and versions never go backwards. Returns false when the batch is a forgery.
        /// </summary>
        private bool ConsiderOwnBatchFromNetwork(SignedBatch batch)
        {
            lock (_gate)
            {
                NotePreviousRun(batch.Epoch);
                // Of this run but beyond what it holds: this run was restored from a data file saved before its last
                // batches (a crash within the save spacing). Peers hold writes the node no longer knows: a new epoch
                // above them makes them drop those and take the state the node has, rather than refusing it as incomplete.
                var beyondRestored = batch.Epoch == _own.Epoch && batch.Version > _own.Version;
                if ((batch.Epoch == _own.Epoch && !beyondRestored) || batch.Version < _own.Epoch)
                    return true;
                if (!_members.TryGet(NodeId, out var self) || !batch.IsSignedBy(self.Verifier, _batchSignatures))
                {
                    _counters.Add("batches.rejected.bad_signature");
                    return false;
                }

                _clock.Observe(batch.Version);
                _own.BeginEpoch(_clock.Next(), _clock.Next);
                _counters.Add("state.rebased");
                _logger.LogInformation(beyondRestored
                    ? "Node {Node} restored its state from a file that misses its last writes (peers hold versions above it); it starts a new epoch above them."
                    : "Node {Node} found versions of an earlier run at or above its own; it starts a new epoch above them.", NodeId);
            }

            _flushSignal.Release();
            return true;
        }
    }
}
