using System;
using System.IO;
using DistributedState.PowerShell.Engine;
using Xunit;

namespace DistributedState.PowerShell.Tests.Engine
{
    /// <summary>How the keyring cmdlets read the key they are about, and word a member's refusal.</summary>
    public sealed class NetworkKeyArgumentTests
    {
        [Fact]
        public void A_key_comes_from_its_text_or_its_file_and_a_key_id_from_either_or_as_given()
        {
            var key = DsnNetworkKey.Generate();
            Assert.Equal(key.Id, NetworkKeyArgument.Key(key.ToString(), null).Id);
            var path = Path.Combine(Path.GetTempPath(), "dsn-keyarg-" + Guid.NewGuid().ToString("N"));
            try
            {
                key.Save(path);
                Assert.Equal(key.Id, NetworkKeyArgument.Key(null, path).Id);
                Assert.Equal(key.Id, NetworkKeyArgument.KeyId(null, null, path));
            }
            finally
            {
                File.Delete(path);
            }

            Assert.Equal(key.Id, NetworkKeyArgument.KeyId(key.Id.ToUpperInvariant(), null, null));
        }

        [Theory]
        [InlineData("abc")] // wrong length
        [InlineData("0123456789abcdef0123456789abcdef0")]
        [InlineData("zz23456789abcdef0123456789abcdef")]
        public void A_bad_key_is_DsnNetworkKeyInvalid(string text)
        {
            var error = Assert.Throws<DsnCommandException>(() => NetworkKeyArgument.Key(text, null));
            Assert.Equal(("DsnNetworkKeyInvalid", DsnErrorCategory.InvalidArgument), (error.ErrorId, error.Category));
        }

        [Theory]
        [InlineData("0123")]
        [InlineData("0123456789abcdeg")]
        public void A_bad_key_id_is_DsnKeyIdInvalid(string keyId)
        {
            var error = Assert.Throws<DsnCommandException>(() => NetworkKeyArgument.KeyId(keyId, null, null));
            Assert.Equal("DsnKeyIdInvalid", error.ErrorId);
            Assert.Contains("Get-DsnNetworkKey", error.Message);
        }
    }
}
