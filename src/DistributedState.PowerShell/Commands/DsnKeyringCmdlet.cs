using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading.Tasks;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>
    /// A keyring cmdlet: one command through a node to every member, whose per-member results are written as objects,
    /// and as one non-terminating error per member that refused or did not answer (so -ErrorAction Stop stops a
    /// rotation script at the first step that did not reach everyone).
    /// </summary>
    public abstract class DsnKeyringCmdlet : DsnNodeCmdlet
    {
        /// <summary>How long to wait for every member's answer.</summary>
        [Parameter]
        [DurationTransformation]
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>Waits for the command's results and writes them.</summary>
        protected void WriteResults(object target, string activity, Func<Task<IReadOnlyList<DsnKeyringResult>>> start)
        {
            var results = ForCommand(target, () => Await(start(), activity));
            foreach (var result in results)
            {
                WriteObject(result);
                if (NetworkKeyArgument.Failure(result) is { } failure)
                    WriteDsnError(failure, result);
            }
        }

        /// <summary>The members a state-changing command reaches, for ShouldProcess.</summary>
        protected static string EveryMember(DsnNode node) => $"every member of the network of node {node.NodeId}";
    }
}
