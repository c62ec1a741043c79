using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// Wait-DsnPeer and Wait-DsnData: wait on several members at once with the runtime's waits, and on timeout say
    /// which members were missing and what they looked like then, so a failed Pester test explains itself.
    /// </summary>
    public static class NodeWaits
    {
        /// <summary>
        /// Waits until every member in <paramref name="nodeIds"/> (NodeIds or wildcards, see <see cref="WaitMembers"/>; a
        /// wildcard also counts members that already have the status) has <paramref name="status"/>; returns them in that order.
        /// </summary>
        /// <exception cref="DsnCommandException">DsnWaitTimeout, naming each member that did not get there.</exception>
        public static async Task<IReadOnlyList<DsnPeer>> ForPeersAsync(DsnNode node, IReadOnlyList<string> nodeIds, DsnPeerStatus status,
            TimeSpan timeout, CancellationToken cancellationToken)
        {
            if (node is null) throw new ArgumentNullException(nameof(node));
            var watch = Stopwatch.StartNew();
            var ids = await WaitMembers.ResolveAsync(node, nodeIds, p => WaitMembers.IsLive(p) || p.Status == status, timeout, cancellationToken).ConfigureAwait(false);
            var waits = ids.Select(id => node.WaitForPeerAsync(id, status, Remaining(timeout, watch), cancellationToken)).ToList();
            await WhenAllOrTimeout(waits, ids, missing => DescribePeers(node, missing, status, timeout)).ConfigureAwait(false);
            return waits.Select(w => w.Result).ToList();
        }

        /// <summary>
        /// Waits until <paramref name="key"/> of every member in <paramref name="nodeIds"/> (NodeIds or wildcards, see
        /// <see cref="WaitMembers"/>) holds <paramref name="value"/> (any value when null); returns the entries as they
        /// are after the wait.
        /// </summary>
        /// <exception cref="DsnCommandException">DsnWaitTimeout, naming each member's current value.</exception>
        public static async Task<IReadOnlyList<DsnDataEntry>> ForDataAsync(DsnNode node, IReadOnlyList<string> nodeIds, string key, string? value,
            TimeSpan timeout, CancellationToken cancellationToken)
        {
            if (node is null) throw new ArgumentNullException(nameof(node));
            var watch = Stopwatch.StartNew();
            var ids = await WaitMembers.ResolveAsync(node, nodeIds, WaitMembers.IsLive, timeout, cancellationToken).ConfigureAwait(false);
            var waits = ids.Select(id => node.WaitForDataAsync(id, key, value, Remaining(timeout, watch), cancellationToken)).ToList();
            await WhenAllOrTimeout(waits, ids, missing => DescribeData(node, missing, key, value, timeout)).ConfigureAwait(false);
            return ids.Select(id => node.GetEntry(id, key)).Where(e => e is not null).Select(e => e!).ToList();
        }

        /// <summary>A timeout in seconds as messages show it.</summary>
        internal static string Seconds(TimeSpan timeout) => timeout.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + " s";

        // What is left of the command's timeout once the wildcards are resolved (never zero: the runtime needs a positive wait).
        private static TimeSpan Remaining(TimeSpan timeout, Stopwatch watch)
        {
            var left = timeout - watch.Elapsed;
            return left > TimeSpan.FromMilliseconds(1) ? left : TimeSpan.FromMilliseconds(1);
        }

        private static async Task WhenAllOrTimeout(IReadOnlyList<Task> waits, IReadOnlyList<string> nodeIds, Func<IReadOnlyList<string>, string> describe)
        {
            try
            {
                await Task.WhenAll(waits).ConfigureAwait(false);
            }
            catch (Exception) when (waits.Any(w => w.IsFaulted && w.Exception!.GetBaseException() is TimeoutException))
            {
                var missing = nodeIds.Where((_, i) => waits[i].IsFaulted && waits[i].Exception!.GetBaseException() is TimeoutException).ToList();
                throw new DsnCommandException("DsnWaitTimeout", DsnErrorCategory.OperationTimeout, describe(missing),
                    missing.Count == 1 ? (object)missing[0] : missing.ToArray());
            }
        }

        private static string DescribePeers(DsnNode node, IReadOnlyList<string> missing, DsnPeerStatus status, TimeSpan timeout)
        {
            var peers = node.GetPeers();
            var now = missing.Select(id =>
            {
                var peer = peers.FirstOrDefault(p => DsnNames.SameNodeId(p.NodeId, id));
                return peer is null ? $"{id} is unknown" : $"{id} is {peer.Status}";
            });
            return $"Timed out after {Seconds(timeout)} waiting for {string.Join(", ", missing)} to be {status} as seen by '{node.NodeId}': {string.Join(", ", now)}.";
        }

        private static string DescribeData(DsnNode node, IReadOnlyList<string> missing, string key, string? value, TimeSpan timeout)
        {
            var now = missing.Select(id =>
            {
                var current = node.GetData(id, key);
                return current is null ? $"{id} has no '{key}'" : $"{id} has '{key}' = '{current}'";
            });
            var wanted = value is null ? $"'{key}' to be set" : $"'{key}' to be '{value}'";
            return $"Timed out after {Seconds(timeout)} waiting for {wanted} on {string.Join(", ", missing)} as seen by '{node.NodeId}': {string.Join(", ", now)}.";
        }

    }
}
