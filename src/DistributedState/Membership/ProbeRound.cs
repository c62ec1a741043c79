using System;
using System.Threading.Tasks;

namespace DistributedState.Membership
{
    /// <summary>What one probe of a member showed.</summary>
    internal enum ProbeVerdict
    {
        /// <summary>The member answered, directly or through a helper.</summary>
        Answered,

        /// <summary>No connection to the member could be made (a strong hint, not proof: a leaving member refuses too).</summary>
        Unreachable,

        /// <summary>Neither the member nor any helper answered in time: suspect it.</summary>
        Silent,

        /// <summary>The waits overran: this node was paused or starved, so the silence proves nothing about the member.</summary>
        Overran,
    }

    /// <summary>
    /// The I/O one probe needs, supplied by the node: the rules of <see cref="ProbeRound"/> never touch sessions.
    /// </summary>
    internal sealed class ProbeSteps
    {
        /// <param name="pingDirect">Connects to the member (reusing a connection) and sends the ping; returns whether that
        /// connection has been shed since (asked after the wait); throws when no connection can be made.</param>
        /// <param name="answered">Completes when the member's own Ack to the direct ping arrives (on any attempt).</param>
        /// <param name="askHelpers">Asks helpers to ping the member; returns what a relayed, member-signed answer completes
        /// (a task that never completes when there is no helper).</param>
        /// <param name="whenThawed">Completes at once unless the node is frozen (tests), then when it thaws.</param>
        public ProbeSteps(Func<Task<Func<bool>>> pingDirect, Task answered, Func<Task> askHelpers, Func<Task> whenThawed)
        {
            PingDirect = pingDirect;
            Answered = answered;
            AskHelpers = askHelpers;
            WhenThawed = whenThawed;
        }

        public Func<Task<Func<bool>>> PingDirect { get; }

        public Task Answered { get; }

        public Func<Task> AskHelpers { get; }

        public Func<Task> WhenThawed { get; }
    }

    /// <summary>
    /// One SWIM probe as Lifeguard runs it: a direct ping (once more on a new connection if the first was shed while the
    /// ping was on it: that says nothing about the member), then pings through helpers, then a verdict. Both waits last
    /// the probe timeout times <see cref="LocalHealth.Factor"/>; an answer in time improves local health, a missed
    /// direct answer worsens it, and so does a probe whose waits overran <see cref="OverrunFactor"/> timeouts — then the
    /// silence is this node's own stall (a process resumed after SIGSTOP must not accuse the healthy). The clock and the
    /// timed wait are inputs, so the rules are tested without sockets or real time.
    /// </summary>
    internal sealed class ProbeRound
    {
        /// <summary>Waits longer than this many timeouts mean this node was not running.</summary>
        public const int OverrunFactor = 4;

        private readonly LocalHealth _health;
        private readonly TimeSpan _baseTimeout;
        private readonly Func<long> _clockMs;
        private readonly Func<Task, TimeSpan, Task<bool>> _completesWithin;

        /// <param name="health">This node's local health, read for the timeout and updated by the outcome.</param>
        /// <param name="baseTimeout">The probe timeout of a healthy node.</param>
        /// <param name="clockMs">A monotonic clock in milliseconds.</param>
        /// <param name="completesWithin">Waits for a task up to a timeout; true if it completed.</param>
        public ProbeRound(LocalHealth health, TimeSpan baseTimeout, Func<long> clockMs, Func<Task, TimeSpan, Task<bool>> completesWithin)
        {
            _health = health;
            _baseTimeout = baseTimeout;
            _clockMs = clockMs;
            _completesWithin = completesWithin;
        }

        /// <summary>Runs the probe. An exception from <see cref="ProbeSteps.PingDirect"/> is the reason returned with <see cref="ProbeVerdict.Unreachable"/>.</summary>
        public async Task<(ProbeVerdict Verdict, Exception? Unreachable)> RunAsync(ProbeSteps steps)
        {
            var timeout = TimeSpan.FromMilliseconds(_baseTimeout.TotalMilliseconds * _health.Factor);
            long sentAt;
            for (var attempt = 0; ; attempt++)
            {
                Func<bool> wasShed;
                try
                {
                    wasShed = await steps.PingDirect().ConfigureAwait(false);
                }
                catch (Exception error) when (!(error is OperationCanceledException))
                {
                    return (ProbeVerdict.Unreachable, error);
                }

                sentAt = _clockMs();
                if (await _completesWithin(steps.Answered, timeout).ConfigureAwait(false))
                {
                    _health.Better();
                    return (ProbeVerdict.Answered, null);
                }

                if (!wasShed() || attempt > 0)
                    break;
            }

            _health.Worse();
            var throughHelpers = steps.AskHelpers();
            if (await _completesWithin(Task.WhenAny(steps.Answered, throughHelpers), timeout).ConfigureAwait(false))
                return (ProbeVerdict.Answered, null);
            await steps.WhenThawed().ConfigureAwait(false);
            if (_clockMs() - sentAt > OverrunFactor * timeout.TotalMilliseconds)
            {
                _health.Worse();
                return (ProbeVerdict.Overran, null);
            }

            return (ProbeVerdict.Silent, null);
        }
    }
}
