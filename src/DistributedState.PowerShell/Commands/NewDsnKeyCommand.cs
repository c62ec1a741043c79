using System.IO;
using System.Management.Automation;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>New-DsnKey: makes a network key, returned as text or written to a file only the current user can read.</summary>
    [Cmdlet(VerbsCommon.New, "DsnKey", SupportsShouldProcess = true, DefaultParameterSetName = TextSet, HelpUri = DsnCmdlet.HelpRoot + "New-DsnKey.md")]
    [OutputType(typeof(string), ParameterSetName = new[] { TextSet })]
    [OutputType(typeof(FileInfo), ParameterSetName = new[] { FileSet })]
    public sealed class NewDsnKeyCommand : DsnCmdlet
    {
        private const string TextSet = "Text";
        private const string FileSet = "File";

        /// <summary>The file to write; without it the key is returned as text.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = FileSet)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        /// <summary>Replaces an existing key file.</summary>
        [Parameter(ParameterSetName = FileSet)]
        public SwitchParameter Force { get; set; }

        /// <summary>The key length: 256 (default) or 128 (compatible with the Python package's keys).</summary>
        [Parameter]
        [ValidateSet("128", "256")]
        public int Bits { get; set; } = 256;

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            if (ParameterSetName == TextSet)
            {
                WriteObject(ForCommand(null, () => DsnNetworkKey.Generate(Bits).ToString()));
                return;
            }

            var path = GetUnresolvedProviderPathFromPSPath(Path);
            if (!ShouldProcess(path, $"Write a new {Bits}-bit network key")) return;
            WriteObject(ForCommand(path, () => NetworkKeyFile.Create(path, Bits, Force)));
        }
    }
}
