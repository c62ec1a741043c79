using System;
using System.IO;
using System.Security.Cryptography;
using DistributedState.Internal;

namespace DistributedState.Security
{
    /// <summary>
    /// A node's ECDSA P-256 identity: it signs the node's state batches, its alive and leave statements and its
    /// handshakes. Public keys travel as 65-byte uncompressed points, signatures as 64-byte r||s.
    /// </summary>
    internal sealed class IdentityKey : IDisposable
    {
        public const int PublicKeyLength = P256Point.Length;
        public const int SignatureLength = 64;
        private const string FileHeader = "dsn-identity-v1";

        private readonly ECDsa _key;
        private readonly object _signLock = new object();

        private IdentityKey(ECDsa key)
        {
            _key = key;
            var parameters = key.ExportParameters(false);
            PublicKey = P256Point.Encode(parameters.Q);
        }

        public byte[] PublicKey { get; }

        public string PublicKeyHex => Hex.Encode(PublicKey);

        public static IdentityKey Create() => new IdentityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256));

        /// <summary>Loads the identity from <paramref name="path"/>, creating and saving a new one if the file does not exist.</summary>
        public static IdentityKey LoadOrCreate(string path)
        {
            if (File.Exists(path))
                return Load(path);
            var identity = Create();
            try
            {
                PrivateFile.WriteAllText(path, identity.Serialize(), overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: use theirs, so both agree on one identity.
                identity.Dispose();
                return Load(path);
            }

            return identity;
        }

        /// <summary>Loads the identity from <paramref name="path"/>.</summary>
        /// <exception cref="DsnKeyFileInsecureException">On Unix, other users may use the file, or another user owns it.</exception>
        /// <exception cref="ArgumentException">The file is not an identity file.</exception>
        public static IdentityKey Load(string path)
        {
            var lines = PrivateFile.ReadAllText(path, "identity file").Split(new[] { '\n', '\r' }, StringSplitOptions.RemoveEmptyEntries);
            if (lines.Length != 4 || lines[0] != FileHeader
                || !Hex.TryDecode(lines[1], out var d) || !Hex.TryDecode(lines[2], out var x) || !Hex.TryDecode(lines[3], out var y)
                || d.Length != 32 || x.Length != 32 || y.Length != 32)
            {
                throw new ArgumentException($"The identity file '{path}' is not a DistributedState identity (expected '{FileHeader}' and three 64-character hex lines). Delete it to create a new identity, or point IdentityPath elsewhere.");
            }

            try
            {
                var key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d, Q = new ECPoint { X = x, Y = y } });
                return new IdentityKey(key);
            }
            catch (CryptographicException error)
            {
                throw new ArgumentException($"The identity file '{path}' does not hold a valid P-256 key ({error.Message}). Delete it to create a new identity, or point IdentityPath elsewhere.", error);
            }
        }

        public byte[] Sign(byte[] data, int offset, int count)
        {
            lock (_signLock)
                return _key.SignData(data, offset, count, HashAlgorithmName.SHA256);
        }

        public byte[] Sign(byte[] data) => Sign(data, 0, data.Length);

        public void Dispose() => _key.Dispose();

        private string Serialize()
        {
            var parameters = _key.ExportParameters(true);
            return string.Join("\n", FileHeader, Hex.Encode(parameters.D!), Hex.Encode(parameters.Q.X!), Hex.Encode(parameters.Q.Y!)) + "\n";
        }
    }
}
