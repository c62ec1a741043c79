using System;
using System.Security.Cryptography;
using DistributedState.Security;
using Xunit;

namespace DistributedState.Tests.Security
{
    public sealed class EcbBlockCipherTests
    {
        [Fact]
        public void This_runtime_uses_the_one_shot_method_that_keeps_no_native_context_per_cipher() =>
            Assert.True(EcbBlockCipher.OneShotAvailable, "the test runtime is .NET 10, which has SymmetricAlgorithm.EncryptEcb");

        [Fact]
        public void Matches_the_FIPS_197_AES_256_example()
        {
            var key = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
            var plaintext = Convert.FromHexString("00112233445566778899aabbccddeeff");
            var output = new byte[16];
            using var cipher = EcbBlockCipher.Create(key);
            cipher.Encrypt(plaintext, 16, output);
            Assert.Equal("8ea2b7ca516745bfeafc49904b496089", Convert.ToHexString(output).ToLowerInvariant());
        }

        [Theory]
        [InlineData(16)]
        [InlineData(64)]
        [InlineData(4096)]
        public void Both_ways_give_the_same_blocks_and_leave_the_rest_of_the_output_alone(int count)
        {
            var key = RandomNumberGenerator.GetBytes(32);
            var input = RandomNumberGenerator.GetBytes(4096);
            var oneShot = new byte[4096 + 16];
            var persistent = new byte[4096 + 16];
            using (var cipher = EcbBlockCipher.Create(key))
                cipher.Encrypt(input, count, oneShot);
            using (var cipher = EcbBlockCipher.CreatePersistent(key))
                cipher.Encrypt(input, count, persistent);
            Assert.Equal(persistent, oneShot);
            Assert.All(oneShot[count..], b => Assert.Equal(0, b));
        }
    }
}
