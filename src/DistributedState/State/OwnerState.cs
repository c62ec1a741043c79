using System;
using System.Collections.Generic;
using System.Text;
using System.Threading.Tasks;
using DistributedState.Protocol;

namespace DistributedState.State
{
    /// <summary>How a received batch fits what a node holds of its owner.</summary>
    internal enum BatchFit
    {
        /// <summary>It extends the chain (or starts a newer epoch): apply it.</summary>
        Applicable,

        /// <summary>Already held.</summary>
        Duplicate,

        /// <summary>Of an epoch the owner has left behind.</summary>
        Stale,

        /// <summary>Batches between what is held and this one are missing: ask the sender for a sync.</summary>
        Gap,
    }

    /// <summary>
    /// What a node holds of one owner's state: the entries with their versions, the epoch, the version up to
    /// which the chain of batches is complete, and the signed batches still needed to hand the state on (a batch
    /// is dropped once every entry in it has been superseded, except the newest, which proves the version).
    /// Batches from the network are applied only when the copy then adds up to the owner's signed commitment at its
    /// newest version (<see cref="SignedBatch.Commitment"/>), so the copy held is always exactly the owner's state at
    /// <see cref="Version"/>, whatever a relay left out.
    /// Leased values (<see cref="BatchEntry.LeaseMs"/>) expire on each node by its own clock (<see cref="LeaseRule"/>):
    /// an expired value is hidden from reads and reported once, but stays in the copy as signed — its version, its batch
    /// and its place in the commitment — so holders that expire it a little earlier or later than others still add up
    /// to the owner's commitment and hand on the same batches; the owner's own removal of it (a lapsed tombstone) then
    /// retires it like any removal.
    /// </summary>
    internal sealed class OwnerState
    {
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);
        private readonly Dictionary<string, Entry> _entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        private readonly SortedDictionary<long, RetainedBatch> _batches = new SortedDictionary<long, RetainedBatch>();
        // Keys written locally and not yet taken to be signed, each with the version of the live value it replaces in
        // the state as signed (null when that state has no value for it): what the next commitment takes out.
        private Dictionary<string, long?> _dirty = new Dictionary<string, long?>(StringComparer.Ordinal);
        // Keys written locally whose value as last signed is in a batch other than the one their entry points to (their
        // entry is pending, or was written again while its batch was signed): that batch stays retained, counted as one
        // of its live entries, until the key's newest value is signed, so the retained batches always hold the state as
        // signed — what the newest batch's commitment counts — for a sync answer or a saved data file.
        private readonly Dictionary<string, RetainedBatch> _signedIn = new Dictionary<string, RetainedBatch>(StringComparer.Ordinal);

        private readonly LeaseTimetable _leases;
        private readonly bool _isLocal;

        /// <param name="owner">The owner's NodeId.</param>
        /// <param name="leases">The node's lease timetable; default: one of its own on the machine's clocks (for tests).</param>
        /// <param name="isLocal">This node's own state: signed batches it applies are its own earlier writes (restored),
        /// whose leases run on its own clock.</param>
        public OwnerState(string owner, LeaseTimetable? leases = null, bool isLocal = false)
        {
            Owner = owner;
            _leases = leases ?? LeaseTimetable.OnSystemClocks(0);
            _isLocal = isLocal;
        }

        public string Owner { get; }

        /// <summary>The version at which the owner's current run began; 0 while nothing is known.</summary>
        public long Epoch { get; private set; }

        /// <summary>Every batch of the epoch up to this version has been applied.</summary>
        public long Version { get; private set; }

        /// <summary>Keys with a value shown (removals and expired values excluded).</summary>
        public int KeyCount { get; private set; }

        /// <summary>UTF-8 bytes of the live keys and values as signed (expired ones included: they are held until removed), as limited by MaxStateBytes.</summary>
        public long LiveBytes { get; private set; }

        /// <summary>Bytes of the signed batches retained for anti-entropy.</summary>
        public long RetainedBytes { get; private set; }

        /// <summary>The commitment of the copy at <see cref="Version"/> (for this node's own state: as last signed).</summary>
        public StateCommitment Commitment { get; private set; }

