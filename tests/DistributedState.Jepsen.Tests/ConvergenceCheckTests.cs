using System.Collections.Generic;
using System.Linq;
using DistributedState.Jepsen.Checks;
using DistributedState.Jepsen.Common;
using Xunit;

namespace DistributedState.Jepsen.Tests
{
    public sealed class ConvergenceCheckTests
    {
        private static readonly string[] Nodes = { "n1", "n2", "n3" };

        private static readonly Dictionary<string, Dictionary<string, string>> Acknowledged = new Dictionary<string, Dictionary<string, string>>
        {
            ["n1"] = new Dictionary<string, string> { ["k0"] = "n1.0.5x" },
            ["n2"] = new Dictionary<string, string> { ["k1"] = "n2.1.7" },
            ["n3"] = new Dictionary<string, string>(),
        };

        private static Dictionary<string, string> Hashes => Acknowledged.ToDictionary(a => a.Key, a => StateDigest.OfValues(a.Value));

        private static ViewReport Report(string node, string? staleOwner = null, string n2Status = "Alive:2", string digest = "d")
        {
            var view = new Dictionary<string, string> { ["n1"] = "Alive:1", ["n2"] = n2Status, ["n3"] = "Alive:3" };
            var owners = Hashes.ToDictionary(h => h.Key, h => h.Key == staleOwner ? "0000000000000000" : h.Value);
            return new ViewReport(0, node, 0, view, owners, digest);
        }

        [Fact]
        public void Identical_reports_holding_every_acknowledged_write_are_converged()
        {
            var reports = Nodes.ToDictionary(n => n, n => Report(n));
            Assert.Empty(ConvergenceCheck.Differences(Nodes, reports, Hashes));
        }

        [Fact]
        public void A_survivor_without_an_owners_last_write_is_named()
        {
            var reports = Nodes.ToDictionary(n => n, n => Report(n, staleOwner: n == "n3" ? "n2" : null));
            var problem = Assert.Single(ConvergenceCheck.WriteDifferences(Nodes, reports, Hashes));
            Assert.StartsWith("n3 holds n2's state 0000000000000000", problem);
        }

        [Fact]
        public void A_missing_report_a_suspect_member_different_incarnations_or_digests_are_not_converged()
        {
            var missing = Nodes.Take(2).ToDictionary(n => n, n => Report(n));
            Assert.Contains("n3: no report since its last write", ConvergenceCheck.Differences(Nodes, missing, Hashes));

            var suspect = Nodes.ToDictionary(n => n, n => Report(n, n2Status: n == "n1" ? "Suspect:2" : "Alive:2"));
            Assert.Contains("n1 sees n2 Suspect:2", ConvergenceCheck.Differences(Nodes, suspect, Hashes));

            var refuted = Nodes.ToDictionary(n => n, n => Report(n, n2Status: n == "n1" ? "Alive:3" : "Alive:2"));
            Assert.StartsWith("views differ", Assert.Single(ConvergenceCheck.Differences(Nodes, refuted, Hashes)));

            var versions = Nodes.ToDictionary(n => n, n => Report(n, digest: n == "n2" ? "other" : "d"));
            Assert.StartsWith("digests differ", Assert.Single(ConvergenceCheck.Differences(Nodes, versions, Hashes)));
        }

        [Fact]
        public void A_value_not_held_or_a_removal_not_applied_is_lost_and_a_previous_runs_value_is_not()
        {
            var dumps = new Dictionary<string, Dictionary<string, Dictionary<string, string>>>
            {
                ["n3"] = new Dictionary<string, Dictionary<string, string>>
                {
                    ["n1"] = new Dictionary<string, string> { ["k0"] = "n1.0.4", ["k9"] = "n1.0.3" }, // stale value; removal not applied
                    ["n2"] = new Dictionary<string, string> { ["k1"] = "n2.1.7", ["k5"] = "n2.0.99" }, // a previous run's key
                    ["n3"] = new Dictionary<string, string>(),
                },
            };
            var runs = new Dictionary<string, int> { ["n1"] = 0, ["n2"] = 1, ["n3"] = 0 };
            var mismatches = ConvergenceCheck.Mismatches(dumps, Acknowledged, runs);
            Assert.Equal(new[] { ("n1", "k0", true), ("n1", "k9", true), ("n2", "k5", false) }, mismatches.Select(m => (m.Owner, m.Key, m.Lost)));
            Assert.Equal("n3: n1/k0 = n1.0.4 (acknowledged: n1.0.5x)", mismatches[0].ToString());
            Assert.EndsWith("[previous run]", mismatches[2].ToString());
        }

        [Fact]
        public void State_hashes_ignore_order()
        {
            var a = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" };
            var b = new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" };
            Assert.Equal(StateDigest.OfValues(a), StateDigest.OfValues(b));
            Assert.NotEqual(StateDigest.OfValues(a), StateDigest.OfValues(new Dictionary<string, string> { ["a"] = "1" }));
            Assert.NotEqual(StateDigest.OfEntries(new[] { ("n1", "a", "1", 1L) }), StateDigest.OfEntries(new[] { ("n1", "a", "1", 2L) }));
        }
    }
}
