using System;
using System.Management.Automation;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>
    /// Invoke-DsnQuery: asks every member (or those matching -NodeId) a named question and streams their answers, each
    /// with the responder and its latency, until all have answered or the timeout passes.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "DsnQuery", SupportsShouldProcess = true, DefaultParameterSetName = TextSet, HelpUri = DsnCmdlet.HelpRoot + "Invoke-DsnQuery.md")]
    [OutputType(typeof(DsnQueryResponse))]
    public sealed class InvokeDsnQueryCommand : DsnNodeCmdlet
    {
        private const string TextSet = "Text";
        private const string BytesSet = "Bytes";

        /// <summary>The query's name; members answer the names they handle.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = string.Empty;

        /// <summary>The question as text (UTF-8).</summary>
        [Parameter(Position = 1, ParameterSetName = TextSet)]
        [AllowEmptyString]
        public string Text { get; set; } = string.Empty;

        /// <summary>The question as bytes.</summary>
        [Parameter(Mandatory = true, ParameterSetName = BytesSet)]
        public byte[] Payload { get; set; } = new byte[0];

        /// <summary>The members to ask (wildcards allowed); all when omitted.</summary>
        [Parameter]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(MemberNodeIdCompleter))]
        public string[]? NodeId { get; set; }

        /// <summary>How long to collect answers.</summary>
        [Parameter]
        [DurationTransformation]
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var node = TargetNode();
            var payload = ParameterSetName == TextSet ? DirectMessage.Encode(Text) : Payload;
            var whom = NodeId is null || NodeId.Length == 0 ? "every member" : string.Join(", ", NodeId);
            if (!ShouldProcess(whom, $"Ask '{Name}' from node {node.NodeId}")) return;
            ForCommand(Name, () =>
            {
                var query = FleetQuery.Start(node, Name, payload, NodeId, Timeout, Cancellation, out var unmatched);
                WriteNotFound(unmatched, id => DsnErrors.MemberNotFound(id, node.NodeId));
                if (query is null) return true;
                foreach (var answer in query.Answers(TimeSpan.FromMilliseconds(100)))
                    WriteObject(answer);
                return true;
            });
        }
    }
}
