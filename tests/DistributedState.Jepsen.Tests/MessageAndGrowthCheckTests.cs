using System.Collections.Generic;
using System.Linq;
using DistributedState.Jepsen.Checks;
using Xunit;

namespace DistributedState.Jepsen.Tests
{
    public sealed class MessageAndGrowthCheckTests
    {
        private const long S = 1_000_000_000;

        private static MessageSend Send(string from, string to, string payload, long? ackedAt)
        {
            var send = new MessageSend(from, 0, 1, to, payload, 0) { AckedNs = ackedAt };
            return send;
        }

        [Fact]
        public void A_received_message_nobody_sent_and_a_duplicate_are_violations()
        {
            var sends = new List<MessageSend> { Send("n1", "n2", "m.n1.0.1", 1 * S) };
            var receipts = new List<MessageReceipt>
            {
                new MessageReceipt("n2", 0, "n1", "m.n1.0.1", S), new MessageReceipt("n2", 0, "n1", "m.n1.0.1", S),
                new MessageReceipt("n2", 0, "n3", "m.n1.0.1", S),
            };
            var result = MessageCheck.Analyze(sends, receipts, new List<ProcessLife>());
            Assert.Equal(2, result.Violations.Count);
            Assert.Contains(result.Violations, v => v.Message.Contains("which no such send made"));
            Assert.Contains(result.Violations, v => v.Message.Contains("3 times"));
        }

        [Fact]
        public void An_acknowledged_message_never_received_is_a_violation_unless_the_addressee_was_killed_or_starting()
        {
            var sends = new List<MessageSend> { Send("n1", "n2", "m.n1.0.1", 10 * S) };
            var running = new List<ProcessLife> { new ProcessLife("n2", 0, 0) { StartedNs = 1 * S } };
            Assert.Contains("acknowledged by n2, which never received it", Assert.Single(MessageCheck.Analyze(sends, new List<MessageReceipt>(), running).Violations).Message);

            var killed = new List<ProcessLife> { new ProcessLife("n2", 0, 0) { StartedNs = 1 * S, EndNs = 11 * S, Killed = true } };
            Assert.Empty(MessageCheck.Analyze(sends, new List<MessageReceipt>(), killed).Violations);

            var starting = new List<ProcessLife> { new ProcessLife("n2", 1, 9 * S) { StartedNs = 12 * S } };
            var result = MessageCheck.Analyze(sends, new List<MessageReceipt>(), starting);
            Assert.Empty(result.Violations);
            Assert.Equal(1, result.AcknowledgedBeforeHandlers);
        }

        private static IEnumerable<StatsSample> Samples(int count, System.Func<int, long> rss) =>
            Enumerable.Range(0, count).Select(i => new StatsSample(i * 5 * S, "n1", 0, rss(i), 0, 20, 100, 6));

        [Fact]
        public void Flat_resources_pass_and_a_leak_is_named()
        {
            Assert.Empty(GrowthCheck.Analyze(Samples(30, _ => 80L << 20).ToList()).Violations);
            var leak = GrowthCheck.Analyze(Samples(30, i => (80L + 20 * i) << 20).ToList());
            Assert.Contains("n1 (run 0): resident memory (MB) grew", Assert.Single(leak.Violations).Message);
            Assert.Equal(1, leak.ProcessesJudged);
        }

        [Fact]
        public void A_process_too_short_to_judge_is_not_judged()
        {
            var result = GrowthCheck.Analyze(Samples(4, i => (80L + 100 * i) << 20).ToList());
            Assert.Empty(result.Violations);
            Assert.Equal(0, result.ProcessesJudged);
        }
    }
}
