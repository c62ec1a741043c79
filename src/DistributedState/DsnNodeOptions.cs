using System;
using DistributedState.Internal;
using System.Collections.Generic;
using System.Net;
using DistributedState.Transport;

namespace DistributedState
{
    /// <summary>
    /// Everything a node needs to start. Only <see cref="NodeId"/> and <see cref="NetworkKey"/> are required;
    /// the defaults suit a fleet on one LAN. Timing and limit settings must be the same on every node of a network.
    /// </summary>
    public sealed class DsnNodeOptions
    {
        /// <summary>The node's name: 1–64 characters of A–Z, a–z, 0–9, '.', '_' and '-', unique in the network.</summary>
        public string NodeId { get; set; } = string.Empty;

        /// <summary>The TCP port to listen on; 0 picks a free port (see <see cref="DsnNode.LocalEndPoint"/>).</summary>
        public int Port { get; set; } = 7946;

        /// <summary>The address to listen on. Default: all IPv4 addresses.</summary>
        public IPAddress BindAddress { get; set; } = IPAddress.Any;

        /// <summary>
        /// The host name or address other nodes use to reach this one. Default: the bind address, or, when binding
        /// to all addresses, this machine's first non-loopback IPv4 address.
        /// </summary>
        public string? AdvertiseAddress { get; set; }

        /// <summary>
        /// The shared secret of the network. One of <see cref="NetworkKey"/>, <see cref="NetworkKeyring"/> or
        /// <see cref="NetworkKeyPath"/> is required; a single key is a keyring of that key alone.
        /// </summary>
        public DsnNetworkKey? NetworkKey { get; set; }

        /// <summary>
        /// The network keys to start with, for a node that joins during a key rotation: it dials with the primary and
        /// admits peers that dial with any of them. Give this or <see cref="NetworkKey"/>, not both.
        /// </summary>
        public DsnNetworkKeyring? NetworkKeyring { get; set; }

        /// <summary>
        /// The key file this node keeps its keyring in (<see cref="DsnNetworkKeyring.Load"/>: a keyring file, or one
        /// bare key as <c>New-DsnKey</c> writes it). When neither <see cref="NetworkKey"/> nor
        /// <see cref="NetworkKeyring"/> is given the node reads its keys from it at start; either way, whenever the ring
        /// changes (<see cref="DsnNode.InstallNetworkKeyAsync"/> and its siblings, from any member) the node writes the
        /// new ring back to it, atomically and readable only by the current user, so a node restarted during a rotation
        /// holds the keys it held before.
        /// </summary>
        public string? NetworkKeyPath { get; set; }

        /// <summary>Members to join through. Empty: this node starts a new network.</summary>
        public IList<DsnEndpoint> BootstrapNodes => _bootstrapNodes;

        private List<DsnEndpoint> _bootstrapNodes = new List<DsnEndpoint>();

        /// <summary>
        /// When true, <see cref="DsnNode.StartAsync"/> returns at once even if no bootstrap node answers, and the node
        /// keeps retrying the bootstrap list in the background until it joins (like <c>serf agent -retry-join</c>).
        /// When false (the default), start fails with a <see cref="DsnJoinException"/> naming every bootstrap it tried.
        /// </summary>
        public bool RetryJoinInBackground { get; set; }