        /// <summary>True while local writes (or a new epoch) wait to be signed and sent, and the run's opening is not held.</summary>
        public bool HasPendingWrites => (_dirty.Count > 0 || _epochPending) && _opening is null;

        /// <summary>
        /// True once the state is known to the network: an epoch has begun and (for this node's own state) the run's
        /// opening batch is no longer held back. Only published state is offered in digests and summaries.
        /// </summary>
        public bool IsPublished => Epoch > 0 && _opening is null;

        /// <summary>
        /// While the run's opening is held: completes with true at the first local write (false at release), so the holder can give a script's
        /// first writes a moment to join them in the opening batch. Null once the opening is released.
        /// </summary>
        public Task<bool>? FirstWriteWhileHeld => _opening?.Task;

        /// <summary>
        /// Local writes since the pending ones were last taken, counting every overwrite of a key (a key written ten
        /// times is one pending entry but ten writes): how fast writes arrive, for the batch spacing.
        /// </summary>
        public int WritesSinceTaken { get; private set; }

        private bool _epochPending;
        private RetainedBatch? _newest;
        private TaskCompletionSource<bool>? _opening;

        public BatchFit Classify(SignedBatch batch)
        {
            if (batch.Epoch < Epoch)
                return BatchFit.Stale;
            if (batch.Epoch > Epoch)
            {
                if (!IsNewerRun(batch.Epoch))
                    return BatchFit.Stale;
                return batch.BaseVersion == batch.Epoch ? BatchFit.Applicable : BatchFit.Gap;
            }
            if (batch.Version <= Version)
                return BatchFit.Duplicate;
            return batch.BaseVersion > Version ? BatchFit.Gap : BatchFit.Applicable;
        }

        /// <summary>
        /// Applies a pushed batch if <see cref="Classify"/> finds it applicable, the state stays within
        /// <paramref name="maxBytes"/>, and the copy then adds up to the batch's commitment.
        /// </summary>
        public ApplyOutcome TryApply(SignedBatch batch, long maxBytes, List<StateChange> changes)
        {
            if (Classify(batch) != BatchFit.Applicable)
                return new ApplyOutcome(ApplyResult.Unfit, 0);
            var preview = Preview(new[] { batch }, Math.Max(Epoch, batch.Epoch));
            if (preview.Result != ApplyResult.Applied || preview.Size > maxBytes)
                return Outcome(preview, maxBytes);

            var previousRun = batch.Epoch > Epoch ? ResetTo(batch.Epoch) : null;
            ApplyEntries(batch, changes, previousRun);
            ReportDropped(previousRun, changes);
            Commitment = preview.Commitment;
            return new ApplyOutcome(ApplyResult.Applied, preview.Size);
        }

        /// <summary>
        /// Applies a whole anti-entropy answer (all its messages): the batches this node lacked, given that it held the
        /// owner up to <paramref name="fromVersion"/>. Unlike a push they need not form a chain, so the answer is judged
        /// by its result: it applies only if the copy then adds up to the commitment of the newest batch held, and the
        /// state stays within <paramref name="maxBytes"/>. Batches of an epoch below the newest among them are ignored.
        /// Changes nothing unless it returns <see cref="ApplyResult.Applied"/>.
        /// </summary>
        public ApplyOutcome TryApplySync(IReadOnlyList<SignedBatch> batches, long fromVersion, long maxBytes, List<StateChange> changes)
        {
            if (batches.Count == 0)
                return new ApplyOutcome(ApplyResult.Unfit, 0);
            long epoch = 0;
            foreach (var batch in batches)
                epoch = Math.Max(epoch, batch.Epoch);
            if (epoch < Epoch || (epoch == Epoch && Version < fromVersion) || (epoch > Epoch && !IsNewerRun(epoch)))
                return new ApplyOutcome(ApplyResult.Unfit, 0);
            var preview = Preview(batches, epoch);
            if (preview.Result != ApplyResult.Applied || preview.Size > maxBytes)
                return Outcome(preview, maxBytes);

            var previousRun = epoch > Epoch ? ResetTo(epoch) : null;
            foreach (var batch in batches)
            {
                if (batch.Epoch == epoch)
                    ApplyEntries(batch, changes, previousRun);
            }

            ReportDropped(previousRun, changes);
            Commitment = preview.Commitment;
            return new ApplyOutcome(ApplyResult.Applied, preview.Size);
        }

