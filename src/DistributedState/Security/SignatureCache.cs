using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using DistributedState.Internal;

namespace DistributedState.Security
{
    /// <summary>
    /// Signatures already verified, by key, content hash and signature, so the same signed content costs one ECDSA
    /// verification however often it arrives: a Sync holding thousands of copies of one batch, or the same batch in
    /// the answers of several peers. Bounded: beyond its capacity the oldest entries are forgotten (and verified
    /// again if they come back). Only successes are remembered: a forgery is verified each time, which is why a
    /// session sending forgeries is closed after a few. Thread-safe.
    /// </summary>
    internal sealed class SignatureCache
    {
        private readonly int _capacity;
        private readonly Counters _counters;
        private readonly string _checkedCounter;
        private readonly string _cachedCounter;
        private readonly HashSet<Entry> _known = new HashSet<Entry>();
        private readonly Queue<Entry> _order = new Queue<Entry>();

        /// <param name="capacity">How many signatures it remembers.</param>
        /// <param name="counters">Counts <c>{prefix}.checked</c> (ECDSA verifications done) and <c>{prefix}.cached</c> (spared).</param>
        /// <param name="prefix">The counters' common name.</param>
        public SignatureCache(int capacity, Counters counters, string prefix)
        {
            if (capacity < 1)
                throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "A cache holds at least one signature.");
            _capacity = capacity;
            _counters = counters;
            _checkedCounter = prefix + ".checked";
            _cachedCounter = prefix + ".cached";
        }

        /// <summary>Signatures remembered now.</summary>
        public int Count
        {
            get
            {
                lock (_known)
                    return _known.Count;
            }
        }

        /// <summary>Like <see cref="SignatureVerifier.VerifyHash"/>, but a signature this key accepted before is not checked again.</summary>
        public bool VerifyHash(SignatureVerifier verifier, byte[] sha256, byte[] signature)
        {
            var key = verifier.Key;
            if (key is null || sha256.Length < 4)
                return false;
            var entry = new Entry(key, sha256, signature);
            lock (_known)
            {
                if (_known.Contains(entry))
                {
                    _counters.Add(_cachedCounter);
                    return true;
                }
            }

            _counters.Add(_checkedCounter);
            if (!verifier.VerifyHash(sha256, signature))
                return false;
            lock (_known)
            {
                if (_known.Add(entry))
                {
                    _order.Enqueue(entry);
                    if (_order.Count > _capacity)
                        _known.Remove(_order.Dequeue());
                }
            }

            return true;
        }

        private readonly struct Entry : IEquatable<Entry>
        {
            private readonly object _key;
            private readonly byte[] _hash;
            private readonly byte[] _signature;

            public Entry(object key, byte[] hash, byte[] signature)
            {
                _key = key;
                _hash = hash;
                _signature = signature;
            }

            public bool Equals(Entry other) => ReferenceEquals(_key, other._key) && Same(_hash, other._hash) && Same(_signature, other._signature);

            public override bool Equals(object? obj) => obj is Entry other && Equals(other);

            // The hash is SHA-256: its first bytes are as good a hash code as any.
            public override int GetHashCode() => BitConverter.ToInt32(_hash, 0) ^ RuntimeHelpers.GetHashCode(_key);

            private static bool Same(byte[] a, byte[] b)
            {
                if (a.Length != b.Length)
                    return false;
                for (var i = 0; i < a.Length; i++)
                {
                    if (a[i] != b[i])
                        return false;
                }

                return true;
            }
        }
    }
}
