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
            List<BatchEntry> entries;
            long epoch;
            long baseVersion;
            int writes;
            lock (_gate)
            {
                if (!_own.HasPendingWrites)
                    return 0;
                writes = _own.WritesSinceTaken;
                entries = _own.TakePendingWrites();
                epoch = _own.Epoch;
                baseVersion = _own.Version;
            }

            entries.Sort((a, b) => a.Version.CompareTo(b.Version));
            var batches = new List<SignedBatch>();
            foreach (var chunk in SplitBySize(entries))
            {
                var version = chunk.Count > 0 ? chunk[chunk.Count - 1].Version : baseVersion;
                batches.Add(SignedBatch.Create(_identity, NodeId, epoch, baseVersion, version, chunk));
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
                if (!TryApplyBatches(session, batch.Owner, new[] { batch }, syncFrom: null))
                    continue;
                if (push.RelayBudget > 0)
                {
                    lock (_gate)
                        Relay(MessageCodec.Encode(new PushMessage((byte)(push.RelayBudget - 1), new[] { batch })), session.PeerId);
                }
            }
        }

        private void HandleSync(PeerSession session, SyncMessage sync) =>
            TryApplyBatches(session, sync.Owner, sync.Batches, sync.FromVersion);

        /// <summary>
        /// Checks and applies batches of one owner: a push (one batch extending the chain) or a sync answer (a
        /// complete set given <paramref name="syncFrom"/>). Signatures are verified outside the lock, and only for
        /// batches that would change something. Returns true when state changed.
        /// </summary>
        private bool TryApplyBatches(PeerSession session, string owner, IReadOnlyList<SignedBatch> batches, long? syncFrom)
        {
            if (NameRules.SameNodeId(owner, NodeId))
            {
                foreach (var batch in batches)
                {
                    if (!ConsiderOwnBatchFromNetwork(batch))
                    {
                        StrikeBadSignature(session, "a state batch of this node's own NodeId");
                        break;
                    }
                }

                return false;
            }

            Security.SignatureVerifier verifier;
            lock (_gate)
            {
                if (!_members.TryGet(owner, out var member) || !_owners.TryGetValue(owner, out var state))
                {
                    _counters.Add("batches.rejected.unknown_owner");
                    RequestDigest(session);
                    return false;
                }

                if (RefusedByOwnerCap(state))
                    return false;
                if (syncFrom is null)
                {
                    var fit = state.Classify(batches[0]);
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

                verifier = member.Verifier;
            }

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
            var changes = new List<StateChange>();
            lock (_gate)
            {
                if (!_members.TryGet(owner, out var member) || member.Verifier != verifier || !_owners.TryGetValue(owner, out var state))
                    return false; // the owner was rebound or reaped meanwhile
                var size = state.SizeAfterApplying(batches);
                if (size > _options.MaxStateBytes)
                {
                    _counters.Add("batches.rejected.state_too_large");
                    _logger.LogWarning("Dropped state of {Owner}: it would hold {Size} bytes, more than MaxStateBytes ({Limit}).", owner, size, _options.MaxStateBytes);
                    return false;
                }

                if (syncFrom is null)
                {
                    if (state.Classify(batches[0]) != BatchFit.Applicable)
                        return false;
                    state.Apply(batches[0], changes);
                }
                else if (!state.ApplySync(batches, syncFrom.Value, changes))
                {
                    _counters.Add("sync.unfit");
                    return false;
                }

                RaiseStateChanges(changes);
                _changed.Pulse();
            }

            return true;
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
                if (batch.Epoch == _own.Epoch || batch.Version < _own.Epoch)
                    return true;
                if (!_members.TryGet(NodeId, out var self) || !batch.IsSignedBy(self.Verifier, _batchSignatures))
                {
                    _counters.Add("batches.rejected.bad_signature");
                    return false;
                }

                _clock.Observe(batch.Version);
                _own.BeginEpoch(_clock.Next(), _clock.Next);
                _counters.Add("state.rebased");
                _logger.LogInformation("Node {Node} found versions of an earlier run at or above its own; it starts a new epoch above them.", NodeId);
            }

            _flushSignal.Release();
            return true;
        }
    }
}
