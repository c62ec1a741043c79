using System;
using System.Collections.Generic;
using System.Linq;
using DistributedState.Protocol;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Protocol
{
    /// <summary>The owner's commitment to its live state: an order-independent, incrementally updated sum.</summary>
    public sealed class StateCommitmentTests
    {
        private static StateCommitment Of(params (string Key, long Version)[] live) => SigningOwner.CommitmentOf(live);

        [Fact]
        public void The_empty_state_commits_to_nothing_and_counts_zero()
        {
            Assert.Equal(0u, StateCommitment.Empty.LiveCount);
            Assert.Equal(StateCommitment.Empty, Of());
        }

        [Fact]
        public void The_commitment_does_not_depend_on_the_order_of_entries()
        {
            Assert.Equal(Of(("a", 1), ("b", 2), ("c", 3)), Of(("c", 3), ("a", 1), ("b", 2)));
            Assert.Equal(3u, Of(("a", 1), ("b", 2), ("c", 3)).LiveCount);
        }

        [Fact]
        public void Another_version_another_key_or_a_missing_entry_changes_it()
        {
            var state = Of(("admin", 101), ("role", 102));
            Assert.NotEqual(state, Of(("admin", 103), ("role", 102)));
            Assert.NotEqual(state, Of(("Admin", 101), ("role", 102)));
            Assert.NotEqual(state, Of(("role", 102)));
            Assert.NotEqual(state, Of(("admin", 101), ("role", 102), ("x", 1)));
            // The same entries once more is not the same state (the count differs even where a sum could wrap).
            Assert.NotEqual(Of(("a", 1)), Of(("a", 1), ("a", 1)));
        }

        [Fact]
        public void Taking_out_what_was_put_in_returns_exactly_the_state_before_whatever_the_order()
        {
            // Many random entries exercise the carries and borrows between the 64-bit limbs of the sum.
            var random = new Random(7);
            var entries = Enumerable.Range(0, 500).Select(i => ("k" + random.Next(100), (long)random.Next())).ToList();
            var commitment = StateCommitment.Empty;
            foreach (var (key, version) in entries)
                commitment = commitment.With(key, version);
            Assert.Equal(500u, commitment.LiveCount);
            foreach (var (key, version) in entries.OrderBy(_ => random.Next()))
                commitment = commitment.Without(key, version);
            Assert.Equal(StateCommitment.Empty, commitment);
        }

        [Fact]
        public void Replacing_a_value_moves_the_commitment_to_the_new_state()
        {
            var before = Of(("a", 1), ("b", 2));
            Assert.Equal(Of(("a", 5), ("b", 2)), before.Without("a", 1).With("a", 5));
            Assert.Equal(Of(("b", 2)), before.Without("a", 1));
        }

        [Fact]
        public void It_travels_in_36_bytes_and_reads_back_equal()
        {
            var commitment = Of(("a", 1), ("中文", long.MaxValue), ("😀", long.MinValue));
            var writer = new WireWriter();
            commitment.Write(writer);
            Assert.Equal(StateCommitment.Length, writer.Length);
            var reader = new WireReader(writer.ToArray());
            Assert.Equal(commitment, StateCommitment.Read(reader));
            reader.End();
        }

        [Fact]
        public void Keys_of_any_length_are_hashed()
        {
            var longKey = new string('k', 5000); // beyond the wire's key limit: hashing must still not fail
            Assert.NotEqual(Of((longKey, 1)), Of((longKey + "x", 1)));
        }
    }
}
