using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using DistributedState.Internal;

namespace DistributedState.Security
{
    /// <summary>
    /// One P-256 public key, imported once per process and shared by every <see cref="SignatureVerifier"/> of it. An
    /// imported key holds about 5 KB of native memory once used, and each node keeps a verifier per member: with N
    /// nodes in one process (Pester tests, a console hosting several) that was N × N keys, most of the memory of a
    /// hundred in-process nodes. Verifications rent an instance exclusively (an <see cref="ECDsa"/> object is not
    /// documented as thread-safe), so verifiers of the same key on different threads never wait for each other; the
    /// instances are as many as the most verifications of the key that ever ran at once.
    /// </summary>
    internal sealed class SharedPublicKey
    {
        private const int SweepEvery = 256;

        // Weak, so a key nobody verifies with any more (its members reaped, its nodes stopped) is collected with its
        // native handles, whether or not its verifiers were disposed.
        private static readonly Dictionary<string, WeakReference<SharedPublicKey>> Cache =
            new Dictionary<string, WeakReference<SharedPublicKey>>(StringComparer.Ordinal);

        private static int _insertsSinceSweep;

        private readonly ECParameters _parameters;
        private readonly Stack<ECDsa> _idle = new Stack<ECDsa>(1);

        private SharedPublicKey(ECParameters parameters, ECDsa first)
        {
            _parameters = parameters;
            _idle.Push(first);
        }

        /// <summary>The shared key for a 65-byte uncompressed P-256 point; null when it is not one.</summary>
        public static SharedPublicKey? For(byte[] publicKey)
        {
            if (!P256Point.TryDecode(publicKey, out var parameters))
                return null;
            var name = Hex.Encode(publicKey);
            lock (Cache)
            {
                if (Cache.TryGetValue(name, out var known) && known.TryGetTarget(out var shared))
                    return shared;
            }

            ECDsa first;
            try
            {
                first = ECDsa.Create(parameters);
            }
            catch (CryptographicException)
            {
                return null; // not a point on the curve
            }

            // Imported outside the lock (it is the slow part); if another thread won the race, use its key.
            var created = new SharedPublicKey(parameters, first);
            lock (Cache)
            {
                if (Cache.TryGetValue(name, out var known) && known.TryGetTarget(out var winner))
                {
                    first.Dispose();
                    return winner;
                }

                Cache[name] = new WeakReference<SharedPublicKey>(created);
                if (++_insertsSinceSweep >= SweepEvery)
                    SweepCollectedKeys();
                return created;
            }
        }

        public bool VerifyData(byte[] data, int offset, int count, byte[] signature)
        {
            var key = Rent();
            try
            {
                return key.VerifyData(data, offset, count, signature, HashAlgorithmName.SHA256);
            }
            finally
            {
                Return(key);
            }
        }

        public bool VerifyHash(byte[] sha256, byte[] signature)
        {
            var key = Rent();
            try
            {
                return key.VerifyHash(sha256, signature);
            }
            finally
            {
                Return(key);
            }
        }

        private ECDsa Rent()
        {
            lock (_idle)
            {
                if (_idle.Count > 0)
                    return _idle.Pop();
            }

            return ECDsa.Create(_parameters); // a concurrent verification of this key: one more instance
        }

        private void Return(ECDsa key)
        {
            lock (_idle)
                _idle.Push(key);
        }

        /// <summary>Under the cache's lock: forgets keys the garbage collector took.</summary>
        private static void SweepCollectedKeys()
        {
            _insertsSinceSweep = 0;
            var collected = new List<string>();
            foreach (var entry in Cache)
            {
                if (!entry.Value.TryGetTarget(out _))
                    collected.Add(entry.Key);
            }

            foreach (var name in collected)
                Cache.Remove(name);
        }
    }
}
