using System;

namespace DistributedState
{
    /// <summary>What is wrong with a file of the node's data directory (<see cref="DsnNodeOptions.DataPath"/>).</summary>
    public enum DsnDataFileProblem
    {
        /// <summary>The file is damaged: too short, not a DistributedState data file, or its checksum does not match.</summary>
        Corrupt = 0,

        /// <summary>The file belongs to another NodeId, or holds state signed by another identity.</summary>
        OtherNode = 1,

        /// <summary>The file was written by a node of another network (another network key).</summary>
        OtherNetwork = 2,
    }

    /// <summary>
    /// A file of the node's data directory cannot be used, so the node did not start: nothing was overwritten. The
    /// message names the file and says why; move the file away (or delete it) to start without it, or point
    /// <see cref="DsnNodeOptions.DataPath"/> at this node's own directory.
    /// </summary>
    public sealed class DsnDataFileException : DsnException
    {
        /// <summary>Creates the exception.</summary>
        public DsnDataFileException(string path, DsnDataFileProblem problem, string reason, Exception? inner = null)
            : base($"The data file '{path}' cannot be used: {reason}. Nothing was changed; move the file away to start without it, or use this node's own data directory.", inner)
        {
            Path = path;
            Problem = problem;
        }

        /// <summary>The file.</summary>
        public string Path { get; }

        /// <summary>What is wrong with it.</summary>
        public DsnDataFileProblem Problem { get; }
    }
}
