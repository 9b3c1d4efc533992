import AlongsideCore
import Foundation

/// One audit row as a store reads it back, every column the verification needs.
public struct StoredAuditEntry: Sendable {
    public var seq: Int64
    public var at: Int64
    public var actor: String
    public var command: String
    public var action: String
    public var entity: String?
    public var before: String?
    public var after: String?
    public var prevHash: String
    public var hash: String
    /// 1 for entries of v1–v3 databases.
    public var format: Int
    public var salt: String?
    public var beforeDigest: String?
    public var afterDigest: String?
    public var record: String?
    public var state: String?

    /// Makes an entry from its stored columns.
    public init(
        seq: Int64, at: Int64, actor: String, command: String, action: String, entity: String?,
        before: String?, after: String?, prevHash: String, hash: String, format: Int,
        salt: String?, beforeDigest: String?, afterDigest: String?, record: String?,
        state: String?
    ) {
        self.seq = seq
        self.at = at
        self.actor = actor
        self.command = command
        self.action = action
        self.entity = entity
        self.before = before
        self.after = after
        self.prevHash = prevHash
        self.hash = hash
        self.format = format
        self.salt = salt
        self.beforeDigest = beforeDigest
        self.afterDigest = afterDigest
        self.record = record
        self.state = state
    }
}

/// The walk of `audit verify` over a log in `seq` order (spec §8), the same for every store:
/// a store feeds it its entries and the digests only it can compute, then asks for the
/// problems. The sentences are the policy's, so both stores report a tampered log alike.
public struct AuditWalk {
    /// Erasure vouchers by the seq of the entry erased.
    public typealias Voucher = (before: String?, after: String?, by: Int64)

    public private(set) var problems: [String] = []
    /// Entries that made a bulk change (their rows are digested apart).
    public private(set) var bulkSeqs: Set<Int64> = []
    /// How many entries were walked.
    public private(set) var count = 0
    /// The hash of the last entry walked (the genesis for an empty log).
    public private(set) var lastHash = AuditPolicy.genesis
    private let key: AuditKeyState
    private let anchors: [AuditAnchor]
    private var anchored: [Int64: [AuditAnchor]] = [:]
    private let vouchers: [Int64: Voucher]
    private let retentionSeqs: Set<Int64>
    private var unkeyable: [Int64] = []
    private var firstKeyed: Int64?
    private var expectedSeq: Int64 = 1

    /// Starts a walk with the key to check keyed entries, the anchors kept outside the
    /// database, and the erasure vouchers.
    public init(key: AuditKeyState, anchors: [AuditAnchor], vouchers: [Int64: Voucher]) {
        self.key = key
        self.anchors = anchors
        for a in anchors { anchored[a.seq, default: []].append(a) }
        self.vouchers = vouchers
        retentionSeqs = Set(vouchers.values.map(\.by))
    }

    /// The seq of the last entry walked (0 for an empty log).
    public var head: Int64 { expectedSeq - 1 }

    /// Checks the next entry. `groupDigest` gives the digest of a bulk entry's rows,
    /// `voucherDigest` that of the vouchers a retention entry made.
    public mutating func visit(
        _ e: StoredAuditEntry, groupDigest: (Int64) throws -> String,
        voucherDigest: (Int64) throws -> String
    ) rethrows {
        count += 1
        let seq = e.seq
        if seq != expectedSeq {
            problems.append(
                "entry \(expectedSeq)\(seq > expectedSeq + 1 ? "–\(seq - 1)" : "")"
                    + " is missing")
        }
        if e.prevHash != lastHash {
            problems.append("entry \(seq) does not follow the entry before it")
        }
        if e.format == 1 {
            let h = AuditPolicy.hashV1(
                seq: seq, at: e.at, actor: e.actor, command: e.command, action: e.action,
                entity: e.entity, before: e.before, after: e.after, prevHash: e.prevHash)
            if h != e.hash { problems.append("entry \(seq) has been altered") }
        } else {
            try visitSealed(e, groupDigest: groupDigest, voucherDigest: voucherDigest)
        }
        for a in anchored[seq] ?? [] where a.hash != e.hash || a.at.storedSeconds != e.at {
            problems.append(
                "entry \(seq) is not the entry anchored as '\(a)': the log has been rewritten")
        }
        lastHash = e.hash
        expectedSeq = seq + 1
    }

