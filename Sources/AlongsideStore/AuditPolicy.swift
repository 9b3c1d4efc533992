import AlongsideCore
import Crypto
import Foundation

// The audit policy both stores share (spec §8): what an entry holds, the canonical form its
// hash covers, and what retention may erase. A store appends and verifies; these decide.

/// The hashing rules of the chained audit log.
///
/// Entry formats (column `format`):
/// - 1 (databases of v1–v3): the hash covers the before/after text itself;
/// - 2: the hash (SHA-256) covers a salted SHA-256 digest of the before/after text and of
///   the record's stored state, so `retention` can erase identifying content from an old
///   entry (leaving a voucher) without breaking the chain;
/// - 3: as 2, with HMAC-SHA256 keyed by the site's `audit_key_file` instead of SHA-256.
public enum AuditPolicy {
    public static let genesis = String(repeating: "0", count: 64)

    /// The hash of a format-1 entry (v1–v3).
    public static func hashV1(
        seq: Int64, at: Int64, actor: String, command: String, action: String, entity: String?,
        before: String?, after: String?, prevHash: String
    ) -> String {
        let canonical = JSONValue.array([
            .int(Int(seq)), .int(Int(at)), .string(actor), .string(command), .string(action),
            .string(entity), .string(before), .string(after), .string(prevHash),
        ]).text
        let digest = SHA256.hash(data: Data(canonical.utf8))
        return PinHash.hex(Array(digest))
    }

    /// The fields a format-2/3 hash covers.
    public struct Sealed {
        public var format: Int
        public var seq: Int64
        public var at: Int64
        public var actor: String
        public var command: String
        public var action: String
        public var entity: String?
        public var record: String?
        public var state: String?
        public var beforeDigest: String?
        public var afterDigest: String?
        public var prevHash: String

        /// Makes the sealed fields of an entry.
        public init(
            format: Int, seq: Int64, at: Int64, actor: String, command: String, action: String,
            entity: String?, record: String?, state: String?, beforeDigest: String?,
            afterDigest: String?, prevHash: String
        ) {
            self.format = format
            self.seq = seq
            self.at = at
            self.actor = actor
            self.command = command
            self.action = action
            self.entity = entity
            self.record = record
            self.state = state
            self.beforeDigest = beforeDigest
            self.afterDigest = afterDigest
            self.prevHash = prevHash
        }

        /// The entry's hash: SHA-256 (format 2) or HMAC-SHA256 (format 3) of the canonical
        /// text; nil when format 3 is asked for without a key.
        public func hash(key: SymmetricKey?) -> String? {
            let canonical = JSONValue.array([
                .int(format), .int(Int(seq)), .int(Int(at)), .string(actor), .string(command),
                .string(action), .string(entity), .string(record), .string(state),
                .string(beforeDigest), .string(afterDigest), .string(prevHash),
            ]).text
            let data = Data(canonical.utf8)
            if format == 3 {
                guard let key else { return nil }
                return PinHash.hex(Array(HMAC<SHA256>.authenticationCode(for: data, using: key)))
            }
            return PinHash.hex(Array(SHA256.hash(data: data)))
        }
    }

    /// The text stored for a before/after record: every string field redacted for NHS
    /// numbers on its own, so times, counts and ids are never rewritten.
    public static func storedText(_ value: JSONValue?) -> String? {
        value.map { $0.mappingStrings(NHSNumber.redact(in:)).text }
    }

    /// The members retention erases from audit content: identifiers and free text.
    public static func isErasable(_ member: String) -> Bool {
        ["age_band", "gender", "language", "nhs", "ref", "detail"].contains(member)
            || member.hasSuffix("reason")
    }

}

/// The key of the keyed chain as this console holds it.
public enum AuditKeyState: Sendable {
    /// No `audit_key_file`: entries are chained with SHA-256.
    case none
    /// The key read from `audit_key_file` (its bytes): entries are chained with HMAC-SHA256.
    case key([UInt8])
    /// `audit_key_file` is set but could not be read: nothing may be written.
    case unreadable(String)

    /// The key to write with, or nil for SHA-256; throws when the key could not be read.
    public func keyForWriting() throws -> SymmetricKey? {
        switch self {
        case .none: return nil
        case .key(let k): return SymmetricKey(data: k)
        case .unreadable(let why): throw StoreError.storage(why)
        }
    }

