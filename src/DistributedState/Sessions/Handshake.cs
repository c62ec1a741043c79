using System;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Security;
using DistributedState.Transport;

namespace DistributedState.Sessions
{
    /// <summary>
    /// Mutual authentication of a connection and agreement on its keys (docs/protocol.md, "Handshake"), four frames:
    /// <list type="number">
    /// <item>initiator → responder, hello: "DSN1", version, nonce_i, ephemeral public key;</item>
    /// <item>responder → initiator, challenge: nonce_r, ephemeral public key — random bytes that prove nothing and
    /// ask for nothing, sent to anyone who says hello;</item>
    /// <item>initiator → responder: its identity and signature over the transcript, sealed with the session keys
    /// (network key + ephemeral Diffie-Hellman secret + transcript hash);</item>
    /// <item>responder → initiator: its identity and signature over the whole transcript, sealed.</item>
    /// </list>
    /// The responder proves and signs nothing until the initiator has proven, over the responder's fresh nonce and
    /// key, that it holds the network key and its identity key: a replayed hello gets a challenge nobody can answer.
    /// Session keys need the ephemeral secret, so a holder of the network key who records or relays the connection
    /// cannot read or forge its frames, and later theft of any long-term key does not open recorded sessions.
    /// On any failure the connection is closed without telling the peer why.
    /// </summary>
    internal static class Handshake
    {
        public const byte ProtocolVersion = 3; // 2: ephemeral ECDH and a responder challenge; alive records carry the run identity. 3: leased entries in batches
        private const int NonceLength = 32;
        private const int VersionOffset = 4;
        private const int HelloLength = 4 + 1 + NonceLength + EphemeralKey.PublicKeyLength;
        private const int ChallengeLength = NonceLength + EphemeralKey.PublicKeyLength;
        private const int MaxHandshakeFrame = 4096;
        private static readonly byte[] Magic = Encoding.ASCII.GetBytes("DSN1");

        /// <summary>Dials with <paramref name="networkKey"/>: the primary key of the node's keyring.</summary>
        public static async Task<HandshakeResult> InitiateAsync(IDsnConnection connection, byte[] networkKey, IdentityKey identity,
            byte[] identityStatement, CancellationToken cancellationToken)
        {
            byte[] hello;
            byte[] challenge;
            byte[] secret;
            using (var ephemeral = NewEphemeralKey())
            {
                hello = new byte[HelloLength];
                Buffer.BlockCopy(Magic, 0, hello, 0, Magic.Length);
                hello[VersionOffset] = ProtocolVersion;
                Buffer.BlockCopy(RandomBytes(NonceLength), 0, hello, VersionOffset + 1, NonceLength);
                Buffer.BlockCopy(ephemeral.PublicKey, 0, hello, VersionOffset + 1 + NonceLength, EphemeralKey.PublicKeyLength);
                await connection.SendAsync(new ArraySegment<byte>(hello), cancellationToken).ConfigureAwait(false);

                challenge = await connection.ReceiveAsync(MaxHandshakeFrame, cancellationToken).ConfigureAwait(false)
                    ?? throw new HandshakeException("handshake.closed_by_peer",
                        "the peer closed the connection without answering the hello: it speaks another protocol version, or it is overloaded (its log says which)");
                if (challenge.Length != ChallengeLength)
                    throw new HandshakeException("handshake.malformed", "the peer's answer to the hello is not a challenge");
                secret = SharedSecret(ephemeral, challenge, NonceLength);
            }

            var helloHash = HelloHash(hello, challenge);
            var keys = SessionKeys.Derive(networkKey, secret, helloHash);
            Array.Clear(secret, 0, secret.Length);
            var sealer = new FrameSealer(keys.InitiatorToResponderEncryption, keys.InitiatorToResponderMac);
            var opener = new FrameOpener(keys.ResponderToInitiatorEncryption, keys.ResponderToInitiatorMac);
            try
            {
                var proof = sealer.Seal(SignedPayload(identity, identityStatement, InitiatorTranscript(helloHash, keys.Binding)));
                await connection.SendAsync(new ArraySegment<byte>(proof), cancellationToken).ConfigureAwait(false);

                var answer = await connection.ReceiveAsync(MaxHandshakeFrame, cancellationToken).ConfigureAwait(false)
                    ?? throw new HandshakeException("handshake.closed_by_peer",
                        "the peer closed the connection after this node's proof: it uses a different network key, or it refused this node's identity (its log says which)");
                var length = OpenFirst(opener, answer,
                    "the peer's proof does not authenticate: it uses a different network key, or the handshake was altered on the way");
                var (peerKey, peerIdentity) = ReadAndVerify(answer, FrameCipher.SequenceLength, length, ResponderTranscript(helloHash, keys.Binding, proof));
                return new HandshakeResult(peerKey, peerIdentity, sealer, opener);
            }
            catch
            {
                sealer.Dispose();
                opener.Dispose();
                throw;
            }
        }