        /// <summary>A refusal by size comes first: a state too large is refused whether or not it is complete.</summary>
        private static ApplyOutcome Outcome((ApplyResult Result, long Size, StateCommitment Commitment) preview, long maxBytes) =>
            new ApplyOutcome(preview.Size > maxBytes ? ApplyResult.TooLarge : preview.Result, preview.Size);

        /// <summary>
        /// What applying the batches of <paramref name="epoch"/> would make of the copy, without changing it: its size,
        /// its commitment, and whether that is the commitment the owner signed in the newest batch the copy would hold.
        /// </summary>
        private (ApplyResult Result, long Size, StateCommitment Commitment) Preview(IReadOnlyList<SignedBatch> batches, long epoch)
        {
            var reset = epoch > Epoch;
            var finals = new Dictionary<string, BatchEntry>(StringComparer.Ordinal);
            var newest = reset ? null : _newest?.Batch;
            foreach (var batch in batches)
            {
                if (batch.Epoch != epoch)
                    continue;
                if (newest is null || batch.Version > newest.Version)
                    newest = batch;
                foreach (var entry in batch.Entries)
                {
                    if (!finals.TryGetValue(entry.Key, out var known) || known.Version < entry.Version)
                        finals[entry.Key] = entry;
                }
            }

            var size = reset ? 0 : LiveBytes;
            var commitment = reset ? StateCommitment.Empty : Commitment;
            foreach (var entry in finals.Values)
            {
                if (!reset && _entries.TryGetValue(entry.Key, out var current))
                {
                    if (current.Version >= entry.Version)
                        continue;
                    size -= EntryBytes(entry.Key, current.Value);
                    if (current.Value is not null)
                        commitment = commitment.Without(entry.Key, current.Version);
                }

                size += EntryBytes(entry.Key, entry.Value);
                if (entry.Value is not null)
                    commitment = commitment.With(entry.Key, entry.Version);
            }

            var signed = newest?.Commitment ?? StateCommitment.Empty;
            return (commitment == signed ? ApplyResult.Applied : ApplyResult.Incomplete, size, commitment);
        }

        /// <summary>
        /// A later epoch replaces the one held only if it begins above every version held: versions never go
        /// backwards. A run whose clock was behind is refused until it has rebased above the versions it is sent.
        /// </summary>
        public bool IsNewerRun(long epoch) => epoch > Epoch && epoch > Version;

        /// <summary>The retained batches a holder at (<paramref name="epoch"/>, <paramref name="version"/>) lacks, oldest first.</summary>
        public List<SignedBatch> BatchesAfter(long epoch, long version)
        {
            var result = new List<SignedBatch>();
            var from = epoch == Epoch ? version : long.MinValue;
            foreach (var retained in _batches.Values)
            {
                if (retained.Batch.Version > from)
                    result.Add(retained.Batch);
            }

            return result;
        }

        public string? Get(string key) => _entries.TryGetValue(key, out var entry) ? entry.Shown : null;

        /// <summary>One shown entry without copying the others (a single-key read must not cost a snapshot); null when absent, removed or expired.</summary>
        public HeldEntry? Find(string key) =>
            _entries.TryGetValue(key, out var entry) && entry.Shown is { } value ? entry.View(key, value) : null;

        /// <summary>Shown entries (not removed, not expired) sorted by key.</summary>
        public List<HeldEntry> Snapshot()
        {
            var result = new List<HeldEntry>(KeyCount);
            foreach (var pair in _entries)
            {
                if (pair.Value.Shown is { } value)
                    result.Add(pair.Value.View(pair.Key, value));
            }

            result.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            return result;
        }

        /// <summary>
        /// A lease of another owner's value passed on this node (<paramref name="expiresAt"/> as taken from the
        /// timetable): hides the value and reports its expiry, changing nothing signed. Ignored unless the entry still
        /// holds that lease.
        /// </summary>
        public void Expire(string key, long expiresAt, List<StateChange> changes)
        {
            if (!_entries.TryGetValue(key, out var entry) || entry.Shown is not { } value || entry.ExpiresAt != expiresAt)
                return;
            entry.Expired = true;
            KeyCount--;
            changes.Add(new StateChange(Owner, key, value, null, entry.Version, expired: true));
        }

