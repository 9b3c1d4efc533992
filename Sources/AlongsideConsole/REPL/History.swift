#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the interactive console keeps its command history, and which lines may go there.
///
/// The file is private to its owner (mode 0600) and never holds a line that names a patient:
/// see ``mayStore(_:)``.
public struct HistoryPolicy: Sendable {
    /// The history file's path.
    public var path: String
    /// How many lines the file (and the in-memory history) keeps at most.
    public var maxLines: Int

    /// Creates a policy for the history file at `path`, keeping at most `maxLines` lines.
    public init(path: String, maxLines: Int = 1000) {
        self.path = path
        self.maxLines = maxLines
    }

    /// $ALONGSIDE_HISTORY, else ~/.alongside_history
    ///
    /// A leading `~/` in `$ALONGSIDE_HISTORY` is expanded with `$HOME`. When `$HOME` is unset,
    /// the home directory comes from the password database, and failing that the current
    /// directory is used.
    public static func fromEnvironment(_ env: [String: String]) -> HistoryPolicy {
        let home = env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? passwordHome() ?? "."
        if let configured = env["ALONGSIDE_HISTORY"], !configured.isEmpty {
            if configured == "~" { return HistoryPolicy(path: home) }
            if configured.hasPrefix("~/") {
                return HistoryPolicy(path: joinPath(home, String(configured.dropFirst(2))))
            }
            return HistoryPolicy(path: configured)
        }
        return HistoryPolicy(path: joinPath(home, ".alongside_history"))
    }

    /// False for lines that must never be stored (contain --nhs, or a 10-digit run that passes
    /// the NHS Modulus-11 check, or are blank).
    ///
    /// A "10-digit run" is ten digits in a row, or ten digits written in groups separated by
    /// single spaces or hyphens (as in `943 476 5919`); `--nhs` is matched in any letter case.
    public static func mayStore(_ line: String) -> Bool {
        if line.allSatisfy({ $0.isWhitespace }) { return false }
        let lower = line.lowercased()
        // NHS numbers and local refs are personal data (spec §8): such lines are never kept.
        if lower.contains("--nhs") || lower.contains("--ref") { return false }
        return !containsNHSNumber(line)
    }

    /// Makes sure the history file exists and is readable and writable by its owner only
    /// (mode 0600), creating it if needed and tightening the mode of an existing file.
    ///
    /// - Returns: true when the file is ready; false (with `errno` set) when it could not be
    ///   created or its mode could not be set.
    @discardableResult
    public func ensureFile() -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, mode_t(0o600))
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return fchmod(fd, mode_t(0o600)) == 0
    }
}

private func joinPath(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
}

private func passwordHome() -> String? {
    guard let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir else { return nil }
    let home = String(cString: dir)
    return home.isEmpty ? nil : home
}

/// Whether `line` holds ten digits, in a row or in groups split by single spaces or hyphens,
/// that form a valid NHS number. Longer runs are not NHS numbers as typed and are ignored.
private func containsNHSNumber(_ line: String) -> Bool {
    let bytes = Array(line.utf8)
    let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    var index = 0
    while index < bytes.count {
        guard isDigit(bytes[index]) else {
            index += 1
            continue
        }
        // One segment: digit groups joined by single separators; also note plain runs.
        var joined: [UInt8] = []
        var run: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            if isDigit(byte) {
                joined.append(byte)
                run.append(byte)
                index += 1
            } else if (byte == UInt8(ascii: " ") || byte == UInt8(ascii: "-"))
                && index + 1 < bytes.count && isDigit(bytes[index + 1])
            {
                if run.count == 10 && passesModulus11(run) { return true }
                run = []
                index += 1
            } else {
                break
            }
        }
        if run.count == 10 && passesModulus11(run) { return true }
        if joined.count == 10 && passesModulus11(joined) { return true }
    }
    return false
}

/// The NHS number check: weights 10 down to 2 on the first nine digits, check digit
/// 11 − (sum mod 11), where 11 means 0 and 10 means the number is invalid.
private func passesModulus11(_ digits: [UInt8]) -> Bool {
    guard digits.count == 10 else { return false }
    let values = digits.map { Int($0 - UInt8(ascii: "0")) }
    var sum = 0
    for position in 0..<9 {
        sum += values[position] * (10 - position)
    }
    var check = 11 - sum % 11
    if check == 11 { check = 0 }
    if check == 10 { return false }
    return check == values[9]
}
