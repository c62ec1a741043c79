namespace DistributedState.Benchmarks.Simulation
{
    /// <summary>What one simulated write cost and how it spread.</summary>
    internal readonly struct WriteOutcome
    {
        public WriteOutcome(byte initialBudget, long pushFrames, int pushRounds, int reachedByPush, long repairFrames, int repairedNodes, int repairProbePeriods)
        {
            InitialBudget = initialBudget;
            PushFrames = pushFrames;
            PushRounds = pushRounds;
            ReachedByPush = reachedByPush;
            RepairFrames = repairFrames;
            RepairedNodes = repairedNodes;
            RepairProbePeriods = repairProbePeriods;
        }

        /// <summary>The relay budget the writer gave its push (RelayPolicy.InitialBudget).</summary>
        public byte InitialBudget { get; }

        /// <summary>Push frames: the writer's to each of its peers plus every relay, duplicates included.</summary>
        public long PushFrames { get; }

        /// <summary>Network hops until the last node the push reached held the write.</summary>
        public int PushRounds { get; }

        /// <summary>Nodes other than the writer that the push reached.</summary>
        public int ReachedByPush { get; }

        /// <summary>Anti-entropy frames (digests and syncs) that brought the write to the nodes the push missed.</summary>
        public long RepairFrames { get; }

        /// <summary>Nodes the push missed, which anti-entropy repaired.</summary>
        public int RepairedNodes { get; }

        /// <summary>Probe intervals after the push died out until anti-entropy had repaired every node (0 if none was missed).</summary>
        public int RepairProbePeriods { get; }
    }
}
