using System.Collections.Generic;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// The failures the cmdlets word themselves ("not found", the node's limits); one place for their ids and wording.
    /// The limits are named by the Start-DsnNode parameters that set them, which is what a PowerShell user can change.
    /// </summary>
    public static class DsnErrors
    {
        /// <summary>Get-DsnNode/Stop-DsnNode: no node of that name runs in this session.</summary>
        public static DsnCommandException NodeNotHosted(string nodeId) =>
            new DsnCommandException("DsnNodeNotFound", DsnErrorCategory.ObjectNotFound,
                $"No node named '{nodeId}' runs in this session. Get-DsnNode lists the nodes this session hosts.", nodeId);

        /// <summary>Get-DsnData/Get-DsnPeer: the viewing node knows no member of that name.</summary>
        public static DsnCommandException MemberNotFound(string nodeId, string viewer) =>
            new DsnCommandException("DsnNodeNotFound", DsnErrorCategory.ObjectNotFound,
                $"No member named '{nodeId}' is known to node '{viewer}'. Get-DsnPeer lists the members it knows.", nodeId);

        /// <summary>Get-DsnData/Remove-DsnData: none of the selected members has the key.</summary>
        public static DsnCommandException KeyNotFound(string key, IReadOnlyList<string> nodeIds) =>
            new DsnCommandException("DsnKeyNotFound", DsnErrorCategory.ObjectNotFound,
                nodeIds.Count == 1
                    ? $"Node '{nodeIds[0]}' has no key '{key}'."
                    : $"None of the {nodeIds.Count} selected members has a key '{key}'.", key);

        /// <summary>Get-DsnData -MaxAge: not a positive duration.</summary>
        public static DsnCommandException MaxAgeInvalid(System.TimeSpan maxAge) =>
            new DsnCommandException("DsnMaxAgeInvalid", DsnErrorCategory.InvalidArgument,
                $"-MaxAge must be a positive duration (such as 00:05:00 or '5m'); it was {maxAge}.", maxAge);

        /// <summary>Set-DsnData: a value (alone or in a batch) is larger than the node accepts.</summary>
        public static DsnCommandException ValueTooLarge(DsnValueTooLargeException ex) =>
            new DsnCommandException("DsnValueTooLarge", DsnErrorCategory.LimitsExceeded,
                $"The value of key '{ex.Key}' is {ByteCount.Format(ex.Size)} (UTF-8); this node accepts values of at most {ByteCount.Format(ex.Limit)}. Nothing was written. Start the node with a larger -MaxValueBytes to allow it.",
                ex.Key, ex);

        /// <summary>Set-DsnData: the write would make the node's state larger than it accepts.</summary>
        public static DsnCommandException StateFull(DsnStateFullException ex, object? target) =>
            new DsnCommandException("DsnStateFull", DsnErrorCategory.LimitsExceeded,
                $"The write would make this node's state {ByteCount.Format(ex.WouldBe)}; it holds at most {ByteCount.Format(ex.Limit)}. Nothing was written. Remove keys with Remove-DsnData, or start the node with a larger -MaxStateBytes.",
                target, ex);

        /// <summary>Send-DsnData: the message is larger than the node sends.</summary>
        public static DsnCommandException MessageTooLarge(DsnMessageTooLargeException ex, object? target) =>
            new DsnCommandException("DsnMessageTooLarge", DsnErrorCategory.LimitsExceeded,
                $"The message is {ByteCount.Format(ex.Size)}; this node sends messages of at most {ByteCount.Format(ex.Limit)}. Nothing was sent. Start the node with a larger -MaxMessageBytes (the receiver's must be as large), or send less.",
                target, ex);
    }
}
