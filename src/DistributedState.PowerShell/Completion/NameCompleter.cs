using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>Tab completion from a list of names; subclasses say where the names come from.</summary>
    public abstract class NameCompleter : IArgumentCompleter
    {
        /// <inheritdoc/>
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var names = CompletionCandidates.Safely(() => Names(fakeBoundParameters));
            return CompletionCandidates.For(names, wordToComplete)
                .Select(c => new CompletionResult(c.Key, c.Value, CompletionResultType.ParameterValue, c.Value))
                .ToList();
        }

        /// <summary>The candidate names; may throw (completion then offers nothing).</summary>
        protected abstract IEnumerable<string> Names(IDictionary fakeBoundParameters);

        /// <summary>The node a completion looks through: the -Node already typed, or the session's default.</summary>
        protected static DsnNode? ViewingNode(IDictionary fakeBoundParameters)
        {
            var typed = fakeBoundParameters["Node"];
            return (typed is PSObject wrapped ? wrapped.BaseObject : typed) as DsnNode ?? SessionNodes.Default;
        }
    }
}
