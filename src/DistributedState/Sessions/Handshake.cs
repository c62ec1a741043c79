using System;
using System.Buffers.Binary;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Security;
using DistributedState.Transport;

namespace DistributedState.Sessions
{
    /// <summary>
    /// Mutual authentication of a connection (docs/protocol.md, "Handshake"):
    /// <list type="number">
    /// <item>initiator → responder: "DSN1", version, nonce_i, tag — the tag, keyed from the network key, proves
    /// the initiator holds it before the responder says anything;</item>
    /// <item>responder → initiator: nonce_r, then its identity and transcript signature, sealed with the
    /// session key derived from the network key and both nonces;</item>
    /// <item>initiator → responder: its identity and transcript signature, sealed.</item>
    /// </list>
    /// Each side signs a hash of everything seen so far with its identity key, so neither a replayed message nor
    /// a different key can pass. On any failure the connection is closed without telling the peer why.
    /// </summary>
    internal static class Handshake
    {
        public const byte ProtocolVersion = 2; // 2: alive records carry the run identity
        private const int NonceLength = 32;
        private const int HelloLength = 4 + 1 + NonceLength + FrameCipher.TagLength;
        private const int MaxHandshakeFrame = 4096;
        private static readonly byte[] Magic = Encoding.ASCII.GetBytes("DSN1");

        public static async Task<HandshakeResult> InitiateAsync(IDsnConnection connection, byte[] networkKey, IdentityKey identity,
            byte[] identityStatement, CancellationToken cancellationToken)
        {
            var nonceI = RandomBytes(NonceLength);
            var hello = new byte[HelloLength];
            Buffer.BlockCopy(Magic, 0, hello, 0, 4);
            hello[4] = ProtocolVersion;
            Buffer.BlockCopy(nonceI, 0, hello, 5, NonceLength);
            var tag = HelloTag(networkKey, hello);
            Buffer.BlockCopy(tag, 0, hello, HelloLength - FrameCipher.TagLength, FrameCipher.TagLength);
            await connection.SendAsync(new ArraySegment<byte>(hello), cancellationToken).ConfigureAwait(false);

            var reply = await connection.ReceiveAsync(MaxHandshakeFrame, cancellationToken).ConfigureAwait(false)
                ?? throw new HandshakeException("handshake.closed_by_peer",
                    "the peer closed the connection without answering the hello: it uses a different network key or another protocol version, or it is overloaded (its log says which)");
            if (reply.Length < NonceLength + FrameCipher.Overhead)
                throw new HandshakeException("handshake.malformed", "the peer's answer is too short to be a handshake");

            var nonceR = new byte[NonceLength];
            Buffer.BlockCopy(reply, 0, nonceR, 0, NonceLength);
            var keys = SessionKeys.Derive(networkKey, nonceI, nonceR);
            var sealer = new FrameSealer(keys.InitiatorToResponderEncryption, keys.InitiatorToResponderMac);
            var opener = new FrameOpener(keys.ResponderToInitiatorEncryption, keys.ResponderToInitiatorMac);

            var sealedPart = new byte[reply.Length - NonceLength];
            Buffer.BlockCopy(reply, NonceLength, sealedPart, 0, sealedPart.Length);
            if (opener.Open(sealedPart, out var length) != FrameRejection.None)
                throw new HandshakeException("handshake.bad_key", "the peer's answer does not authenticate: it uses a different network key");
            var (peerKey, peerIdentity) = ReadAndVerify(sealedPart, FrameCipher.SequenceLength, length, Transcript("responder", hello, nonceR));

            var proof = SignedPayload(identity, identityStatement, Transcript("initiator", hello, reply));
            await connection.SendAsync(new ArraySegment<byte>(sealer.Seal(proof)), cancellationToken).ConfigureAwait(false);
            return new HandshakeResult(peerKey, peerIdentity, sealer, opener);
        }

