using System;
using System.Globalization;

namespace DistributedState.Transport.FaultInjection
{
    /// <summary>
    /// What a <see cref="FaultInjectionNetwork"/> does to the frames crossing one direction of a link. All
    /// probabilities are per frame, from 0 (never) to 1 (always); the default is a perfect link. The network keeps
    /// its own copy: changing an instance after handing it over changes nothing until it is handed over again.
    /// </summary>
    public sealed class LinkFaults
    {
        /// <summary>A perfect link: nothing dropped, delayed, duplicated, reordered or corrupted.</summary>
        public static LinkFaults None => new LinkFaults();

        /// <summary>Probability that a frame silently vanishes.</summary>
        public double DropProbability { get; set; }

        /// <summary>Probability that a frame arrives twice (the copy right after the original).</summary>
        public double DuplicateProbability { get; set; }

        /// <summary>
        /// Probability that a frame is held back by <see cref="ReorderDelay"/> on top of its delay, so frames sent
        /// after it overtake it. (Delay and jitter alone never reorder: like TCP, a link delivers in order.)
        /// </summary>
        public double ReorderProbability { get; set; }

        /// <summary>Probability that one random bit of a frame is flipped.</summary>
        public double CorruptProbability { get; set; }

        /// <summary>Fixed one-way delay of every frame.</summary>
        public TimeSpan Delay { get; set; }

        /// <summary>Extra one-way delay, uniform between zero and this, drawn per frame (order is kept).</summary>
        public TimeSpan Jitter { get; set; }

        /// <summary>How long a reordered frame is held back beyond its normal delay. Default 10 ms.</summary>
        public TimeSpan ReorderDelay { get; set; } = TimeSpan.FromMilliseconds(10);

        /// <summary>
        /// The first this-many frames each way on every connection are spared drop, duplication, reordering and
        /// corruption (they are still delayed). A TCP handshake that loses a packet retransmits it; this
        /// transport does not, so 2 covers the node's 4-frame authentication handshake (2 frames each way) and keeps connection setup
        /// working on a lossy link. Default 0: every frame is fair game.
        /// </summary>
        public int ProtectedFrames { get; set; }

        /// <summary>Probability of any frame-level fault at all; zero means the fast path.</summary>
        internal bool IsClean => DropProbability == 0 && DuplicateProbability == 0 && ReorderProbability == 0
            && CorruptProbability == 0 && Delay == TimeSpan.Zero && Jitter == TimeSpan.Zero;

        internal long DelayTicks { get; private set; }

        internal long JitterTicks { get; private set; }

        internal long ReorderDelayTicks { get; private set; }

        /// <summary>A validated private copy with the delays converted to stopwatch ticks.</summary>
        internal LinkFaults Freeze()
        {
            Probability(DropProbability, nameof(DropProbability));
            Probability(DuplicateProbability, nameof(DuplicateProbability));
            Probability(ReorderProbability, nameof(ReorderProbability));
            Probability(CorruptProbability, nameof(CorruptProbability));
            Duration(Delay, nameof(Delay));
            Duration(Jitter, nameof(Jitter));
            Duration(ReorderDelay, nameof(ReorderDelay));
            if (ProtectedFrames < 0)
                throw new ArgumentException($"ProtectedFrames must be zero or more; it was {ProtectedFrames}.", nameof(ProtectedFrames));
            var copy = (LinkFaults)MemberwiseClone();
            copy.DelayTicks = ToStopwatchTicks(Delay);
            copy.JitterTicks = ToStopwatchTicks(Jitter);
            copy.ReorderDelayTicks = ToStopwatchTicks(ReorderDelay);
            return copy;
        }

        /// <summary>A public copy (so callers cannot change the network's own).</summary>
        internal LinkFaults Copy() => (LinkFaults)MemberwiseClone();

        private static long ToStopwatchTicks(TimeSpan value) =>
            (long)(value.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);

        private static void Probability(double value, string name)
        {
            if (double.IsNaN(value) || value < 0 || value > 1)
                throw new ArgumentException($"{name} must be a probability between 0 and 1; it was {value.ToString(CultureInfo.InvariantCulture)}.", name);
        }

        private static void Duration(TimeSpan value, string name)
        {
            if (value < TimeSpan.Zero || value > TimeSpan.FromHours(1))
                throw new ArgumentException($"{name} must be between zero and one hour; it was {value}.", name);
        }

        /// <inheritdoc/>
        public override string ToString() => string.Format(CultureInfo.InvariantCulture,
            "drop {0:P1}, duplicate {1:P1}, reorder {2:P1} (+{3:0.#} ms), corrupt {4:P1}, delay {5:0.#} ms + jitter {6:0.#} ms, protected frames {7}",
            DropProbability, DuplicateProbability, ReorderProbability, ReorderDelay.TotalMilliseconds, CorruptProbability,
            Delay.TotalMilliseconds, Jitter.TotalMilliseconds, ProtectedFrames);
    }

    /// <summary>Which directions of a link an operation affects.</summary>
    public enum LinkDirection
    {
        /// <summary>Both directions between the two hosts.</summary>
        Both,

        /// <summary>Only from the first host named to the second.</summary>
        OneWay,
    }
}
