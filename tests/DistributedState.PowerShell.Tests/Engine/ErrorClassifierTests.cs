using System;
using System.IO;
using System.Reflection;
using System.Threading.Tasks;
using DistributedState.PowerShell.Engine;
using Xunit;

namespace DistributedState.PowerShell.Tests.Engine
{
    public class ErrorClassifierTests
    {
        public static TheoryData<Exception, string, DsnErrorCategory> Cases() => new TheoryData<Exception, string, DsnErrorCategory>
        {
            { new DsnNodeNotFoundException("web09"), "DsnNodeNotFound", DsnErrorCategory.ObjectNotFound },
            { new DsnPeerUnavailableException("web02", DsnPeerStatus.Failed, "no answer"), "DsnPeerUnavailable", DsnErrorCategory.ConnectionError },
            { new DsnJoinException(Array.Empty<DsnJoinAttempt>()), "DsnJoinFailed", DsnErrorCategory.ConnectionError },
            { new TimeoutException(), "DsnWaitTimeout", DsnErrorCategory.OperationTimeout },
            { new OperationCanceledException(), "DsnOperationStopped", DsnErrorCategory.OperationStopped },
            { new DsnArgumentException(DsnArgument.Key, "bad", "entries"), "DsnKeyInvalid", DsnErrorCategory.InvalidArgument },
            { new DsnArgumentException(DsnArgument.Value, "bad", "entries"), "DsnValueInvalid", DsnErrorCategory.InvalidArgument },
            { new DsnArgumentException(DsnArgument.NodeId, "bad", "NodeId"), "DsnNodeIdInvalid", DsnErrorCategory.InvalidArgument },
            { new DsnArgumentException(DsnArgument.TimeToLive, "bad", "timeToLive"), "DsnTimeToLiveInvalid", DsnErrorCategory.InvalidArgument },
            { new DsnArgumentException(DsnArgument.Option, "bad", "Port"), "Fallback", DsnErrorCategory.InvalidArgument },
            // By type, not by name: a plain ArgumentException whose parameter happens to be called "key" is the command's own.
            { new ArgumentException("bad", "key"), "Fallback", DsnErrorCategory.InvalidArgument },
            { new FileNotFoundException("x"), "DsnFileNotFound", DsnErrorCategory.ObjectNotFound },
            { new DirectoryNotFoundException("x"), "DsnFileNotFound", DsnErrorCategory.ObjectNotFound },
            { new UnauthorizedAccessException("x"), "DsnFileAccessDenied", DsnErrorCategory.PermissionDenied },
            { new IOException("x"), "DsnFileError", DsnErrorCategory.WriteError },
            { new DsnKeyFileInsecureException("/k", "network key file", DsnKeyFileProblem.OthersHaveAccess, 0x1A4, 0, 0, "chmod 600 '/k'"), "DsnKeyFileInsecure", DsnErrorCategory.SecurityError },
            { new DsnNodeStoppedException("web01", "stopped"), "DsnNodeStopped", DsnErrorCategory.InvalidOperation },
            // A stopped node too, but one that says why: another live process holds its identity.
            { new DsnIdentityInUseException("web01", new DsnEndpoint("10.0.0.2", 7946), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow), "DsnIdentityInUse", DsnErrorCategory.ResourceExists },
            // By type, not by accident: an unrelated InvalidOperationException is not a stopped node.
            { new InvalidOperationException("a bug"), "DsnUnexpectedError", DsnErrorCategory.NotSpecified },
            { new DsnKeyringException(DsnKeyringProblem.UnknownKey, "0123456789abcdef", "m"), "DsnNetworkKeyNotFound", DsnErrorCategory.ObjectNotFound },
            { new DsnKeyringException(DsnKeyringProblem.PrimaryKey, "0123456789abcdef", "m"), "DsnNetworkKeyIsPrimary", DsnErrorCategory.InvalidOperation },
            { new DsnKeyringException(DsnKeyringProblem.Full, "0123456789abcdef", "m"), "DsnKeyringFull", DsnErrorCategory.LimitsExceeded },
            { new DsnException("other"), "DsnError", DsnErrorCategory.NotSpecified },
            { new FormatException("?"), "DsnUnexpectedError", DsnErrorCategory.NotSpecified },
            { new DsnCommandException("DsnOwn", DsnErrorCategory.ResourceExists, "m"), "DsnOwn", DsnErrorCategory.ResourceExists },
        };

