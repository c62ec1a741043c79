using System;
using System.Diagnostics;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>Send-DsnData: bytes or text (UTF-8, what a receiver decodes with [Text.Encoding]::UTF8) to one member.</summary>
    public static class DirectMessage
    {
        /// <summary>The bytes -Text sends.</summary>
        public static byte[] Encode(string text) => new UTF8Encoding(false).GetBytes(text ?? throw new ArgumentNullException(nameof(text)));

        /// <summary>Sends and waits for the acknowledgement.</summary>
        public static async Task<DsnSendResult> SendAsync(DsnNode node, string nodeId, byte[] data, CancellationToken cancellationToken)
        {
            if (node is null) throw new ArgumentNullException(nameof(node));
            var watch = Stopwatch.StartNew();
            await node.SendAsync(nodeId, data, cancellationToken).ConfigureAwait(false);
            return new DsnSendResult(nodeId, data.Length, watch.Elapsed);
        }
    }
}
