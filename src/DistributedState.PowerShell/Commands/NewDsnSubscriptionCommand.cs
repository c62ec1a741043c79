using System.Management.Automation;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>
    /// New-DsnSubscription: an event source that raises only the node's events matching NodeId and key wildcards and
    /// event kinds, filtered on the node before PowerShell's event queue sees them, with a bounded queue of its own.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "DsnSubscription", HelpUri = DsnCmdlet.HelpRoot + "New-DsnSubscription.md")]
    [OutputType(typeof(DsnEventSubscription))]
    public sealed class NewDsnSubscriptionCommand : DsnNodeCmdlet
    {
        /// <summary>Members whose events to raise (wildcards allowed); all when omitted.</summary>
        [Parameter(Position = 0)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(MemberNodeIdCompleter))]
        public string[]? NodeId { get; set; }

        /// <summary>Keys whose StateChanged events to raise (wildcards allowed); all when omitted.</summary>
        [Parameter(Position = 1)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(MemberKeyCompleter))]
        public string[]? Key { get; set; }

        /// <summary>Which events: PeerJoined, PeerStatusChanged, StateChanged, DataReceived; all when omitted.</summary>
        [Parameter]
        public DsnEventKinds[]? EventName { get; set; }

        /// <summary>Events that may wait for the handlers before further ones are dropped (and counted).</summary>
        [Parameter]
        [ValidateRange(1, 10_000_000)]
        public int QueueCapacity { get; set; } = 10_000;

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var node = TargetNode();
            var filter = ForCommand(NodeId, () => SubscriptionFilter.Build(NodeId, Key, EventName));
            WriteObject(ForCommand(node.NodeId, () => node.Subscribe(filter, QueueCapacity)));
        }
    }
}
