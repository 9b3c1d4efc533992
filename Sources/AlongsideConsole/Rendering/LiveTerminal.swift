import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Signals the live board has received (set by the C signal handlers, read by its loop).
nonisolated(unsafe) private var liveSignalResize: sig_atomic_t = 0
nonisolated(unsafe) private var liveSignalStop: sig_atomic_t = 0

/// A full-screen terminal session for the live board: the alternate screen, a hidden
/// cursor, keys read one at a time without echo, and SIGWINCH, SIGINT, SIGTERM and SIGHUP
/// caught. ``restore()`` puts everything back; it runs on every exit path (it is called by
/// the board's `defer`, and is safe to call twice).
final class LiveTerminal {
    private var original = termios()
    private var active = false
    private var oldHandlers: [Int32: sigaction] = [:]

    /// Whether both standard input and standard output are terminals.
    static var available: Bool { isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 }

    /// Takes over the terminal.
    func start() throws {
        guard tcgetattr(STDIN_FILENO, &original) == 0 else {
            throw CommandError("board: cannot read the terminal's settings")
        }
        var raw = original
        // No line editing, no echo, no signals from keys (Ctrl-C arrives as a byte and
        // is read as "leave"), reads return at once.
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0 else {
            throw CommandError("board: cannot set up the terminal")
        }
        active = true
        liveSignalResize = 0
        liveSignalStop = 0
        install(SIGWINCH) { _ in liveSignalResize = 1 }
        for s in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] { install(s) { _ in liveSignalStop = 1 } }
        write("\u{1B}[?1049h\u{1B}[?25l\u{1B}[2J\u{1B}[H")
    }

    private func install(_ signal: Int32, _ handler: @convention(c) (Int32) -> Void) {
        var action = sigaction()
        #if canImport(Glibc)
            action.__sigaction_handler.sa_handler = handler
        #else
            action.__sigaction_u.__sa_handler = handler
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        var old = sigaction()
        sigaction(signal, &action, &old)
        oldHandlers[signal] = old
    }

    /// Gives the terminal back as it was: normal screen, cursor shown, settings and signal
    /// handlers restored.
    func restore() {
        guard active else { return }
        active = false
        write("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l")
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &original)
        for (signal, old) in oldHandlers {
            var old = old
            sigaction(signal, &old, nil)
        }
        oldHandlers.removeAll()
    }

    deinit { restore() }

    /// The screen size (columns, rows); 80 × 24 when it cannot be read.
    static func size() -> (width: Int, height: Int) {
        var ws = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0, ws.ws_row > 0 {
            return (Int(ws.ws_col), Int(ws.ws_row))
        }
        return (80, 24)
    }

    /// Whether the screen was resized since the last call.
    func takeResize() -> Bool {
        defer { liveSignalResize = 0 }
        return liveSignalResize != 0
    }

    /// Whether a signal asked the board to stop.
    var stopRequested: Bool { liveSignalStop != 0 }

    /// Waits up to `milliseconds` for a key; returns the bytes read (empty on timeout or
    /// when a signal interrupted the wait).
    func readKeys(timeout milliseconds: Int32) -> [UInt8] {
        var fds = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&fds, 1, milliseconds) > 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = read(STDIN_FILENO, &buffer, buffer.count)
        if n == 0 { return [4] }  // end of input: leave as Ctrl-D would
        return n > 0 ? Array(buffer.prefix(n)) : []
    }

    /// Draws a frame: each line written over the old one, the rest of the screen cleared.
    func draw(_ lines: [String], clear: Bool) {
        var text = clear ? "\u{1B}[2J" : ""
        text += "\u{1B}[H"
        text += lines.map { $0 + "\u{1B}[K" }.joined(separator: "\r\n")
        text += "\u{1B}[J"
        write(text)
    }

    func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
