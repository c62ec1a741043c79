using System.Collections.Generic;
using System.Linq;
using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using DistributedState.Internal;
using DistributedState.Protocol;
using DistributedState.Security;

namespace DistributedState.Storage
{
    /// <summary>What a data file holds.</summary>
    internal enum DataFileKind : byte
    {
        /// <summary>The node's own state: its signed batches.</summary>
        OwnState = 1,

        /// <summary>The members the node knew and where they were.</summary>
        Members = 2,
    }

    /// <summary>
    /// The envelope of every file of a data directory: <c>"DSNDATA1" || u8 kind || short-string NodeId || 16-byte
    /// network fingerprint || u32 payload length || payload || SHA-256 of all bytes before it</c>. The checksum tells a
    /// damaged file from a good one before anything in it is believed; the NodeId and the fingerprint (an HMAC of a label
    /// under the network key, which reveals nothing of the key) tell a file of another node or another network, so a data
    /// directory copied to the wrong machine, or a node moved to another network, fails to start with a clear error
    /// instead of publishing what it should not. Pure: <see cref="DataDirectory"/> does the file I/O.
    /// </summary>
    internal static class DataFile
    {
        public const int FingerprintLength = 16;
        private const int ChecksumLength = 32;
        private static readonly byte[] Magic = Encoding.ASCII.GetBytes("DSNDATA1");
        private static readonly byte[] FingerprintLabel = Encoding.ASCII.GetBytes("dsn/v1 data directory");

        /// <summary>The network's fingerprint: the first 16 bytes of HMAC-SHA256(network key, label).</summary>
        public static byte[] Fingerprint(byte[] networkKey)
        {
            using var hmac = new HMACSHA256(networkKey);
            var full = hmac.ComputeHash(FingerprintLabel);
            var result = new byte[FingerprintLength];
            Buffer.BlockCopy(full, 0, result, 0, result.Length);
            return result;
        }

        /// <summary>The whole file: envelope, payload and checksum.</summary>
        public static WireWriter Encode(DataFileKind kind, string nodeId, byte[] fingerprint, WireWriter payload)
        {
            var writer = new WireWriter(payload.Length + 128);
            writer.Fixed(Magic);
            writer.U8((byte)kind);
            writer.ShortString(nodeId);
            writer.Fixed(fingerprint);
            writer.U32((uint)payload.Length);
            writer.Raw(payload.Buffer, 0, payload.Length);
            using (var sha = SHA256.Create())
                writer.Fixed(sha.ComputeHash(writer.Buffer, 0, writer.Length));
            return writer;
        }

        /// <summary>Checks the envelope and returns a reader over the payload.</summary>
        /// <exception cref="DsnDataFileException">The file is damaged, or of another kind, node or network.</exception>
        public static WireReader Open(string path, byte[] content, DataFileKind kind, string nodeId, IReadOnlyList<byte[]> fingerprints)
        {
            if (content.Length < Magic.Length + ChecksumLength || !FixedTime.Equals(content, 0, Magic, 0, Magic.Length))
                throw new DsnDataFileException(path, DsnDataFileProblem.Corrupt, "it is not a DistributedState data file (no DSNDATA1 header)");
            byte[] checksum;
            using (var sha = SHA256.Create())
                checksum = sha.ComputeHash(content, 0, content.Length - ChecksumLength);
            if (!FixedTime.Equals(checksum, 0, content, content.Length - ChecksumLength, ChecksumLength))
                throw new DsnDataFileException(path, DsnDataFileProblem.Corrupt, "its checksum does not match its content (the file was damaged or truncated)");
            try
            {
                var reader = new WireReader(content, Magic.Length, content.Length - Magic.Length - ChecksumLength);
                var fileKind = reader.U8();
                if (fileKind != (byte)kind)
                    throw new DsnDataFileException(path, DsnDataFileProblem.Corrupt, $"it holds data of kind {fileKind}, not {(byte)kind} ({kind})");
                var owner = reader.ShortString(ProtocolLimits.MaxNodeIdBytes);
                if (!NameRules.SameNodeId(owner, nodeId))
                    throw new DsnDataFileException(path, DsnDataFileProblem.OtherNode, $"it belongs to node '{owner}', not '{nodeId}'");
                var written = reader.Fixed(FingerprintLength);
                if (!fingerprints.Any(fingerprint => FixedTime.Equals(written, 0, fingerprint, 0, FingerprintLength)))
                    throw new DsnDataFileException(path, DsnDataFileProblem.OtherNetwork, "it was written by a node of another network (another network key)");
                var length = (int)reader.U32();
                if (length != reader.Remaining)
                    throw new DsnDataFileException(path, DsnDataFileProblem.Corrupt, "its payload length does not match its size");
                return new WireReader(content, reader.Position, length);
            }
            catch (InvalidDataException error)
            {
                throw new DsnDataFileException(path, DsnDataFileProblem.Corrupt, "its header is malformed: " + error.Message, error);
            }
        }
    }
}
