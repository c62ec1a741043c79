using System.Linq;
using DistributedState.PowerShell.Engine;
using Xunit;

namespace DistributedState.PowerShell.Tests.Engine
{
    public class CompletionCandidatesTests
    {
        [Fact]
        public void Offers_names_starting_with_the_word_sorted_and_distinct()
        {
            var result = CompletionCandidates.For(new[] { "web02", "db01", "WEB01", "web02" }, "we");
            Assert.Equal(new[] { "WEB01", "web02" }, result.Select(r => r.Value));
        }

        [Fact]
        public void An_opening_quote_is_ignored_and_names_needing_quotes_get_them()
        {
            var result = CompletionCandidates.For(new[] { "disk usage", "it's" }, "'");
            Assert.Equal(new[] { "'disk usage'", "'it''s'" }, result.Select(r => r.Key));
            Assert.Equal(new[] { "disk usage", "it's" }, result.Select(r => r.Value));
        }

        [Theory]
        [InlineData("web01", "web01")]
        [InlineData("a$b", "'a$b'")]
        [InlineData("cpu[0]", "'cpu[0]'")]
        [InlineData("", "''")]
        public void Quotes_only_when_needed(string name, string expected) =>
            Assert.Equal(expected, CompletionCandidates.Quote(name));

        [Fact]
        public void A_failing_source_offers_nothing() =>
            Assert.Empty(CompletionCandidates.Safely(() => throw new DsnNodeNotFoundException("x")));

        [Fact]
        public void Typed_arguments_become_strings()
        {
            Assert.Null(CompletionCandidates.Strings(null));
            Assert.Equal(new[] { "a" }, CompletionCandidates.Strings("a"));
            Assert.Equal(new[] { "a", "b" }, CompletionCandidates.Strings(new object?[] { "a", null, "b" }));
            Assert.Null(CompletionCandidates.Strings(new object[0]));
            Assert.Equal(new[] { "7" }, CompletionCandidates.Strings(7));
        }
    }
}