        /// <summary>How long start waits for a bootstrap node to admit this node.</summary>
        public TimeSpan JoinTimeout { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>
        /// How often a node with nobody to talk to tries its bootstrap list and the members it remembers
        /// (<see cref="DataPath"/>) again: after this interval, then twice as long each time up to eight times it, until it
        /// meets someone. While connected, it re-dials every such endpoint it has no connection to at this interval
        /// (a failing one at most once a minute), so two islands that share any member merge. Default 5 s.
        /// </summary>
        public TimeSpan RetryJoinInterval { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>
        /// Where the node's identity key is kept. Default: <c>&lt;nodeid&gt;.identity</c>, the NodeId lower-cased, in
        /// <c>DistributedState/identities</c> under the user's data directory (<c>$XDG_DATA_HOME</c> or
        /// <c>~/.local/share</c> on Unix, <c>%LOCALAPPDATA%</c> on Windows); a file from an older version under another
        /// casing of the NodeId is renamed to it. The file is created owner-only (mode 0600); on Unix a file that others
        /// may use, or that another user owns, is refused (<see cref="DsnKeyFileInsecureException"/>).
        /// </summary>
        public string? IdentityPath { get; set; }

        /// <summary>
        /// A directory where the node keeps what it needs to come back after a restart (created when missing): its
        /// identity (<c>identity.key</c>, unless <see cref="IdentityPath"/> says otherwise), its own state
        /// (<c>state.dsn</c>: the batches it signed, as they travel on the wire) and the members it knew
        /// (<c>members.dsn</c>: NodeIds, endpoints and its own port). On start the node restores its keys with their
        /// versions and continues its previous run, so peers see no change and no rollback; with <see cref="Port"/> 0 it
        /// listens on its previous port when that is free; and when the bootstrap list is empty or does not admit it, it
        /// dials the members it knew, then keeps trying in the background (see <see cref="RetryJoinInterval"/>). Writes
        /// return before they reach the disk: the state file is replaced atomically, at most every 50 ms, after the
        /// writes are signed, and once more at a graceful stop; a crash loses at most the writes of the last ~50 ms,
        /// never the file. Null (the default): nothing but the identity is kept, and a restart begins a new run.
        /// </summary>
        public string? DataPath { get; set; }

        /// <summary>
        /// When false, the identity key lives only in memory and a restarted node is a new identity, which peers that
        /// remember the NodeId's previous key refuse (see <see cref="ReplacedIdentityPath"/>).
        /// </summary>
        public bool PersistIdentity { get; set; } = true;

        /// <summary>
        /// The identity file this node's NodeId was bound to until now, to move the NodeId to the node's current identity
        /// (a rotated or replaced key). Peers remember which key each NodeId has, also after it failed or left, and refuse
        /// any other key; at start the node signs, with the key in this file, a re-bind naming its current key, which every
        /// node checks against the key it remembers. Only the re-bind is kept, not the old key. Leave it unset otherwise;
        /// once every node has seen the re-bind it is no longer needed. If the old key is lost, pin the new key in every
        /// node's <see cref="AllowedNodes"/> instead.
        /// </summary>
        public string? ReplacedIdentityPath { get; set; }

        /// <summary>
        /// Pinned members: NodeId → identity public key (hex, see <see cref="DsnNode.PublicKey"/>). When not empty, only
        /// these nodes with exactly these keys are admitted. This node itself need not be listed.
        /// </summary>
        public IDictionary<string, string> AllowedNodes => _allowedNodes;

        private Dictionary<string, string> _allowedNodes = new Dictionary<string, string>(NameRules.NodeIdComparer);

        /// <summary>Largest value, in UTF-8 bytes. Default 1 MiB.</summary>
        public int MaxValueBytes { get; set; } = 1024 * 1024;

        /// <summary>Largest state a node may own (keys and values, UTF-8 bytes). Default 16 MiB.</summary>
        public long MaxStateBytes { get; set; } = 16L * 1024 * 1024;

        /// <summary>Largest direct message, in bytes. Default 1 MiB.</summary>
        public int MaxMessageBytes { get; set; } = 1024 * 1024;

        /// <summary>
        /// The most members a node keeps in its member table, itself and departed members not yet forgotten included.
        /// Beyond it, news of further members is refused (counted as <c>members.rejected.too_many</c>, logged at most
        /// every 10 s) and so are their connections, until departed members are forgotten after
        /// <see cref="DepartedRetention"/>. It bounds what one member can make every node hold by gossiping made-up
        /// members. Default 10,000.
        /// </summary>
        public int MaxMembers { get; set; } = 10_000;

        /// <summary>
        /// The most members whose state a node holds. Beyond it, the first state batch of a further owner is refused
        /// (<c>batches.rejected.too_many_owners</c>, logged at most every 10 s). Together with <see cref="MaxStateBytes"/>
        /// it bounds the state a node holds: <c>MaxOwners × MaxStateBytes</c>. Set it to the number of members that
        /// write state, with room to grow, to tighten that bound. Default 10,000.
        /// </summary>
        public int MaxOwners { get; set; } = 10_000;

        /// <summary>
        /// The most bytes a node queues for sending, over all its connections together. Each connection may also hold
        /// at most 64 MiB. When the queues hold this much, a connection whose queue would exceed an equal share of it
        /// (this cap over the open connections) is closed as a slow reader (<c>sessions.closed.node_queue_full</c>),
        /// while the others are still served; so however many peers stop reading, queued bytes stay below twice this
        /// cap. Default 256 MiB.
        /// </summary>
        public long MaxSendQueueBytes { get; set; } = 256L * 1024 * 1024;

        /// <summary>How long a failed or departed member's last state stays readable. Default 1 hour.</summary>
        public TimeSpan DepartedRetention { get; set; } = TimeSpan.FromHours(1);

        /// <summary>How often the failure detector probes one member. Default 200 ms.</summary>
        public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromMilliseconds(200);

        /// <summary>How long a probe waits for an answer before asking others to probe indirectly. Default 150 ms.</summary>
        public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromMilliseconds(150);

        /// <summary>
        /// Suspicion timeout multiplier: a suspect is declared failed after
        /// multiplier × log10(members + 1) × <see cref="ProbeInterval"/> (at least one second) without refuting.
        /// </summary>
        public double SuspicionMultiplier { get; set; } = 4;

        /// <summary>
        /// The least time between two anti-entropy exchanges (digest and repair) with one peer. They run on every new
        /// connection, when a push reveals a gap, and when probe summaries show that two views differ. A node also
        /// answers the digests of one connection at most once per this interval, after a burst of three; digests beyond
        /// that are dropped and counted (<c>digests.rejected.rate_limited</c>), since each answer may carry the whole
        /// state. Default 500 ms.
        /// </summary>
        public TimeSpan AntiEntropyInterval { get; set; } = TimeSpan.FromMilliseconds(500);

        /// <summary>
        /// Connections a node keeps to peers, opened or accepted. Up to this many members the network is a full mesh;
        /// beyond it each node keeps connections to a random subset, updates are relayed, and connections beyond the
        /// cap (a probe's, a direct message's, a newcomer's) are shed within a second or so. Default 64.
        /// </summary>
        public int MaxConnections { get; set; } = 64;

        /// <summary>Timeout for opening a TCP connection. Default 2 s.</summary>
        public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

        /// <summary>Timeout for the authentication handshake; a connection that sends nothing is closed after it. Default 3 s.</summary>
        public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(3);

        /// <summary>How long <see cref="DsnNode.SendAsync(string, byte[], System.Threading.CancellationToken)"/> waits for the acknowledgement. Default 5 s.</summary>
        public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>
        /// When true (the default), a node still running when its process exits — a script that ends without stopping
        /// it, a service stop or SIGTERM, Ctrl+C in a non-interactive script — stops gracefully on
        /// <see cref="AppDomain.ProcessExit"/>: it sends its pending writes and a signed leave, so peers mark it Left
        /// rather than Failed. Bounded to about two seconds for all nodes of the process. A killed process (SIGKILL)
        /// cannot do this; its peers detect it as Failed.
        /// </summary>
        public bool LeaveOnProcessExit { get; set; } = true;

        /// <summary>
        /// The lease (time to live) of values set without one (<see cref="DsnNode.SetData(string, string)"/>): each
        /// expires on every node that long after it was written unless set again. Null (the default): no lease. From 1 ms
        /// to 30 days; a write with <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> has no lease whatever this says.
        /// </summary>
        public TimeSpan? DefaultTimeToLive { get; set; }

        /// <summary>
        /// How far this node's wall clock may be ahead of an owner's without cutting that owner's leases short (the rule is
        /// in docs/protocol.md, "Leases"): a value that reaches this node late (a sync long after the write) is dropped at
        /// the owner's write time plus its lease plus this tolerance, by this node's clock, and never sooner than that nor
        /// later than a whole lease after it arrived. From 0 to 1 hour. Default 5 s.
        /// </summary>
        public TimeSpan ClockSkewTolerance { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>Events waiting for handlers beyond this count are dropped and counted. Default 100,000.</summary>
        public int EventQueueCapacity { get; set; } = 100_000;

        /// <summary>
        /// Zero-configuration LAN discovery: announce this node and dial the members heard of on a multicast group.
        /// Null (the default) turns it off. Works alongside <see cref="BootstrapNodes"/>.
        /// </summary>
        public DsnDiscoveryOptions? Discovery { get; set; }

        /// <summary>
        /// The network the node runs on. Default: TCP. Tests and simulations pass a
        /// fault-injecting in-process transport here.
        /// </summary>
        public IDsnTransport? Transport { get; set; }

        /// <summary>A copy, so a caller changing its options after start cannot change a running node.</summary>
        internal DsnNodeOptions Clone()
        {
            var copy = (DsnNodeOptions)MemberwiseClone();
            copy._bootstrapNodes = new List<DsnEndpoint>(_bootstrapNodes);
            copy._allowedNodes = new Dictionary<string, string>(_allowedNodes, NameRules.NodeIdComparer);
            copy.Discovery = Discovery?.Copy();
            return copy;
        }
    }
}
