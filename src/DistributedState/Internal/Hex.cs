using System;

namespace DistributedState.Internal
{
    /// <summary>Lower-case hexadecimal text, which netstandard2.0 lacks a helper for.</summary>
    internal static class Hex
    {
        private const string Digits = "0123456789abcdef";

        public static string Encode(byte[] bytes)
        {
            var chars = new char[bytes.Length * 2];
            for (var i = 0; i < bytes.Length; i++)
            {
                chars[2 * i] = Digits[bytes[i] >> 4];
                chars[2 * i + 1] = Digits[bytes[i] & 0xF];
            }

            return new string(chars);
        }

        public static bool TryDecode(string text, out byte[] bytes)
        {
            bytes = Array.Empty<byte>();
            if (text.Length % 2 != 0)
                return false;
            var result = new byte[text.Length / 2];
            for (var i = 0; i < result.Length; i++)
            {
                var high = Value(text[2 * i]);
                var low = Value(text[2 * i + 1]);
                if (high < 0 || low < 0)
                    return false;
                result[i] = (byte)((high << 4) | low);
            }

            bytes = result;
            return true;
        }

        private static int Value(char c) =>
            c >= '0' && c <= '9' ? c - '0' :
            c >= 'a' && c <= 'f' ? c - 'a' + 10 :
            c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }
}
