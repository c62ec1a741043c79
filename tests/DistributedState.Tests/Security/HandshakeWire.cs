using System;
using System.Buffers.Binary;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Security;
using DistributedState.Sessions;
using DistributedState.Transport;

namespace DistributedState.Tests.Security
{
    /// <summary>
    /// The handshake of docs/protocol.md section 3, written out again from the document, so tests can play either
    /// side by hand (well or badly) and an attacker can compute whatever the wire and the network key give it.
    /// </summary>
    internal static class HandshakeWire
    {
        public const int NonceLength = 32;
        public const int HelloLength = 4 + 1 + NonceLength + 65;
        public const int ChallengeLength = NonceLength + 65;

        /// <summary><c>"DSN1" || version || nonce_i || epk_i</c>.</summary>
        public static byte[] Hello(byte[] ephemeralPublicKey, byte version = Handshake.ProtocolVersion, byte[]? nonce = null) =>
            Encoding.ASCII.GetBytes("DSN1").Concat(new[] { version }).Concat(nonce ?? RandomNumberGenerator.GetBytes(NonceLength)).Concat(ephemeralPublicKey).ToArray();

        /// <summary>The 53-byte hello of protocol version 1, tagged with the network key as that version did.</summary>
        public static byte[] HelloOfVersion1(byte[] networkKey)
        {
            var hello = new byte[53];
            Encoding.ASCII.GetBytes("DSN1").CopyTo(hello, 0);
            hello[4] = 1;
            RandomNumberGenerator.Fill(hello.AsSpan(5, 32));
            using var mac = new HMACSHA256(Hkdf.DeriveKey(networkKey, Array.Empty<byte>(), "dsn/v1 hello", 32));
            Buffer.BlockCopy(mac.ComputeHash(hello, 0, 37), 0, hello, 37, 16);
            return hello;
        }

        /// <summary><c>nonce_r || epk_r</c>.</summary>
        public static byte[] Challenge(byte[] ephemeralPublicKey, byte[]? nonce = null) =>
            (nonce ?? RandomNumberGenerator.GetBytes(NonceLength)).Concat(ephemeralPublicKey).ToArray();

        public static byte[] HelloNonce(byte[] hello) => hello.AsSpan(5, NonceLength).ToArray();

        public static byte[] HelloKey(byte[] hello) => hello.AsSpan(5 + NonceLength, 65).ToArray();

        public static byte[] ChallengeNonce(byte[] challenge) => challenge.AsSpan(0, NonceLength).ToArray();

        public static byte[] ChallengeKey(byte[] challenge) => challenge.AsSpan(NonceLength, 65).ToArray();

        public static byte[] Hash(string label, params byte[][] parts)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(Encoding.ASCII.GetBytes(label));
            foreach (var part in parts)
                hash.AppendData(part);
            return hash.GetHashAndReset();
        }

        public static byte[] HelloHash(byte[] hello, byte[] challenge) => Hash("dsn/v2 hello", hello, challenge);

        /// <summary>The session keys from the network key, the ephemeral secret and the two first frames.</summary>
        public static SessionKeys Keys(byte[] networkKey, byte[] secret, byte[] hello, byte[] challenge) =>
            SessionKeys.Derive(networkKey, secret, HelloHash(hello, challenge));

        public static byte[] InitiatorTranscript(byte[] hello, byte[] challenge, SessionKeys keys) =>
            Hash("dsn/v2 initiator", HelloHash(hello, challenge), keys.Binding);

        public static byte[] ResponderTranscript(byte[] hello, byte[] challenge, SessionKeys keys, byte[] initiatorProofFrame) =>
            Hash("dsn/v2 responder", HelloHash(hello, challenge), keys.Binding, initiatorProofFrame);

        /// <summary>public key || u32 length || statement || signature over transcript || statement.</summary>
        public static byte[] Proof(IdentityKey identity, byte[] statement, byte[] transcript, int? claimedLength = null)
        {
            var signature = identity.Sign(transcript.Concat(statement).ToArray());
            var payload = new byte[65 + 4 + statement.Length + 64];
            identity.PublicKey.CopyTo(payload, 0);
            BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(65, 4), (uint)(claimedLength ?? statement.Length));
            statement.CopyTo(payload, 69);
            signature.CopyTo(payload, payload.Length - 64);
            return payload;
        }

        /// <summary>
        /// Plays the initiator by hand against a real responder and keeps what the handshake code never gives out: the
        /// session keys. Returns the ciphers positioned after the handshake frames, as a session would have them.
        /// </summary>
        public static async Task<(SessionKeys Keys, FrameSealer Sealer, FrameOpener Opener)> InitiateAsync(IDsnConnection connection, byte[] networkKey, IdentityKey identity, byte[] statement,
            CancellationToken cancellationToken)
        {
            using var ephemeral = EphemeralKey.Create();
            var hello = Hello(ephemeral.PublicKey);
            await connection.SendAsync(new ArraySegment<byte>(hello), cancellationToken);
            var challenge = await connection.ReceiveAsync(4096, cancellationToken) ?? throw new InvalidOperationException("no challenge");
            var keys = Keys(networkKey, ephemeral.DeriveSharedSecret(ChallengeKey(challenge)), hello, challenge);
            var sealer = new FrameSealer(keys.InitiatorToResponderEncryption, keys.InitiatorToResponderMac);
            var proof = sealer.Seal(Proof(identity, statement, InitiatorTranscript(hello, challenge, keys)));
            await connection.SendAsync(new ArraySegment<byte>(proof), cancellationToken);
            var answer = await connection.ReceiveAsync(4096, cancellationToken) ?? throw new InvalidOperationException("the responder refused the proof");
            var opener = new FrameOpener(keys.ResponderToInitiatorEncryption, keys.ResponderToInitiatorMac);
            if (opener.Open(answer, out _) != FrameRejection.None)
                throw new InvalidOperationException("the responder's proof does not open");
            return (keys, sealer, opener);
        }
    }
}
