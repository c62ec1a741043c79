using System;

namespace DistributedState
{
    /// <summary>What <see cref="DsnTestNetwork.StartAsync"/> starts.</summary>
    public sealed class DsnTestNetworkOptions
    {
        /// <summary>How many nodes (1–64). Default 3.</summary>
        public int Count { get; set; } = 3;

        /// <summary>
        /// NodeIds are this prefix and a number: "node1", "node2"… Default "node". Must leave a valid NodeId
        /// (<see cref="DsnNames.NodeIdProblem"/>).
        /// </summary>
        public string NodeIdPrefix { get; set; } = "node";

        /// <summary>The seed of the fault schedule (which frames a lossy link drops); null draws one (see <see cref="DsnTestNetwork.Seed"/>).</summary>
        public int? Seed { get; set; }

        /// <summary>Probability (0–1) that a frame is dropped on every link. Default 0.</summary>
        public double Loss { get; set; }

        /// <summary>Delay added to every frame on every link. Default none.</summary>
        public TimeSpan Delay { get; set; }

        /// <summary>Called for each node's options before it starts (timings, limits), after the network has set its own.</summary>
        public Action<DsnNodeOptions>? Configure { get; set; }
    }
}
