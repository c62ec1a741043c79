using System;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Jepsen.Common;

namespace DistributedState.Jepsen.Node
{
    /// <summary>
    /// What a node does while faults come and go: writes its own keys at a steady rate (one in ten a removal), and sends
    /// a direct message to a random member every so often. Each write is logged before it is made ("write") and when
    /// SetData/RemoveData returned ("ack": the local node accepted it; that is the acknowledgement the checker holds the
    /// network to). Leases would be a third kind of write here once the runtime has them.
    /// </summary>
    internal sealed class Workload
    {
        private readonly DsnNode _node;
        private readonly NodeOutput _output;
        private readonly NodeSettings _settings;
        private readonly SplitMix64 _writeDraws;
        private readonly SplitMix64 _messageDraws;
        private readonly object _gate = new object();
        private bool _active;
        private long _writes;
        private long _messages;

        public Workload(DsnNode node, NodeOutput output, NodeSettings settings)
        {
            _node = node;
            _output = output;
            _settings = settings;
            _writeDraws = new SplitMix64(SplitMix64.Derive(settings.Seed, $"writes/{settings.NodeId}/{settings.Run}"));
            _messageDraws = new SplitMix64(SplitMix64.Derive(settings.Seed, $"messages/{settings.NodeId}/{settings.Run}"));
            _active = !settings.Hold;
        }

        public void Go()
        {
            lock (_gate)
                _active = true;
        }

        /// <summary>Stops writing; once this returns no write is in flight, so the last one logged is the last one made.</summary>
        public long Quiesce()
        {
            lock (_gate)
            {
                _active = false;
                return _writes;
            }
        }

        public async Task WriteLoopAsync(CancellationToken token)
        {
            using var timer = new PeriodicTimer(_settings.WriteInterval);
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                lock (_gate)
                {
                    if (_active)
                        WriteOne();
                }
            }
        }

        private void WriteOne()
        {
            var seq = ++_writes;
            var key = "k" + _writeDraws.Next(_settings.Keys);
            var remove = _writeDraws.Next(10) == 0;
            var value = remove ? null : $"{_settings.NodeId}.{_settings.Run}.{seq}" + new string('x', _writeDraws.Next(64));
            _output.Line("write", w =>
            {
                w.WriteNumber("seq", seq);
                w.WriteString("key", key);
                if (value is null)
                    w.WriteNull("value");
                else
                    w.WriteString("value", value);
            });
            try
            {
                if (value is null)
                    _node.RemoveData(key);
                else
                    _node.SetData(key, value);
                _output.Line("ack", w => w.WriteNumber("seq", seq));
            }
            catch (Exception e) when (e is DsnException || e is ArgumentException || e is InvalidOperationException)
            {
                _output.Line("write-failed", w =>
                {
                    w.WriteNumber("seq", seq);
                    w.WriteString("error", e.GetType().Name + ": " + e.Message);
                });
            }
        }

        public async Task MessageLoopAsync(CancellationToken token)
        {
            if (_settings.Peers.Count == 0)
                return;
            using var timer = new PeriodicTimer(_settings.MessageInterval);
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                string to;
                string payload;
                long seq;
                lock (_gate)
                {
                    if (!_active)
                        continue;
                    seq = ++_messages;
                    to = _settings.Peers[_messageDraws.Next(_settings.Peers.Count)];
                    payload = $"m.{_settings.NodeId}.{_settings.Run}.{seq}";
                }

                _output.Line("send", w =>
                {
                    w.WriteNumber("seq", seq);
                    w.WriteString("to", to);
                    w.WriteString("payload", payload);
                });
                try
                {
                    await _node.SendAsync(to, Encoding.UTF8.GetBytes(payload), token).ConfigureAwait(false);
                    _output.Line("sent", w => w.WriteNumber("seq", seq));
                }
                catch (Exception e) when (!(e is OperationCanceledException && token.IsCancellationRequested))
                {
                    // Unreachable, timed out, refused: expected while faults are on; the checker counts them.
                    _output.Line("send-failed", w =>
                    {
                        w.WriteNumber("seq", seq);
                        w.WriteString("error", e.GetType().Name + ": " + e.Message);
                    });
                }
            }
        }
    }
}
