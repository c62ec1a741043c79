using System;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using DistributedState.Security;
using Xunit;

namespace DistributedState.Tests.Security
{
    public sealed class FrameMacTests
    {
        [Fact]
        public void Matches_the_RFC_4231_test_vector()
        {
            var mac = new FrameMac(Encoding.ASCII.GetBytes("Jefe"));
            var data = Encoding.ASCII.GetBytes("what do ya want for nothing?");
            Assert.Equal("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                Convert.ToHexString(mac.Compute(data, 0, data.Length)).ToLowerInvariant());
        }

        [Theory]
        [InlineData(0, 0)]
        [InlineData(32, 1)]
        [InlineData(32, 64)]
        [InlineData(63, 1000)]
        [InlineData(64, 4097)]
        public void Equals_HMACSHA256_for_any_key_up_to_a_block_and_any_slice(int keyLength, int dataLength)
        {
            var random = new Random(keyLength * 7919 + dataLength);
            var key = new byte[keyLength];
            var data = new byte[dataLength + 10];
            random.NextBytes(key);
            random.NextBytes(data);
            using var reference = new HMACSHA256(key);
            Assert.Equal(reference.ComputeHash(data, 3, dataLength), new FrameMac(key).Compute(data, 3, dataLength));
        }

        [Fact]
        public void A_key_longer_than_a_block_is_refused() =>
            Assert.Throws<ArgumentException>(() => new FrameMac(new byte[65]));

        [Fact]
        public async Task Instances_on_many_threads_at_once_do_not_disturb_each_other()
        {
            var keys = Enumerable.Range(0, 8).Select(i => Enumerable.Repeat((byte)i, 32).ToArray()).ToArray();
            var data = Encoding.ASCII.GetBytes("the same frame, macced with eight keys on eight threads");
            await Task.WhenAll(keys.Select(key => Task.Run(() =>
            {
                using var reference = new HMACSHA256(key);
                var expected = reference.ComputeHash(data);
                var mac = new FrameMac(key);
                for (var i = 0; i < 2000; i++)
                    Assert.Equal(expected, mac.Compute(data, 0, data.Length));
            })));
        }

        [Fact]
        public void A_sealed_frame_carries_the_standard_truncated_HMAC_of_sequence_and_ciphertext()
        {
            var encryption = RandomNumberGenerator.GetBytes(32);
            var macKey = RandomNumberGenerator.GetBytes(32);
            var frame = new FrameSealer(encryption, macKey).Seal(Encoding.UTF8.GetBytes("hello"));
            using var reference = new HMACSHA256(macKey);
            var tagged = frame.Length - FrameCipher.TagLength;
            Assert.Equal(reference.ComputeHash(frame, 0, tagged).Take(FrameCipher.TagLength), frame.Skip(tagged));
        }
    }
}
