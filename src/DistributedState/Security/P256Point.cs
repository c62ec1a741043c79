using System;
using System.Security.Cryptography;

namespace DistributedState.Security
{
    /// <summary>
    /// The wire form of a P-256 public key, identity or ephemeral: 65 bytes, <c>0x04 || X(32) || Y(32)</c>
    /// (uncompressed, SEC 1). Whether the point lies on the curve is checked by the import that uses it.
    /// </summary>
    internal static class P256Point
    {
        public const int Length = 65;

        public static byte[] Encode(ECPoint point)
        {
            var encoded = new byte[Length];
            encoded[0] = 0x04;
            Buffer.BlockCopy(point.X!, 0, encoded, 1, 32);
            Buffer.BlockCopy(point.Y!, 0, encoded, 33, 32);
            return encoded;
        }

        /// <summary>The public-key parameters of an encoded point; false when it is not 65 bytes starting with 0x04.</summary>
        public static bool TryDecode(byte[] encoded, out ECParameters parameters)
        {
            parameters = default;
            if (encoded.Length != Length || encoded[0] != 0x04)
                return false;
            var x = new byte[32];
            var y = new byte[32];
            Buffer.BlockCopy(encoded, 1, x, 0, 32);
            Buffer.BlockCopy(encoded, 33, y, 0, 32);
            parameters = new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } };
            return true;
        }
    }
}
