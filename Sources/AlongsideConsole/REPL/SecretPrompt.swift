#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a secret, such as a PIN, without showing it.
public enum SecretPrompt {
    /// Prints `prompt` to stderr and reads a line from the terminal with echo off (termios),
    /// restoring the terminal even on Ctrl-C; returns nil on EOF.
    ///
    /// Ctrl-C abandons the entry and also returns nil. When standard input is not a terminal,
    /// the next line is read from it as it is (through the shared ``BufferedInput`` of
    /// standard input, so a ``PlainLineReader`` on the same input carries on after it).
    public static func read(prompt: String) -> String? {
        let fd = STDIN_FILENO
        var original = termios()
        guard isatty(fd) == 1, tcgetattr(fd, &original) == 0 else {
            writeAllToFD(STDERR_FILENO, prompt)
            return readRawLine(from: fd)
        }

        let latch = InterruptLatch.shared
        latch.reset()
        var previousHandler = sigaction()
        latch.install(saving: &previousHandler)
        var quiet = original
        quiet.c_lflag &= ~tcflag_t(ECHO | ECHOE | ECHOK | ECHONL)
        // Echo goes off before the prompt is shown, so nothing typed after it is echoed or
        // lost.
        _ = tcsetattr(fd, TCSADRAIN, &quiet)
        writeAllToFD(STDERR_FILENO, prompt)

        let secret = readUntilNewline(fd: fd, latch: latch)

        _ = tcsetattr(fd, TCSAFLUSH, &original)
        latch.restore(previousHandler)
        // The Return key was not echoed either.
        writeAllToFD(STDERR_FILENO, "\n")
        return secret
    }

    /// Reads up to a newline, waiting on the terminal and the Ctrl-C latch together. Nil on
    /// end of input with nothing typed, on an error, or on Ctrl-C.
    private static func readUntilNewline(fd: Int32, latch: InterruptLatch) -> String? {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            var fds = [
                pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                pollfd(fd: latch.readEnd, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, nfds_t(fds.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if fds[1].revents != 0 && latch.take() {
                return nil
            }
            guard fds[0].revents != 0 else { continue }
            let count = readByte(fd, &byte)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 {
                return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\n") { break }
            bytes.append(byte)
        }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// `read(2)` of one byte, outside `SecretPrompt`, whose own `read` would shadow it.
private func readByte(_ fd: Int32, _ byte: inout UInt8) -> Int {
    read(fd, &byte, 1)
}
