#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What one attempt to read a line produced.
public enum LineReadResult: Equatable, Sendable {
    /// A complete line, without its line terminator (`\n` or `\r\n`).
    case line(String)
    /// The person pressed Ctrl-C: the half-typed line was abandoned.
    case interrupted
    /// No more input: Ctrl-D on an empty line, or the end of a pipe or file.
    case endOfInput
    /// Nothing was typed for the reader's idle time: the half-typed line was abandoned.
    case idle
}

/// A source of REPL input lines: readline on a terminal, plain lines on a pipe, an array in tests.
public protocol LineReader: AnyObject {
    /// Reads one line, showing `prompt` where it is interactive.
    func readLine(prompt: String) -> LineReadResult
    /// Whether this reader talks to a person at a terminal.
    var isInteractive: Bool { get }
}

/// Reads lines from a file descriptor (a pipe or a file) without prompting or line editing.
///
/// Lines may end in `\n` or `\r\n`; a last line without a terminator is still returned. The
/// descriptor is read in blocks through its one shared ``BufferedInput``, so another reader
/// of the same descriptor (another `PlainLineReader`, or ``SecretPrompt`` reading a PIN line
/// from standard input) carries on with the next line.
public final class PlainLineReader: LineReader {
    private let fileHandle: Int32
    private var reachedEnd = false

    /// Creates a reader over `fileHandle`, which stays open and owned by the caller.
    public init(fileHandle: Int32 = STDIN_FILENO) {
        self.fileHandle = fileHandle
    }

    /// Always false: nobody is shown a prompt.
    public var isInteractive: Bool { false }

    /// Reads the next line; `prompt` is ignored.
    public func readLine(prompt: String) -> LineReadResult {
        if reachedEnd { return .endOfInput }
        guard let line = readRawLine(from: fileHandle) else {
            reachedEnd = true
            return .endOfInput
        }
        return .line(line)
    }
}

/// Replays a fixed list of lines, recording the prompts it was asked to show. For tests.
public final class ArrayLineReader: LineReader {
    private let lines: [String]
    private var next = 0

    /// The prompts passed to ``readLine(prompt:)``, in order, including the one answered with
    /// ``LineReadResult/endOfInput``.
    public private(set) var prompts: [String] = []

    /// Creates a reader that returns `lines` one by one and then ``LineReadResult/endOfInput``.
    public init(_ lines: [String]) {
        self.lines = lines
    }

    /// Always false.
    public var isInteractive: Bool { false }

    /// Returns the next line of the array, or ``LineReadResult/endOfInput`` once it is used up.
    public func readLine(prompt: String) -> LineReadResult {
        prompts.append(prompt)
        guard next < lines.count else { return .endOfInput }
        defer { next += 1 }
        return .line(lines[next])
    }
}

/// The next line of `fd` up to and excluding its `\n` (dropping a `\r` before it), through
/// the descriptor's shared ``BufferedInput``. Returns nil at end of input when no bytes were
/// read, or on a read error.
func readRawLine(from fd: Int32) -> String? {
    BufferedInput.shared(fd).readLine()
}

/// Writes all of `text` to `fd`, unbuffered, retrying short and interrupted writes.
func writeAllToFD(_ fd: Int32, _ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written > 0 {
            bytes = bytes.dropFirst(written)
        } else if written < 0 && errno == EINTR {
            continue
        } else {
            return
        }
    }
}
