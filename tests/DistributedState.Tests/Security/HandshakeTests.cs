using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Sessions;
using DistributedState.Protocol;
using DistributedState.Security;
using Xunit;

namespace DistributedState.Tests.Security
{
    /// <summary>The handshake over an in-memory connection pair: success, and every way a peer can get it wrong.</summary>
    public sealed class HandshakeTests : IDisposable
    {
        private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
        private readonly byte[] _key = DsnNetworkKey.Generate().Bytes;
        private readonly IdentityKey _initiator = IdentityKey.Create();
        private readonly IdentityKey _responder = IdentityKey.Create();
        private readonly CancellationTokenSource _timeout = new CancellationTokenSource(Limit);

        public void Dispose()
        {
            _initiator.Dispose();
            _responder.Dispose();
            _timeout.Dispose();
        }

        private CancellationToken Token => _timeout.Token;

        private static byte[] Statement(IdentityKey identity, string nodeId)
        {
            var writer = new WireWriter();
            AliveRecord.Create(identity, nodeId, 1, "127.0.0.1", 7946).Write(writer);
            return writer.ToArray();
        }

        private byte[] InitiatorStatement => _initiatorStatement ??= Statement(_initiator, "initiator");

        private byte[] ResponderStatement => _responderStatement ??= Statement(_responder, "responder");

        private byte[]? _initiatorStatement;
        private byte[]? _responderStatement;

        /// <summary>A hello as the protocol defines it, tagged with <paramref name="key"/>.</summary>
        private static byte[] Hello(byte[] key, byte version = Handshake.ProtocolVersion, byte[]? nonce = null)
        {
            var hello = new byte[53];
            Encoding.ASCII.GetBytes("DSN1").CopyTo(hello, 0);
            hello[4] = version;
            (nonce ?? RandomNumberGenerator.GetBytes(32)).CopyTo(hello, 5);
            using var mac = new HMACSHA256(Hkdf.DeriveKey(key, Array.Empty<byte>(), "dsn/v1 hello", 32));
            Buffer.BlockCopy(mac.ComputeHash(hello, 0, 37), 0, hello, 37, 16);
            return hello;
        }

        private static byte[] Transcript(string role, byte[] hello, byte[] reply)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(Encoding.ASCII.GetBytes("dsn/v1 " + role));
            hash.AppendData(hello);
            hash.AppendData(reply);
            return hash.GetHashAndReset();
        }

