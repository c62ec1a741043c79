using System;
using System.Management.Automation;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>
    /// Binds a TimeSpan parameter the way users mean it: 5 is five seconds (PowerShell alone would make it five ticks),
    /// '200ms', '2m' and '00:00:05' work too; see <see cref="DurationInput"/>.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class DurationTransformationAttribute : ArgumentTransformationAttribute
    {
        /// <inheritdoc/>
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            try
            {
                return DurationInput.Convert(inputData is PSObject wrapped ? wrapped.BaseObject : inputData);
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentTransformationMetadataException(ex.Message, ex);
            }
        }
    }
}
