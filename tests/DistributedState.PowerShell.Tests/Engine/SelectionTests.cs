using System;
using System.Collections.Generic;
using System.Linq;
using DistributedState.PowerShell.Engine;
using DistributedState.PowerShell.Tests.Support;
using Xunit;

namespace DistributedState.PowerShell.Tests.Engine
{
    public class SelectionTests
    {
        private static readonly Dictionary<string, DsnDataEntry[]> State = new Dictionary<string, DsnDataEntry[]>
        {
            ["web01"] = new[] { RuntimeObjects.Entry("web01", "cpu", "12"), RuntimeObjects.Entry("web01", "status", "online") },
            ["web02"] = new[] { RuntimeObjects.Entry("web02", "status", "offline", status: DsnPeerStatus.Failed) },
            ["db01"] = new DsnDataEntry[0],
        };

        private static DsnDataEntry[] EntriesOf(string id) => State.TryGetValue(id, out var e) ? e : throw new DsnNodeNotFoundException(id);

        private static DsnDataEntry? EntryOf(string id, string key) => EntriesOf(id).SingleOrDefault(e => e.Key == key);

        private static DataSelectionResult Select(string[]? nodes, string[]? keys) =>
            DataSelection.Select(State.Keys, EntriesOf, EntryOf, nodes, keys);

        [Fact]
        public void MaxAge_keeps_only_entries_written_at_most_that_long_ago_and_refuses_a_duration_that_is_not_positive()
        {
            var entries = new[]
            {
                RuntimeObjects.Entry("web01", "fresh", "1", age: TimeSpan.FromMinutes(1)),
                RuntimeObjects.Entry("web01", "edge", "2", age: TimeSpan.FromMinutes(5)),
                RuntimeObjects.Entry("web01", "stale", "3", age: TimeSpan.FromMinutes(6)),
            };
            Assert.Equal(new[] { "fresh", "edge" }, DataSelection.FreshOnly(entries, TimeSpan.FromMinutes(5)).Select(e => e.Key));
            Assert.Same(entries, DataSelection.FreshOnly(entries, null));
            foreach (var bad in new[] { TimeSpan.Zero, TimeSpan.FromSeconds(-1) })
            {
                var error = Assert.Throws<DsnCommandException>(() => DataSelection.FreshOnly(entries, bad));
                Assert.Equal(("DsnMaxAgeInvalid", DsnErrorCategory.InvalidArgument), (error.ErrorId, error.Category));
            }
        }

        [Fact]
        public void Without_patterns_every_entry_of_every_member()
        {
            var result = Select(null, null);
            Assert.Equal(new[] { "web01/cpu=12", "web01/status=online", "web02/status=offline" }, result.Entries.Select(e => e.ToString()));
            Assert.Empty(result.UnmatchedNodeIds);
            Assert.Empty(result.UnmatchedKeys);
        }

        [Fact]
        public void Wildcards_on_members_and_keys()
        {
            var result = Select(new[] { "web*" }, new[] { "stat*" });
            Assert.Equal(new[] { "web01", "web02" }, result.Entries.Select(e => e.NodeId));
        }

        [Fact]
        public void Unknown_literal_members_and_keys_are_reported()
        {
            var result = Select(new[] { "web01", "mail01" }, new[] { "cpu", "memory" });
            Assert.Equal(new[] { "mail01" }, result.UnmatchedNodeIds);
            Assert.Equal(new[] { "memory" }, result.UnmatchedKeys);
            Assert.Equal("12", result.Entries.Single().Value);
        }

        [Fact]
        public void A_member_that_vanishes_between_listing_and_reading_has_no_entries()
        {
            var result = DataSelection.Select(new[] { "gone" }, id => throw new DsnNodeNotFoundException(id), (id, _) => throw new DsnNodeNotFoundException(id), null, new[] { "cpu" });
            Assert.Empty(result.Entries);
        }

        [Fact]
        public void Literal_keys_are_direct_lookups_that_never_read_a_whole_state()
        {
            var scans = 0;
            var result = DataSelection.Select(State.Keys, id => { scans++; return EntriesOf(id); }, EntryOf, new[] { "web*" }, new[] { "status", "status" });
            Assert.Equal(new[] { "web01/status=online", "web02/status=offline" }, result.Entries.Select(e => e.ToString()));
            var several = DataSelection.Select(State.Keys, id => { scans++; return EntriesOf(id); }, EntryOf, new[] { "web01" }, new[] { "status", "cpu" });
            Assert.Equal(new[] { "web01/cpu=12", "web01/status=online" }, several.Entries.Select(e => e.ToString()));
            Assert.Empty(result.UnmatchedKeys);
            Assert.Equal(0, scans);
        }

        [Fact]
        public void A_literal_key_in_another_case_is_still_found_like_any_PowerShell_name()
        {
            var result = Select(new[] { "web01" }, new[] { "CPU", "Memory" });
            Assert.Equal("web01/cpu=12", result.Entries.Single().ToString());
            Assert.Equal(new[] { "Memory" }, result.UnmatchedKeys);
        }

        [Fact]
        public void Wildcard_keys_read_the_whole_state()
        {
            var scans = 0;
            var result = DataSelection.Select(State.Keys, id => { scans++; return EntriesOf(id); }, EntryOf, new[] { "web01" }, new[] { "c*", "status" });
            Assert.Equal(new[] { "cpu", "status" }, result.Entries.Select(e => e.Key));
            Assert.Equal(1, scans);
        }

        [Fact]
        public void AsHashtable_defaults_to_the_viewing_node_and_needs_exactly_one_member()
        {
            Assert.Equal(new[] { "web01" }, DataSelection.NodePatterns(null, true, "web01"));
            Assert.Null(DataSelection.NodePatterns(null, false, "web01"));
            var table = DataSelection.SingleHashtable(Select(new[] { "web01" }, null))!;
            Assert.Equal("online", table["status"]);
            Assert.Null(table["STATUS"]);
            Assert.Null(DataSelection.SingleHashtable(Select(new[] { "nobody" }, null)));
            var ex = Assert.Throws<DsnCommandException>(() => DataSelection.SingleHashtable(Select(new[] { "web*" }, null)));
            Assert.Equal("DsnHashtableNeedsOneNode", ex.ErrorId);
        }

        [Fact]
        public void Peers_are_filtered_by_name_then_status()
        {
            var peers = new[] { RuntimeObjects.Peer("web01"), RuntimeObjects.Peer("web02", DsnPeerStatus.Failed), RuntimeObjects.Peer("db01", DsnPeerStatus.Left) };
            Assert.Equal(new[] { "web02" }, PeerSelection.Select(peers, new[] { "web*" }, new[] { DsnPeerStatus.Failed }).Matches.Select(p => p.NodeId));
            Assert.Equal(new[] { "web02", "db01" }, PeerSelection.Select(peers, null, new[] { DsnPeerStatus.Failed, DsnPeerStatus.Left }).Matches.Select(p => p.NodeId));
            Assert.Equal(3, PeerSelection.Select(peers, null, null).Matches.Count);
            var byName = PeerSelection.Select(peers, new[] { "web01", "nobody" }, new[] { DsnPeerStatus.Left });
            Assert.Empty(byName.Matches);
            Assert.Equal(new[] { "nobody" }, byName.UnmatchedNames);
        }
    }
}
