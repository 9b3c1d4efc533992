import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Lines read from a file descriptor in blocks, with one read-ahead buffer per descriptor
/// that every reader of it shares.
///
/// A script on standard input is read 64 KB at a time instead of a byte at a time. The
/// bytes read ahead stay in the descriptor's buffer, so ``PlainLineReader`` and
/// ``SecretPrompt`` (a PIN line in a script) reading the same standard input take its lines
/// in order, as if each had read only its own line. A buffer left over from a descriptor
/// that was closed is dropped when the number is reused for another file (its device and
/// inode differ).
final class BufferedInput: @unchecked Sendable {
    /// The shared buffer of `fd`.
    static func shared(_ fd: Int32) -> BufferedInput {
        registryLock.withLock {
            if let existing = registry[fd] { return existing }
            let made = BufferedInput(fd: fd)
            registry[fd] = made
            return made
        }
    }

    private static let registryLock = NSLock()
    nonisolated(unsafe) private static var registry: [Int32: BufferedInput] = [:]

    /// How much one `read(2)` asks for.
    static let blockSize = 65_536

    let fd: Int32
    private let lock = NSLock()
    /// Bytes read and not yet returned are `bytes[start...]`.
    private var bytes: [UInt8] = []
    private var start = 0
    /// The file the read-ahead bytes came from (device, inode).
    private var source: (dev: UInt64, ino: UInt64)?

    private init(fd: Int32) {
        self.fd = fd
    }

    /// The next line without its `\n` (and a `\r` before it), or nil at the end of input
    /// with nothing read, or on a read error. A last line without a newline is returned.
    /// Reads interrupted by a signal are retried.
    func readLine() -> String? {
        lock.withLock {
            dropIfStale()
            // How many bytes after `start` are known to hold no newline (`fill` may move
            // the unread bytes to the front of the buffer).
            var scanned = 0
            while true {
                if let newline = bytes[(start + scanned)...].firstIndex(of: UInt8(ascii: "\n")) {
                    return take(upTo: newline, skipping: 1)
                }
                scanned = bytes.count - start
                switch fill() {
                case .more: continue
                case .end:
                    if start == bytes.count { return nil }
                    return take(upTo: bytes.count, skipping: 0)
                }
            }
        }
    }

    private enum Fill { case more, end }

    /// Appends one block from the descriptor.
    private func fill() -> Fill {
        if start > 0 && start == bytes.count {
            bytes.removeAll(keepingCapacity: true)
            start = 0
        } else if start > Self.blockSize {
            bytes.removeFirst(start)
            start = 0
        }
        let old = bytes.count
        bytes.reserveCapacity(old + Self.blockSize)
        while true {
            var count = 0
            bytes.append(contentsOf: repeatElement(0, count: Self.blockSize))
            bytes.withUnsafeMutableBytes { buffer in
                count = read(fd, buffer.baseAddress! + old, Self.blockSize)
            }
            bytes.removeLast(Self.blockSize - max(count, 0))
            if count > 0 {
                if source == nil { source = Self.identity(fd) }
                return .more
            }
            if count < 0 && errno == EINTR { continue }
            return .end
        }
    }

    /// Returns `bytes[start..<end]` as text (without a trailing `\r`) and moves past it and
    /// `skipping` more bytes.
    private func take(upTo end: Int, skipping: Int) -> String {
        var last = end
        if last > start && bytes[last - 1] == UInt8(ascii: "\r") { last -= 1 }
        let line = String(decoding: bytes[start..<last], as: UTF8.self)
        start = end + skipping
        if start == bytes.count {
            bytes.removeAll(keepingCapacity: bytes.capacity <= 2 * Self.blockSize)
            start = 0
            source = nil
        }
        return line
    }

    /// Forgets read-ahead bytes that came from another file than `fd` now names.
    private func dropIfStale() {
        guard let source, start < bytes.count else { return }
        if let now = Self.identity(fd), now == source { return }
        bytes.removeAll()
        start = 0
        self.source = nil
    }

    private static func identity(_ fd: Int32) -> (dev: UInt64, ino: UInt64)? {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }
}
