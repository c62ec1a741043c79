using DistributedState.Security;
using Xunit;

namespace DistributedState.Tests.Names
{
    public sealed class DsnNamesTests
    {
        [Fact]
        public void A_real_public_key_passes_in_any_case_and_with_surrounding_blanks()
        {
            using var identity = IdentityKey.Create();
            Assert.Null(DsnNames.PublicKeyProblem(identity.PublicKeyHex));
            Assert.Null(DsnNames.PublicKeyProblem(" " + identity.PublicKeyHex.ToUpperInvariant() + "\t"));
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("04")]
        [InlineData("zz")]
        public void Garbage_is_not_a_public_key_and_the_message_says_what_is(string? hex) =>
            Assert.Contains("130-character hex public key", DsnNames.PublicKeyProblem(hex));

        [Fact]
        public void A_key_of_the_right_length_with_a_non_hex_character_is_refused()
        {
            using var identity = IdentityKey.Create();
            Assert.NotNull(DsnNames.PublicKeyProblem("g" + identity.PublicKeyHex.Substring(1)));
        }

        [Theory]
        [InlineData("Web1", "web1", true)]
        [InlineData("WEB-1.lan", "web-1.LAN", true)]
        [InlineData("web1", "web2", false)]
        [InlineData("web1", null, false)]
        public void NodeIds_that_differ_only_in_case_name_one_node(string a, string? b, bool same)
        {
            Assert.Equal(same, DsnNames.SameNodeId(a, b));
            Assert.Equal(same, DsnNames.NodeIdComparer.Equals(a, b));
            if (same)
                Assert.Equal(DsnNames.NodeIdComparer.GetHashCode(a), DsnNames.NodeIdComparer.GetHashCode(b!));
        }

        [Theory]
        [InlineData("web01", true)]
        [InlineData("web 01", false)]
        [InlineData("web\u001b[31m", false)]
        [InlineData("", false)]
        public void NodeIds_follow_the_nodes_rule(string nodeId, bool valid) =>
            Assert.Equal(valid, DsnNames.NodeIdProblem(nodeId) is null);

        [Theory]
        [InlineData("cpu", true)]
        [InlineData("", false)]
        [InlineData("bad\u0001key", false)]
        public void Keys_follow_the_nodes_rule(string key, bool valid) =>
            Assert.Equal(valid, DsnNames.KeyProblem(key) is null);

        [Fact]
        public void A_key_with_an_unpaired_surrogate_is_refused() =>
            Assert.Contains("surrogate", DsnNames.KeyProblem(new string('\ud800', 1)));
    }
}