    private mutating func visitSealed(
        _ e: StoredAuditEntry, groupDigest: (Int64) throws -> String,
        voucherDigest: (Int64) throws -> String
    ) rethrows {
        let seq = e.seq
        let sealed = AuditPolicy.Sealed(
            format: e.format, seq: seq, at: e.at, actor: e.actor, command: e.command,
            action: e.action, entity: e.entity, record: e.record, state: e.state,
            beforeDigest: e.beforeDigest, afterDigest: e.afterDigest, prevHash: e.prevHash)
        if e.format == 3 {
            if firstKeyed == nil { firstKeyed = seq }
        } else if firstKeyed != nil {
            problems.append(
                "entry \(seq) is chained without the key although earlier entries are keyed")
        }
        if let h = sealed.hash(key: key.keyForReading) {
            if h != e.hash { problems.append("entry \(seq) has been altered") }
        } else {
            unkeyable.append(seq)
        }
        if let saltHex = e.salt {
            let salt = RecordState.bytes(hex: saltHex)
            if RecordState.digest(salt: salt, e.before) != sealed.beforeDigest
                || RecordState.digest(salt: salt, e.after) != sealed.afterDigest
            {
                problems.append("entry \(seq)'s before/after has been altered")
            }
        } else if let v = vouchers[seq] {
            if RecordState.digest(salt: nil, e.before) != v.before
                || RecordState.digest(salt: nil, e.after) != v.after
            {
                problems.append("entry \(seq)'s erased before/after has been altered")
            }
        } else {
            problems.append("entry \(seq)'s before/after was erased outside retention")
        }
        if sealed.record == nil, let state = sealed.state {
            bulkSeqs.insert(seq)
            if try groupDigest(seq) != state {
                problems.append("the rows entry \(seq) accounts for have been altered")
            }
        }
        if retentionSeqs.contains(seq) {
            let vouched = e.after.flatMap(JSONValue.parse)?[member: "erasures"]
            if vouched != .string(try voucherDigest(seq)) {
                problems.append("the erasures entry \(seq) made have been altered")
            }
        }
    }

    /// The problems found once every entry was walked, given the seqs that have row digests
    /// and the head record the store keeps (nil when it has none).
    public mutating func finish(rowDigestSeqs: [Int64], headRecord: (seq: Int64, hash: String)?)
        -> [String]
    {
        for a in anchors where a.seq > head {
            problems.append(
                "the log no longer holds entry \(a.seq) (anchored as '\(a)'): "
                    + (head == 0
                        ? "the log has been emptied" : "its last entries have been removed"))
        }
        if let first = unkeyable.first, let last = unkeyable.last {
            problems.append(
                "entr\(first == last ? "y \(first) is" : "ies \(first)–\(last) are") keyed "
                    + "(HMAC-SHA256) and cannot be checked without the key: set audit_key_file "
                    + "to the key file, or run on the console that holds it")
        }
        for seq in retentionSeqs.sorted() where seq > head {
            problems.append("the retention entry \(seq) that erased entries is missing")
        }
        for seq in rowDigestSeqs where !bulkSeqs.contains(seq) {
            problems.append("row digests are attached to entry \(seq), which made no bulk change")
        }
        if let headRecord {
            if headRecord.seq != head || headRecord.hash != lastHash {
                problems.append("the log's last entries have been removed or replaced")
            }
        } else if count > 0 {
            problems.append("the log's head record is missing")
        }
        return problems
    }
}
