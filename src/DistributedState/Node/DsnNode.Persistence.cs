using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Internal;
using DistributedState.Protocol;
using DistributedState.Security;
using DistributedState.State;
using DistributedState.Storage;
using DistributedState.Logging;

namespace DistributedState
{
    // The data directory (DsnNodeOptions.DataPath): the node's own signed batches and the members it knew are saved
    // off the write path and restored at the next start, so a restarted node continues its run.
    public sealed partial class DsnNode
    {
        /// <summary>Saves of the own state are at least this far apart: a burst of writes costs one file replace.</summary>
        internal static readonly TimeSpan SaveSpacing = TimeSpan.FromMilliseconds(50);

        /// <summary>How often the member list is compared with the one saved (and saved if it changed).</summary>
        private static readonly TimeSpan MemberSaveInterval = TimeSpan.FromSeconds(1);

        private readonly DataDirectory? _data;
        private readonly MemberList? _remembered;
        private readonly SemaphoreSlim _saveSignal = new SemaphoreSlim(0);
        /// <summary>One save at a time (the loop's and the final one at stop); guards the fields below.</summary>
        private readonly object _saveLock = new object();
        /// <summary>The batches read at start; dropped once applied.</summary>
        private List<SignedBatch>? _restoredBatches;
        private (long Epoch, long Version) _savedState;
        private List<KeyValuePair<string, DsnEndpoint>>? _savedMembers;
        private int _savedPort;
        private long _lastSaveWarningMs = long.MinValue / 2;

        private DataDirectory? OpenDataDirectory(DsnNodeOptions options)
        {
            if (options.DataPath is null)
                return null;
            var data = new DataDirectory(options.DataPath, options.NodeId, () => _keyring.Current.Keys);
            data.Prepare();
            return data;
        }

        /// <summary>Reads the state and member files; batches are checked against this node's identity.</summary>
        private static (List<SignedBatch>? Batches, MemberList? Members) LoadDataFiles(DataDirectory? data, IdentityKey identity)
        {
            if (data is null)
                return (null, null);
            using var ownKey = SignatureVerifier.For(identity.PublicKey);
            return (data.LoadOwnState(ownKey), data.LoadMembers());
        }

        /// <summary>The port to listen on: with a data directory and port 0, the previous run's.</summary>
        private int PreferredPort => _options.Port == 0 && _remembered is { OwnPort: > 0 } ? _remembered.OwnPort : _options.Port;

        /// <summary>
        /// Under <c>_gate</c> at start: puts the previous run's signed batches back as this node's state — the same
        /// epoch, versions and commitment, so every peer that holds them sees nothing change and nothing go back, and
        /// the next write continues the chain. Returns false when there is nothing to restore (a new run begins).
        /// </summary>
        /// <exception cref="DsnDataFileException">The batches do not add up to the commitment this node signed.</exception>
        private bool RestoreOwnState()
        {
            RequireGate();
            var batches = _restoredBatches;
            _restoredBatches = null;
            if (batches is null || batches.Count == 0)
                return false;
            var outcome = _own.TryApplySync(batches, 0, _options.MaxStateBytes, new List<StateChange>());
            if (outcome.Result == ApplyResult.TooLarge)
                throw new DsnArgumentException(DsnArgument.Option, $"The state file '{_data!.StatePath}' holds {outcome.SizeAfter} bytes of state, more than MaxStateBytes ({_options.MaxStateBytes}); raise MaxStateBytes to restore it.", nameof(DsnNodeOptions.MaxStateBytes));
            if (outcome.Result != ApplyResult.Applied)
                throw new DsnDataFileException(_data!.StatePath, DsnDataFileProblem.Corrupt, "its batches do not add up to the state this node signed (a batch is missing)");
            _clock.Observe(_own.Version);
            lock (_saveLock)
                _savedState = (_own.Epoch, _own.Version);
            _counters.Add("state.restored");
            _logger.LogInformation("Node {Node} restored {Keys} keys of its own state (run {Epoch}, version {Version}) from {Path}.", NodeId, _own.KeyCount, _own.Epoch, _own.Version, _data!.StatePath);
            return true;
        }

