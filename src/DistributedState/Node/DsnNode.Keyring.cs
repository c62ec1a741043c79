using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Protocol;
using DistributedState.Sessions;

namespace DistributedState
{
    // Key rotation without downtime: keyring commands handed on like fleet queries, applied by every member.
    public sealed partial class DsnNode
    {
        private static readonly TimeSpan DefaultKeyringTimeout = TimeSpan.FromSeconds(10);

        /// <summary>
        /// The network keys this node holds now: it dials with the primary and admits peers that dial with any of them.
        /// Changed by <see cref="InstallNetworkKeyAsync"/>, <see cref="UseNetworkKeyAsync"/> and
        /// <see cref="RemoveNetworkKeyAsync"/>, from this node or any other member.
        /// </summary>
        public DsnNetworkKeyring NetworkKeyring => _keyring.Current;

        /// <summary>
        /// Adds <paramref name="key"/> to the keyring of every member (this node included), which then admits peers that
        /// dial with it; nobody dials with it until <see cref="UseNetworkKeyAsync"/>. The key travels only inside the
        /// members' encrypted sessions. Returns one result per member: those that did not answer within
        /// <paramref name="timeout"/> (default 10 s) as <see cref="DsnKeyringStatus.NoAnswer"/>.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
        /// <exception cref="DsnArgumentException">A timeout outside 10 ms to 5 minutes.</exception>
        /// <exception cref="DsnNodeStoppedException">This node has stopped.</exception>
        public Task<IReadOnlyList<DsnKeyringResult>> InstallNetworkKeyAsync(DsnNetworkKey key, TimeSpan? timeout = null,
            Action<DsnKeyringResult>? onResult = null, CancellationToken cancellationToken = default)
        {
            if (key is null)
                throw new ArgumentNullException(nameof(key));
            return RunKeyringCommandAsync(DsnKeyringOperation.Install, key.Id, key, timeout, onResult, cancellationToken);
        }

        /// <summary>
        /// Makes the key of <paramref name="keyId"/> (<see cref="DsnNetworkKey.Id"/>) the primary of every member, which
        /// then dials with it; the former primary stays accepted until removed. Install the key first: a member that does
        /// not hold it refuses.
        /// </summary>
        /// <exception cref="DsnArgumentException"><paramref name="keyId"/> is not a key id, or a bad timeout.</exception>
        /// <exception cref="DsnKeyringException">This node holds no key of that id (<see cref="DsnKeyringProblem.UnknownKey"/>).</exception>
        /// <exception cref="DsnNodeStoppedException">This node has stopped.</exception>
        public Task<IReadOnlyList<DsnKeyringResult>> UseNetworkKeyAsync(string keyId, TimeSpan? timeout = null,
            Action<DsnKeyringResult>? onResult = null, CancellationToken cancellationToken = default)
        {
            RequireKeyId(keyId);
            var key = NetworkKeyring.Find(keyId) ?? throw new DsnKeyringException(DsnKeyringProblem.UnknownKey, keyId,
                $"This node holds no key with id '{keyId}': install it on every member first (Add-DsnNetworkKey), then make it primary.");
            return RunKeyringCommandAsync(DsnKeyringOperation.Use, key.Id, null, timeout, onResult, cancellationToken);
        }

        /// <summary>
        /// Takes the key of <paramref name="keyId"/> out of every member's keyring: from then on a peer that dials with it
        /// is refused. A member whose primary it still is refuses (make another key primary first); one that does not hold
        /// it reports <see cref="DsnKeyringStatus.Unchanged"/>. Sessions already open stay open: their keys come from the
        /// handshake's ephemeral exchange, not from the network key.
        /// </summary>
        /// <exception cref="DsnArgumentException"><paramref name="keyId"/> is not a key id, or a bad timeout.</exception>
        /// <exception cref="DsnKeyringException">It is this node's primary key (<see cref="DsnKeyringProblem.PrimaryKey"/>).</exception>
        /// <exception cref="DsnNodeStoppedException">This node has stopped.</exception>
        public Task<IReadOnlyList<DsnKeyringResult>> RemoveNetworkKeyAsync(string keyId, TimeSpan? timeout = null,
            Action<DsnKeyringResult>? onResult = null, CancellationToken cancellationToken = default)
        {
            RequireKeyId(keyId);
            var primary = NetworkKeyring.Primary;
            if (string.Equals(primary.Id, keyId, StringComparison.OrdinalIgnoreCase))
                throw new DsnKeyringException(DsnKeyringProblem.PrimaryKey, primary.Id,
                    $"The key '{primary.Id}' is this node's primary key: make another key primary on every member first (Set-DsnPrimaryNetworkKey), then remove it.");
            return RunKeyringCommandAsync(DsnKeyringOperation.Remove, keyId.ToLowerInvariant(), null, timeout, onResult, cancellationToken);
        }