        /// <summary>
        /// This (local) owner's value whose lease passed (at <paramref name="expiresAt"/>): true if the key still holds
        /// that lease, so the owner removes it with a lapsed tombstone.
        /// </summary>
        public bool HoldsLease(string key, long expiresAt) =>
            _entries.TryGetValue(key, out var entry) && entry.Shown is not null && entry.ExpiresAt == expiresAt;

        /// <summary>Takes this state's leases out of the node's timetable: the node no longer holds it.</summary>
        public void Drop() => ForgetLeases();

        /// <summary>Bytes the state would hold after setting <paramref name="key"/> to <paramref name="value"/>.</summary>
        public long SizeAfter(string key, string? value)
        {
            var current = _entries.TryGetValue(key, out var entry) ? EntryBytes(key, entry.Value) : 0;
            return LiveBytes - current + EntryBytes(key, value);
        }

        // ---- The owner's side: local writes, batching, epochs. ----

        /// <summary>Starts a new run of this (local) owner at <paramref name="epoch"/>, re-stamping live entries above it.</summary>
        public void BeginEpoch(long epoch, Func<long> nextVersion)
        {
            var live = Snapshot();
            var now = _leases.Now;
            ForgetLeases();
            _entries.Clear();
            _batches.Clear();
            _newest = null;
            _dirty.Clear();
            _signedIn.Clear();
            KeyCount = 0;
            LiveBytes = 0;
            RetainedBytes = 0;
            Commitment = StateCommitment.Empty;
            Epoch = epoch;
            Version = epoch;
            _epochPending = true;
            foreach (var entry in live)
            {
                // A re-stamped value keeps its expiry: its lease becomes what is left of it.
                var left = entry.HasLease ? entry.ExpiresAt - now : 0;
                if (entry.HasLease && left <= 0)
                    continue; // expired, its tombstone not yet written: the new run does not carry it
                WriteLocal(entry.Key, entry.Value, nextVersion(), null, (uint)left);
            }
        }

        /// <summary>
        /// Applies a local write at once (reads see it) and queues it for the next batch. <paramref name="leaseMs"/>: the
        /// value's lease (0: none); <paramref name="lapsed"/>: a removal because the value's lease passed.
        /// </summary>
        public void WriteLocal(string key, string? value, long version, List<StateChange>? changes, uint leaseMs = 0, bool lapsed = false)
        {
            // Unless the key is pending already, the value it replaces is signed (or being signed): the next batch's
            // commitment takes it out.
            long? replaced = _entries.TryGetValue(key, out var current) && current.Value is not null ? current.Version : null;
            if (current?.Batch is { } signed)
            {
                // The batch keeps counting the key as live (no release) until the new value is signed.
                _signedIn[key] = signed;
                current.Batch = null;
            }

            var entry = ReplaceEntry(key, new BatchEntry(key, version, value, leaseMs, lapsed), null, changes);
            if (entry is not null)
            {
                if (!_dirty.ContainsKey(key))
                    _dirty[key] = replaced;
                WritesSinceTaken++;
                _opening?.TrySetResult(true);
            }
        }

        /// <summary>
        /// Holds back this (local) owner's opening batch — the first of its run, which tells every holder of a
        /// previous run which keys the new run keeps — until <see cref="ReleaseOpening"/>: a run signed at once
        /// would open with an empty state, and observers would see every key vanish before the run writes it again.
        /// </summary>
        public void HoldOpening() => _opening ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Lets the opening batch go with the next flush. Returns false if it was not held.</summary>
        public bool ReleaseOpening()
        {
            var opening = _opening;
            if (opening is null)
                return false;
            _opening = null;
            opening.TrySetResult(false);
            return true;
        }

