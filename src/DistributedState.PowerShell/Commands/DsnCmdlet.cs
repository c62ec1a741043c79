using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>
    /// What every DistributedState cmdlet shares: Ctrl+C cancels what it waits for, failures become ErrorRecords
    /// with stable ErrorIds, and blocking waits report progress from the pipeline thread.
    /// </summary>
    public abstract class DsnCmdlet : PSCmdlet, IDisposable
    {
        /// <summary>Where each cmdlet's page lives online (Get-Help -Online): the docs/en-US page of the same name.</summary>
        public const string HelpRoot = "https://github.com/distributedstate/DistributedState/blob/main/docs/en-US/";

        private static readonly TimeSpan ProgressTick = TimeSpan.FromMilliseconds(250);
        private static readonly TimeSpan ProgressDelay = TimeSpan.FromSeconds(1);
        private const int ProgressActivityId = 0x44534E; // "DSN": one progress bar per cmdlet, whatever it waits for
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();

        /// <summary>Cancelled when the user presses Ctrl+C or the pipeline stops.</summary>
        protected CancellationToken Cancellation => _stopping.Token;

        /// <summary>The ErrorId for invalid arguments the runtime rejects without naming a key, value or NodeId.</summary>
        protected virtual string ArgumentErrorId => "DsnArgumentInvalid";

        /// <inheritdoc/>
        protected override void StopProcessing() => _stopping.Cancel();

        /// <summary>Releases the cancellation source.</summary>
        public void Dispose() => _stopping.Dispose();

        /// <summary>The node to work on: the one given, or the session's default (terminating error if there is none).</summary>
        protected DsnNode ResolveNode(DsnNode? node)
        {
            try
            {
                return SessionNodes.Resolve(node);
            }
            catch (Exception ex) when (ex is DsnCommandException || ex is DsnNodeStoppedException) // the latter: why a node stopped itself
            {
                ThrowDsnError(ex, node);
                throw; // ThrowTerminatingError does not return.
            }
        }

        /// <summary>Runs one item's work; a failure becomes a non-terminating error and the pipeline goes on.</summary>
        protected void ForItem(object? target, Action action)
        {
            try
            {
                action();
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteError(ToErrorRecord(ex, target));
            }
        }

        /// <summary>Runs work whose failure fails the whole command (a terminating error).</summary>
        protected T ForCommand<T>(object? target, Func<T> action)
        {
            try
            {
                return action();
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                ThrowDsnError(ex, target);
                throw; // ThrowTerminatingError does not return.
            }
        }

        /// <summary>Blocks on the task, showing progress after a second; Ctrl+C cancels it through <see cref="Cancellation"/>.</summary>
        protected void Await(Task task, string activity)
        {
            var progress = new ProgressRecord(ProgressActivityId, activity, "Waiting");
            var shown = false;
            try
            {
                BlockingWait.Wait(task, ProgressTick, elapsed =>
                {
                    if (elapsed < ProgressDelay) return;
                    progress.StatusDescription = $"Waiting for {elapsed.TotalSeconds:0} s";
                    WriteProgress(progress);
                    shown = true;
                });
            }
            catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            finally
            {
                if (shown)
                {
                    progress.RecordType = ProgressRecordType.Completed;
                    WriteProgress(progress);
                }
            }
        }

        /// <summary>Blocks on the task and returns its result; see <see cref="Await(Task, string)"/>.</summary>
        protected T Await<T>(Task<T> task, string activity)
        {
            Await((Task)task, activity);
            return task.GetAwaiter().GetResult();
        }

        /// <summary>Writes one non-terminating "not found" error per literal name that matched nothing.</summary>
        protected void WriteNotFound(IEnumerable<string> names, Func<string, DsnCommandException> error)
        {
            foreach (var name in names) WriteDsnError(error(name), name);
        }

        /// <summary>Writes a non-terminating error for an exception.</summary>
        protected void WriteDsnError(Exception exception, object? target) => WriteError(ToErrorRecord(exception, target));

        /// <summary>Stops the command with a terminating error for an exception.</summary>
        protected void ThrowDsnError(Exception exception, object? target) => ThrowTerminatingError(ToErrorRecord(exception, target));

        private ErrorRecord ToErrorRecord(Exception exception, object? target)
        {
            var info = ErrorClassifier.Classify(exception, target, ArgumentErrorId);
            return new ErrorRecord(info.Exception, info.ErrorId, (ErrorCategory)(int)info.Category, info.Target);
        }

        // Stopping the pipeline and PowerShell's own flow-control exceptions must pass through untouched.
        private bool IsReportable(Exception ex) =>
            !(ex is PipelineStoppedException) && !(ex is FlowControlException)
            && !(ex is OperationCanceledException && Cancellation.IsCancellationRequested)
            && !(ex is ActionPreferenceStopException);
    }
}
