using System;
using System.IO;
using System.Net.Sockets;
using System.Reflection;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// Maps what the runtime and the file system throw to stable ErrorIds and categories. Scripts and Pester tests
    /// match on the ErrorId, so these names are part of the module's contract (see about_DistributedState).
    /// </summary>
    public static class ErrorClassifier
    {
        /// <summary>Describes a failure.</summary>
        /// <param name="exception">What was thrown.</param>
        /// <param name="target">The object the command was working on.</param>
        /// <param name="argumentErrorId">
        /// The ErrorId for an <see cref="ArgumentException"/> that names no known parameter: each command knows
        /// what its arguments are (for Start-DsnNode an option, for Set-DsnData a key).
        /// </param>
        public static DsnErrorInfo Classify(Exception exception, object? target, string argumentErrorId)
        {
            if (exception is null) throw new ArgumentNullException(nameof(exception));
            var ex = Unwrap(exception);
            switch (ex)
            {
                case DsnCommandException own:
                    return new DsnErrorInfo(own.ErrorId, own.Category, own, own.Target ?? target);
                case DsnNodeNotFoundException notFound:
                    return new DsnErrorInfo("DsnNodeNotFound", DsnErrorCategory.ObjectNotFound, ex, notFound.NodeId);
                case DsnPeerUnavailableException unavailable:
                    return new DsnErrorInfo("DsnPeerUnavailable", DsnErrorCategory.ConnectionError, ex, unavailable.NodeId);
                case DsnMessageTooLargeException tooLarge:
                    return Classify(DsnErrors.MessageTooLarge(tooLarge, target), target, argumentErrorId);
                case DsnStateFullException full:
                    return Classify(DsnErrors.StateFull(full, target), target, argumentErrorId);
                case DsnValueTooLargeException valueTooLarge:
                    return Classify(DsnErrors.ValueTooLarge(valueTooLarge), target, argumentErrorId);
                case DsnDataFileException dataFile:
                    return new DsnErrorInfo(DataFileErrorId(dataFile.Problem), DsnErrorCategory.InvalidData, ex, dataFile.Path);
                case DsnKeyringException keyring:
                    return KeyringError(keyring);
                case DsnJoinException _:
                    return new DsnErrorInfo("DsnJoinFailed", DsnErrorCategory.ConnectionError, ex, target);
                case TimeoutException _:
                    return new DsnErrorInfo("DsnWaitTimeout", DsnErrorCategory.OperationTimeout, ex, target);
                case OperationCanceledException _:
                    return new DsnErrorInfo("DsnOperationStopped", DsnErrorCategory.OperationStopped, ex, target);
                case DsnBindException bind when bind.SocketError == SocketError.AddressAlreadyInUse:
                    return new DsnErrorInfo("DsnPortInUse", DsnErrorCategory.ResourceUnavailable, ex, bind.EndPoint);
                case DsnBindException bind when bind.SocketError == SocketError.AddressNotAvailable:
                    return new DsnErrorInfo("DsnAddressNotLocal", DsnErrorCategory.InvalidArgument, ex, bind.EndPoint);
                case DsnBindException bind:
                    return new DsnErrorInfo("DsnBindFailed", DsnErrorCategory.ResourceUnavailable, ex, bind.EndPoint);
                case DsnArgumentException refused:
                    return new DsnErrorInfo(ArgumentErrorId(refused.Argument, argumentErrorId), DsnErrorCategory.InvalidArgument, ex, target);
                case ArgumentException _:
                    return new DsnErrorInfo(argumentErrorId, DsnErrorCategory.InvalidArgument, ex, target);
                case FileLoadException _:
                case BadImageFormatException _:
                    return new DsnErrorInfo("DsnAssemblyLoadFailed", DsnErrorCategory.ResourceUnavailable, ex, target);
                case FileNotFoundException missing when IsAssemblyDisplayName(missing.FileName):
                    return new DsnErrorInfo("DsnAssemblyLoadFailed", DsnErrorCategory.ResourceUnavailable, ex, missing.FileName);
                case FileNotFoundException _:
                case DirectoryNotFoundException _:
                    return new DsnErrorInfo("DsnFileNotFound", DsnErrorCategory.ObjectNotFound, ex, target);
                // Before the file cases: the file is there and readable, but others could read or replace it too.
                case DsnKeyFileInsecureException insecure:
                    return new DsnErrorInfo("DsnKeyFileInsecure", DsnErrorCategory.SecurityError, ex, insecure.Path);
                case UnauthorizedAccessException _:
                    return new DsnErrorInfo("DsnFileAccessDenied", DsnErrorCategory.PermissionDenied, ex, target);
                case IOException _:
                    return new DsnErrorInfo("DsnFileError", DsnErrorCategory.WriteError, ex, target);
                // ResourceExists, as DsnNodeAlreadyRunning (its in-process counterpart): the identity is already taken by
                // another live process, and the remedy is the same: stop that one, or use another NodeId and identity.
                case DsnIdentityInUseException inUse:
                    return new DsnErrorInfo("DsnIdentityInUse", DsnErrorCategory.ResourceExists, ex, target ?? inUse.NodeId);
                case DsnNodeStoppedException stopped:
                    return new DsnErrorInfo("DsnNodeStopped", DsnErrorCategory.InvalidOperation, ex, target ?? stopped.NodeId);
                case DsnException _:
                    return new DsnErrorInfo("DsnError", DsnErrorCategory.NotSpecified, ex, target);
                default:
                    return new DsnErrorInfo("DsnUnexpectedError", DsnErrorCategory.NotSpecified, ex, target);
            }
        }

        /// <summary>Removes the wrappers that tasks and reflection put around the exception a user needs to read.</summary>
        public static Exception Unwrap(Exception exception)
        {
            var ex = exception;
            while (true)
            {
                if (ex is AggregateException aggregate && aggregate.InnerExceptions.Count == 1)
                    ex = aggregate.InnerExceptions[0];
                else if (ex is TargetInvocationException invocation && invocation.InnerException is not null)
                    ex = invocation.InnerException;
                else
                    return ex;
            }
        }

        // The loader's FileNotFoundException names an assembly ("Name, Version=…, Culture=…"), a file's names a path;
        // a path has no version however AssemblyName reads it.
        private static bool IsAssemblyDisplayName(string? fileName)
        {
            if (string.IsNullOrEmpty(fileName)) return false;
            try
            {
                return new AssemblyName(fileName).Version is not null;
            }
            catch (Exception)
            {
                return false;
            }
        }

        private static string DataFileErrorId(DsnDataFileProblem problem) => problem switch
        {
            DsnDataFileProblem.OtherNode => "DsnDataFileOtherNode",
            DsnDataFileProblem.OtherNetwork => "DsnDataFileOtherNetwork",
            _ => "DsnDataFileCorrupt",
        };

        private static DsnErrorInfo KeyringError(DsnKeyringException ex) => ex.Problem switch
        {
            DsnKeyringProblem.UnknownKey => new DsnErrorInfo("DsnNetworkKeyNotFound", DsnErrorCategory.ObjectNotFound, ex, ex.KeyId),
            DsnKeyringProblem.PrimaryKey => new DsnErrorInfo("DsnNetworkKeyIsPrimary", DsnErrorCategory.InvalidOperation, ex, ex.KeyId),
            _ => new DsnErrorInfo("DsnKeyringFull", DsnErrorCategory.LimitsExceeded, ex, ex.KeyId),
        };

        // Key, value and NodeId problems keep their own ids whatever the command; an option is the command's own id.
        private static string ArgumentErrorId(DsnArgument argument, string fallback) => argument switch
        {
            DsnArgument.Key => "DsnKeyInvalid",
            DsnArgument.Value => "DsnValueInvalid",
            DsnArgument.NodeId => "DsnNodeIdInvalid",
            DsnArgument.TimeToLive => "DsnTimeToLiveInvalid",
            _ => fallback,
        };
    }
}
