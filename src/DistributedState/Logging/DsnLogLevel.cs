namespace DistributedState
{
    /// <summary>How much a log line matters, least first.</summary>
    public enum DsnLogLevel
    {
        /// <summary>Every step, for debugging the protocol.</summary>
        Trace = 0,

        /// <summary>Connection attempts, probes and other details that explain a decision.</summary>
        Debug = 1,

        /// <summary>Membership changes and other things an operator may want to see.</summary>
        Information = 2,

        /// <summary>Something refused or dropped: a wrong key, a forged statement, a throwing handler.</summary>
        Warning = 3,

        /// <summary>A loop of the node failed.</summary>
        Error = 4,
    }
}
