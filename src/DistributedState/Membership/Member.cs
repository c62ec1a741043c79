using System;
using DistributedState.Internal;
using System.Collections.Generic;
using DistributedState.Protocol;
using DistributedState.Security;

namespace DistributedState.Membership
{
    /// <summary>One member as this node sees it: its latest signed alive record and the status it holds now.</summary>
    internal sealed class Member : IDisposable
    {
        public Member(AliveRecord alive, SignatureVerifier verifier, DateTimeOffset now)
        {
            Alive = alive;
            Verifier = verifier;
            Status = DsnPeerStatus.Alive;
            Incarnation = alive.Incarnation;
            LastChange = now;
            PublicKeyHex = Internal.Hex.Encode(alive.PublicKey);
        }

        public string NodeId => Alive.NodeId;

        /// <summary>The newest alive record: the member's endpoint and public key, signed by itself.</summary>
        public AliveRecord Alive { get; set; }

        /// <summary>Checks the member's signatures (on its state batches, alive and leave records).</summary>
        public SignatureVerifier Verifier { get; }

        public string PublicKeyHex { get; }

        public DsnPeerStatus Status { get; private set; }

        /// <summary>The incarnation the current status was stated at.</summary>
        public long Incarnation { get; private set; }

        public DateTimeOffset LastChange { get; private set; }

        /// <summary>The member's signed leave, kept to hand on to peers that missed it.</summary>
        public LeaveRecord? Leave { get; set; }

        /// <summary>The signed accusation that set the current suspicion or failure, handed on to peers that missed it.</summary>
        public Accusation? Accusation { get; private set; }

        /// <summary>Who reported the current suspicion or failure.</summary>
        public string? Reporter => Accusation?.Reporter;

        /// <summary>The re-bind that moved the NodeId to this member's key, handed on with its alive record.</summary>
        public RebindRecord? Rebind { get; set; }

        /// <summary>
        /// When this node last heard from the member, as far as its closed sessions and pushed batches tell (monotonic ms;
        /// long.MinValue: never). The node adds what its open sessions received since.
        /// </summary>
        public long LastHeardMs { get; private set; } = long.MinValue;

        public void NoteHeard(long monotonicMs) => LastHeardMs = Math.Max(LastHeardMs, monotonicMs);

        /// <summary>When the suspicion began (milliseconds of the node's monotonic clock).</summary>
        public long SuspectedAt { get; private set; }

        /// <summary>Distinct members whose signed suspicions of it were verified: each shortens the suspicion timeout (Lifeguard).</summary>
        public HashSet<string> Suspecters { get; } = new HashSet<string>(NameRules.NodeIdComparer);

        public DsnEndpoint EndPoint => new DsnEndpoint(Alive.Host.Length == 0 ? "127.0.0.1" : Alive.Host, Alive.Port);

        /// <summary>0 alive, 1 suspect, 2 failed, 3 left: at one incarnation a higher rank overrides a lower one.</summary>
        public byte Rank => StatusRank(Status);

        public bool IsDeparted => Status == DsnPeerStatus.Failed || Status == DsnPeerStatus.Left;

        public static byte StatusRank(DsnPeerStatus status) => (byte)status;

        /// <summary>Sets the status; <paramref name="accusation"/> is the verified one that caused a suspicion or failure.</summary>
        public void SetStatus(DsnPeerStatus status, long incarnation, Accusation? accusation, DateTimeOffset now, long monotonicNow)
        {
            if (status == DsnPeerStatus.Suspect && Status != DsnPeerStatus.Suspect)
            {
                SuspectedAt = monotonicNow;
                Suspecters.Clear();
            }

            if (status != DsnPeerStatus.Suspect)
                Suspecters.Clear();
            if (accusation is not null && status == DsnPeerStatus.Suspect)
                Suspecters.Add(accusation.Reporter);
            if (status != Status)
                LastChange = now;
            Status = status;
            Incarnation = incarnation;
            Accusation = accusation;
        }

        /// <summary>Gives a suspect its full suspicion time again, counted from <paramref name="monotonicNow"/>.</summary>
        public void RestartSuspicionClock(long monotonicNow) => SuspectedAt = monotonicNow;

        public void Dispose() => Verifier.Dispose();
    }
}
