using System.Collections.Generic;
using DistributedState.Internal;

namespace DistributedState.Membership
{
    /// <summary>
    /// NodeId → identity key, for every member and for members long forgotten: a NodeId stays bound to its key after it
    /// failed or left and after its state was reaped, so that nobody can take over a departed member's NodeId with
    /// another key (only a re-bind signed by the bound key, or an allow-list pin, moves it; see
    /// <see cref="MemberTable"/>). Bindings of forgotten members are kept up to a capacity and then dropped oldest
    /// first: a dropped binding is the only way a NodeId becomes free again without an operator's act, so the caller
    /// logs each. Bindings of current members never count against the capacity. In memory only: a restarted node
    /// learns bindings afresh. Not thread-safe: the node calls it under its lock.
    /// </summary>
    internal sealed class KeyBindings
    {
        /// <summary>Bindings of forgotten members kept by default: about 300 bytes each.</summary>
        public const int DefaultRetiredCapacity = 10_000;

        private readonly Dictionary<string, KeyBinding> _bindings = new Dictionary<string, KeyBinding>(NameRules.NodeIdComparer);
        private readonly LinkedList<KeyBinding> _retired = new LinkedList<KeyBinding>();
        private readonly int _retiredCapacity;

        /// <param name="retiredCapacity">How many bindings of forgotten members are kept.</param>
        public KeyBindings(int retiredCapacity = DefaultRetiredCapacity) => _retiredCapacity = retiredCapacity;

        /// <summary>All bindings held.</summary>
        public int Count => _bindings.Count;

        /// <summary>Bindings held for members that were forgotten.</summary>
        public int RetiredCount => _retired.Count;

        public bool TryGet(string nodeId, out KeyBinding binding) => _bindings.TryGetValue(nodeId, out binding!);

        /// <summary>
        /// Binds a member's NodeId to a key: the same key becomes firm if <paramref name="firm"/>; another key replaces
        /// the binding (the caller has decided that it may). The member is current again if it had been forgotten.
        /// </summary>
        public KeyBinding Bind(string nodeId, string publicKeyHex, bool firm)
        {
            if (_bindings.TryGetValue(nodeId, out var existing))
            {
                Unretire(existing);
                if (existing.PublicKeyHex == publicKeyHex)
                {
                    existing.Firm |= firm;
                    return existing;
                }
            }

            var binding = new KeyBinding(existing?.NodeId ?? nodeId, publicKeyHex, firm);
            _bindings[nodeId] = binding;
            return binding;
        }

        /// <summary>This node failed to reach the holder of a provisional binding's key; a firm binding is unaffected.</summary>
        public void NoteUnreachable(string nodeId, string publicKeyHex)
        {
            if (_bindings.TryGetValue(nodeId, out var binding) && !binding.Firm && binding.PublicKeyHex == publicKeyHex)
                binding.Unreachable = true;
        }

        /// <summary>
        /// The member was forgotten: its binding stays, counted against the capacity. Returns the bindings dropped to
        /// stay within it, oldest first (usually none).
        /// </summary>
        public IReadOnlyList<KeyBinding> Retire(string nodeId)
        {
            if (!_bindings.TryGetValue(nodeId, out var binding) || binding.Retired is not null)
                return System.Array.Empty<KeyBinding>();
            binding.Retired = _retired.AddLast(binding);
            List<KeyBinding>? evicted = null;
            while (_retired.Count > _retiredCapacity)
            {
                var oldest = _retired.First!.Value;
                Unretire(oldest);
                _bindings.Remove(oldest.NodeId);
                (evicted ??= new List<KeyBinding>()).Add(oldest);
            }

            return (IReadOnlyList<KeyBinding>?)evicted ?? System.Array.Empty<KeyBinding>();
        }

        private void Unretire(KeyBinding binding)
        {
            if (binding.Retired is null)
                return;
            _retired.Remove(binding.Retired);
            binding.Retired = null;
        }
    }
}
