using System.Linq;
using DistributedState.PowerShell.Engine;
using Xunit;

namespace DistributedState.PowerShell.Tests.Engine
{
    public class NameFilterTests
    {
        private static readonly string[] Names = { "web01", "web02", "db01" };

        [Fact]
        public void No_patterns_select_everything_in_order()
        {
            var result = NameFilter.Apply(Names, null, n => n);
            Assert.Equal(Names, result.Matches);
            Assert.Empty(result.UnmatchedNames);
        }

        [Fact]
        public void Each_item_appears_once_in_input_order_even_if_several_patterns_match()
        {
            var result = NameFilter.Apply(Names, new[] { "db*", "*01", "web02" }, n => n);
            Assert.Equal(new[] { "web01", "web02", "db01" }, result.Matches);
        }

        [Fact]
        public void Literal_names_that_match_nothing_are_reported_but_wildcards_are_not()
        {
            var result = NameFilter.Apply(Names, new[] { "web9*", "mail01", "WEB01" }, n => n);
            Assert.Equal(new[] { "web01" }, result.Matches);
            Assert.Equal(new[] { "mail01" }, result.UnmatchedNames);
        }

        [Fact]
        public void Empty_input_reports_every_literal()
        {
            var result = NameFilter.Apply(Enumerable.Empty<string>(), new[] { "a", "b*" }, n => n);
            Assert.Empty(result.Matches);
            Assert.Equal(new[] { "a" }, result.UnmatchedNames);
        }
    }
}
