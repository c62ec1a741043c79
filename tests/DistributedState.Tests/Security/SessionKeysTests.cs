using System;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using DistributedState.Security;
using Xunit;

namespace DistributedState.Tests.Security
{
    public sealed class SessionKeysTests
    {
        private readonly byte[] _networkKey = DsnNetworkKey.Generate().Bytes;
        private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);
        private readonly byte[] _helloHash = RandomNumberGenerator.GetBytes(32);

        private static byte[][] All(SessionKeys keys) => new[]
        {
            keys.InitiatorToResponderEncryption, keys.InitiatorToResponderMac, keys.ResponderToInitiatorEncryption,
            keys.ResponderToInitiatorMac, keys.Binding,
        };

        [Fact]
        public void The_keys_are_five_distinct_slices_of_HKDF_over_the_network_key_and_the_secret_salted_with_the_hello_hash()
        {
            var keys = All(SessionKeys.Derive(_networkKey, _secret, _helloHash));
            for (var i = 0; i < keys.Length; i++)
            {
                Assert.Equal(32, keys[i].Length);
                for (var j = i + 1; j < keys.Length; j++)
                    Assert.NotEqual(keys[i], keys[j]);
            }

            // Cross-checked with the platform's own HKDF (RFC 5869), as docs/protocol.md specifies the derivation.
            var material = HKDF.DeriveKey(HashAlgorithmName.SHA256, _networkKey.Concat(_secret).ToArray(), 160, _helloHash, Encoding.UTF8.GetBytes("dsn/v2 session"));
            for (var i = 0; i < keys.Length; i++)
                Assert.Equal(material.AsSpan(32 * i, 32).ToArray(), keys[i]);
        }

        [Fact]
        public void Every_input_changes_every_key()
        {
            var keys = All(SessionKeys.Derive(_networkKey, _secret, _helloHash));
            byte[] Flipped(byte[] value)
            {
                var copy = (byte[])value.Clone();
                copy[copy.Length - 1] ^= 1;
                return copy;
            }

            foreach (var other in new[]
            {
                SessionKeys.Derive(Flipped(_networkKey), _secret, _helloHash),
                SessionKeys.Derive(_networkKey, Flipped(_secret), _helloHash),
                SessionKeys.Derive(_networkKey, _secret, Flipped(_helloHash)),
            })
            {
                var changed = All(other);
                for (var i = 0; i < keys.Length; i++)
                    Assert.NotEqual(keys[i], changed[i]);
            }
        }

        [Fact]
        public void A_128_bit_network_key_is_not_the_same_key_padded_to_256_bits()
        {
            var short_ = DsnNetworkKey.Generate(128).Bytes;
            var padded = short_.Concat(new byte[16]).ToArray();
            Assert.NotEqual(SessionKeys.Derive(short_, _secret, _helloHash).InitiatorToResponderMac, SessionKeys.Derive(padded, _secret, _helloHash).InitiatorToResponderMac);
        }
    }
}
