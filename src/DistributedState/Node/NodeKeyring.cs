using System;
using System.Linq;
using DistributedState.Logging;
using DistributedState.Protocol;

namespace DistributedState
{
    /// <summary>
    /// A node's keyring as it changes under keyring commands: read without a lock (handshakes, beacons), changed one
    /// command at a time, and written back to the key file the node was started from, so a node restarted during a
    /// rotation holds the keys it held before.
    /// </summary>
    internal sealed class NodeKeyring
    {
        private readonly object _gate = new object();
        private readonly string? _keyFilePath;
        private readonly NodeLog _logger;
        private DsnNetworkKeyring _current;

        /// <param name="initial">The ring the node starts with.</param>
        /// <param name="keyFilePath">The key file to write each changed ring to; null: the ring lives in memory only.</param>
        /// <param name="logger">Where changes and unwritable key files are logged.</param>
        public NodeKeyring(DsnNetworkKeyring initial, string? keyFilePath, NodeLog logger)
        {
            _current = initial;
            _keyFilePath = keyFilePath;
            _logger = logger;
        }

        public DsnNetworkKeyring Current => System.Threading.Volatile.Read(ref _current);

        /// <summary>Applies one operation and says what it did; never throws for a refusal, which is part of the report.</summary>
        public KeyringReport Apply(DsnKeyringOperation operation, string keyId, DsnNetworkKey? key)
        {
            lock (_gate)
            {
                var before = _current;
                DsnNetworkKeyring after;
                try
                {
                    after = operation switch
                    {
                        DsnKeyringOperation.Install => before.WithKey(key ?? throw new ArgumentNullException(nameof(key))),
                        DsnKeyringOperation.Use => before.WithPrimary(keyId),
                        DsnKeyringOperation.Remove => before.WithoutKey(keyId),
                        _ => before,
                    };
                }
                catch (DsnKeyringException refused)
                {
                    return Report(DsnKeyringStatus.Refused, refused.Message, before);
                }

                if (SameRing(before, after))
                    return Report(DsnKeyringStatus.Unchanged, null, before);
                System.Threading.Volatile.Write(ref _current, after);
                _logger.LogInformation("Keyring: {Operation} {KeyId}; the primary is {Primary}, {Count} key(s) held.", operation, keyId, after.Primary.Id, after.Keys.Count);
                return Report(DsnKeyringStatus.Changed, Persist(after), after);
            }
        }

        /// <summary>Writes the ring to the key file; returns a warning when that failed (the change holds in memory).</summary>
        private string? Persist(DsnNetworkKeyring ring)
        {
            if (_keyFilePath is null)
                return null;
            try
            {
                ring.Save(_keyFilePath, overwrite: true);
                return null;
            }
            catch (Exception error) when (error is System.IO.IOException || error is UnauthorizedAccessException)
            {
                _logger.LogWarning("Keyring changed but the key file '{Path}' could not be written: {Reason}. A restart would load the old ring.", _keyFilePath, error.Message);
                return $"the ring changed, but the key file could not be written ({error.Message}): a restart would load the old ring";
            }
        }

        private static bool SameRing(DsnNetworkKeyring a, DsnNetworkKeyring b) =>
            a.Keys.Select(k => k.Id).SequenceEqual(b.Keys.Select(k => k.Id));

        private static KeyringReport Report(DsnKeyringStatus status, string? message, DsnNetworkKeyring ring) =>
            new KeyringReport(status, message, ring.Keys.Select(k => k.Id).ToList());
    }
}
