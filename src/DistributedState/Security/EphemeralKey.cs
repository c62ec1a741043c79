using System;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;

namespace DistributedState.Security
{
    /// <summary>
    /// A P-256 Diffie-Hellman key pair made for one handshake and then thrown away: what gives sessions forward
    /// secrecy. netstandard2.0 has no <c>ECDiffieHellman</c> type at all (only <see cref="ECDiffieHellmanPublicKey"/>),
    /// so its members are found at run time, once per process, in the assembly that holds
    /// <see cref="ECDiffieHellmanPublicKey"/>: <c>System.Security.Cryptography</c> on .NET (PowerShell 7, OpenSSL on
    /// Unix, CNG on Windows) and <c>System.Core</c> on .NET Framework 4.7 and later (Windows PowerShell 5.1, where
    /// <c>ECDiffieHellman.Create(ECCurve)</c> makes an <c>ECDiffieHellmanCng</c> on the named curve). A runtime
    /// without them cannot make sessions: <see cref="Create"/> throws, and the handshake fails closed rather than
    /// falling back to keys without forward secrecy.
    /// </summary>
    internal sealed class EphemeralKey : IDisposable
    {
        public const int PublicKeyLength = P256Point.Length;
        public const int SharedSecretLength = 32;

        private static readonly Api? Runtime = Api.Find();

        private readonly AsymmetricAlgorithm _key;

        private EphemeralKey(AsymmetricAlgorithm key)
        {
            _key = key;
            var parameters = Runtime!.ExportPublic(key);
            PublicKey = P256Point.Encode(parameters.Q);
        }

        /// <summary>True when this runtime offers P-256 Diffie-Hellman (every runtime the module supports does).</summary>
        public static bool Available => Runtime is not null;

        /// <summary>The 65-byte uncompressed point <c>0x04 || X || Y</c>.</summary>
        public byte[] PublicKey { get; }

        /// <summary>A fresh key pair; throws <see cref="PlatformNotSupportedException"/> on a runtime without ECDH.</summary>
        public static EphemeralKey Create()
        {
            var api = Runtime ?? throw new PlatformNotSupportedException(
                "This .NET runtime offers no P-256 Diffie-Hellman (ECDiffieHellman.Create(ECCurve)); DistributedState needs .NET Framework 4.7 or later, or .NET Core 2.0 or later.");
            return new EphemeralKey(api.Create(ECCurve.NamedCurves.nistP256));
        }

        /// <summary>
        /// <c>SHA-256(x)</c> of the shared point with the peer's public key. Throws <see cref="CryptographicException"/>
        /// when <paramref name="peerPublicKey"/> is not an uncompressed point of P-256 (off the curve, wrong length).
        /// </summary>
        public byte[] DeriveSharedSecret(byte[] peerPublicKey)
        {
            if (!P256Point.TryDecode(peerPublicKey, out var parameters))
                throw new CryptographicException("A P-256 public key is 65 bytes starting with 0x04.");
            // Importing checks that the point lies on the curve (OpenSSL and CNG both refuse one that does not), so
            // no invalid-curve point reaches the multiplication.
            using var peer = Runtime!.Create(parameters);
            using var peerKey = Runtime.PublicKeyOf(peer);
            return Runtime.DeriveSha256(_key, peerKey);
        }

        public void Dispose() => _key.Dispose();

        /// <summary>The members of <c>ECDiffieHellman</c> this class uses, bound once.</summary>
        private sealed class Api
        {
            private readonly MethodInfo _createOnCurve;
            private readonly MethodInfo _createFromParameters;
            private readonly MethodInfo _exportParameters;
            private readonly PropertyInfo _publicKey;
            private readonly MethodInfo _deriveKeyFromHash;

            private Api(MethodInfo createOnCurve, MethodInfo createFromParameters, MethodInfo exportParameters, PropertyInfo publicKey, MethodInfo deriveKeyFromHash)
            {
                _createOnCurve = createOnCurve;
                _createFromParameters = createFromParameters;
                _exportParameters = exportParameters;
                _publicKey = publicKey;
                _deriveKeyFromHash = deriveKeyFromHash;
            }

            public static Api? Find()
            {
                var type = typeof(ECDiffieHellmanPublicKey).Assembly.GetType("System.Security.Cryptography.ECDiffieHellman");
                if (type is null)
                    return null;
                var createOnCurve = type.GetMethod("Create", BindingFlags.Public | BindingFlags.Static, null, new[] { typeof(ECCurve) }, null);
                var createFromParameters = type.GetMethod("Create", BindingFlags.Public | BindingFlags.Static, null, new[] { typeof(ECParameters) }, null);
                var exportParameters = type.GetMethod("ExportParameters", new[] { typeof(bool) });
                var publicKey = type.GetProperty("PublicKey", typeof(ECDiffieHellmanPublicKey));
                var deriveKeyFromHash = type.GetMethod("DeriveKeyFromHash",
                    new[] { typeof(ECDiffieHellmanPublicKey), typeof(HashAlgorithmName), typeof(byte[]), typeof(byte[]) });
                if (createOnCurve is null || createFromParameters is null || exportParameters is null || publicKey is null || deriveKeyFromHash is null)
                    return null;
                return new Api(createOnCurve, createFromParameters, exportParameters, publicKey, deriveKeyFromHash);
            }

            public AsymmetricAlgorithm Create(ECCurve curve) => (AsymmetricAlgorithm)Invoke(_createOnCurve, null, curve);

            public AsymmetricAlgorithm Create(ECParameters parameters) => (AsymmetricAlgorithm)Invoke(_createFromParameters, null, parameters);

            public ECParameters ExportPublic(AsymmetricAlgorithm key) => (ECParameters)Invoke(_exportParameters, key, false);

            public ECDiffieHellmanPublicKey PublicKeyOf(AsymmetricAlgorithm key) => (ECDiffieHellmanPublicKey)_publicKey.GetValue(key)!;

            public byte[] DeriveSha256(AsymmetricAlgorithm key, ECDiffieHellmanPublicKey peer) =>
                (byte[])Invoke(_deriveKeyFromHash, key, peer, HashAlgorithmName.SHA256, null, null);

            /// <summary>Calls through reflection, rethrowing what the method threw rather than a wrapper.</summary>
            private static object Invoke(MethodInfo method, object? target, params object?[] arguments)
            {
                try
                {
                    return method.Invoke(target, arguments)!;
                }
                catch (TargetInvocationException wrapped) when (wrapped.InnerException is not null)
                {
                    ExceptionDispatchInfo.Capture(wrapped.InnerException).Throw();
                    throw; // not reached
                }
            }
        }
    }
}
