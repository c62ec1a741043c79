using System;
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
using DistributedState.Tests.Support;
using static DistributedState.Tests.Security.HandshakeWire;

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

        private static async Task<HandshakeException> Refused(Task task, string counter)
        {
            var error = await Assert.ThrowsAsync<HandshakeException>(() => task);
            Assert.Equal(counter, error.Counter);
            Assert.False(string.IsNullOrWhiteSpace(error.Message));
            return error;
        }

        /// <summary>A point of P-256 with one coordinate bit flipped: not on the curve.</summary>
        private static byte[] OffCurvePoint()
        {
            using var key = EphemeralKey.Create();
            var point = (byte[])key.PublicKey.Clone();
            point[64] ^= 1;
            return point;
        }

        [Theory]
        [InlineData(256)]
        [InlineData(128)]
        public async Task Both_sides_authenticate_each_other_and_their_ciphers_interoperate(int bits)
        {
            var key = DsnNetworkKey.Generate(bits).Bytes;
            var (ci, cr) = MemoryConnection.Pair();
            var initiating = Handshake.InitiateAsync(ci, key, _initiator, InitiatorStatement, Token);
            var responding = Handshake.RespondAsync(cr, Rings.Of(key), _responder, ResponderStatement, Token);
            var i = await initiating;
            var r = await responding;

            Assert.Equal(_responder.PublicKey, i.PeerPublicKey);
            Assert.Equal(_initiator.PublicKey, r.PeerPublicKey);
            Assert.Equal(ResponderStatement, i.PeerIdentity);
            Assert.Equal(InitiatorStatement, r.PeerIdentity);

            // Four messages: hello, challenge, the initiator's proof, the responder's proof.
            Assert.Equal(2, ci.Sent.Count);
            Assert.Equal(2, cr.Sent.Count);
            var hello = ci.Sent.First();
            Assert.Equal(HelloLength, hello.Length);
            Assert.Equal("DSN1", Encoding.ASCII.GetString(hello, 0, 4));
            Assert.Equal(3, Handshake.ProtocolVersion);
            Assert.Equal(Handshake.ProtocolVersion, hello[4]);
            Assert.Equal(ChallengeLength, cr.Sent.First().Length);
            // The identity statements travel encrypted: not visible on the wire.
            Assert.DoesNotContain("responder", Encoding.ASCII.GetString(cr.Sent.Last()));
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

            Assert.Equal(0ul, i.Opener.MissingFrames);
            Assert.Equal(0ul, r.Opener.MissingFrames);
            // A frame reflected back to its sender does not open: each direction has its own keys.
            Assert.Equal(FrameRejection.BadTag, i.Opener.Open(i.Sealer.Seal(new byte[10]), out _));
            Assert.Equal(FrameRejection.BadTag, r.Opener.Open(r.Sealer.Seal(new byte[10]), out _));
        }

        [Fact]
        public async Task Two_sessions_between_the_same_identities_have_fresh_ephemeral_keys_and_different_session_keys()
        {
            var (a1, b1) = MemoryConnection.Pair();
            var (a2, b2) = MemoryConnection.Pair();
            var s1 = Handshake.InitiateAsync(a1, _key, _initiator, InitiatorStatement, Token);
            var r1 = Handshake.RespondAsync(b1, Rings.Of(_key), _responder, ResponderStatement, Token);
            var s2 = Handshake.InitiateAsync(a2, _key, _initiator, InitiatorStatement, Token);
            var r2 = Handshake.RespondAsync(b2, Rings.Of(_key), _responder, ResponderStatement, Token);
            await Task.WhenAll(s1, r1, s2, r2);
            Assert.NotEqual(HelloKey(a1.Sent.First()), HelloKey(a2.Sent.First()));
            Assert.NotEqual(ChallengeKey(b1.Sent.First()), ChallengeKey(b2.Sent.First()));
            var frame = (await s1).Sealer.Seal(new byte[32]);
            Assert.Equal(FrameRejection.BadTag, (await r2).Opener.Open((byte[])frame.Clone(), out _));
            Assert.Equal(FrameRejection.None, (await r1).Opener.Open(frame, out _));
        }

        [Fact]
        public async Task A_wrong_network_key_is_refused_by_the_responder_which_sent_only_its_challenge()
        {
            var (ci, cr) = MemoryConnection.Pair();
            var initiating = Handshake.InitiateAsync(ci, DsnNetworkKey.Generate().Bytes, _initiator, InitiatorStatement, Token);
            var responding = Task.Run(async () =>
            {
                try
                {
                    await Handshake.RespondAsync(cr, Rings.Of(_key), _responder, ResponderStatement, Token);
                }
                finally
                {
                    cr.Dispose(); // what the node does on any failure
                }
            });

            var refused = await Refused(responding, "handshake.bad_key");
            Assert.Contains("network key", refused.Message);
            // The responder revealed nothing: its challenge is random bytes, whatever key it holds, and it signed nothing.
            Assert.Equal(ChallengeLength, Assert.Single(cr.Sent).Length);
            var closed = await Refused(initiating, "handshake.closed_by_peer");
            Assert.Contains("network key", closed.Message);
        }

        [Fact]
        public async Task A_responder_admits_an_initiator_dialling_with_any_key_of_its_ring_and_no_other()
        {
            var newer = DsnNetworkKey.Generate(128).Bytes;
            var ring = Rings.Of(newer, _key);
            foreach (var dialled in new[] { newer, _key })
            {
                var (ci, cr) = MemoryConnection.Pair();
                var initiating = Handshake.InitiateAsync(ci, dialled, _initiator, InitiatorStatement, Token);
                var r = await Handshake.RespondAsync(cr, ring, _responder, ResponderStatement, Token);
                var i = await initiating;
                Assert.Equal(_initiator.PublicKey, r.PeerPublicKey);
                var frame = i.Sealer.Seal(new byte[] { 7 });
                Assert.Equal(FrameRejection.None, r.Opener.Open(frame, out _)); // the session keys agree, whichever key was used
                Assert.Equal(HelloLength, ci.Sent.First().Length); // the hello is protocol 2's, naming no key
            }

            var (si, sr) = MemoryConnection.Pair();
            _ = Handshake.InitiateAsync(si, DsnNetworkKey.Generate().Bytes, _initiator, InitiatorStatement, Token);
            var refused = await Refused(Handshake.RespondAsync(sr, ring, _responder, ResponderStatement, Token), "handshake.bad_key");
            Assert.Contains("any key of this node's keyring", refused.Message);
        }

        [Fact]
        public async Task A_128_bit_key_and_a_256_bit_key_do_not_interoperate()
        {
            var short_ = DsnNetworkKey.Generate(128).Bytes;
            var padded = new byte[32];
            short_.CopyTo(padded, 0);
            var (ci, cr) = MemoryConnection.Pair();
            _ = Handshake.InitiateAsync(ci, short_, _initiator, InitiatorStatement, Token);
            await Refused(Handshake.RespondAsync(cr, Rings.Of(padded), _responder, ResponderStatement, Token), "handshake.bad_key");
        }

        public static TheoryData<string, string> BadHellos() => new TheoryData<string, string>
        {
            { "empty", "handshake.malformed" },
            { "garbage", "handshake.malformed" },
            { "http", "handshake.malformed" },
            { "magic only", "handshake.malformed" },
            { "truncated", "handshake.malformed" },
            { "one byte too long", "handshake.malformed" },
            { "wrong magic", "handshake.malformed" },
            { "protocol version 1", "handshake.version" },
            { "version 0", "handshake.version" },
            { "version 4", "handshake.version" },
        };

        private static byte[] BadHello(string name, byte[] networkKey)
        {
            using var ephemeral = EphemeralKey.Create();
            var good = Hello(ephemeral.PublicKey);
            switch (name)
            {
                case "empty": return Array.Empty<byte>();
                case "garbage": return RandomNumberGenerator.GetBytes(HelloLength).Select((b, i) => i == 0 ? (byte)'X' : b).ToArray();
                case "http": return Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                case "magic only": return Encoding.ASCII.GetBytes("DSN1");
                case "truncated": return good.Take(HelloLength - 1).ToArray();
                case "one byte too long": return good.Concat(new byte[1]).ToArray();
                case "wrong magic":
                    good[3] = (byte)'2';
                    return good;
                case "protocol version 1": return HelloOfVersion1(networkKey);
                case "version 0": return Hello(ephemeral.PublicKey, 0);
                case "version 4": return Hello(ephemeral.PublicKey, 4);
                default: throw new ArgumentException(name);
            }
        }

        [Theory]
        [MemberData(nameof(BadHellos))]
        public async Task A_bad_hello_is_refused_and_the_responder_says_nothing(string name, string counter)
        {
            var (ci, cr) = MemoryConnection.Pair();
            await ci.SendAsync(new ArraySegment<byte>(BadHello(name, _key)), Token);
            var error = await Refused(Handshake.RespondAsync(cr, Rings.Of(_key), _responder, ResponderStatement, Token), counter);
            if (counter == "handshake.version")
                Assert.Contains("protocol version", error.Message);
            Assert.Empty(cr.Sent);
        }

        [Fact]
        public async Task A_hello_whose_ephemeral_key_is_not_a_curve_point_is_refused_after_the_challenge()
        {
            foreach (var point in new[] { OffCurvePoint(), new byte[65], Enumerable.Repeat((byte)4, 65).ToArray(), Enumerable.Repeat((byte)0xFF, 65).Select((b, i) => i == 0 ? (byte)4 : b).ToArray() })
            {
                var (ci, cr) = MemoryConnection.Pair();
                await ci.SendAsync(new ArraySegment<byte>(Hello(point)), Token);
                await Refused(Handshake.RespondAsync(cr, Rings.Of(_key), _responder, ResponderStatement, Token), "handshake.malformed");
                Assert.Equal(ChallengeLength, Assert.Single(cr.Sent).Length);
            }
        }

        [Fact]
        public async Task A_peer_that_closes_before_its_hello_is_reported_as_such()
        {
            var (ci, cr) = MemoryConnection.Pair();
            ci.Dispose();
            await Refused(Handshake.RespondAsync(cr, Rings.Of(_key), _responder, ResponderStatement, Token), "handshake.closed_by_peer");
        }

        [Fact]
        public async Task A_hello_larger_than_a_handshake_frame_is_refused_before_it_is_read()
        {
            var (ci, cr) = MemoryConnection.Pair();
            await ci.SendAsync(new ArraySegment<byte>(new byte[4097]), Token);
            await Assert.ThrowsAsync<InvalidDataException>(() => Handshake.RespondAsync(cr, Rings.Of(_key), _responder, ResponderStatement, Token));
        }

        [Fact]
        public async Task A_responder_that_never_hears_a_hello_gives_up_when_cancelled()
        {
            var (_, cr) = MemoryConnection.Pair();
            using var soon = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Handshake.RespondAsync(cr, Rings.Of(_key), _responder, ResponderStatement, soon.Token));
        }

        /// <summary>What a hand-played responder has seen and holds when it answers the initiator's proof.</summary>
        private sealed class ResponderView
        {
            public byte[] Hello = Array.Empty<byte>();
            public byte[] Challenge = Array.Empty<byte>();
            public SessionKeys Keys = null!;
            public byte[] Proof = Array.Empty<byte>(); // the initiator's proof frame as it arrived
        }

        /// <summary>
        /// Plays the responder by hand: reads the hello, sends <paramref name="challenge"/> (a correct one by default), reads
        /// the initiator's proof, then sends what <paramref name="answer"/> builds; returns the initiator's task.
        /// </summary>
        private async Task<Task<HandshakeResult>> InitiatorFacing(Func<ResponderView, FrameSealer, byte[]> answer, Func<byte[], byte[]>? challenge = null)
        {
            var (ci, cr) = MemoryConnection.Pair();
            var initiating = Handshake.InitiateAsync(ci, _key, _initiator, InitiatorStatement, Token);
            var view = new ResponderView { Hello = (await cr.ReceiveAsync(4096, Token))! };
            using var ephemeral = EphemeralKey.Create();
            view.Challenge = challenge?.Invoke(ephemeral.PublicKey) ?? Challenge(ephemeral.PublicKey);
            await cr.SendAsync(new ArraySegment<byte>(view.Challenge), Token);
            var receiving = cr.ReceiveAsync(4096, Token);
            if (await Task.WhenAny(receiving, initiating) == initiating && !receiving.IsCompleted)
                return initiating; // the initiator refused the challenge
            view.Proof = (await receiving)!;
            view.Keys = Keys(_key, ephemeral.DeriveSharedSecret(HelloKey(view.Hello)), view.Hello, view.Challenge);
            using var sealer = new FrameSealer(view.Keys.ResponderToInitiatorEncryption, view.Keys.ResponderToInitiatorMac);
            await cr.SendAsync(new ArraySegment<byte>(answer(view, sealer)), Token);
            return initiating;
        }

        private byte[] CorrectAnswer(ResponderView view, FrameSealer sealer) =>
            sealer.Seal(Proof(_responder, ResponderStatement, ResponderTranscript(view.Hello, view.Challenge, view.Keys, view.Proof)));

        [Fact]
        public async Task A_hand_made_correct_responder_completes_the_initiator_so_the_refusals_below_are_meaningful()
        {
            var result = await await InitiatorFacing(CorrectAnswer);
            Assert.Equal(_responder.PublicKey, result.PeerPublicKey);
            Assert.Equal(ResponderStatement, result.PeerIdentity);
        }

        [Fact]
        public async Task The_initiator_refuses_a_challenge_that_is_not_one()
        {
            await Refused(await InitiatorFacing(CorrectAnswer, _ => new byte[10]), "handshake.malformed");
            await Refused(await InitiatorFacing(CorrectAnswer, key => Challenge(key).Concat(new byte[1]).ToArray()), "handshake.malformed");
            await Refused(await InitiatorFacing(CorrectAnswer, _ => Challenge(OffCurvePoint())), "handshake.malformed");
        }

        [Fact]
        public async Task The_initiator_refuses_an_answer_that_does_not_authenticate()
        {
            await Refused(await InitiatorFacing((_, _) => RandomNumberGenerator.GetBytes(300)), "handshake.bad_key");
            await Refused(await InitiatorFacing((_, _) => new byte[5]), "handshake.bad_key");
            // Sealed with a different network key.
            await Refused(await InitiatorFacing((view, _) =>
            {
                var other = SessionKeys.Derive(DsnNetworkKey.Generate().Bytes, new byte[32], HelloHash(view.Hello, view.Challenge));
                using var sealer = new FrameSealer(other.ResponderToInitiatorEncryption, other.ResponderToInitiatorMac);
                return sealer.Seal(Proof(_responder, ResponderStatement, new byte[32]));
            }), "handshake.bad_key");
            // The responder's proof must be the first frame of its direction.
            await Refused(await InitiatorFacing((view, sealer) =>
            {
                sealer.Seal(new byte[1]);
                return CorrectAnswer(view, sealer);
            }), "handshake.bad_key");
        }

        [Fact]
        public async Task The_initiator_refuses_a_truncated_or_inconsistent_proof()
        {
            await Refused(await InitiatorFacing((_, sealer) => sealer.Seal(new byte[65 + 4 + 63])), "handshake.malformed");
            await Refused(await InitiatorFacing((view, sealer) => sealer.Seal(Proof(_responder, ResponderStatement,
                ResponderTranscript(view.Hello, view.Challenge, view.Keys, view.Proof), claimedLength: ResponderStatement.Length + 1))), "handshake.malformed");
            await Refused(await InitiatorFacing((view, sealer) => sealer.Seal(Proof(_responder, ResponderStatement,
                ResponderTranscript(view.Hello, view.Challenge, view.Keys, view.Proof), claimedLength: int.MaxValue))), "handshake.malformed");
        }

        [Fact]
        public async Task The_initiator_refuses_a_proof_signed_over_another_transcript_or_by_another_key()
        {
            // Signed over the initiator's role label: a proof cannot be reflected from one role to the other.
            await Refused(await InitiatorFacing((view, sealer) => sealer.Seal(Proof(_responder, ResponderStatement,
                InitiatorTranscript(view.Hello, view.Challenge, view.Keys)))), "handshake.bad_signature");
            // Signed without the initiator's proof: the responder must commit to what it received.
            await Refused(await InitiatorFacing((view, sealer) => sealer.Seal(Proof(_responder, ResponderStatement,
                Hash("dsn/v2 responder", HelloHash(view.Hello, view.Challenge), view.Keys.Binding)))), "handshake.bad_signature");
            // Signed over another binding (another Diffie-Hellman secret).
            await Refused(await InitiatorFacing((view, sealer) => sealer.Seal(Proof(_responder, ResponderStatement,
                Hash("dsn/v2 responder", HelloHash(view.Hello, view.Challenge), new byte[32], view.Proof)))), "handshake.bad_signature");
            // The presented public key is not the one that signed.
            await Refused(await InitiatorFacing((view, sealer) =>
            {
                var proof = Proof(_responder, ResponderStatement, ResponderTranscript(view.Hello, view.Challenge, view.Keys, view.Proof));
                _initiator.PublicKey.CopyTo(proof, 0);
                return sealer.Seal(proof);
            }), "handshake.bad_signature");
            // The statement was swapped after signing.
            await Refused(await InitiatorFacing((view, sealer) =>
            {
                var proof = Proof(_responder, ResponderStatement, ResponderTranscript(view.Hello, view.Challenge, view.Keys, view.Proof));
                proof[70] ^= 1;
                return sealer.Seal(proof);
            }), "handshake.bad_signature");
            // A public key that is not a curve point.
            await Refused(await InitiatorFacing((view, sealer) =>
            {
                var proof = Proof(_responder, ResponderStatement, ResponderTranscript(view.Hello, view.Challenge, view.Keys, view.Proof));
                proof[10] ^= 1;
                return sealer.Seal(proof);
            }), "handshake.bad_signature");
        }

        /// <summary>What a hand-played initiator has seen and holds when it sends its proof.</summary>
        private sealed class InitiatorView
        {
            public byte[] Hello = Array.Empty<byte>();
            public byte[] Challenge = Array.Empty<byte>();
            public SessionKeys Keys = null!;
        }

        /// <summary>
        /// Plays the initiator by hand up to its proof, which <paramref name="proof"/> builds; returns the responder's task
        /// and the frames the responder sent.
        /// </summary>
        private async Task<(Task<HandshakeResult> Responding, MemoryConnection Responder)> ResponderFacing(Func<InitiatorView, FrameSealer, byte[]> proof)
        {
            var (ci, cr) = MemoryConnection.Pair();
            var responding = Handshake.RespondAsync(cr, Rings.Of(_key), _responder, ResponderStatement, Token);
            using var ephemeral = EphemeralKey.Create();
            var view = new InitiatorView { Hello = Hello(ephemeral.PublicKey) };
            await ci.SendAsync(new ArraySegment<byte>(view.Hello), Token);
            view.Challenge = (await ci.ReceiveAsync(4096, Token))!;
            view.Keys = Keys(_key, ephemeral.DeriveSharedSecret(ChallengeKey(view.Challenge)), view.Hello, view.Challenge);
            using var sealer = new FrameSealer(view.Keys.InitiatorToResponderEncryption, view.Keys.InitiatorToResponderMac);
            await ci.SendAsync(new ArraySegment<byte>(proof(view, sealer)), Token);
            return (responding, cr);
        }

        /// <summary>The responder refuses the proof, and it signed nothing: it sent only its challenge.</summary>
        private static async Task RefusedBeforeSigning((Task<HandshakeResult> Responding, MemoryConnection Responder) facing, string counter)
        {
            await Refused(facing.Responding, counter);
            Assert.Equal(ChallengeLength, Assert.Single(facing.Responder.Sent).Length);
        }

        [Fact]
        public async Task A_hand_made_correct_proof_completes_the_responder()
        {
            var (responding, responder) = await ResponderFacing((view, sealer) =>
                sealer.Seal(Proof(_initiator, InitiatorStatement, InitiatorTranscript(view.Hello, view.Challenge, view.Keys))));
            var result = await responding;
            Assert.Equal(_initiator.PublicKey, result.PeerPublicKey);
            Assert.Equal(InitiatorStatement, result.PeerIdentity);
            Assert.Equal(2, responder.Sent.Count);
        }

        [Fact]
        public async Task The_responder_refuses_a_bad_proof_without_signing_anything()
        {
            await RefusedBeforeSigning(await ResponderFacing((_, _) => RandomNumberGenerator.GetBytes(200)), "handshake.bad_key");
            await RefusedBeforeSigning(await ResponderFacing((_, _) => new byte[5]), "handshake.bad_key");
            await RefusedBeforeSigning(await ResponderFacing((_, sealer) => sealer.Seal(new byte[100])), "handshake.malformed");
            await RefusedBeforeSigning(await ResponderFacing((view, sealer) =>
                sealer.Seal(Proof(_initiator, InitiatorStatement, InitiatorTranscript(view.Hello, view.Challenge, view.Keys), claimedLength: 0))), "handshake.malformed");
            await RefusedBeforeSigning(await ResponderFacing((view, sealer) =>
                sealer.Seal(Proof(_initiator, InitiatorStatement, Hash("dsn/v2 responder", HelloHash(view.Hello, view.Challenge), view.Keys.Binding)))), "handshake.bad_signature");
            await RefusedBeforeSigning(await ResponderFacing((view, sealer) =>
                sealer.Seal(Proof(_initiator, InitiatorStatement, Hash("dsn/v2 initiator", HelloHash(view.Hello, view.Challenge), new byte[32])))), "handshake.bad_signature");
        }

        [Fact]
        public async Task The_responder_refuses_a_closed_connection_after_its_challenge()
        {
            var (ci, cr) = MemoryConnection.Pair();
            var responding = Handshake.RespondAsync(cr, Rings.Of(_key), _responder, ResponderStatement, Token);
            using var ephemeral = EphemeralKey.Create();
            await ci.SendAsync(new ArraySegment<byte>(Hello(ephemeral.PublicKey)), Token);
            Assert.NotNull(await ci.ReceiveAsync(4096, Token));
            ci.Dispose();
            await Refused(responding, "handshake.closed_by_peer");
        }

        [Fact]
        public async Task Messages_captured_from_an_earlier_session_cannot_complete_a_new_one_and_make_the_responder_sign_nothing()
        {
            // Session 1, recorded.
            var (ci, cr) = MemoryConnection.Pair();
            var first = Handshake.InitiateAsync(ci, _key, _initiator, InitiatorStatement, Token);
            await Handshake.RespondAsync(cr, Rings.Of(_key), _responder, ResponderStatement, Token);
            await first;
            var capturedHello = ci.Sent.ElementAt(0);
            var capturedProof = ci.Sent.ElementAt(1);
            var capturedChallenge = cr.Sent.ElementAt(0);
            var capturedAnswer = cr.Sent.ElementAt(1);

            // The initiator's hello and proof replayed to the responder: its fresh nonce and ephemeral key give new
            // session keys, so the old proof does not even authenticate, and the responder never signs.
            var (ai, ar) = MemoryConnection.Pair();
            var responding = Handshake.RespondAsync(ar, Rings.Of(_key), _responder, ResponderStatement, Token);
            await ai.SendAsync(new ArraySegment<byte>(capturedHello), Token);
            var freshChallenge = (await ai.ReceiveAsync(4096, Token))!;
            Assert.NotEqual(ChallengeNonce(capturedChallenge), ChallengeNonce(freshChallenge));
            Assert.NotEqual(ChallengeKey(capturedChallenge), ChallengeKey(freshChallenge));
            await ai.SendAsync(new ArraySegment<byte>(capturedProof), Token);
            await RefusedBeforeSigning((responding, ar), "handshake.bad_key");

            // The responder's captured frames replayed to an initiator: its fresh ephemeral key changes the keys too.
            var (bi, br) = MemoryConnection.Pair();
            var initiating = Handshake.InitiateAsync(bi, _key, _initiator, InitiatorStatement, Token);
            Assert.NotNull(await br.ReceiveAsync(4096, Token));
            await br.SendAsync(new ArraySegment<byte>(capturedChallenge), Token);
            Assert.NotNull(await br.ReceiveAsync(4096, Token));
            await br.SendAsync(new ArraySegment<byte>(capturedAnswer), Token);
            await Refused(initiating, "handshake.bad_key");
        }

        [Fact]
        public async Task A_network_key_holder_in_the_middle_who_swaps_the_ephemeral_keys_cannot_pass_either_proof_on()
        {
            // The man in the middle holds the network key and its own ephemeral keys, so it shares a secret with each
            // side and can open and re-seal the proofs; but each proof is signed over the ephemeral keys its signer saw.
            var (ci, mFromI) = MemoryConnection.Pair();
            var (mToR, cr) = MemoryConnection.Pair();
            var initiating = Handshake.InitiateAsync(ci, _key, _initiator, InitiatorStatement, Token);
            var responding = Handshake.RespondAsync(cr, Rings.Of(_key), _responder, ResponderStatement, Token);
            using var towardInitiator = EphemeralKey.Create();
            using var towardResponder = EphemeralKey.Create();

            var helloI = (await mFromI.ReceiveAsync(4096, Token))!;
            var helloM = Hello(towardResponder.PublicKey, nonce: HelloNonce(helloI));
            await mToR.SendAsync(new ArraySegment<byte>(helloM), Token);
            var challengeR = (await mToR.ReceiveAsync(4096, Token))!;
            var challengeM = Challenge(towardInitiator.PublicKey, ChallengeNonce(challengeR));
            await mFromI.SendAsync(new ArraySegment<byte>(challengeM), Token);

            var keysI = Keys(_key, towardInitiator.DeriveSharedSecret(HelloKey(helloI)), helloI, challengeM);
            var keysR = Keys(_key, towardResponder.DeriveSharedSecret(ChallengeKey(challengeR)), helloM, challengeR);
            var proofI = (await mFromI.ReceiveAsync(4096, Token))!;
            using var fromI = new FrameOpener(keysI.InitiatorToResponderEncryption, keysI.InitiatorToResponderMac);
            Assert.Equal(FrameRejection.None, fromI.Open(proofI, out var length));
            using var toR = new FrameSealer(keysR.InitiatorToResponderEncryption, keysR.InitiatorToResponderMac);
            await mToR.SendAsync(new ArraySegment<byte>(toR.Seal(proofI, FrameCipher.SequenceLength, length)), Token);

            await RefusedBeforeSigning((responding, cr), "handshake.bad_signature");
            mFromI.Dispose();
            await Refused(initiating, "handshake.closed_by_peer");
        }
    }
}
