namespace DistributedState.Security
{
    /// <summary>Constant-time comparison, so a forged MAC cannot be found byte by byte from timing.</summary>
    internal static class FixedTime
    {
        public static bool Equals(byte[] a, int aOffset, byte[] b, int bOffset, int length)
        {
            var difference = 0;
            for (var i = 0; i < length; i++)
                difference |= a[aOffset + i] ^ b[bOffset + i];
            return difference == 0;
        }
    }
}