        /// <summary>public key || u32 length || statement || signature over transcript || statement.</summary>
        private static byte[] Proof(IdentityKey identity, byte[] statement, byte[] transcript, int? claimedLength = null)
        {
            var signature = identity.Sign(transcript.Concat(statement).ToArray());
            var payload = new byte[65 + 4 + statement.Length + 64];
            identity.PublicKey.CopyTo(payload, 0);
            BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(65, 4), (uint)(claimedLength ?? statement.Length));
            statement.CopyTo(payload, 69);
            signature.CopyTo(payload, payload.Length - 64);
            return payload;
        }

        private static async Task<HandshakeException> Refused(Task task, string counter)
        {
            var error = await Assert.ThrowsAsync<HandshakeException>(() => task);
            Assert.Equal(counter, error.Counter);
            Assert.False(string.IsNullOrWhiteSpace(error.Message));
            return error;
        }

        [Theory]
        [InlineData(256)]
        [InlineData(128)]
        public async Task Both_sides_authenticate_each_other_and_their_ciphers_interoperate(int bits)
        {
            var key = DsnNetworkKey.Generate(bits).Bytes;
            var (ci, cr) = MemoryConnection.Pair();
            var initiating = Handshake.InitiateAsync(ci, key, _initiator, InitiatorStatement, Token);
            var responding = Handshake.RespondAsync(cr, key, _responder, ResponderStatement, Token);
            var i = await initiating;
            var r = await responding;

            Assert.Equal(_responder.PublicKey, i.PeerPublicKey);
            Assert.Equal(_initiator.PublicKey, r.PeerPublicKey);
            Assert.Equal(ResponderStatement, i.PeerIdentity);
            Assert.Equal(InitiatorStatement, r.PeerIdentity);

            // Three messages: hello, reply, final proof.
            Assert.Equal(2, ci.Sent.Count);
            Assert.Single(cr.Sent);
            var hello = ci.Sent.First();
            Assert.Equal(53, hello.Length);
            Assert.Equal("DSN1", Encoding.ASCII.GetString(hello, 0, 4));
            Assert.Equal(Handshake.ProtocolVersion, hello[4]);
            // The identity statements travel encrypted: not visible on the wire.
            Assert.DoesNotContain("responder", Encoding.ASCII.GetString(cr.Sent.First()));
            Assert.DoesNotContain("initiator", Encoding.ASCII.GetString(ci.Sent.Last()));

            for (var size = 0; size < 5000; size += 1237)
            {
                var data = RandomNumberGenerator.GetBytes(size);
                var toResponder = i.Sealer.Seal(data);
                Assert.Equal(FrameRejection.None, r.Opener.Open(toResponder, out var length));
                Assert.Equal(data, toResponder.AsSpan(FrameCipher.SequenceLength, length).ToArray());
                var toInitiator = r.Sealer.Seal(data);
                Assert.Equal(FrameRejection.None, i.Opener.Open(toInitiator, out length));
                Assert.Equal(data, toInitiator.AsSpan(FrameCipher.SequenceLength, length).ToArray());
            }

            // A frame reflected back to its sender does not open: each direction has its own keys.
            Assert.Equal(FrameRejection.BadTag, i.Opener.Open(i.Sealer.Seal(new byte[10]), out _));
            Assert.Equal(FrameRejection.BadTag, r.Opener.Open(r.Sealer.Seal(new byte[10]), out _));
        }

        [Fact]
        public async Task Two_sessions_between_the_same_identities_have_different_keys()
        {
            var (a1, b1) = MemoryConnection.Pair();
            var (a2, b2) = MemoryConnection.Pair();
            var s1 = Handshake.InitiateAsync(a1, _key, _initiator, InitiatorStatement, Token);
            var r1 = Handshake.RespondAsync(b1, _key, _responder, ResponderStatement, Token);
            var s2 = Handshake.InitiateAsync(a2, _key, _initiator, InitiatorStatement, Token);
            var r2 = Handshake.RespondAsync(b2, _key, _responder, ResponderStatement, Token);
            await Task.WhenAll(s1, r1, s2, r2);
            var frame = (await s1).Sealer.Seal(new byte[32]);
            Assert.Equal(FrameRejection.BadTag, (await r2).Opener.Open((byte[])frame.Clone(), out _));
            Assert.Equal(FrameRejection.None, (await r1).Opener.Open(frame, out _));
        }

        [Fact]
        public async Task A_wrong_network_key_is_refused_by_the_responder_which_says_nothing_and_the_initiator_sees_the_close()
        {
            var (ci, cr) = MemoryConnection.Pair();
            var initiating = Handshake.InitiateAsync(ci, DsnNetworkKey.Generate().Bytes, _initiator, InitiatorStatement, Token);
            var responding = Task.Run(async () =>
            {
                try
                {
                    await Handshake.RespondAsync(cr, _key, _responder, ResponderStatement, Token);
                }
                finally
                {
                    cr.Dispose(); // what the node does on any failure
                }
            });

            var refused = await Refused(responding, "handshake.bad_key");
            Assert.Contains("network key", refused.Message);
            Assert.Empty(cr.Sent); // the responder revealed nothing, not even a nonce
            var closed = await Refused(initiating, "handshake.closed_by_peer");
            Assert.Contains("network key", closed.Message);
        }

        [Fact]
        public async Task A_128_bit_key_and_a_256_bit_key_do_not_interoperate()
        {
            var short_ = DsnNetworkKey.Generate(128).Bytes;
            var padded = new byte[32];
            short_.CopyTo(padded, 0);
            var (ci, cr) = MemoryConnection.Pair();
            _ = Handshake.InitiateAsync(ci, short_, _initiator, InitiatorStatement, Token);
            await Refused(Handshake.RespondAsync(cr, padded, _responder, ResponderStatement, Token), "handshake.bad_key");
        }

        public static TheoryData<string, string> BadHellos() => new TheoryData<string, string>
        {
            { "empty", "handshake.malformed" },
            { "garbage", "handshake.malformed" },
            { "http", "handshake.malformed" },
            { "truncated", "handshake.malformed" },
            { "one byte too long", "handshake.malformed" },
            { "wrong magic", "handshake.malformed" },
            { "next version", "handshake.version" },
            { "previous version", "handshake.version" },
            { "version 0", "handshake.version" },
            { "zero tag", "handshake.bad_key" },
            { "flipped nonce", "handshake.bad_key" },
            { "wrong key", "handshake.bad_key" },
        };

        private byte[] BadHello(string name)
        {
            var good = Hello(_key);
            switch (name)
            {
                case "empty": return Array.Empty<byte>();
                case "garbage": return RandomNumberGenerator.GetBytes(53).Select((b, i) => i == 0 ? (byte)'X' : b).ToArray();
                case "http": return Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                case "truncated": return good.Take(52).ToArray();
                case "one byte too long": return good.Concat(new byte[1]).ToArray();
                case "wrong magic":
                    var magic = Hello(_key);
                    magic[3] = (byte)'2';
                    return magic;
                case "next version": return Hello(_key, Handshake.ProtocolVersion + 1);
                case "previous version": return Hello(_key, Handshake.ProtocolVersion - 1);
                case "version 0": return Hello(_key, 0);
                case "zero tag":
                    Array.Clear(good, 37, 16);
                    return good;
                case "flipped nonce":
                    good[20] ^= 1;
                    return good;
                case "wrong key": return Hello(DsnNetworkKey.Generate().Bytes);
                default: throw new ArgumentException(name);
            }
        }

        [Theory]
        [MemberData(nameof(BadHellos))]
        public async Task A_bad_hello_is_refused_and_the_responder_says_nothing(string name, string counter)
        {
            var (ci, cr) = MemoryConnection.Pair();
            await ci.SendAsync(new ArraySegment<byte>(BadHello(name)), Token);
            var error = await Refused(Handshake.RespondAsync(cr, _key, _responder, ResponderStatement, Token), counter);
            if (counter == "handshake.version")
                Assert.Contains("version", error.Message);
            Assert.Empty(cr.Sent);
        }

        [Fact]
        public async Task A_peer_that_closes_before_its_hello_is_reported_as_such()
        {
            var (ci, cr) = MemoryConnection.Pair();
            ci.Dispose();
            await Refused(Handshake.RespondAsync(cr, _key, _responder, ResponderStatement, Token), "handshake.closed_by_peer");
        }

        [Fact]
        public async Task A_hello_larger_than_a_handshake_frame_is_refused_before_it_is_read()
        {
            var (ci, cr) = MemoryConnection.Pair();
            await ci.SendAsync(new ArraySegment<byte>(new byte[4097]), Token);
            await Assert.ThrowsAsync<InvalidDataException>(() => Handshake.RespondAsync(cr, _key, _responder, ResponderStatement, Token));
        }

        [Fact]
        public async Task A_responder_that_never_hears_a_hello_gives_up_when_cancelled()
        {
            var (_, cr) = MemoryConnection.Pair();
            using var soon = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Handshake.RespondAsync(cr, _key, _responder, ResponderStatement, soon.Token));
        }

        /// <summary>Plays the responder by hand: reads the hello, answers with what <paramref name="reply"/> builds.</summary>
        private async Task<Task<HandshakeResult>> InitiatorFacing(Func<byte[], byte[]> reply)
        {
            var (ci, cr) = MemoryConnection.Pair();
            var initiating = Handshake.InitiateAsync(ci, _key, _initiator, InitiatorStatement, Token);
            var hello = (await cr.ReceiveAsync(4096, Token))!;
            await cr.SendAsync(new ArraySegment<byte>(reply(hello)), Token);
            return initiating;
        }

        /// <summary>A responder's reply: nonce_r, then the payload sealed with the session key of (hello's nonce, nonce_r).</summary>
        private byte[] SealedReply(byte[] hello, Func<byte[], byte[], byte[]> payload, byte[]? networkKey = null)
        {
            var nonceR = RandomNumberGenerator.GetBytes(32);
            var keys = SessionKeys.Derive(networkKey ?? _key, hello.AsSpan(5, 32).ToArray(), nonceR);
            using var sealer = new FrameSealer(keys.ResponderToInitiatorEncryption, keys.ResponderToInitiatorMac);
            return nonceR.Concat(sealer.Seal(payload(hello, nonceR))).ToArray();
        }

        [Fact]
        public async Task A_hand_made_correct_reply_completes_the_initiator_so_the_refusals_below_are_meaningful()
        {
            var result = await await InitiatorFacing(hello => SealedReply(hello,
                (h, nonceR) => Proof(_responder, ResponderStatement, Transcript("responder", h, nonceR))));
            Assert.Equal(_responder.PublicKey, result.PeerPublicKey);
        }

        [Fact]
        public async Task The_initiator_refuses_a_reply_too_short_to_be_one()
        {
            await Refused(await InitiatorFacing(_ => new byte[10]), "handshake.malformed");
            await Refused(await InitiatorFacing(_ => new byte[32 + 23]), "handshake.malformed");
        }

        [Fact]
        public async Task The_initiator_refuses_a_reply_that_does_not_authenticate()
        {
            await Refused(await InitiatorFacing(_ => RandomNumberGenerator.GetBytes(300)), "handshake.bad_key");
            await Refused(await InitiatorFacing(hello => SealedReply(hello,
                (h, nonceR) => Proof(_responder, ResponderStatement, Transcript("responder", h, nonceR)), DsnNetworkKey.Generate().Bytes)), "handshake.bad_key");
        }

        [Fact]
        public async Task The_initiator_refuses_a_truncated_or_inconsistent_proof()
        {
            await Refused(await InitiatorFacing(hello => SealedReply(hello, (_, _) => new byte[65 + 4 + 63])), "handshake.malformed");
            await Refused(await InitiatorFacing(hello => SealedReply(hello,
                (h, nonceR) => Proof(_responder, ResponderStatement, Transcript("responder", h, nonceR), claimedLength: ResponderStatement.Length + 1))), "handshake.malformed");
            await Refused(await InitiatorFacing(hello => SealedReply(hello,
                (h, nonceR) => Proof(_responder, ResponderStatement, Transcript("responder", h, nonceR), claimedLength: int.MaxValue))), "handshake.malformed");
        }

        [Fact]
        public async Task The_initiator_refuses_a_proof_signed_over_another_transcript_or_by_another_key()
        {
            // Signed over the initiator's role label: a proof cannot be reflected from one role to the other.
            await Refused(await InitiatorFacing(hello => SealedReply(hello,
                (h, nonceR) => Proof(_responder, ResponderStatement, Transcript("initiator", h, nonceR)))), "handshake.bad_signature");
            // Signed over another nonce: a proof cannot be carried to another session.
            await Refused(await InitiatorFacing(hello => SealedReply(hello,
                (h, _) => Proof(_responder, ResponderStatement, Transcript("responder", h, new byte[32])))), "handshake.bad_signature");
            // The presented public key is not the one that signed.
            await Refused(await InitiatorFacing(hello => SealedReply(hello, (h, nonceR) =>
            {
                var proof = Proof(_responder, ResponderStatement, Transcript("responder", h, nonceR));
                _initiator.PublicKey.CopyTo(proof, 0);
                return proof;
            })), "handshake.bad_signature");
            // The statement was swapped after signing.
            await Refused(await InitiatorFacing(hello => SealedReply(hello, (h, nonceR) =>
            {
                var proof = Proof(_responder, ResponderStatement, Transcript("responder", h, nonceR));
                proof[70] ^= 1;
                return proof;
            })), "handshake.bad_signature");
            // A public key that is not a curve point.
            await Refused(await InitiatorFacing(hello => SealedReply(hello, (h, nonceR) =>
            {
                var proof = Proof(_responder, ResponderStatement, Transcript("responder", h, nonceR));
                proof[10] ^= 1;
                return proof;
            })), "handshake.bad_signature");
        }

        /// <summary>Plays the initiator by hand up to its final message; returns the responder's task.</summary>
        private async Task<Task<HandshakeResult>> ResponderFacing(Func<byte[], byte[], FrameSealer, byte[]> final)
        {
            var (ci, cr) = MemoryConnection.Pair();
            var responding = Handshake.RespondAsync(cr, _key, _responder, ResponderStatement, Token);
            var hello = Hello(_key);
            await ci.SendAsync(new ArraySegment<byte>(hello), Token);
            var reply = (await ci.ReceiveAsync(4096, Token))!;
            var keys = SessionKeys.Derive(_key, hello.AsSpan(5, 32).ToArray(), reply.AsSpan(0, 32).ToArray());
            var sealer = new FrameSealer(keys.InitiatorToResponderEncryption, keys.InitiatorToResponderMac);
            await ci.SendAsync(new ArraySegment<byte>(final(hello, reply, sealer)), Token);
            return responding;
        }

        [Fact]
        public async Task A_hand_made_correct_final_message_completes_the_responder()
        {
            var result = await await ResponderFacing((hello, reply, sealer) =>
                sealer.Seal(Proof(_initiator, InitiatorStatement, Transcript("initiator", hello, reply))));
            Assert.Equal(_initiator.PublicKey, result.PeerPublicKey);
            Assert.Equal(InitiatorStatement, result.PeerIdentity);
        }

        [Fact]
        public async Task The_responder_refuses_a_bad_final_message()
        {
            await Refused(await ResponderFacing((_, _, _) => RandomNumberGenerator.GetBytes(200)), "handshake.bad_key");
            await Refused(await ResponderFacing((_, _, _) => new byte[5]), "handshake.bad_key");
            await Refused(await ResponderFacing((_, _, sealer) => sealer.Seal(new byte[100])), "handshake.malformed");
            await Refused(await ResponderFacing((hello, reply, sealer) =>
                sealer.Seal(Proof(_initiator, InitiatorStatement, Transcript("initiator", hello, reply), claimedLength: 0))), "handshake.malformed");
            await Refused(await ResponderFacing((hello, reply, sealer) =>
                sealer.Seal(Proof(_initiator, InitiatorStatement, Transcript("responder", hello, reply.AsSpan(0, 32).ToArray())))), "handshake.bad_signature");
            await Refused(await ResponderFacing((hello, _, sealer) =>
                sealer.Seal(Proof(_initiator, InitiatorStatement, Transcript("initiator", hello, new byte[10])))), "handshake.bad_signature");
        }

        [Fact]
        public async Task The_responder_refuses_a_closed_connection_after_its_reply()
        {
            var (ci, cr) = MemoryConnection.Pair();
            var responding = Handshake.RespondAsync(cr, _key, _responder, ResponderStatement, Token);
            await ci.SendAsync(new ArraySegment<byte>(Hello(_key)), Token);
            Assert.NotNull(await ci.ReceiveAsync(4096, Token));
            ci.Dispose();
            await Refused(responding, "handshake.closed_by_peer");
        }

        [Fact]
        public async Task Messages_captured_from_an_earlier_session_cannot_complete_a_new_one()
        {
            // Session 1, recorded.
            var (ci, cr) = MemoryConnection.Pair();
            var first = Handshake.InitiateAsync(ci, _key, _initiator, InitiatorStatement, Token);
            await Handshake.RespondAsync(cr, _key, _responder, ResponderStatement, Token);
            await first;
            var capturedHello = ci.Sent.ElementAt(0);
            var capturedFinal = ci.Sent.ElementAt(1);
            var capturedReply = cr.Sent.Single();

            // An eavesdropper replays the initiator's hello and final message to the responder: the responder's
            // fresh nonce gives new session keys, and the old final message does not even authenticate.
            var (ai, ar) = MemoryConnection.Pair();
            var responding = Handshake.RespondAsync(ar, _key, _responder, ResponderStatement, Token);
            await ai.SendAsync(new ArraySegment<byte>(capturedHello), Token);
            var freshReply = (await ai.ReceiveAsync(4096, Token))!;
            Assert.NotEqual(capturedReply.Take(32), freshReply.Take(32));
            await ai.SendAsync(new ArraySegment<byte>(capturedFinal), Token);
            await Refused(responding, "handshake.bad_key");

            // The responder's captured reply, replayed to an initiator: its fresh nonce changes the keys too.
            var (bi, br) = MemoryConnection.Pair();
            var initiating = Handshake.InitiateAsync(bi, _key, _initiator, InitiatorStatement, Token);
            Assert.NotNull(await br.ReceiveAsync(4096, Token));
            await br.SendAsync(new ArraySegment<byte>(capturedReply), Token);
            await Refused(initiating, "handshake.bad_key");
        }

        [Fact]
        public async Task Even_a_key_holder_cannot_reuse_a_captured_proof_in_a_new_session()
        {
            // A member holding the network key records session 1 and decrypts the initiator's proof (the session
            // keys follow from the key and the nonces on the wire), then re-seals it for a new session.
            var (ci, cr) = MemoryConnection.Pair();
            var first = Handshake.InitiateAsync(ci, _key, _initiator, InitiatorStatement, Token);
            await Handshake.RespondAsync(cr, _key, _responder, ResponderStatement, Token);
            await first;
            var hello1 = ci.Sent.ElementAt(0);
            var reply1 = cr.Sent.Single();
            var final1 = (byte[])ci.Sent.ElementAt(1).Clone();
            var keys1 = SessionKeys.Derive(_key, hello1.AsSpan(5, 32).ToArray(), reply1.AsSpan(0, 32).ToArray());
            using var opener1 = new FrameOpener(keys1.InitiatorToResponderEncryption, keys1.InitiatorToResponderMac);
            Assert.Equal(FrameRejection.None, opener1.Open(final1, out var length));
            var capturedProof = final1.AsSpan(FrameCipher.SequenceLength, length).ToArray();

            var responding = await ResponderFacing((_, _, sealer) => sealer.Seal(capturedProof));
            await Refused(responding, "handshake.bad_signature");
        }
    }
}
