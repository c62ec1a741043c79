using DistributedState.Internal;
using Xunit;

namespace DistributedState.Tests.Security
{
    public sealed class SecretFileRulesTests
    {
        private const uint Me = 1000;

        [Theory]
        [InlineData(0x180)] // 0600
        [InlineData(0x100)] // 0400
        [InlineData(0x1C0)] // 0700
        [InlineData(0x000)] // 0000: unreadable, but nobody else can use it either
        public void An_owner_only_file_of_this_user_or_of_root_is_accepted(int mode)
        {
            Assert.Null(SecretFileRules.Problem(mode, Me, Me));
            Assert.Null(SecretFileRules.Problem(mode, 0, Me));
            Assert.Null(SecretFileRules.Problem(mode, 0, 0));
        }

        [Theory]
        [InlineData(0x1A4)] // 0644
        [InlineData(0x1B6)] // 0666
        [InlineData(0x181)] // 0601
        [InlineData(0x182)] // 0602
        [InlineData(0x184)] // 0604
        [InlineData(0x188)] // 0610
        [InlineData(0x190)] // 0620
        [InlineData(0x1A0)] // 0640
        [InlineData(0x1FF)] // 0777
        public void Any_permission_for_group_or_others_is_refused(int mode)
        {
            Assert.Equal(DsnKeyFileProblem.OthersHaveAccess, SecretFileRules.Problem(mode, Me, Me));
            Assert.Equal(DsnKeyFileProblem.OthersHaveAccess, SecretFileRules.Problem(mode, 0, 0));
        }

        [Fact]
        public void Another_users_file_is_refused_before_its_mode_is_looked_at()
        {
            Assert.Equal(DsnKeyFileProblem.OwnedByAnotherUser, SecretFileRules.Problem(0x180, 1001, Me));
            Assert.Equal(DsnKeyFileProblem.OwnedByAnotherUser, SecretFileRules.Problem(0x1A4, 1001, Me));
            // Root running a node on a user's file: that user could replace the secret root trusts.
            Assert.Equal(DsnKeyFileProblem.OwnedByAnotherUser, SecretFileRules.Problem(0x180, Me, 0));
        }

        [Fact]
        public void The_fix_is_a_shell_command_with_the_path_quoted()
        {
            Assert.Equal("chmod 600 '/home/me/net.key'", SecretFileRules.Fix(DsnKeyFileProblem.OthersHaveAccess, "/home/me/net.key", Me));
            Assert.Equal("chmod 600 '/home/me/my keys/it'\\''s.key'", SecretFileRules.Fix(DsnKeyFileProblem.OthersHaveAccess, "/home/me/my keys/it's.key", Me));
            Assert.Equal("chown 1000 '/srv/net.key' && chmod 600 '/srv/net.key' (as root), or use a file of your own",
                SecretFileRules.Fix(DsnKeyFileProblem.OwnedByAnotherUser, "/srv/net.key", Me));
        }
    }
}
