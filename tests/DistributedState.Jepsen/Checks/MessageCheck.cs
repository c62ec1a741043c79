using System;
using System.Collections.Generic;
using System.Linq;

namespace DistributedState.Jepsen.Checks
{
    /// <summary>
    /// Direct messages: every message received was sent, by that sender, to that receiver, with those bytes; none is
    /// delivered twice; every acknowledged message was received — unless its addressee was killed within
    /// <see cref="KillExcuse"/> of the acknowledgement (the ack may leave before the handler logs the message), or the
    /// addressee was still inside DsnNode.StartAsync (a restarted node is joined and acknowledges messages before its
    /// caller can attach a DataReceived handler: counted as <see cref="Result.AcknowledgedBeforeHandlers"/>, see
    /// docs/reliability.md). Failed sends are expected while faults are on and only counted.
    /// </summary>
    internal static class MessageCheck
    {
        public static readonly TimeSpan KillExcuse = TimeSpan.FromSeconds(2);

        internal sealed class Result
        {
            public List<Violation> Violations { get; } = new List<Violation>();

            public int Sent { get; set; }

            public int Acknowledged { get; set; }

            public int Failed { get; set; }

            public int Received { get; set; }

            /// <summary>Acknowledged while the addressee's start had not returned, so no handler could see them.</summary>
            public int AcknowledgedBeforeHandlers { get; set; }
        }

        public static Result Analyze(IReadOnlyList<MessageSend> sends, IReadOnlyList<MessageReceipt> receipts, IReadOnlyList<ProcessLife> lives)
        {
            var result = new Result
            {
                Sent = sends.Count,
                Acknowledged = sends.Count(s => s.AckedNs != null),
                Failed = sends.Count(s => s.Error != null),
                Received = receipts.Count,
            };
            var byPayload = sends.ToDictionary(s => s.Payload, StringComparer.Ordinal);
            foreach (var receipt in receipts)
            {
                if (!byPayload.TryGetValue(receipt.Payload, out var send) || send.Node != receipt.From || send.To != receipt.Node)
                    result.Violations.Add(new Violation("messages", $"{receipt.Node} received '{receipt.Payload}' from {receipt.From}, which no such send made"));
            }

            foreach (var duplicate in receipts.GroupBy(r => (r.Node, r.Payload)).Where(g => g.Count() > 1))
                result.Violations.Add(new Violation("messages", $"{duplicate.Key.Node} received '{duplicate.Key.Payload}' {duplicate.Count()} times"));

            var received = new HashSet<(string, string)>(receipts.Select(r => (r.Node, r.Payload)));
            var excuse = KillExcuse.Ticks * 100;
            foreach (var send in sends.Where(s => s.AckedNs != null && !received.Contains((s.To, s.Payload))))
            {
                var acked = send.AckedNs!.Value;
                var killed = lives.Any(l => l.Node == send.To && l.Killed && l.EndNs >= acked - excuse && l.EndNs <= acked + excuse);
                var starting = lives.Any(l => l.Node == send.To && l.StartNs <= acked && (l.StartedNs is null || l.StartedNs > acked) && (l.EndNs is null || l.EndNs >= acked));
                if (starting && !killed)
                    result.AcknowledgedBeforeHandlers++;
                else if (!killed)
                    result.Violations.Add(new Violation("messages", $"{send.Node} had '{send.Payload}' acknowledged by {send.To}, which never received it"));
            }

            return result;
        }
    }
}
