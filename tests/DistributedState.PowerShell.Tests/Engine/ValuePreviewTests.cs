using DistributedState.PowerShell.Engine;
using Xunit;

namespace DistributedState.PowerShell.Tests.Engine
{
    public class ValuePreviewTests
    {
        [Fact]
        public void A_short_value_is_shown_whole_and_quoted()
        {
            Assert.Equal("'online'", ValuePreview.Of("online"));
            Assert.Equal("''", ValuePreview.Of(""));
        }

        [Fact]
        public void A_long_value_is_cut_with_its_length()
        {
            var preview = ValuePreview.Of(new string('v', 1024 * 1024));
            Assert.Equal("'" + new string('v', ValuePreview.MaxLength) + "'… (1048576 characters)", preview);
        }

        [Fact]
        public void Control_characters_do_not_break_the_line()
        {
            Assert.Equal("'a b c'", ValuePreview.Of("a\nb\tc"));
        }
    }
}
