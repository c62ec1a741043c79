using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;

namespace DistributedState
{
    /// <summary>The base of every exception the runtime throws for a network or state condition.</summary>
    public class DsnException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public DsnException(string message, Exception? inner = null) : base(message, inner) { }
    }

    /// <summary>What a <see cref="DsnArgumentException"/> is about.</summary>
    public enum DsnArgument
    {
        /// <summary>A setting of <see cref="DsnNodeOptions"/>, named by <see cref="ArgumentException.ParamName"/>.</summary>
        Option = 0,

        /// <summary>A state key.</summary>
        Key = 1,

        /// <summary>A state value.</summary>
        Value = 2,

        /// <summary>A NodeId.</summary>
        NodeId = 3,

        /// <summary>A lease (time to live) of a value, or <see cref="DsnNodeOptions.DefaultTimeToLive"/>.</summary>
        TimeToLive = 4,
    }

    /// <summary>
    /// An argument the runtime refused, saying which kind it is (<see cref="Argument"/>) so that callers such as the
    /// PowerShell module tell a bad key from a bad option by type, not by matching <see cref="ArgumentException.ParamName"/>.
    /// </summary>
    public class DsnArgumentException : ArgumentException
    {
        /// <summary>Creates the exception.</summary>
        public DsnArgumentException(DsnArgument argument, string message, string paramName) : base(message, paramName) => Argument = argument;

        /// <summary>Which kind of argument was refused.</summary>
        public DsnArgument Argument { get; }
    }

    /// <summary>The node has stopped: it no longer writes, sends or waits.</summary>
    public class DsnNodeStoppedException : DsnException
    {
        /// <summary>Creates the exception.</summary>
        public DsnNodeStoppedException(string nodeId, string message) : base(message) => NodeId = nodeId;

        /// <summary>The node that stopped.</summary>
        public string NodeId { get; }
    }

    /// <summary>
    /// Another live process uses this node's identity — the same NodeId and identity key, typically because the
    /// identity file was copied to a second machine — and it started first, so this node stopped itself (it never
    /// sent a leave nor its writes: the network's member of that name is the other process). Both processes log the
    /// clash; the older one keeps running. Stop one of them, or give each machine its own NodeId and identity file.
    /// </summary>
    public sealed class DsnIdentityInUseException : DsnNodeStoppedException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="nodeId">The NodeId both processes use.</param>
        /// <param name="otherEndPoint">Where the other process is reachable, as its own signed alive record says.</param>
        /// <param name="otherStarted">When the other process started this run (its clock).</param>
        /// <param name="started">When this node started (this machine's clock).</param>
        public DsnIdentityInUseException(string nodeId, DsnEndpoint otherEndPoint, DateTimeOffset otherStarted, DateTimeOffset started)
            : base(nodeId, $"Another live process uses the identity of node '{nodeId}' (the same NodeId and identity key; was the identity file copied?): "
                + $"it runs at {otherEndPoint}, started {otherStarted:yyyy-MM-dd HH:mm:ss.fff} UTC, before this node (started {started:yyyy-MM-dd HH:mm:ss.fff} UTC), "
                + "so this node stopped. Stop one of them, or give each machine its own NodeId and identity file.")
        {
            OtherEndPoint = otherEndPoint;
            OtherStarted = otherStarted;
            Started = started;
        }

        /// <summary>The other process's advertised endpoint.</summary>
        public DsnEndpoint OtherEndPoint { get; }

        /// <summary>When the other process started its run, by its clock (UTC).</summary>
        public DateTimeOffset OtherStarted { get; }

        /// <summary>When this node started, by this machine's clock (UTC).</summary>
        public DateTimeOffset Started { get; }
    }

    /// <summary>Why a secret file was refused (<see cref="DsnKeyFileInsecureException.Problem"/>).</summary>
    public enum DsnKeyFileProblem
    {
        /// <summary>Its group or other users have some permission on it (mode &amp; 077 is not 0).</summary>
        OthersHaveAccess = 0,

        /// <summary>It belongs to another user (not this process's user, nor root), who could replace the secret.</summary>
        OwnedByAnotherUser = 1,
    }

    /// <summary>
    /// A network key or identity file that other users could read or replace, refused on load (Unix). A leaked key
    /// lets its reader join the network; a replaced identity lets its writer be this node. The message ends with the
    /// command that fixes it (<see cref="Fix"/>), for example <c>chmod 600 '/home/me/net.key'</c>.
    /// </summary>
    public sealed class DsnKeyFileInsecureException : DsnException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="path">The file's full path.</param>
        /// <param name="description">What the file is: "network key file", "identity file".</param>
        /// <param name="problem">Why it was refused.</param>
        /// <param name="mode">Its permission bits.</param>
        /// <param name="ownerId">The user id that owns it.</param>
        /// <param name="userId">This process's effective user id.</param>
        /// <param name="fix">The shell command that makes it acceptable.</param>
        public DsnKeyFileInsecureException(string path, string description, DsnKeyFileProblem problem, int mode, uint ownerId, uint userId, string fix)
            : base(Describe(path, description, problem, mode, ownerId, userId) + " Fix it with: " + fix)
        {
            Path = path;
            Problem = problem;
            Mode = mode;
            OwnerId = ownerId;
            Fix = fix;
        }

        /// <summary>The refused file.</summary>
        public string Path { get; }

        /// <summary>Why it was refused.</summary>
        public DsnKeyFileProblem Problem { get; }

        /// <summary>Its permission bits, for example 0x1A4 (octal 644).</summary>
        public int Mode { get; }

        /// <summary>The user id that owns it.</summary>
        public uint OwnerId { get; }

        /// <summary>The shell command that makes the file acceptable, for example <c>chmod 600 '/home/me/net.key'</c>.</summary>
        public string Fix { get; }

        private static string Describe(string path, string description, DsnKeyFileProblem problem, int mode, uint ownerId, uint userId) => problem == DsnKeyFileProblem.OwnedByAnotherUser
            ? $"The {description} '{path}' belongs to user id {ownerId}, not to this process's user (id {userId}): that user could replace the secret, so it is refused."
            : $"The {description} '{path}' has mode {Convert.ToString(mode, 8).PadLeft(4, '0')}: other users may read or change it, so it is refused; a secret file must be mode 0600 (read and write by its owner only).";
    }

    /// <summary>The NodeId is not a member this node knows of.</summary>
    public sealed class DsnNodeNotFoundException : DsnException
    {
        /// <summary>Creates the exception.</summary>
        public DsnNodeNotFoundException(string nodeId)
            : base($"No member named '{nodeId}' is known to this node.") => NodeId = nodeId;

        /// <summary>The NodeId that was not found.</summary>
        public string NodeId { get; }
    }

    /// <summary>The member is known but cannot be reached: it failed, left, or did not answer.</summary>
    public sealed class DsnPeerUnavailableException : DsnException
    {
        /// <summary>Creates the exception.</summary>
        public DsnPeerUnavailableException(string nodeId, DsnPeerStatus status, string reason, Exception? inner = null)
            : base($"Member '{nodeId}' ({status}) cannot be reached: {reason}", inner)
        {
            NodeId = nodeId;
            Status = status;
        }

        /// <summary>The member's NodeId.</summary>
        public string NodeId { get; }

        /// <summary>The member's status when the attempt failed.</summary>
        public DsnPeerStatus Status { get; }
    }

    /// <summary>A direct message is larger than <see cref="DsnNodeOptions.MaxMessageBytes"/>.</summary>
    public sealed class DsnMessageTooLargeException : DsnException
    {
        /// <summary>Creates the exception.</summary>
        public DsnMessageTooLargeException(int size, int limit)
            : base($"The message is {size} bytes; the limit is {limit} bytes (DsnNodeOptions.MaxMessageBytes).")
        {
            Size = size;
            Limit = limit;
        }

        /// <summary>The size of the rejected message.</summary>
        public int Size { get; }

        /// <summary>The configured limit.</summary>
        public int Limit { get; }
    }

    /// <summary>
    /// A value written is larger than <see cref="DsnNodeOptions.MaxValueBytes"/>. An <see cref="ArgumentException"/> for
    /// the value (as every invalid value is) that names its key, so the culprit in a batch of keys can be found.
    /// </summary>
    public sealed class DsnValueTooLargeException : ArgumentException
    {
        /// <summary>Creates the exception.</summary>
        public DsnValueTooLargeException(string key, int size, int limit)
            : base($"The value of key '{key}' is {size} UTF-8 bytes; the limit is {limit} bytes (DsnNodeOptions.MaxValueBytes).", "value")
        {
            Key = key;
            Size = size;
            Limit = limit;
        }

        /// <summary>The key whose value was rejected.</summary>
        public string Key { get; }

        /// <summary>The value's size in UTF-8 bytes.</summary>
        public int Size { get; }

        /// <summary>The configured limit.</summary>
        public int Limit { get; }
    }

    /// <summary>A write would make the node's state larger than <see cref="DsnNodeOptions.MaxStateBytes"/>.</summary>
    public sealed class DsnStateFullException : DsnException
    {
        /// <summary>Creates the exception.</summary>
        public DsnStateFullException(long wouldBe, long limit)
            : base($"The write would make this node's state {wouldBe} bytes; the limit is {limit} bytes (DsnNodeOptions.MaxStateBytes).")
        {
            WouldBe = wouldBe;
            Limit = limit;
        }

        /// <summary>The state size the write would have produced.</summary>
        public long WouldBe { get; }

        /// <summary>The configured limit.</summary>
        public long Limit { get; }
    }

    /// <summary>One bootstrap endpoint tried during a join and why it did not admit the node.</summary>
    public sealed class DsnJoinAttempt
    {
        internal DsnJoinAttempt(DsnEndpoint endPoint, string reason)
        {
            EndPoint = endPoint;
            Reason = reason;
        }

        /// <summary>The bootstrap endpoint.</summary>
        public DsnEndpoint EndPoint { get; }

        /// <summary>Why it failed.</summary>
        public string Reason { get; }

        /// <inheritdoc/>
        public override string ToString() => $"{EndPoint}: {Reason}";
    }

    /// <summary>No bootstrap node admitted this node; <see cref="Attempts"/> says why for each.</summary>
    public sealed class DsnJoinException : DsnException
    {
        /// <summary>Creates the exception.</summary>
        public DsnJoinException(IReadOnlyList<DsnJoinAttempt> attempts)
            : base("Could not join the network through any bootstrap node: " + string.Join("; ", attempts.Select(a => a.ToString())))
            => Attempts = attempts;

        /// <summary>Every endpoint tried, with the reason it failed.</summary>
        public IReadOnlyList<DsnJoinAttempt> Attempts { get; }
    }

    /// <summary>
    /// The node cannot listen on its bind address and port: the port is taken, the address is not one of this
    /// machine's, or the system refused (for example a port below 1024 without the right).
    /// </summary>
    public sealed class DsnBindException : DsnException
    {
        /// <summary>Creates the exception from what the socket reported.</summary>
        public DsnBindException(IPAddress address, int port, SocketException error)
            : base($"Cannot listen on {Format(address, port)}: {Reason(address, error)}", error)
        {
            Address = address;
            Port = port;
            SocketError = error.SocketErrorCode;
        }

        /// <summary>The address the node tried to bind.</summary>
        public IPAddress Address { get; }

        /// <summary>The port the node tried to bind.</summary>
        public int Port { get; }

        /// <summary>
        /// Why: <see cref="SocketError.AddressAlreadyInUse"/> (the port is taken),
        /// <see cref="SocketError.AddressNotAvailable"/> (not an address of this machine), or another socket error.
        /// </summary>
        public SocketError SocketError { get; }

        /// <summary>The address and port as text, for example <c>127.0.0.1:7946</c> or <c>[::1]:7946</c>.</summary>
        public string EndPoint => Format(Address, Port);

        private static string Format(IPAddress address, int port) => new IPEndPoint(address, port).ToString();

        private static string Reason(IPAddress address, SocketException error)
        {
            switch (error.SocketErrorCode)
            {
                case SocketError.AddressAlreadyInUse:
                    return "the port is already in use by another node or program. Choose another port, or port 0 for any free one.";
                case SocketError.AddressNotAvailable:
                    return $"{address} is not an address of this machine. Bind to one of its addresses, or to 0.0.0.0 for all of them.";
                case SocketError.AccessDenied:
                    return "the system refused (ports below 1024 need administrator rights on most systems). Choose a port from 1024 up.";
                default:
                    return $"{error.Message} ({error.SocketErrorCode}).";
            }
        }
    }
}
