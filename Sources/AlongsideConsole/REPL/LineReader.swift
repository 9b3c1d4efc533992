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
/// Lines may end in `\n` or `\r\n`; a last line without a terminator is still returned. Bytes
/// are read one at a time, so nothing beyond the current line is taken from the descriptor and
/// another reader of the same descriptor (such as ``SecretPrompt``) sees the rest.
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

/// Reads bytes from `fd` up to and excluding the next `\n` (dropping a `\r` before it), one
/// byte at a time, retrying reads interrupted by signals. Returns nil at end of input when no
/// bytes were read, or on a read error.
func readRawLine(from fd: Int32) -> String? {
    var bytes: [UInt8] = []
    var byte: UInt8 = 0
    while true {
        let count = read(fd, &byte, 1)
        if count == 1 {
            if byte == UInt8(ascii: "\n") { break }
            bytes.append(byte)
            continue
        }
        if count < 0 && errno == EINTR { continue }
        // End of input (0) or a real error: a partial last line still counts.
        if bytes.isEmpty { return nil }
        break
    }
    if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
    return String(decoding: bytes, as: UTF8.self)
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