        /// <summary>
        /// Takes the writes waiting to be signed: the newest value of every changed key, oldest first, with what each
        /// batch of them must commit to.
        /// </summary>
        public TakenWrites TakePendingWrites()
        {
            var entries = new List<BatchEntry>(_dirty.Count);
            foreach (var key in _dirty.Keys)
            {
                var entry = _entries[key];
                entries.Add(new BatchEntry(key, entry.Version, entry.Value, entry.LeaseMs, entry.Lapsed));
            }

            entries.Sort((a, b) => a.Version.CompareTo(b.Version));
            var taken = new TakenWrites(entries, Commitment, _dirty);
            _dirty = new Dictionary<string, long?>(StringComparer.Ordinal);
            _epochPending = false;
            WritesSinceTaken = 0;
            return taken;
        }

        /// <summary>Records a batch this owner signed from <see cref="TakePendingWrites"/> (batches of one take in order).</summary>
        public void AttachOwnBatch(SignedBatch batch)
        {
            Commitment = batch.Commitment;
            var retained = Retain(batch);
            foreach (var written in batch.Entries)
            {
                retained.Live++;
                if (_signedIn.TryGetValue(written.Key, out var before))
                {
                    _signedIn.Remove(written.Key);
                    Release(before);
                }

                if (_entries.TryGetValue(written.Key, out var entry) && entry.Version == written.Version)
                    entry.Batch = retained;
                else
                    _signedIn[written.Key] = retained; // written again while the batch was signed: pending for the next one
            }

            Version = Math.Max(Version, batch.Version);
            DropIfSuperseded(retained);
        }

        /// <summary>
        /// Starts holding a newer run (epoch) of the owner. Returns the previous run's live values: the new run's
        /// entries replace them one by one (one change each, none for an equal value), and the keys the new run's
        /// opening does not write are reported removed once it is applied (<see cref="ReportDropped"/>), so an
        /// observer never sees a re-written key vanish and return.
        /// </summary>
        private Dictionary<string, string> ResetTo(long epoch)
        {
            var previousRun = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in _entries)
            {
                if (pair.Value.Shown is { } value)
                    previousRun[pair.Key] = value;
            }

