using System;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>What Send-DsnData -PassThru returns: who acknowledged how many bytes, and how long it took.</summary>
    public sealed class DsnSendResult
    {
        internal DsnSendResult(string nodeId, int bytes, TimeSpan roundTrip)
        {
            NodeId = nodeId;
            Bytes = bytes;
            RoundTrip = roundTrip;
        }

        /// <summary>The recipient.</summary>
        public string NodeId { get; }

        /// <summary>How many bytes were delivered.</summary>
        public int Bytes { get; }

        /// <summary>From sending to the acknowledgement.</summary>
        public TimeSpan RoundTrip { get; }

        /// <inheritdoc/>
        public override string ToString() =>
            $"{NodeId} acknowledged {ByteCount.Format(Bytes)} in {RoundTrip.TotalMilliseconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} ms";
    }
}