        /// <summary>Saves what changed: the own state soon after each signed batch, the member list when it differs.</summary>
        private async Task SaveLoopAsync(CancellationToken token)
        {
            lock (_saveLock)
            {
                _savedMembers = _remembered is null ? null : new List<KeyValuePair<string, DsnEndpoint>>(_remembered.Members);
                _savedPort = _remembered?.OwnPort ?? 0;
            }

            while (!token.IsCancellationRequested)
            {
                if (await _saveSignal.WaitAsync(MemberSaveInterval, token).ConfigureAwait(false))
                {
                    await Task.Delay(SaveSpacing, token).ConfigureAwait(false);
                    while (_saveSignal.Wait(0))
                    {
                        // Everything signed meanwhile goes in this one save.
                    }

                    SaveOwnState();
                }

                SaveMembers();
            }
        }

        /// <summary>Wakes the save loop after a batch was signed.</summary>
        private void NoteOwnStateSigned()
        {
            if (_data is not null)
                _saveSignal.Release();
        }

        /// <summary>At a graceful stop, after the last flush: both files as they are now.</summary>
        private void SaveAll()
        {
            if (_data is null)
                return;
            SaveOwnState();
            SaveMembers();
        }

        private void SaveOwnState()
        {
            lock (_saveLock)
            {
                (long, long) at;
                List<SignedBatch> batches;
                lock (_gate)
                {
                    at = (_own.Epoch, _own.Version);
                    if (at == _savedState)
                        return;
                    batches = _own.BatchesAfter(0, 0); // every batch retained: epoch 0 is below any run
                }

                if (batches.Count > 0 && TrySave(_data!.StatePath, () => _data.SaveOwnState(batches)))
                {
                    _savedState = at;
                    _counters.Add("storage.state.saved");
                }
            }
        }

        private void SaveMembers()
        {
            lock (_saveLock)
            {
                List<KeyValuePair<string, DsnEndpoint>> members;
                lock (_gate)
                    members = MembersToRemember();
                var port = _listener!.LocalEndPoint.Port;
                if (port == _savedPort && _savedMembers is not null && SameMembers(members, _savedMembers))
                    return;
                if (TrySave(_data!.MembersPath, () => _data.SaveMembers(new MemberList(port, members))))
                {
                    _savedMembers = members;
                    _savedPort = port;
                    _counters.Add("storage.members.saved");
                }
            }
        }

        /// <summary>
        /// Under <c>_gate</c>: every other member of the table, whatever its status, sorted by NodeId; and, for one
        /// departed retention after start, the remembered members this run has not met (a node restarted into a full
        /// outage must not forget its network before it finds it).
        /// </summary>
        private List<KeyValuePair<string, DsnEndpoint>> MembersToRemember()
        {
            RequireGate();
            var result = new List<KeyValuePair<string, DsnEndpoint>>();
            foreach (var member in _members.All)
            {
                if (!NameRules.SameNodeId(member.NodeId, NodeId))
                    result.Add(new KeyValuePair<string, DsnEndpoint>(member.NodeId, member.EndPoint));
            }

            if (_remembered is not null && MonotonicMs < _options.DepartedRetention.TotalMilliseconds)
            {
                foreach (var member in _remembered.Members)
                {
                    if (!_members.TryGet(member.Key, out _))
                        result.Add(member);
                }
            }

            result.Sort((a, b) => NameRules.NodeIdComparer.Compare(a.Key, b.Key));
            return result;
        }

        private static bool SameMembers(List<KeyValuePair<string, DsnEndpoint>> a, List<KeyValuePair<string, DsnEndpoint>> b)
        {
            if (a.Count != b.Count)
                return false;
            for (var i = 0; i < a.Count; i++)
            {
                if (!NameRules.SameNodeId(a[i].Key, b[i].Key) || !a[i].Value.Equals(b[i].Value))
                    return false;
            }

            return true;
        }

        /// <summary>A failed save is counted and logged (at most every 10 s); the node keeps running and tries again at the next change.</summary>
        private bool TrySave(string path, Action save)
        {
            try
            {
                save();
                return true;
            }
            catch (Exception error) when (error is IOException || error is UnauthorizedAccessException)
            {
                _counters.Add("storage.save_failed");
                var now = MonotonicMs;
                if (now - _lastSaveWarningMs >= 10_000)
                {
                    _lastSaveWarningMs = now;
                    _logger.LogWarning("Could not save {Path}: {Reason}; the node keeps running and tries again at the next change.", path, error.Message);
                }

                return false;
            }
        }
    }
}
