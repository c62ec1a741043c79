using System;
using System.IO;
using System.Linq;
using System.Threading;
using DistributedState.Internal;
using DistributedState.Protocol;
using DistributedState.Security;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace DistributedState.Tests.Protocol
{
    /// <summary>
    /// Property tests of the codec (FsCheck): every valid message round-trips; every truncation, mutation and
    /// random frame is either refused with <see cref="InvalidDataException"/> or decodes to a message that
    /// re-encodes to exactly those bytes; nothing else ever escapes, and decoding allocates in proportion to the
    /// bytes present, never to a length a frame claims.
    /// </summary>
    public sealed class CodecPropertyTests
    {
        private const int RoundTrips = 400;
        private const int Mutations = 1500;
        private static readonly ProtocolLimits Limits = MessageGenerators.Limits;
        private readonly ITestOutputHelper _output;

        public CodecPropertyTests(ITestOutputHelper output) => _output = output;

        private long Check<T>(string name, Gen<T> generator, int maxTest, Action<T> body)
        {
            long count = 0;
            var property = Prop.ForAll(generator.ToArbitrary(), (T input) =>
            {
                Interlocked.Increment(ref count);
                body(input);
            });
            FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(maxTest).WithQuietOnSuccess(true), property);
            _output.WriteLine($"{name}: {count} generated inputs");
            return count;
        }

        /// <summary>Decodes; null when refused with InvalidDataException; any other exception fails the test with the input.</summary>
        internal static Message? TryDecode(byte[] buffer, int offset, int count, ProtocolLimits limits)
        {
            try
            {
                return MessageCodec.Decode(buffer, offset, count, limits);
            }
            catch (InvalidDataException)
            {
                return null;
            }
            catch (Exception error)
            {
                throw new XunitException($"Decoding escaped with {error.GetType().Name} ({error.Message}) for input {Hex.Encode(buffer.AsSpan(offset, count).ToArray())}");
            }
        }

        public static TheoryData<string> AllTypes()
        {
            var data = new TheoryData<string>();
            foreach (MessageType type in Enum.GetValues(typeof(MessageType)))
                data.Add(type.ToString());
            return data;
        }

        [Fact]
        public void Every_message_type_has_a_generator()
        {
            foreach (MessageType type in Enum.GetValues(typeof(MessageType)))
                Assert.True(MessageGenerators.ByType.ContainsKey(type), $"no generator for {type}");
        }

        [Theory]
        [MemberData(nameof(AllTypes))]
        public void Every_valid_message_round_trips(string typeName)
        {
            var type = Enum.Parse<MessageType>(typeName);
            using var verifier = SignatureVerifier.For(MessageGenerators.Signer.PublicKey);
            Check($"round trip {type}", MessageGenerators.ByType[type], RoundTrips, message =>
            {
                var encoded = MessageCodec.Encode(message);
                Assert.Equal(MessageCodec.Version, encoded[0]);
                Assert.Equal((byte)type, encoded[1]);
                var decoded = MessageCodec.Decode(encoded, 0, encoded.Length, Limits);
                MessageAssert.Equal(message, decoded);
                Assert.Equal(encoded, MessageCodec.Encode(decoded));

                // Inside a larger buffer, at an offset, with bytes around it.
                var framed = new byte[encoded.Length + 13];
                framed.AsSpan().Fill(0xA5);
                Buffer.BlockCopy(encoded, 0, framed, 8, encoded.Length);
                MessageAssert.Equal(message, MessageCodec.Decode(framed, 8, encoded.Length, Limits));

                // Relayed batches keep the owner's signature valid.
                var batches = decoded is PushMessage push ? push.Batches : decoded is SyncMessage sync ? sync.Batches : null;
                if (batches is not null)
                    Assert.All(batches, b => Assert.True(b.IsSignedBy(verifier)));
            });
        }

        [Theory]
        [MemberData(nameof(AllTypes))]
        public void Every_truncation_of_a_valid_message_is_refused(string typeName)
        {
            var type = Enum.Parse<MessageType>(typeName);
            long decodes = 0;
            Check($"truncations {type}", MessageGenerators.ByType[type], 150, message =>
            {
                var encoded = MessageCodec.Encode(message);
                var cuts = encoded.Length <= 1500
                    ? Enumerable.Range(0, encoded.Length)
                    : Enumerable.Range(0, 1500).Select(i => (int)((long)i * encoded.Length / 1500));
                foreach (var cut in cuts)
                {
                    decodes++;
                    var decoded = TryDecode(encoded, 0, cut, Limits);
                    Assert.True(decoded is null, $"a {cut}-byte prefix of a {encoded.Length}-byte {type} decoded as a {decoded?.Type}");
                }
            });
            _output.WriteLine($"truncations {type}: {decodes} prefixes decoded");
        }

        [Fact]
        public void Mutated_frames_are_refused_or_decode_to_exactly_their_bytes()
        {
            var refused = 0;
            var accepted = 0;
            var generator = Gen.Zip(MessageGenerators.Any, Gen.Choose(0, int.MaxValue), (m, seed) => (Message: m, Seed: seed));
            Check("mutations", generator, Mutations, input =>
            {
                var random = new Random(input.Seed);
                var mutated = Mutate(MessageCodec.Encode(input.Message), random);
                if (CheckHostileInput(mutated))
                    accepted++;
                else
                    refused++;
            });
            _output.WriteLine($"mutations: {refused} refused, {accepted} still valid");
            Assert.True(refused > accepted, "most mutations should be refused");
        }

        [Fact]
        public void Random_frames_are_refused_or_decode_to_exactly_their_bytes()
        {
            var accepted = 0;
            var generator =
                from length in Gen.Choose(0, 300)
                from seed in Gen.Choose(0, int.MaxValue)
                from type in Gen.Choose(0, 12)
                from version in Gen.Frequency((9, Gen.Constant(1)), (1, Gen.Choose(0, 255)))
                select (Length: length, Seed: seed, Type: type, Version: version);
            Check("random frames", generator, Mutations, input =>
            {
                var bytes = MessageGenerators.RandomBytes(input.Length, input.Seed);
                if (bytes.Length > 0)
                    bytes[0] = (byte)input.Version;
                if (bytes.Length > 1)
                    bytes[1] = (byte)input.Type;
                // Small counts and lengths make structurally plausible garbage more likely.
                var random = new Random(input.Seed ^ 0x5555);
                for (var i = 2; i + 4 <= bytes.Length; i += 1 + random.Next(12))
                {
                    if (random.Next(3) == 0)
                    {
                        bytes[i] = 0;
                        bytes[i + 1] = 0;
                        bytes[i + 2] = 0;
                        bytes[i + 3] = (byte)random.Next(4);
                    }
                }

                if (CheckHostileInput(bytes))
                    accepted++;
            });
            _output.WriteLine($"random frames: {accepted} happened to be valid messages");
        }

        /// <summary>
        /// The core hostile-input property. Returns true when the bytes are a valid message. Allocation during
        /// decoding stays within a constant plus a small multiple of the input's size.
        /// </summary>
        internal static bool CheckHostileInput(byte[] bytes)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var decoded = TryDecode(bytes, 0, bytes.Length, Limits);
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated <= 64 * 1024 + 16L * bytes.Length,
                $"decoding {bytes.Length} bytes allocated {allocated} bytes: {Hex.Encode(bytes)}");
            if (decoded is null)
                return false;
            // The codec is canonical: whatever it accepts, it writes back byte for byte.
            var again = MessageCodec.Encode(decoded);
            Assert.True(again.AsSpan().SequenceEqual(bytes), $"{decoded.Type} decoded from {Hex.Encode(bytes)} re-encodes as {Hex.Encode(again)}");
            return true;
        }

        internal static byte[] Mutate(byte[] original, Random random)
        {
            var bytes = original.ToList();
            var operations = 1 + random.Next(4);
            for (var op = 0; op < operations; op++)
            {
                var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
                switch (random.Next(10))
                {
                    case 0:
                        if (bytes.Count > 0)
                            bytes[at] ^= (byte)(1 << random.Next(8));
                        break;
                    case 1:
                        if (bytes.Count > 0)
                            bytes[at] = (byte)random.Next(256);
                        break;
                    case 2:
                        if (bytes.Count > 0)
                            bytes[at] = random.Next(2) == 0 ? (byte)0 : (byte)0xFF;
                        break;
                    case 3:
                        bytes.Insert(at, (byte)random.Next(256));
                        break;
                    case 4:
                        if (bytes.Count > 0)
                            bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(8)));
                        break;
                    case 5:
                    {
                        // A length or count claiming far more than the frame holds.
                        var huge = new[] { 0xFFFFFFFFu, 0x7FFFFFFFu, 0x40000000u, 0x00010000u, 0x00000100u }[random.Next(5)];
                        for (var i = 0; i < 4 && at + i < bytes.Count; i++)
                            bytes[at + i] = (byte)(huge >> (24 - 8 * i));
                        break;
                    }
                    case 6:
                        if (at + 1 < bytes.Count)
                        {
                            bytes[at] = 0xFF;
                            bytes[at + 1] = 0xFF;
                        }

                        break;
                    case 7:
                        if (bytes.Count > 1)
                            bytes[1] = (byte)(1 + random.Next(10)); // the body read as another message type
                        break;
                    case 8:
                        if (bytes.Count > 0)
                            bytes.RemoveRange(at, bytes.Count - at);
                        break;
                    default:
                    {
                        var length = Math.Min(bytes.Count - at, 1 + random.Next(16));
                        bytes.InsertRange(at, bytes.GetRange(at, length));
                        break;
                    }
                }
            }

            return bytes.ToArray();
        }
    }
}
