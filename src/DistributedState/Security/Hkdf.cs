using System;
using System.Security.Cryptography;

namespace DistributedState.Security
{
    /// <summary>HKDF-SHA256 (RFC 5869), which netstandard2.0 lacks. Every derived key uses its own label.</summary>
    internal static class Hkdf
    {
        public static byte[] DeriveKey(byte[] inputKey, byte[] salt, string label, int length)
        {
            if (length < 1 || length > 255 * 32)
                throw new ArgumentOutOfRangeException(nameof(length), length, "HKDF-SHA256 yields 1 to 8160 bytes (RFC 5869).");
            byte[] pseudoRandomKey;
            using (var extract = new HMACSHA256(salt.Length == 0 ? new byte[32] : salt))
                pseudoRandomKey = extract.ComputeHash(inputKey);

            var info = System.Text.Encoding.UTF8.GetBytes(label);
            var output = new byte[length];
            var previous = Array.Empty<byte>();
            using (var expand = new HMACSHA256(pseudoRandomKey))
            {
                var written = 0;
                for (byte counter = 1; written < length; counter++)
                {
                    var input = new byte[previous.Length + info.Length + 1];
                    Buffer.BlockCopy(previous, 0, input, 0, previous.Length);
                    Buffer.BlockCopy(info, 0, input, previous.Length, info.Length);
                    input[input.Length - 1] = counter;
                    previous = expand.ComputeHash(input);
                    var take = Math.Min(previous.Length, length - written);
                    Buffer.BlockCopy(previous, 0, output, written, take);
                    written += take;
                }
            }

            Array.Clear(pseudoRandomKey, 0, pseudoRandomKey.Length);
            return output;
        }
    }
}
