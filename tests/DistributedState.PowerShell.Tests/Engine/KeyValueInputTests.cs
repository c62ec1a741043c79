using System;
using System.Collections;
using System.Collections.Specialized;
using System.Linq;
using DistributedState.PowerShell.Engine;
using Xunit;

namespace DistributedState.PowerShell.Tests.Engine
{
    public class KeyValueInputTests
    {
        [Fact]
        public void Converts_a_hashtable_of_strings()
        {
            var pairs = KeyValueInput.FromDictionary(new Hashtable { ["cpu"] = "12", ["disk"] = "80" });
            Assert.Equal(new[] { "cpu=12", "disk=80" }, pairs.Select(p => p.Key + "=" + p.Value).OrderBy(s => s));
        }

        [Fact]
        public void Keeps_the_order_of_an_ordered_dictionary()
        {
            var ordered = new OrderedDictionary { ["z"] = "1", ["a"] = "2" };
            Assert.Equal(new[] { "z", "a" }, KeyValueInput.FromDictionary(ordered).Select(p => p.Key));
        }

        [Fact]
        public void Writes_simple_values_in_invariant_culture()
        {
            var previous = System.Globalization.CultureInfo.CurrentCulture;
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            try
            {
                var pairs = KeyValueInput.FromDictionary(new Hashtable
                {
                    ["load"] = 12.5,
                    ["count"] = 3,
                    ["up"] = true,
                    ["when"] = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
                    ["status"] = DsnPeerStatus.Suspect,
                }).ToDictionary(p => p.Key, p => p.Value);
                Assert.Equal("12.5", pairs["load"]);
                Assert.Equal("3", pairs["count"]);
                Assert.Equal("True", pairs["up"]);
                Assert.Equal("2026-01-02T03:04:05.0000000+00:00", pairs["when"]);
                Assert.Equal("Suspect", pairs["status"]);
            }
            finally
            {
                System.Globalization.CultureInfo.CurrentCulture = previous;
            }
        }

        [Fact]
        public void Unwraps_host_wrappers_before_converting()
        {
            var wrapped = new Hashtable { ["cpu"] = new Box(7) };
            var pairs = KeyValueInput.FromDictionary(wrapped, v => v is Box b ? b.Value : v);
            Assert.Equal("7", pairs.Single().Value);
        }

        [Theory]
        [MemberData(nameof(NonSimpleValues))]
        public void Rejects_values_that_are_not_simple_as_DsnValueInvalid(object value)
        {
            var ex = Assert.Throws<DsnCommandException>(() => KeyValueInput.FromDictionary(new Hashtable { ["k"] = value }));
            Assert.Equal("DsnValueInvalid", ex.ErrorId);
            Assert.Equal("k", ex.Target);
            Assert.Contains(value.GetType().FullName!, ex.Message);
        }

        public static TheoryData<object> NonSimpleValues() => new TheoryData<object> { new[] { 1, 2 }, new Hashtable(), new object(), new Box(1) };

        [Fact]
        public void Rejects_null_values_pointing_to_Remove_DsnData()
        {
            var ex = Assert.Throws<DsnCommandException>(() => KeyValueInput.FromDictionary(new Hashtable { ["k"] = null }));
            Assert.Equal("DsnValueInvalid", ex.ErrorId);
            Assert.Contains("Remove-DsnData", ex.Message);
        }

        [Theory]
        [InlineData("")]
        public void Rejects_empty_keys_as_DsnKeyInvalid(string key)
        {
            var ex = Assert.Throws<DsnCommandException>(() => KeyValueInput.FromDictionary(new Hashtable { [key] = "v" }));
            Assert.Equal("DsnKeyInvalid", ex.ErrorId);
        }

        [Fact]
        public void Rejects_keys_that_are_objects()
        {
            var ex = Assert.Throws<DsnCommandException>(() => KeyValueInput.FromDictionary(new Hashtable { [new object()] = "v" }));
            Assert.Equal("DsnKeyInvalid", ex.ErrorId);
        }

        [Fact]
        public void Number_keys_become_text() =>
            Assert.Equal("42", KeyValueInput.FromDictionary(new Hashtable { [42] = "v" }).Single().Key);

        [Fact]
        public void An_empty_hashtable_gives_no_pairs() =>
            Assert.Empty(KeyValueInput.FromDictionary(new Hashtable()));

        private sealed class Box
        {
            public Box(object value) => Value = value;

            public object Value { get; }
        }
    }
}
