using DistributedState.PowerShell.Engine;
using Xunit;

namespace DistributedState.PowerShell.Tests.Engine
{
    public class NamePatternTests
    {
        [Theory]
        [InlineData("web*", "web01", true)]
        [InlineData("web*", "WEB01", true)]
        [InlineData("web*", "db01", false)]
        [InlineData("web0?", "web01", true)]
        [InlineData("web0?", "web010", false)]
        [InlineData("web0[1-3]", "web02", true)]
        [InlineData("web0[1-3]", "web04", false)]
        [InlineData("web0[13]", "web03", true)]
        [InlineData("*", "", true)]
        [InlineData("a.b", "aXb", false)]
        [InlineData("disk(c)", "disk(c)", true)]
        [InlineData("`*", "*", true)]
        [InlineData("`*", "x", false)]
        [InlineData("[-a]", "-", true)]
        public void Matches_like_PowerShell_wildcards(string pattern, string name, bool expected) =>
            Assert.Equal(expected, NamePattern.Parse(pattern).IsMatch(name));

        [Fact]
        public void A_name_without_wildcards_is_literal_and_unescaped()
        {
            var pattern = NamePattern.Parse("cpu`[0`]");
            Assert.False(pattern.IsWildcard);
            Assert.Equal("cpu[0]", pattern.Literal);
            Assert.True(pattern.IsMatch("CPU[0]"));
        }

        [Theory]
        [InlineData("web[01")]
        [InlineData("web`")]
        [InlineData("[]")]
        public void Invalid_patterns_are_DsnPatternInvalid(string text)
        {
            var ex = Assert.Throws<DsnCommandException>(() => NamePattern.Parse(text));
            Assert.Equal("DsnPatternInvalid", ex.ErrorId);
            Assert.Equal(DsnErrorCategory.InvalidArgument, ex.Category);
            Assert.Equal(text, ex.Target);
        }
    }
}
