using System;
using System.Collections.Generic;
using DistributedState.Dissemination;

namespace DistributedState.Membership
{
    /// <summary>
    /// Whom a node probes next, as SWIM prescribes: a round-robin over the members in a random order, so every member
    /// is probed within one round. The order is a random affine permutation of the member list's positions
    /// (position = (a·i + b) mod n, a coprime to n, new a and b every round): a shuffle with O(1) state, so that the
    /// benchmarks' virtual-time simulation can run this very code for 10,000 nodes without an N × N table.
    /// Beyond the full mesh the round-robin covers connected neighbours only (every member is some members' neighbour,
    /// so each is still probed about as often), and every <see cref="ConnectionPolicy.UnconnectedProbeEvery"/>th probe goes to a random
    /// live member without a connection instead: a member whose neighbours all went away is still checked, at one
    /// handshake per node per few seconds rather than one per probe. Not thread-safe: the node calls it under its lock.
    /// </summary>
    /// <typeparam name="T">How the caller names a member (the node: <see cref="Member"/>; the simulation: an index).</typeparam>
    internal sealed class ProbeScheduler<T>
    {
        /// <summary>Random guesses for an unconnected member before listing them; guessing fails only when nearly all are neighbours.</summary>
        private const int UnconnectedGuesses = 64;

        private readonly Random _random;
        private readonly List<T> _unconnected = new List<T>();
        private int _roundSize;
        private int _step;
        private int _offset;
        private int _position;
        private int _probesSinceUnconnected;

        public ProbeScheduler(Random random) => _random = random;

        /// <summary>Picks the next member to probe; false when nobody can be probed.</summary>
        /// <param name="members">Every member the caller knows, in a stable order (it may change between rounds).</param>
        /// <param name="isCandidate">Whether a member may be probed at all (not this node, not departed).</param>
        /// <param name="isConnected">Whether this node holds a connection to the member.</param>
        /// <param name="beyondFullMesh">True when there are more live members than this node may connect to.</param>
        /// <param name="target">The member to probe.</param>
        public bool TryNext(IReadOnlyList<T> members, Func<T, bool> isCandidate, Func<T, bool> isConnected, bool beyondFullMesh, out T target)
        {
            if (beyondFullMesh && ++_probesSinceUnconnected >= ConnectionPolicy.UnconnectedProbeEvery)
            {
                _probesSinceUnconnected = 0;
                if (TryUnconnected(members, isCandidate, isConnected, out target))
                    return true;
            }

            // Up to one full round from here, then one fresh round: a member list that changed size starts a new round.
            for (var round = 0; round < 2; round++)
            {
                if (_roundSize != members.Count)
                    StartRound(members.Count);
                while (_position < _roundSize)
                {
                    var candidate = members[(int)(((long)_step * _position++ + _offset) % _roundSize)];
                    if (isCandidate(candidate) && (!beyondFullMesh || isConnected(candidate)))
                    {
                        target = candidate;
                        return true;
                    }
                }

                StartRound(members.Count);
            }

            target = default!;
            return false;
        }

        private void StartRound(int size)
        {
            _roundSize = size;
            _position = 0;
            _offset = size == 0 ? 0 : _random.Next(size);
            _step = 1;
            if (size <= 2)
                return;
            do
                _step = 1 + _random.Next(size - 1);
            while (GreatestCommonDivisor(_step, size) != 1);
        }

        private bool TryUnconnected(IReadOnlyList<T> members, Func<T, bool> isCandidate, Func<T, bool> isConnected, out T target)
        {
            if (members.Count > 0)
            {
                for (var guess = 0; guess < UnconnectedGuesses; guess++)
                {
                    target = members[_random.Next(members.Count)];
                    if (isCandidate(target) && !isConnected(target))
                        return true;
                }
            }

            _unconnected.Clear();
            foreach (var member in members)
            {
                if (isCandidate(member) && !isConnected(member))
                    _unconnected.Add(member);
            }

            var found = _unconnected.Count > 0;
            target = found ? _unconnected[_random.Next(_unconnected.Count)] : default!;
            _unconnected.Clear();
            return found;
        }

        private static int GreatestCommonDivisor(int a, int b)
        {
            while (b != 0)
                (a, b) = (b, a % b);
            return a;
        }
    }
}
