namespace DistributedState.Transport
{
    /// <summary>
    /// A connection that may drop, repeat, reorder or corrupt frames by design: the fault-injection transport, whose
    /// whole point is to do that to a cluster. A session over one tolerates what such a link does (it counts gaps and
    /// drops bad frames) so the protocol above can show that it repairs the damage. Every other connection is taken
    /// to deliver each frame once, intact and in order, as TCP does; there any frame that is missing, repeated,
    /// reordered or altered was tampered with on the way, and the session closes.
    /// </summary>
    internal interface ILossyConnection : IDsnConnection
    {
    }
}