    /// The key to verify with, if any.
    public var keyForReading: SymmetricKey? {
        if case .key(let k) = self { return SymmetricKey(data: k) }
        return nil
    }
}

/// One line kept outside the database (spec §8): the entry that was the log's head when it
/// was taken, `SEQ HASH TIME` (time in UTC, ISO 8601).
public struct AuditAnchor: Sendable, Equatable, CustomStringConvertible {
    /// The entry's position in the log.
    public var seq: Int64
    /// The entry's hash.
    public var hash: String
    /// The entry's time.
    public var at: Date

    /// Makes an anchor.
    public init(seq: Int64, hash: String, at: Date) {
        self.seq = seq
        self.hash = hash
        self.at = at
    }

    /// Reads `SEQ HASH TIME` (as `audit anchor` prints it); nil if the line is not one.
    public init?(line: String) {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard words.count == 3, let seq = Int64(words[0]), seq > 0, words[1].count == 64,
            words[1].allSatisfy({ $0.isHexDigit }),
            let at = AuditAnchor.formatter.date(from: words[2])
        else { return nil }
        self.init(seq: seq, hash: words[1].lowercased(), at: at)
    }

    /// `SEQ HASH TIME`.
    public var description: String { "\(seq) \(hash) \(timeText)" }

    /// The time as written in the line (UTC, ISO 8601).
    public var timeText: String { Self.formatter.string(from: at) }

    nonisolated(unsafe) public static let formatter: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f
    }()
}


/// One stored value of a record, as a store reads it back: what the canonical state of a
/// record (the text its digest covers) is made from.
public enum StoredValue: Sendable, Equatable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case blob([UInt8])
}

/// Digests of record states and audit content.
public enum RecordState {
    /// The row's values as a JSON array: the text whose digest is the record's state.
    public static func canonical(_ values: some Sequence<StoredValue>) -> String {
        var out = "["
        out.reserveCapacity(256)
        for (i, v) in values.enumerated() {
            if i > 0 { out += "," }
            switch v {
            case .null: out += "null"
            case .int(let n): out += String(n)
            case .double(let d): out += JSONValue.format(d)
            case .text(let s):
                // Most values need no escaping: append them as they are.
                if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }) {
                    out += "\""
                    out += s
                    out += "\""
                } else {
                    out += JSONValue.string(s).text
                }
            case .blob(let b): out += JSONValue.string("blob:" + PinHash.hex(b)).text
            }
        }
        return out + "]"
    }

    /// SHA-256 of salt and text, in hex; nil for no text.
    public static func digest(salt: [UInt8]?, _ text: String?) -> String? {
        guard let text else { return nil }
        var hasher = SHA256()
        if let salt { hasher.update(data: salt) }
        var utf8 = text
        utf8.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        return PinHash.hex(Array(hasher.finalize()))
    }

    /// 16 random bytes, from the system's generator: two 64-bit draws (one system call
    /// each), not sixteen one-byte ones (a bulk import salts every row).
    public static func newSalt() -> [UInt8] {
        var g = SystemRandomNumberGenerator()
        var salt: [UInt8] = []
        salt.reserveCapacity(16)
        for _ in 0..<2 {
            withUnsafeBytes(of: g.next()) { salt.append(contentsOf: $0) }
        }
        return salt
    }

    public static func bytes(hex: String?) -> [UInt8]? {
        guard let hex else { return nil }
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var i = 0
        while i < digits.count {
            guard let high = value(digits[i]), let low = value(digits[i + 1]) else { return nil }
            out.append(high << 4 | low)
            i += 2
        }
        return out
    }

    /// How a person reads a record key: `P12`, `mentor m3`, `shift 40`, `staff alice`.
    public static func describe(_ key: String) -> String {
        let parts = key.split(separator: ":", maxSplits: 2).map(String.init)
        guard parts.count >= 2 else { return key }
        switch parts[0] {
        case "presentation": return "P" + parts[1]
        case "decline" where parts.count == 3: return "the decline of P\(parts[1]) by \(parts[2])"
        case "hold": return "the hold on P" + parts[1]
        default: return "\(parts[0]) \(parts[1...].joined(separator: ":"))"
        }
    }
}
