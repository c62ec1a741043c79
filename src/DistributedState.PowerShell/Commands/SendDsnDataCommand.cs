using System.Management.Automation;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>Send-DsnData: delivers bytes or text to one member and waits for its acknowledgement.</summary>
    [Cmdlet(VerbsCommunications.Send, "DsnData", SupportsShouldProcess = true, DefaultParameterSetName = BytesSet, HelpUri = DsnCmdlet.HelpRoot + "Send-DsnData.md")]
    [OutputType(typeof(DsnSendResult))]
    public sealed class SendDsnDataCommand : DsnNodeCmdlet
    {
        private const string BytesSet = "Bytes";
        private const string TextSet = "Text";

        /// <summary>The recipient.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(MemberNodeIdCompleter))]
        public string NodeId { get; set; } = string.Empty;

        /// <summary>The bytes to send.</summary>
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = BytesSet)]
        public byte[] Data { get; set; } = new byte[0];

        /// <summary>Text to send, encoded as UTF-8.</summary>
        [Parameter(Mandatory = true, ParameterSetName = TextSet)]
        [AllowEmptyString]
        public string Text { get; set; } = string.Empty;

        /// <summary>Returns who acknowledged how many bytes and the round trip.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var node = TargetNode();
            var data = ParameterSetName == TextSet ? DirectMessage.Encode(Text) : Data;
            if (!ShouldProcess(NodeId, $"Send {ByteCount.Format(data.Length)} from node {node.NodeId}")) return;
            ForItem(NodeId, () =>
            {
                var result = Await(DirectMessage.SendAsync(node, NodeId, data, Cancellation), $"Sending to {NodeId}");
                WriteVerbose($"{result}.");
                if (PassThru) WriteObject(result);
            });
        }
    }
}
