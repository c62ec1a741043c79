using System;
using System.IO;
using System.Security.Cryptography;
using DistributedState.Internal;
using DistributedState.Protocol;
using DistributedState.Security;

namespace DistributedState.Discovery
{
    /// <summary>
    /// A node's announcement on the LAN: its NodeId and endpoint, sealed with keys derived from the network key, so a
    /// host without the key learns nothing from it (not even that it is a DistributedState beacon, beyond its size)
    /// and cannot forge one. A beacon is <c>magic "DSNB" (4) || version (1) || salt (16) || sealed frame</c>; the frame's
    /// keys come from HKDF(network key, salt, "dsn/v1 beacon"), fresh for each beacon, and hold
    /// <c>sent at (unix ms, 8) || NodeId || host || port (2)</c>. A receiver drops beacons sent more than
    /// <see cref="MaxAgeMs"/> from its own clock: a replay outside that window is refused, and one inside it only points
    /// at a real member's endpoint, which the handshake then authenticates.
    /// </summary>
    internal sealed class Beacon
    {
        /// <summary>Beacons older (or newer) than this, by the receiver's clock, are refused.</summary>
        public const long MaxAgeMs = 5 * 60 * 1000;

        /// <summary>The largest beacon: well inside one unfragmented UDP datagram.</summary>
        public const int MaxBytes = 512;

        private const byte Version = 1;
        private const int SaltLength = 16;
        private static readonly byte[] Magic = { (byte)'D', (byte)'S', (byte)'N', (byte)'B' };

        public Beacon(string nodeId, string host, int port, long sentAtUnixMs)
        {
            NodeId = nodeId;
            Host = host;
            Port = port;
            SentAtUnixMs = sentAtUnixMs;
        }

        public string NodeId { get; }

        public string Host { get; }

        public int Port { get; }

        public long SentAtUnixMs { get; }

        /// <summary>The endpoint the beacon announces.</summary>
        public DsnEndpoint EndPoint => new DsnEndpoint(Host, Port);

        /// <summary>Seals the beacon for the network.</summary>
        public byte[] Seal(byte[] networkKey)
        {
            var salt = new byte[SaltLength];
            using (var random = RandomNumberGenerator.Create())
                random.GetBytes(salt);
            var plain = new WireWriter(128);
            plain.I64(SentAtUnixMs);
            plain.ShortString(NodeId);
            plain.ShortString(Host);
            plain.U16((ushort)Port);
            byte[] sealedFrame;
            using (var sealer = CreateSealer(networkKey, salt))
                sealedFrame = sealer.Seal(plain.ToArray());
            var beacon = new WireWriter(Magic.Length + 1 + SaltLength + sealedFrame.Length);
            beacon.Fixed(Magic);
            beacon.U8(Version);
            beacon.Fixed(salt);
            beacon.Fixed(sealedFrame);
            return beacon.ToArray();
        }

        /// <summary>
        /// The beacon in a datagram, or null with the reason (the counter to add) when it is not a valid beacon of this
        /// network sent within <see cref="MaxAgeMs"/> of <paramref name="nowUnixMs"/>.
        /// </summary>
        public static Beacon? Open(byte[] datagram, int length, DsnNetworkKeyring keyring, long nowUnixMs, out string? refusal)
        {
            refusal = "discovery.rejected.malformed";
            if (length < Magic.Length + 1 + SaltLength + FrameCipher.Overhead || length > MaxBytes)
                return null;
            for (var i = 0; i < Magic.Length; i++)
            {
                if (datagram[i] != Magic[i])
                    return null;
            }

            if (datagram[Magic.Length] != Version)
            {
                refusal = "discovery.rejected.version";
                return null;
            }

            var salt = new byte[SaltLength];
            Buffer.BlockCopy(datagram, Magic.Length + 1, salt, 0, SaltLength);
            var frameStart = Magic.Length + 1 + SaltLength;
            var frame = new byte[length - frameStart];
            Buffer.BlockCopy(datagram, frameStart, frame, 0, frame.Length);
            if (!TryOpenWithAnyKey(keyring, salt, frame, out var plainLength))
            {
                refusal = "discovery.rejected.bad_key"; // another network's beacon, or a forgery
                return null;
            }

            Beacon beacon;
            try
            {
                var reader = new WireReader(frame, FrameCipher.SequenceLength, plainLength);
                var sentAt = reader.I64();
                var nodeId = reader.ShortString(NameRules.MaxNodeIdLength);
                var host = reader.ShortString(255);
                var port = reader.U16();
                reader.End();
                beacon = new Beacon(nodeId, host, port, sentAt);
            }
            catch (InvalidDataException)
            {
                return null;
            }

            if (NameRules.NodeIdProblem(beacon.NodeId) is not null || beacon.Port == 0 || beacon.Host.Length == 0)
                return null;
            if (Math.Abs(nowUnixMs - beacon.SentAtUnixMs) > MaxAgeMs)
            {
                refusal = "discovery.rejected.stale";
                return null;
            }

            refusal = null;
            return beacon;
        }

        private static FrameSealer CreateSealer(byte[] networkKey, byte[] salt)
        {
            var (encryption, mac) = DeriveKeys(networkKey, salt);
            return new FrameSealer(encryption, mac);
        }

        /// <summary>Opens the frame in place with the first key of the ring that authenticates it (a rotation may be under way).</summary>
        private static bool TryOpenWithAnyKey(DsnNetworkKeyring keyring, byte[] salt, byte[] frame, out int plainLength)
        {
            foreach (var key in keyring.Keys)
            {
                var (encryption, mac) = DeriveKeys(key.Bytes, salt);
                using var opener = new FrameOpener(encryption, mac);
                if (opener.Open(frame, out plainLength) == FrameRejection.None)
                    return true; // a refused frame is left as it was: the MAC is checked before anything is decrypted
            }

            plainLength = 0;
            return false;
        }

        private static (byte[] Encryption, byte[] Mac) DeriveKeys(byte[] networkKey, byte[] salt)
        {
            var keys = Hkdf.DeriveKey(networkKey, salt, "dsn/v1 beacon", 64);
            return (Slice(keys, 0), Slice(keys, 32));
        }

        private static byte[] Slice(byte[] keys, int offset)
        {
            var key = new byte[32];
            Buffer.BlockCopy(keys, offset, key, 0, 32);
            return key;
        }
    }
}