        /// <summary>Answers a hello; the initiator may have dialled with any key of <paramref name="keyring"/>.</summary>
        public static async Task<HandshakeResult> RespondAsync(IDsnConnection connection, DsnNetworkKeyring keyring, IdentityKey identity,
            byte[] identityStatement, CancellationToken cancellationToken)
        {
            var hello = await connection.ReceiveAsync(MaxHandshakeFrame, cancellationToken).ConfigureAwait(false)
                ?? throw new HandshakeException("handshake.closed_by_peer", "the peer closed the connection before saying hello");
            if (hello.Length <= VersionOffset || !FixedTime.Equals(hello, 0, Magic, 0, Magic.Length))
                throw new HandshakeException("handshake.malformed", "the first frame is not a DistributedState hello");
            if (hello[VersionOffset] != ProtocolVersion)
                throw new HandshakeException("handshake.version",
                    $"the peer speaks protocol version {hello[VersionOffset]}; this node speaks {ProtocolVersion} (every node of a network must run a release that speaks the same version)");
            if (hello.Length != HelloLength)
                throw new HandshakeException("handshake.malformed", "the hello has the wrong length");

            byte[] challenge;
            byte[] secret;
            using (var ephemeral = NewEphemeralKey())
            {
                // Sent to whoever says hello, before anything is checked: a nonce and a key that are random whatever
                // the network key, so a peer without the key (or replaying someone's hello) learns nothing from it.
                challenge = new byte[ChallengeLength];
                Buffer.BlockCopy(RandomBytes(NonceLength), 0, challenge, 0, NonceLength);
                Buffer.BlockCopy(ephemeral.PublicKey, 0, challenge, NonceLength, EphemeralKey.PublicKeyLength);
                await connection.SendAsync(new ArraySegment<byte>(challenge), cancellationToken).ConfigureAwait(false);
                secret = SharedSecret(ephemeral, hello, VersionOffset + 1 + NonceLength);
            }

            var helloHash = HelloHash(hello, challenge);
            var proof = await connection.ReceiveAsync(MaxHandshakeFrame, cancellationToken).ConfigureAwait(false)
                ?? throw new HandshakeException("handshake.closed_by_peer", "the peer closed the connection after this node's challenge, without proving anything");
            var received = (byte[])proof.Clone(); // the transcript covers the frame as sent; opening decrypts in place
            var (keys, opener, length) = OpenWithAnyKey(keyring, secret, helloHash, proof);
            Array.Clear(secret, 0, secret.Length);
            var sealer = new FrameSealer(keys.ResponderToInitiatorEncryption, keys.ResponderToInitiatorMac);
            try
            {
                var (peerKey, peerIdentity) = ReadAndVerify(proof, FrameCipher.SequenceLength, length, InitiatorTranscript(helloHash, keys.Binding));

                var answer = sealer.Seal(SignedPayload(identity, identityStatement, ResponderTranscript(helloHash, keys.Binding, received)));
                await connection.SendAsync(new ArraySegment<byte>(answer), cancellationToken).ConfigureAwait(false);
                return new HandshakeResult(peerKey, peerIdentity, sealer, opener);
            }
            catch
            {
                sealer.Dispose();
                opener.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Finds the key of the ring the initiator dialled with by opening its proof with the session keys each key gives
        /// (the primary first): nothing on the wire names the key, so the hello stays what protocol 2 defines and an
        /// observer learns nothing about which network, or which key of it, a connection uses.
        /// </summary>
        private static (SessionKeys Keys, FrameOpener Opener, int Length) OpenWithAnyKey(DsnNetworkKeyring keyring, byte[] secret, byte[] helloHash, byte[] proof)
        {
            foreach (var networkKey in keyring.Keys)
            {
                var keys = SessionKeys.Derive(networkKey.Bytes, secret, helloHash);
                var opener = new FrameOpener(keys.InitiatorToResponderEncryption, keys.InitiatorToResponderMac);
                // A refused frame is left as it was (the MAC is checked before anything is decrypted), so the next key sees it whole.
                if (opener.Open(proof, out var length) == FrameRejection.None && opener.MissingFrames == 0)
                    return (keys, opener, length);

                opener.Dispose();
            }

            throw new HandshakeException("handshake.bad_key",
                "the peer's proof does not authenticate under any key of this node's keyring: it uses a different network key, or it replays a captured handshake");
        }

        private static EphemeralKey NewEphemeralKey()
        {
            try
            {
                return EphemeralKey.Create();
            }
            catch (PlatformNotSupportedException error)
            {
                throw new HandshakeException("handshake.unsupported", error.Message);
            }
        }

        /// <summary>The Diffie-Hellman secret with the peer's ephemeral key, read from <paramref name="frame"/> at <paramref name="offset"/>.</summary>
        private static byte[] SharedSecret(EphemeralKey ephemeral, byte[] frame, int offset)
        {
            var peerKey = new byte[EphemeralKey.PublicKeyLength];
            Buffer.BlockCopy(frame, offset, peerKey, 0, peerKey.Length);
            try
            {
                return ephemeral.DeriveSharedSecret(peerKey);
            }
            catch (CryptographicException)
            {
                throw new HandshakeException("handshake.malformed", "the peer's ephemeral key is not a point of P-256");
            }
        }

        /// <summary>Opens a handshake proof, the first frame of its direction (sequence 0); returns the plaintext length.</summary>
        private static int OpenFirst(FrameOpener opener, byte[] frame, string whenRefused)
        {
            if (opener.Open(frame, out var length) != FrameRejection.None || opener.MissingFrames != 0)
                throw new HandshakeException("handshake.bad_key", whenRefused);
            return length;
        }

        /// <summary>Everything before the proofs: both nonces and both ephemeral keys. The salt of the session keys.</summary>
        private static byte[] HelloHash(byte[] hello, byte[] challenge) => Hash("dsn/v2 hello", hello, challenge);

        /// <summary>What the initiator signs: its role, the hello and challenge, and the binding only the two ends can compute.</summary>
        private static byte[] InitiatorTranscript(byte[] helloHash, byte[] binding) => Hash("dsn/v2 initiator", helloHash, binding);

        /// <summary>What the responder signs: the same, and the initiator's proof frame as it arrived.</summary>
        private static byte[] ResponderTranscript(byte[] helloHash, byte[] binding, byte[] initiatorProof) =>
            Hash("dsn/v2 responder", helloHash, binding, initiatorProof);

        private static byte[] Hash(string label, params byte[][] parts)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(Encoding.ASCII.GetBytes(label));
            foreach (var part in parts)
                hash.AppendData(part);
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
