import AlongsideCore
import AlongsideStore
import Foundation
import GRDB

/// `check`'s comparison of the stored records with the audit log (spec §8): every row of
/// an audited table must be in the state its last audit entry recorded; a record the log
/// says exists must exist. One pass over the log's record states, one over each table.
enum RecordCheck {
    /// The most problems listed one by one (the rest are counted).
    static let listed = 20

    static func problems(_ db: Database) throws -> [String] {
        // The last state the log records for each record key.
        var last: [String: (seq: Int64, salt: String?, state: String?)] = [:]
        last.reserveCapacity(
            try Int.fetchOne(
                db, sql: "SELECT (SELECT count(*) FROM audit) + (SELECT count(*) FROM audit_row)")
                ?? 0)
        func note(_ seq: Int64, _ key: String, _ salt: String?, _ state: String?) {
            if let known = last[key], known.seq > seq { return }
            last[key] = (seq, salt, state)
        }
        let singles = try Row.fetchCursor(
            db, sql: "SELECT seq, record, salt, state FROM audit WHERE record IS NOT NULL")
        while let row = try singles.next() { note(row[0], row[1], row[2], row[3]) }
        let bulk = try Row.fetchCursor(db, sql: "SELECT seq, record, salt, state FROM audit_row")
        while let row = try bulk.next() { note(row[0], row[1], row[2], row[3]) }

        var problems: [String] = []
        var more = 0
        func problem(_ text: String) {
            if problems.count < listed { problems.append(text) } else { more += 1 }
        }
        var seen: Set<String> = []
        seen.reserveCapacity(last.count)
        for table in AuditedTable.all {
            try table.forEachRow(db) { key, canonical in
                seen.insert(key)
                var name: String { RecordState.describe(key) }
                guard let entry = last[key] else {
                    problem("\(name) has no audit entry: it was written behind the console's back")
                    return
                }
                guard let state = entry.state else {
                    problem(
                        "\(name) exists although its last audit entry (\(entry.seq)) "
                            + "records it deleted"
                    )
                    return
                }
                guard let saltHex = entry.salt else {
                    problem("\(name): its last audit entry (\(entry.seq)) can no longer be checked")
                    return
                }
                if RecordState.digest(salt: RecordState.bytes(hex: saltHex), canonical) != state {
                    problem(
                        "\(name) differs from the state its last audit entry "
                            + "(\(entry.seq)) records: "
                            + "it was changed behind the console's back")
                }
            }
        }
        let gone = last.filter { $0.value.state != nil && !seen.contains($0.key) }
            .sorted { ($0.value.seq, $0.key) < ($1.value.seq, $1.key) }
        for (key, entry) in gone {
            problem(
                "\(RecordState.describe(key)) was deleted without an audit entry "
                    + "(its last entry is \(entry.seq))")
        }
        if more > 0 {
            problems.append("… and \(more) more records that differ from the audit log")
        }
        return problems
    }
}