        public static async Task<HandshakeResult> RespondAsync(IDsnConnection connection, byte[] networkKey, IdentityKey identity,
            byte[] identityStatement, CancellationToken cancellationToken)
        {
            var hello = await connection.ReceiveAsync(MaxHandshakeFrame, cancellationToken).ConfigureAwait(false)
                ?? throw new HandshakeException("handshake.closed_by_peer", "the peer closed the connection before saying hello");
            if (hello.Length != HelloLength || !FixedTime.Equals(hello, 0, Magic, 0, 4))
                throw new HandshakeException("handshake.malformed", "the first frame is not a DistributedState hello");
            if (hello[4] != ProtocolVersion)
                throw new HandshakeException("handshake.version", $"the peer speaks protocol version {hello[4]}; this node speaks {ProtocolVersion}");
            var tag = HelloTag(networkKey, hello);
            if (!FixedTime.Equals(tag, 0, hello, HelloLength - FrameCipher.TagLength, FrameCipher.TagLength))
                throw new HandshakeException("handshake.bad_key", "the hello does not authenticate: the peer uses a different network key");

            var nonceI = new byte[NonceLength];
            Buffer.BlockCopy(hello, 5, nonceI, 0, NonceLength);
            var nonceR = RandomBytes(NonceLength);
            var keys = SessionKeys.Derive(networkKey, nonceI, nonceR);
            var sealer = new FrameSealer(keys.ResponderToInitiatorEncryption, keys.ResponderToInitiatorMac);
            var opener = new FrameOpener(keys.InitiatorToResponderEncryption, keys.InitiatorToResponderMac);

            var proof = sealer.Seal(SignedPayload(identity, identityStatement, Transcript("responder", hello, nonceR)));
            var reply = new byte[NonceLength + proof.Length];
            Buffer.BlockCopy(nonceR, 0, reply, 0, NonceLength);
            Buffer.BlockCopy(proof, 0, reply, NonceLength, proof.Length);
            await connection.SendAsync(new ArraySegment<byte>(reply), cancellationToken).ConfigureAwait(false);

            var final = await connection.ReceiveAsync(MaxHandshakeFrame, cancellationToken).ConfigureAwait(false)
                ?? throw new HandshakeException("handshake.closed_by_peer", "the peer closed the connection during the handshake: it refused this node's identity");
            if (opener.Open(final, out var length) != FrameRejection.None)
                throw new HandshakeException("handshake.bad_key", "the peer's proof does not authenticate");
            var (peerKey, peerIdentity) = ReadAndVerify(final, FrameCipher.SequenceLength, length, Transcript("initiator", hello, reply));
            return new HandshakeResult(peerKey, peerIdentity, sealer, opener);
        }

        /// <summary>The transcript a side signs: its role, and every byte exchanged before its proof.</summary>
        private static byte[] Transcript(string role, byte[] hello, byte[] reply)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(Encoding.ASCII.GetBytes("dsn/v1 " + role));
            hash.AppendData(hello);
            hash.AppendData(reply);
            return hash.GetHashAndReset();
        }

        /// <summary>public key (65) || u32 length || identity statement || signature(64) over transcript || statement.</summary>
        private static byte[] SignedPayload(IdentityKey identity, byte[] statement, byte[] transcript)
        {
            var signature = identity.Sign(Concat(transcript, statement));
            var payload = new byte[IdentityKey.PublicKeyLength + 4 + statement.Length + IdentityKey.SignatureLength];
            Buffer.BlockCopy(identity.PublicKey, 0, payload, 0, IdentityKey.PublicKeyLength);
            BinaryPrimitives.WriteUInt32BigEndian(new Span<byte>(payload, IdentityKey.PublicKeyLength, 4), (uint)statement.Length);
            Buffer.BlockCopy(statement, 0, payload, IdentityKey.PublicKeyLength + 4, statement.Length);
            Buffer.BlockCopy(signature, 0, payload, payload.Length - IdentityKey.SignatureLength, IdentityKey.SignatureLength);
            return payload;
        }

        private static (byte[] PublicKey, byte[] Statement) ReadAndVerify(byte[] buffer, int offset, int count, byte[] transcript)
        {
            var minimum = IdentityKey.PublicKeyLength + 4 + IdentityKey.SignatureLength;
            if (count < minimum)
                throw new HandshakeException("handshake.malformed", "the peer's proof is truncated");
            var publicKey = new byte[IdentityKey.PublicKeyLength];
            Buffer.BlockCopy(buffer, offset, publicKey, 0, publicKey.Length);
            var statementLength = BinaryPrimitives.ReadUInt32BigEndian(new ReadOnlySpan<byte>(buffer, offset + IdentityKey.PublicKeyLength, 4));
            if (statementLength != (uint)(count - minimum))
                throw new HandshakeException("handshake.malformed", "the peer's proof has an inconsistent length");
            var statement = new byte[statementLength];
            Buffer.BlockCopy(buffer, offset + IdentityKey.PublicKeyLength + 4, statement, 0, statement.Length);
            var signature = new byte[IdentityKey.SignatureLength];
            Buffer.BlockCopy(buffer, offset + count - IdentityKey.SignatureLength, signature, 0, signature.Length);
            using (var verifier = SignatureVerifier.For(publicKey))
            {
                if (!verifier.Verify(Concat(transcript, statement), signature))
                    throw new HandshakeException("handshake.bad_signature", "the peer's transcript signature does not match its public key");
            }

            return (publicKey, statement);
        }

        private static byte[] HelloTag(byte[] networkKey, byte[] hello)
        {
            var key = Hkdf.DeriveKey(networkKey, Array.Empty<byte>(), "dsn/v1 hello", 32);
            using var mac = new HMACSHA256(key);
            return mac.ComputeHash(hello, 0, HelloLength - FrameCipher.TagLength);
        }

        private static byte[] Concat(byte[] a, byte[] b)
        {
            var result = new byte[a.Length + b.Length];
            Buffer.BlockCopy(a, 0, result, 0, a.Length);
            Buffer.BlockCopy(b, 0, result, a.Length, b.Length);
            return result;
        }

        private static byte[] RandomBytes(int count)
        {
            var bytes = new byte[count];
            using (var random = RandomNumberGenerator.Create())
                random.GetBytes(bytes);
            return bytes;
        }
    }
}