        [Theory]
        [MemberData(nameof(Cases))]
        public void Maps_each_failure_to_a_stable_ErrorId_and_category(Exception exception, string errorId, DsnErrorCategory category)
        {
            var info = ErrorClassifier.Classify(exception, "target", "Fallback");
            Assert.Equal(errorId, info.ErrorId);
            Assert.Equal(category, info.Category);
            Assert.Same(exception, info.Exception);
        }

        public static TheoryData<Exception, string, string, string> Limits() => new TheoryData<Exception, string, string, string>
        {
            { new DsnMessageTooLargeException(10, 1), "DsnMessageTooLarge", "-MaxMessageBytes", "The message is 10 bytes; this node sends messages of at most 1 byte." },
            { new DsnStateFullException(1, 5), "DsnStateFull", "-MaxStateBytes", "The write would make this node's state 1 byte; it holds at most 5 bytes." },
            { new DsnValueTooLargeException("disk", 2000, 1024), "DsnValueTooLarge", "-MaxValueBytes", "The value of key 'disk' is 2000 bytes (UTF-8)" },
        };

        [Theory]
        [MemberData(nameof(Limits))]
        public void Limits_are_named_by_the_StartDsnNode_parameter_a_user_can_set(Exception exception, string errorId, string parameter, string start)
        {
            var info = ErrorClassifier.Classify(exception, "target", "Fallback");
            Assert.Equal((errorId, DsnErrorCategory.LimitsExceeded), (info.ErrorId, info.Category));
            Assert.StartsWith(start, info.Exception.Message);
            Assert.Contains(parameter, info.Exception.Message);
            Assert.DoesNotContain("DsnNodeOptions", info.Exception.Message);
            Assert.Same(exception, info.Exception.InnerException);
        }

        [Fact]
        public void An_oversized_value_is_about_its_key()
        {
            Assert.Equal("disk", ErrorClassifier.Classify(new DsnValueTooLargeException("disk", 2000, 1024), "batch", "F").Target);
        }

        [Fact]
        public void Byte_counts_are_singular_for_one()
        {
            Assert.Equal(("0 bytes", "1 byte", "2 bytes"), (ByteCount.Format(0), ByteCount.Format(1), ByteCount.Format(2)));
        }

        [Fact]
        public void The_target_is_the_member_for_member_failures_and_the_given_object_otherwise()
        {
            Assert.Equal("web09", ErrorClassifier.Classify(new DsnNodeNotFoundException("web09"), "x", "F").Target);
            Assert.Equal("x", ErrorClassifier.Classify(new TimeoutException(), "x", "F").Target);
            Assert.Equal("own", ErrorClassifier.Classify(new DsnCommandException("I", DsnErrorCategory.InvalidData, "m", "own"), "x", "F").Target);
        }

        [Fact]
        public void Task_and_reflection_wrappers_are_removed()
        {
            var inner = new DsnNodeNotFoundException("web09");
            var wrapped = new TargetInvocationException(new AggregateException(inner));
            var info = ErrorClassifier.Classify(wrapped, null, "F");
            Assert.Same(inner, info.Exception);
            Assert.Equal("DsnNodeNotFound", info.ErrorId);
        }

        [Fact]
        public void A_faulted_task_reports_its_inner_exception()
        {
            var task = Task.FromException(new TimeoutException("late"));
            Assert.Equal("DsnWaitTimeout", ErrorClassifier.Classify(task.Exception!, null, "F").ErrorId);
        }

        [Fact]
        public void Every_category_has_the_name_and_number_of_PowerShells_ErrorCategory()
        {
            foreach (DsnErrorCategory category in Enum.GetValues(typeof(DsnErrorCategory)))
            {
                var powerShell = (System.Management.Automation.ErrorCategory)(int)category;
                Assert.Equal(category.ToString(), powerShell.ToString());
            }
        }
    }
}
