using System;
using System.Buffers;
using System.IO;
using System.Text.Json;

namespace DistributedState.Jepsen.Common
{
    /// <summary>Writes one JSON object per line, whole lines only, from any thread.</summary>
    internal sealed class JsonLineWriter : IDisposable
    {
        private readonly Stream _stream;
        private readonly bool _flushEachLine;
        private readonly ArrayBufferWriter<byte> _buffer = new ArrayBufferWriter<byte>(1024);
        private readonly object _gate = new object();

        /// <param name="stream">Where lines go.</param>
        /// <param name="flushEachLine">True for a pipe read by another process as lines come; false for a file.</param>
        public JsonLineWriter(Stream stream, bool flushEachLine)
        {
            _stream = stream;
            _flushEachLine = flushEachLine;
        }

        /// <summary>Writes <c>{ …body… }</c> and a newline.</summary>
        public void Write(Action<Utf8JsonWriter> body)
        {
            lock (_gate)
            {
                _buffer.Clear();
                using (var writer = new Utf8JsonWriter(_buffer))
                {
                    writer.WriteStartObject();
                    body(writer);
                    writer.WriteEndObject();
                }

                _stream.Write(_buffer.WrittenSpan);
                _stream.WriteByte((byte)'\n');
                if (_flushEachLine)
                    _stream.Flush();
            }
        }

        public void Flush()
        {
            lock (_gate)
                _stream.Flush();
        }

        public void Dispose()
        {
            lock (_gate)
                _stream.Dispose();
        }
    }
}
