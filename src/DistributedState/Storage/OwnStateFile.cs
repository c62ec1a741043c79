using System.Collections.Generic;
using System.IO;
using DistributedState.Internal;
using DistributedState.Protocol;
using DistributedState.Security;

namespace DistributedState.Storage
{
    /// <summary>
    /// The payload of the own-state file: <c>u32 count || the owner's signed batches exactly as they travel on the
    /// wire</c> (<see cref="SignedBatch.Write"/>), oldest first. Keeping the signed bytes rather than a copy of the
    /// entries means a restored node republishes what it signed before — the same versions, the same signatures, the
    /// same commitment — and whatever a batch entry carries (now or in later protocol versions) is kept without this
    /// file knowing of it. Pure.
    /// </summary>
    internal static class OwnStateFile
    {
        /// <summary>Every batch codec limit is at its widest when reading: a node restarted with smaller limits still reads its file.</summary>
        private static readonly ProtocolLimits ReadLimits = new ProtocolLimits(64 * 1024 * 1024, 64 * 1024 * 1024);

        public static WireWriter Encode(IReadOnlyList<SignedBatch> batches)
        {
            var size = 4;
            foreach (var batch in batches)
                size += batch.Size;
            var writer = new WireWriter(size);
            writer.U32((uint)batches.Count);
            foreach (var batch in batches)
                batch.Write(writer);
            return writer;
        }

        /// <summary>Reads the batches and checks that each is the owner's, signed by <paramref name="owner"/>'s key.</summary>
        /// <exception cref="DsnDataFileException">The payload is malformed, or a batch is another node's.</exception>
        public static List<SignedBatch> Decode(string path, WireReader payload, string owner, SignatureVerifier ownerKey)
        {
            var batches = new List<SignedBatch>();
            try
            {
                for (var i = payload.Count(94 + StateCommitment.Length); i > 0; i--)
                    batches.Add(SignedBatch.Read(payload, ReadLimits));
                payload.End();
            }
            catch (InvalidDataException error)
            {
                throw new DsnDataFileException(path, DsnDataFileProblem.Corrupt, "a state batch in it is malformed: " + error.Message, error);
            }

            foreach (var batch in batches)
            {
                if (!NameRules.SameNodeId(batch.Owner, owner) || !batch.IsSignedBy(ownerKey))
                    throw new DsnDataFileException(path, DsnDataFileProblem.OtherNode,
                        $"it holds state of '{batch.Owner}' that this node's identity did not sign (another node's file, or another identity file)");
            }

            return batches;
        }
    }
}
