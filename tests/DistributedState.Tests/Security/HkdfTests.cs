using System;
using System.Security.Cryptography;
using System.Text;
using DistributedState.Internal;
using DistributedState.Security;
using Xunit;

namespace DistributedState.Tests.Security
{
    public sealed class HkdfTests
    {
        private static byte[] FromHex(string hex)
        {
            Assert.True(Hex.TryDecode(hex, out var bytes));
            return bytes;
        }

        private static byte[] Repeat(byte value, int count)
        {
            var bytes = new byte[count];
            for (var i = 0; i < count; i++)
                bytes[i] = value;
            return bytes;
        }

        // RFC 5869 A.1 uses info = f0..f9, which is not UTF-8 and so cannot be passed through the string label
        // of Hkdf.DeriveKey. Its IKM and salt are checked against the framework's HKDF with a text label, and
        // the RFC's exact output is checked through A.3 (empty salt and info), which the API can express.
        [Fact]
        public void Rfc5869_test_case_3_empty_salt_and_info_matches_the_published_okm()
        {
            var ikm = Repeat(0x0b, 22);
            var okm = Hkdf.DeriveKey(ikm, Array.Empty<byte>(), string.Empty, 42);
            Assert.Equal("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8", Hex.Encode(okm));
        }

        [Fact]
        public void Rfc5869_test_case_1_inputs_match_the_framework_hkdf()
        {
            var ikm = Repeat(0x0b, 22);
            var salt = FromHex("000102030405060708090a0b0c");
            // The framework reproduces the RFC's published OKM for the binary info: proves the reference is right.
            var reference = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 42, salt, FromHex("f0f1f2f3f4f5f6f7f8f9"));
            Assert.Equal("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865", Hex.Encode(reference));

            foreach (var label in new[] { "dsn/v1 session", "dsn/v1 hello", "x", "ünïcödé label" })
            {
                var expected = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 42, salt, Encoding.UTF8.GetBytes(label));
                Assert.Equal(Hex.Encode(expected), Hex.Encode(Hkdf.DeriveKey(ikm, salt, label, 42)));
            }
        }

        [Fact]
        public void Rfc5869_test_case_2_long_inputs_with_a_text_label_match_the_framework()
        {
            var ikm = new byte[80];
            var salt = new byte[80];
            for (var i = 0; i < 80; i++)
            {
                ikm[i] = (byte)i;
                salt[i] = (byte)(0x60 + i);
            }

            var label = new string('L', 80);
            var expected = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 82, salt, Encoding.UTF8.GetBytes(label));
            Assert.Equal(Hex.Encode(expected), Hex.Encode(Hkdf.DeriveKey(ikm, salt, label, 82)));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(31)]
        [InlineData(32)]
        [InlineData(33)]
        [InlineData(64)]
        [InlineData(128)]
        [InlineData(255 * 32)]
        public void Every_output_length_up_to_the_rfc_maximum_matches_the_framework(int length)
        {
            var ikm = DsnNetworkKey.Generate().Bytes;
            var salt = new byte[] { 1, 2, 3 };
            var expected = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, length, salt, Encoding.UTF8.GetBytes("label"));
            Assert.Equal(Hex.Encode(expected), Hex.Encode(Hkdf.DeriveKey(ikm, salt, "label", length)));
        }

        [Fact]
        public void An_empty_salt_is_the_same_as_hash_length_zeros()
        {
            var ikm = DsnNetworkKey.Generate().Bytes;
            Assert.Equal(Hkdf.DeriveKey(ikm, new byte[32], "a", 32), Hkdf.DeriveKey(ikm, Array.Empty<byte>(), "a", 32));
        }

        [Fact]
        public void Distinct_labels_salts_and_keys_give_distinct_outputs()
        {
            var ikm = DsnNetworkKey.Generate().Bytes;
            var other = DsnNetworkKey.Generate().Bytes;
            var salt = new byte[] { 9 };
            var a = Hex.Encode(Hkdf.DeriveKey(ikm, salt, "dsn/v1 hello", 32));
            Assert.NotEqual(a, Hex.Encode(Hkdf.DeriveKey(ikm, salt, "dsn/v1 session", 32)));
            Assert.NotEqual(a, Hex.Encode(Hkdf.DeriveKey(ikm, new byte[] { 8 }, "dsn/v1 hello", 32)));
            Assert.NotEqual(a, Hex.Encode(Hkdf.DeriveKey(other, salt, "dsn/v1 hello", 32)));
            Assert.Equal(a, Hex.Encode(Hkdf.DeriveKey(ikm, salt, "dsn/v1 hello", 32)));
        }

        [Fact]
        public void Output_longer_than_the_rfc_maximum_is_refused()
        {
            var ikm = DsnNetworkKey.Generate().Bytes;
            Assert.ThrowsAny<ArgumentException>(() => Hkdf.DeriveKey(ikm, Array.Empty<byte>(), "x", 255 * 32 + 1));
        }
    }
}
