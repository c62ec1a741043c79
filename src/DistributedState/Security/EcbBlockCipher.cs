using System;
using System.Reflection;
using System.Security.Cryptography;

namespace DistributedState.Security
{
    /// <summary>
    /// AES-256 over whole blocks (ECB): the keystream generator under <see cref="FrameCipher"/>'s counter mode. Two
    /// ways, chosen once per process: where the runtime has the one-shot <c>SymmetricAlgorithm.EncryptEcb</c>
    /// (.NET 6 and later: PowerShell 7), a cipher keeps only its key and each call sets up a native context for
    /// about 1.4 µs; elsewhere (.NET Framework: Windows PowerShell 5.1) it keeps a persistent transform. The persistent
    /// transform holds about 2.9 KB of native memory, and every session needs two: with a hundred nodes in one
    /// process, that was a fifth of their memory.
    /// </summary>
    internal abstract class EcbBlockCipher : IDisposable
    {
        public const int BlockLength = 16;

        private delegate int EncryptEcbInto(ReadOnlySpan<byte> plaintext, Span<byte> destination, PaddingMode padding);

        // Compiled against netstandard2.0, which lacks the method: found at run time.
        private static readonly MethodInfo? OneShotMethod = typeof(SymmetricAlgorithm).GetMethod(
            "EncryptEcb", new[] { typeof(ReadOnlySpan<byte>), typeof(Span<byte>), typeof(PaddingMode) });

        /// <summary>True when this runtime offers the one-shot method (so <see cref="Create"/> uses it).</summary>
        public static bool OneShotAvailable => OneShotMethod is not null;

        /// <summary>The best cipher this runtime offers for a 256-bit key.</summary>
        public static EcbBlockCipher Create(byte[] key) => OneShotAvailable ? new OneShot(key) : new Persistent(key);

        /// <summary>The persistent-transform cipher, whatever the runtime (for tests comparing the two).</summary>
        internal static EcbBlockCipher CreatePersistent(byte[] key) => new Persistent(key);

        /// <summary>Encrypts <c>input[0 .. count)</c> into <c>output[0 .. count)</c>; count is a multiple of the block length.</summary>
        public abstract void Encrypt(byte[] input, int count, byte[] output);

        public abstract void Dispose();

        private static Aes NewAes(byte[] key)
        {
            var aes = Aes.Create();
            aes.Mode = CipherMode.ECB;
            aes.Padding = PaddingMode.None;
            aes.Key = key;
            return aes;
        }

        private sealed class OneShot : EcbBlockCipher
        {
            private readonly Aes _aes;
            private readonly EncryptEcbInto _encrypt;

            public OneShot(byte[] key)
            {
                _aes = NewAes(key);
                _encrypt = (EncryptEcbInto)Delegate.CreateDelegate(typeof(EncryptEcbInto), _aes, OneShotMethod!);
            }

            public override void Encrypt(byte[] input, int count, byte[] output) =>
                _encrypt(new ReadOnlySpan<byte>(input, 0, count), new Span<byte>(output, 0, count), PaddingMode.None);

            public override void Dispose() => _aes.Dispose();
        }

        private sealed class Persistent : EcbBlockCipher
        {
            private readonly Aes _aes;
            private readonly ICryptoTransform _transform;

            public Persistent(byte[] key)
            {
                _aes = NewAes(key);
                _transform = _aes.CreateEncryptor();
            }

            public override void Encrypt(byte[] input, int count, byte[] output) => _transform.TransformBlock(input, 0, count, output, 0);

            public override void Dispose()
            {
                _transform.Dispose();
                _aes.Dispose();
            }
        }
    }
}
