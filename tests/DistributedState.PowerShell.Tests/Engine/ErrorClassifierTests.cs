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
            { new DsnMessageTooLargeException(10, 5), "DsnMessageTooLarge", DsnErrorCategory.LimitsExceeded },
            { new DsnStateFullException(10, 5), "DsnStateFull", DsnErrorCategory.LimitsExceeded },
            { new DsnJoinException(Array.Empty<DsnJoinAttempt>()), "DsnJoinFailed", DsnErrorCategory.ConnectionError },
            { new TimeoutException(), "DsnWaitTimeout", DsnErrorCategory.OperationTimeout },
            { new OperationCanceledException(), "DsnOperationStopped", DsnErrorCategory.OperationStopped },
            { new ArgumentException("bad", "key"), "DsnKeyInvalid", DsnErrorCategory.InvalidArgument },
            { new ArgumentException("bad", "value"), "DsnValueInvalid", DsnErrorCategory.InvalidArgument },
            { new ArgumentException("bad", "nodeId"), "DsnNodeIdInvalid", DsnErrorCategory.InvalidArgument },
            { new ArgumentException("bad", "options"), "Fallback", DsnErrorCategory.InvalidArgument },
            { new FileNotFoundException("x"), "DsnFileNotFound", DsnErrorCategory.ObjectNotFound },
            { new DirectoryNotFoundException("x"), "DsnFileNotFound", DsnErrorCategory.ObjectNotFound },
            { new UnauthorizedAccessException("x"), "DsnFileAccessDenied", DsnErrorCategory.PermissionDenied },
            { new IOException("x"), "DsnFileError", DsnErrorCategory.WriteError },
            { new InvalidOperationException("stopped"), "DsnNodeStopped", DsnErrorCategory.InvalidOperation },
            { new ObjectDisposedException("node"), "DsnNodeStopped", DsnErrorCategory.InvalidOperation },
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
