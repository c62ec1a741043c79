using System.Collections.Generic;

namespace DistributedState.Membership
{
    /// <summary>
    /// The identity key one NodeId is bound to on this node, and how firmly. A binding is <see cref="Firm"/> once the key
    /// proved itself to this node in a handshake under that NodeId (or an allow-list pins it, or a re-bind signed by a
    /// firm key moved it); until then it was learned from gossip only and is provisional (see
    /// <see cref="KeyBindings"/> for what that allows).
    /// </summary>
    internal sealed class KeyBinding
    {
        public KeyBinding(string nodeId, string publicKeyHex, bool firm)
        {
            NodeId = nodeId;
            PublicKeyHex = publicKeyHex;
            Firm = firm;
        }

        /// <summary>The NodeId as first bound (NodeIds compare without case).</summary>
        public string NodeId { get; }

        /// <summary>The bound key, lower-case hex.</summary>
        public string PublicKeyHex { get; }

        /// <summary>The key authenticated itself to this node under this NodeId, or the operator approved it.</summary>
        public bool Firm { get; set; }

        /// <summary>
        /// A provisional binding that this node tried to reach at the endpoint its key's holder advertised, and could
        /// not: the evidence that lets the NodeId's real node, presenting another key in a handshake, replace it.
        /// </summary>
        public bool Unreachable { get; set; }

        /// <summary>Where the binding stands in the oldest-first list of bindings kept for forgotten members; null while a member.</summary>
        internal LinkedListNode<KeyBinding>? Retired { get; set; }
    }
}