            ForgetLeases();
            _entries.Clear();
            _batches.Clear();
            _newest = null;
            KeyCount = 0;
            LiveBytes = 0;
            RetainedBytes = 0;
            Commitment = StateCommitment.Empty;
            Epoch = epoch;
            Version = epoch;
            return previousRun;
        }

        /// <summary>Reports the previous run's keys that the new run's opening did not write as removed.</summary>
        private void ReportDropped(Dictionary<string, string>? previousRun, List<StateChange> changes)
        {
            if (previousRun is null)
                return;
            foreach (var pair in previousRun)
            {
                if (!_entries.ContainsKey(pair.Key))
                    changes.Add(new StateChange(Owner, pair.Key, pair.Value, null, Epoch));
            }
        }

        private void ApplyEntries(SignedBatch batch, List<StateChange> changes, Dictionary<string, string>? previousRun)
        {
            // A sync answer may repeat a batch already held: keep the held one and its live-entry count.
            var retained = _batches.TryGetValue(batch.Version, out var held) ? held : Retain(batch);
            foreach (var written in batch.Entries)
            {
                if (_entries.TryGetValue(written.Key, out var current) && current.Version >= written.Version)
                    continue;
                string? previousValue = null;
                if (current is null)
                    previousRun?.TryGetValue(written.Key, out previousValue);
                ReplaceEntry(written.Key, written, retained, changes, previousValue);
            }

            Version = Math.Max(Version, batch.Version);
            DropIfSuperseded(retained);
        }

        // batch: the retained batch that signed the entry, or null for a local write (whose lease runs from now).
        // previousRunValue: the value a previous run of the owner held, reported as the old value when this run has none.
        private Entry? ReplaceEntry(string key, BatchEntry written, RetainedBatch? batch, List<StateChange>? changes, string? previousRunValue = null)
        {
            _entries.TryGetValue(key, out var current);
            var oldValue = current is null ? previousRunValue : current.Shown;
            var value = written.Value;
            if (current is null && value is null && batch is null)
                return null; // removing a key that was never set: nothing to write

            if (current is not null)
            {
                Release(current.Batch);
                LiveBytes -= EntryBytes(key, current.Value);
                if (current.Shown is not null)
                    KeyCount--;
                if (current.LeaseMs != 0)
                    _leases.Remove(Owner, key, current.ExpiresAt);
            }

            var expiresAt = long.MaxValue;
            if (written.LeaseMs != 0)
                expiresAt = batch is null ? _leases.ExpiryOfOwnWrite(written.LeaseMs)
                    : _isLocal ? _leases.ExpiryOfRestoredOwnWrite(written.Version, written.LeaseMs)
                    : _leases.ExpiryOnReceipt(written.Version, written.LeaseMs);
            // A value whose lease passed before it arrived (a late sync) is held as signed but never shown.
            var expired = expiresAt <= _leases.Now;
            var entry = new Entry(value, written.Version, batch, written.LeaseMs, expiresAt, written.Lapsed) { Expired = expired };
            _entries[key] = entry;
            if (batch is not null)
                batch.Live++;
            LiveBytes += EntryBytes(key, value);
            if (entry.Shown is not null)
                KeyCount++;
            if (written.LeaseMs != 0 && !expired)
                _leases.Add(Owner, key, expiresAt);
            if (changes is not null && !string.Equals(oldValue, entry.Shown, StringComparison.Ordinal))
                changes.Add(new StateChange(Owner, key, oldValue, entry.Shown, written.Version, expired || written.Lapsed));
            return entry;
        }

        /// <summary>Takes every scheduled expiry of this state out of the node's timetable (before its entries are cleared).</summary>
        private void ForgetLeases()
        {
            foreach (var pair in _entries)
            {
                if (pair.Value.LeaseMs != 0 && !pair.Value.Expired)
                    _leases.Remove(Owner, pair.Key, pair.Value.ExpiresAt);
            }
        }

        private RetainedBatch Retain(SignedBatch batch)
        {
            var retained = new RetainedBatch(batch);
            _batches[batch.Version] = retained;
            RetainedBytes += batch.Size;
            var previous = _newest;
            if (previous is null || batch.Version > previous.Batch.Version)
                _newest = retained;
            if (previous is not null && previous != _newest)
                DropIfSuperseded(previous); // it may have been kept only to prove the version
            return retained;
        }

        private void Release(RetainedBatch? batch)
        {
            if (batch is null)
                return;
            batch.Live--;
            DropIfSuperseded(batch);
        }

        /// <summary>Drops a batch none of whose entries is current, unless it is the newest, which proves the version.</summary>
        private void DropIfSuperseded(RetainedBatch batch)
        {
            if (batch.Live > 0 || batch == _newest)
                return;
            if (_batches.Remove(batch.Batch.Version))
                RetainedBytes -= batch.Batch.Size;
        }

        private static long EntryBytes(string key, string? value) =>
            value is null ? 0 : Utf8.GetByteCount(key) + Utf8.GetByteCount(value);

        private sealed class Entry
        {
            public Entry(string? value, long version, RetainedBatch? batch, uint leaseMs, long expiresAt, bool lapsed)
            {
                Value = value;
                Version = version;
                Batch = batch;
                LeaseMs = leaseMs;
                ExpiresAt = expiresAt;
                Lapsed = lapsed;
            }

            /// <summary>The value as signed (null: removed), whether or not it expired here.</summary>
            public string? Value { get; }

            public long Version { get; }

            public RetainedBatch? Batch { get; set; }

            /// <summary>The signed lease in milliseconds after the write; 0: none.</summary>
            public uint LeaseMs { get; }

            /// <summary>When the lease passes here (monotonic ms); long.MaxValue without a lease.</summary>
            public long ExpiresAt { get; }

            /// <summary>A removal because the lease passed (the owner's lapsed tombstone).</summary>
            public bool Lapsed { get; }

            /// <summary>The lease passed on this node: the value is held as signed but no longer shown.</summary>
            public bool Expired { get; set; }

            /// <summary>The value reads and events see: null when removed or expired.</summary>
            public string? Shown => Expired ? null : Value;

            public HeldEntry View(string key, string value) => new HeldEntry(key, value, Version, LeaseMs, ExpiresAt);
        }

        private sealed class RetainedBatch
        {
            public RetainedBatch(SignedBatch batch) => Batch = batch;

            public SignedBatch Batch { get; }

            public int Live { get; set; }
        }
    }
}
