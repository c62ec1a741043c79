using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>
    /// Set-DsnData: writes keys of the node's own state; every member sees the change within milliseconds. Takes a key
    /// and a value, a hashtable (<c>@{cpu='12'; disk='80'} | Set-DsnData</c>), or objects with Key and Value properties.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "DsnData", SupportsShouldProcess = true, DefaultParameterSetName = HashtableSet, HelpUri = DsnCmdlet.HelpRoot + "Set-DsnData.md")]
    [OutputType(typeof(DsnDataEntry))]
    public sealed class SetDsnDataCommand : DsnNodeCmdlet
    {
        private const string KeyValueSet = "KeyValue";
        private const string HashtableSet = "Hashtable";

        /// <summary>The key.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = KeyValueSet)]
        [AllowEmptyString]
        [ArgumentCompleter(typeof(OwnKeyCompleter))]
        public string Key { get; set; } = string.Empty;

        /// <summary>The value (text; up to 1 MiB by default).</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = KeyValueSet)]
        [AllowEmptyString]
        public string Value { get; set; } = string.Empty;

        /// <summary>Keys and values to write together (all or none).</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = HashtableSet)]
        public IDictionary InputObject { get; set; } = new Hashtable();

        /// <summary>
        /// The lease: every node drops the values this long after the write unless they are set again (the node's
        /// -DefaultTimeToLive when omitted; 'Infinite' for none). 1 ms to 30 days; a number is seconds.
        /// </summary>
        [Parameter]
        [DurationTransformation]
        public TimeSpan? TimeToLive { get; set; }

        /// <summary>Returns the written entries.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc/>
        protected override string ArgumentErrorId => "DsnKeyInvalid";

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var node = TargetNode();
            var target = ParameterSetName == KeyValueSet ? Key : (object)InputObject;
            ForItem(target, () =>
            {
                var pairs = ParameterSetName == KeyValueSet
                    ? new[] { new KeyValuePair<string, string>(KeyValueInput.ConvertKey(Key), Value) }
                    : KeyValueInput.FromDictionary(InputObject, v => v is PSObject wrapped ? wrapped.BaseObject : v);
                var lease = TimeToLive is { } ttl ? $" for {ttl}" : string.Empty;
                var approved = pairs.Where(p => ShouldProcess($"{p.Key} on node {node.NodeId}", $"Set to {ValuePreview.Of(p.Value)}{lease}")).ToList();
                OwnState.Set(node, approved, TimeToLive);
                if (PassThru) WriteObject(OwnState.Entries(node, approved.Select(p => p.Key)), enumerateCollection: true);
            });
        }
    }
}