        /// <summary>Asks every member which keys it holds: one result per member, with the key ids (never the keys), the primary first.</summary>
        /// <exception cref="DsnArgumentException">A timeout outside 10 ms to 5 minutes.</exception>
        /// <exception cref="DsnNodeStoppedException">This node has stopped.</exception>
        public Task<IReadOnlyList<DsnKeyringResult>> ListNetworkKeysAsync(TimeSpan? timeout = null,
            Action<DsnKeyringResult>? onResult = null, CancellationToken cancellationToken = default) =>
            RunKeyringCommandAsync(DsnKeyringOperation.List, new string('0', DsnNetworkKey.IdLength), null, timeout, onResult, cancellationToken);

        private async Task<IReadOnlyList<DsnKeyringResult>> RunKeyringCommandAsync(DsnKeyringOperation operation, string keyId, DsnNetworkKey? key,
            TimeSpan? timeout, Action<DsnKeyringResult>? onResult, CancellationToken cancellationToken)
        {
            var wait = timeout ?? DefaultKeyringTimeout;
            if (wait < TimeSpan.FromMilliseconds(10) || wait > MaxQueryTimeout)
                throw new DsnArgumentException(DsnArgument.Option, $"A keyring operation's timeout is from 10 ms to 5 minutes; {wait} was given.", nameof(timeout));
            EnsureRunning();
            var deadline = (DateTimeOffset.UtcNow + wait).ToUnixTimeMilliseconds();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            // This node removes a key from its own ring last, once the others have answered: a member that still dials
            // with that key (its primary, so it refuses the removal) must be able to reach this node to say so.
            var removesHereLast = operation == DsnKeyringOperation.Remove;
            Action<DsnQueryResponse>? forward = onResult is null ? null : response => onResult(ToKeyringResult(operation, response));
            var collector = await AskFleetAsync(Array.Empty<string>(), wait, "keyring.asked", forward, cancellationToken,
                id => KeyringCommandMessage.Create(_identity, InitialRelayBudget(), id, NodeId, deadline, operation, keyId, key),
                removesHereLast ? null : (command, answers) => answers.TryAdd(NodeId, _keyring.Apply(command.Operation, command.KeyId, command.Key).Encode()))
                .ConfigureAwait(false);
            var results = collector.Responses().Select(r => ToKeyringResult(operation, r)).ToList();
            if (removesHereLast)
            {
                var own = new DsnQueryResponse(NodeId, _keyring.Apply(operation, keyId, key).Encode(), clock.Elapsed);
                results.Add(ToKeyringResult(operation, own));
                onResult?.Invoke(results[results.Count - 1]);
            }

            foreach (var silent in collector.Unanswered())
            {
                results.Add(new DsnKeyringResult(silent, operation, DsnKeyringStatus.NoAnswer,
                    $"no answer within {wait.TotalSeconds:0.###} s: the member may be down or unreachable; run the command again once it is back",
                    Array.Empty<string>(), wait));
            }

            return results.OrderBy(r => r.NodeId, StringComparer.OrdinalIgnoreCase).ToList();
        }

        private void HandleKeyringCommand(PeerSession session, KeyringCommandMessage command)
        {
            if (!AcceptFleetMessage(session, "keyring", command.Asker, command.CommandId, command.DeadlineUnixMs, command.IsSignedBy,
                    () => command.RelayBudget > 0 ? command.WithRelayBudget((byte)(command.RelayBudget - 1)) : null,
                    out var askerEndpoint))
                return;
            var report = _keyring.Apply(command.Operation, command.KeyId, command.Key);
            if (command.Operation != DsnKeyringOperation.List)
                _logger.LogInformation("Keyring command {Operation} {KeyId} from {Asker}: {Status}.", command.Operation, command.KeyId, command.Asker, report.Status);
            SendQueryResponse(command.Asker, askerEndpoint, command.CommandId, report.Encode());
        }

        private static DsnKeyringResult ToKeyringResult(DsnKeyringOperation operation, DsnQueryResponse response)
        {
            try
            {
                var report = KeyringReport.Decode(response.Payload);
                return new DsnKeyringResult(response.NodeId, operation, report.Status, report.Message, report.KeyIds, response.Latency);
            }
            catch (InvalidDataException error)
            {
                return new DsnKeyringResult(response.NodeId, operation, DsnKeyringStatus.Refused, "its answer is not a keyring report: " + error.Message,
                    Array.Empty<string>(), response.Latency);
            }
        }

        private static void RequireKeyId(string keyId)
        {
            if (!DsnNetworkKey.IsKeyId(keyId))
                throw new DsnArgumentException(DsnArgument.Option,
                    $"A key id is {DsnNetworkKey.IdLength} hexadecimal characters, as Get-DsnNetworkKey shows them; '{keyId}' is not one.", nameof(keyId));
        }
    }
}
