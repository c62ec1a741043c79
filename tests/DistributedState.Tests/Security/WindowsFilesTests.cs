using DistributedState.Internal;
using Xunit;

namespace DistributedState.Tests.Security
{
    /// <summary>
    /// The Windows security descriptor, as text: the part of the Windows code that runs anywhere. Creating files with it
    /// (CreateFileW, CreateDirectoryW) needs Windows, which this project's CI does not have.
    /// </summary>
    public sealed class WindowsFilesTests
    {
        private const string User = "S-1-5-21-1004336348-1177238915-682003330-1001";

        [Fact]
        public void A_secret_file_is_owned_by_the_user_with_a_protected_DACL_for_the_user_and_SYSTEM_only()
        {
            Assert.Equal($"O:{User}D:P(A;;FA;;;{User})(A;;FA;;;SY)", WindowsFiles.SecurityDescriptor(User, directory: false));
        }

        [Fact]
        public void A_secret_directory_passes_the_same_two_entries_to_what_is_created_in_it()
        {
            Assert.Equal($"O:{User}D:P(A;OICI;FA;;;{User})(A;OICI;FA;;;SY)", WindowsFiles.SecurityDescriptor(User, directory: true));
        }
    }
}
