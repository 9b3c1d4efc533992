import AlongsideCore
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

    /// False for lines that must never be stored: blank ones, those with `--nhs` or `--ref`
    /// (any case), those holding an NHS number (the core's one rule,
    /// `NHSNumber.ranges(in:)`), and those that are only digits (a PIN typed at the prompt
    /// by mistake, spec §4).
    public static func mayStore(_ line: String) -> Bool {
        if line.allSatisfy({ $0.isWhitespace }) { return false }
        let lower = line.lowercased()
        // NHS numbers and local refs are personal data (spec §8): such lines are never kept.
        if lower.contains("--nhs") || lower.contains("--ref") { return false }
        return !NHSNumber.appears(in: line) && !isOnlyDigits(line)
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

/// Whether the line is only digits and spaces (with at least one digit): what a PIN typed at
/// the wrong prompt looks like.
private func isOnlyDigits(_ line: String) -> Bool {
    let trimmed = line.filter { !$0.isWhitespace }
    return !trimmed.isEmpty && trimmed.allSatisfy { NHSNumber.decimalValue($0) != nil }
}
