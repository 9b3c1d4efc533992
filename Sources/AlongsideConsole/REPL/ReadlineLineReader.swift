@preconcurrency import CReadline

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Supplies completions: given the whole line buffer so far and the word being completed (text
/// before the cursor split at spaces), returns candidates.
///
/// `lineBeforeWord` is the text from the start of the line up to the word, so for
/// `--needs alcohol,dr` it is `--needs alcohol,` and `word` is `dr` (spaces, tabs, `,` and `=`
/// separate words). Candidates that do not start with `word` are dropped.
public typealias CompletionProvider = @Sendable (_ lineBeforeWord: String, _ word: String)
    -> [String]

/// Reads lines from a person at a terminal with GNU readline: line editing, tab completion,
/// history (recalled with the arrow keys and kept in a private file) and Ctrl-C abandoning the
/// line being typed.
///
/// Readline is one global state machine and its callbacks are C function pointers, so use one
/// `ReadlineLineReader` at a time, from one thread. Use it only when standard input is a
/// terminal (`isatty`); on a pipe use ``PlainLineReader``.
///
/// Ctrl-C is caught only while ``readLine(prompt:)`` is waiting for input; the previous SIGINT
/// disposition is restored before it returns.
public final class ReadlineLineReader: LineReader {
    private let history: HistoryPolicy?
    private var historyWritable = false

    /// Lines for which this returns true are kept out of the history, like lines containing
    /// `--nhs` (see ``HistoryPolicy/mayStore(_:)``). Use it for lines the caller knows are
    /// sensitive.
    public var isSensitive: (@Sendable (_ line: String) -> Bool)?

    /// Decides, from the text before the word being completed, whether a completed word is
    /// followed by a space (nil: always). Return false where a comma list continues.
    public var appendsSpace: (@Sendable (_ lineBeforeWord: String) -> Bool)? {
        get { ReadlineGlue.appendSpace }
        set { ReadlineGlue.appendSpace = newValue }
    }

    /// Sets readline up for the console.
    ///
    /// - Parameters:
    ///   - history: where to keep history, or nil to keep it in memory only for this session.
    ///     The file is created with mode 0600 (an existing file is set to 0600), loaded now, and
    ///     appended to after each accepted line, so a killed process keeps earlier lines. It is
    ///     only touched when standard input is a terminal.
    ///   - completion: supplies tab completions, or nil for none. File names are never offered.
    public init(history: HistoryPolicy?, completion: CompletionProvider?) {
        self.history = history
        ReadlineGlue.configure(completion: completion)
        using_history()
        guard let history, isatty(STDIN_FILENO) == 1 else { return }
        if history.maxLines > 0 {
            stifle_history(Int32(clamping: history.maxLines))
        }
        guard history.ensureFile() else {
            let reason = String(cString: strerror(errno))
            fputs("alongside: not keeping history in \(history.path): \(reason)\n", stderr)
            return
        }
        _ = read_history(history.path)
        historyWritable = true
    }

    /// Always true.
    public var isInteractive: Bool { true }

    /// Seconds without a key after which ``readLine(prompt:)`` abandons the line and returns
    /// ``LineReadResult/idle`` (nil: wait for ever). The shared-PC lock of spec §8.
    public var idleTimeout: Double? {
        get { ReadlineGlue.idleTimeout }
        set { ReadlineGlue.idleTimeout = newValue }
    }

    /// Shows `prompt` and reads one edited line.
    ///
    /// Returns ``LineReadResult/interrupted`` when Ctrl-C abandons the line (a fresh line is
    /// started on the screen), and ``LineReadResult/endOfInput`` on Ctrl-D at an empty line
    /// (after moving to a new line). Accepted lines go to the history unless they may not be
    /// stored.
    public func readLine(prompt: String) -> LineReadResult {
        InterruptLatch.shared.reset()
        ReadlineGlue.lineAbandoned = false
        ReadlineGlue.abandonedFromSubcommand = false
        ReadlineGlue.wentIdle = false
        ReadlineGlue.lastKey = monotonicSeconds()
        var previous = sigaction()
        InterruptLatch.shared.install(saving: &previous)
        let raw = readline(prompt)
        InterruptLatch.shared.restore(previous)

        if ReadlineGlue.wentIdle {
            if ReadlineGlue.abandonedFromSubcommand && raw != nil { printNewline() }
            free(raw)
            return .idle
        }
        if ReadlineGlue.lineAbandoned {
            // At the top level readline ended the line itself (accept-line prints the newline);
            // from inside a search or a sub-prompt it gave up on an error and printed none.
            if ReadlineGlue.abandonedFromSubcommand && raw != nil {
                printNewline()
            }
            free(raw)
            return .interrupted
        }
        guard let raw else {
            // Readline 8.1+ ends the line itself at end of input when bracketed paste is on.
            if !ReadlineGlue.bracketedPasteEnabled {
                printNewline()
            }
            return .endOfInput
        }
        let line = String(cString: raw)
        free(raw)
        remember(line)
        return .line(line)
    }

    private func printNewline() {
        fputs("\n", rl_outstream ?? stdout)
        fflush(rl_outstream ?? stdout)
    }

    private func remember(_ line: String) {
        guard HistoryPolicy.mayStore(line), !(isSensitive?(line) ?? false) else { return }
        if let last = history_get(history_base + history_length - 1)?.pointee.line,
            String(cString: last) == line
        {
            return
        }
        add_history(line)
        guard historyWritable, let history else { return }
        _ = append_history(1, history.path)
        if history.maxLines > 0 {
            _ = history_truncate_file(history.path, Int32(clamping: history.maxLines))
        }
        _ = chmod(history.path, mode_t(0o600))
    }
}

/// Readline's callbacks and the state they share. Readline is single-threaded: everything here
/// is touched only from the thread inside `readline()`.
private enum ReadlineGlue {
    nonisolated(unsafe) static var provider: CompletionProvider?
    nonisolated(unsafe) static var candidates: [String] = []
    /// Whether a completed word gets a space after it (false inside comma lists).
    nonisolated(unsafe) static var appendSpace: (@Sendable (String) -> Bool)?
    nonisolated(unsafe) static var nextCandidate = 0
    /// Set by the signal event hook when Ctrl-C abandoned the line.
    nonisolated(unsafe) static var lineAbandoned = false
    /// Set with `lineAbandoned` when Ctrl-C came while readline was not reading a command
    /// key (in an incremental search, say), so it was made to stop with `READERR`.
    nonisolated(unsafe) static var abandonedFromSubcommand = false
    nonisolated(unsafe) static var configured = false
    /// Seconds without a key before the line is abandoned as idle (nil: never).
    nonisolated(unsafe) static var idleTimeout: Double?
    /// When the last key came (monotonic seconds).
    nonisolated(unsafe) static var lastKey: Double = 0
    /// Set when the idle time ran out while reading.
    nonisolated(unsafe) static var wentIdle = false

    /// Whether readline will put the terminal in bracketed-paste mode (and so, on leaving it
    /// at end of input, print a newline of its own).
    static var bracketedPasteEnabled: Bool {
        guard let value = rl_variable_value("enable-bracketed-paste") else { return false }
        return String(cString: value) == "on"
    }

    static func configure(completion: CompletionProvider?) {
        provider = completion
        guard !configured else { return }
        configured = true
        rl_readline_name = UnsafePointer(strdup("alongside"))
        let breaks = UnsafePointer(strdup(" \t\n,="))
        rl_basic_word_break_characters = breaks
        rl_completer_word_break_characters = breaks
        rl_attempted_completion_function = attemptCompletion
        rl_getc_function = interruptibleGetc
        rl_signal_event_hook = abandonLineOnInterrupt
        rl_pre_input_hook = reinstallInterruptHandler
    }
}

/// Completion entry point: offers the provider's candidates, never file names.
private func attemptCompletion(
    _ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32
) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    rl_attempted_completion_over = 1
    guard let text, let provider = ReadlineGlue.provider else { return nil }
    let word = String(cString: text)
    var lineBeforeWord = ""
    if let buffer = rl_line_buffer, start > 0 {
        let bytes = UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self)
        lineBeforeWord = String(
            decoding: UnsafeBufferPointer(start: bytes, count: Int(start)), as: UTF8.self)
    }
    var seen = Set<String>()
    ReadlineGlue.candidates = provider(lineBeforeWord, word).filter {
        $0.hasPrefix(word) && seen.insert($0).inserted
    }
    ReadlineGlue.nextCandidate = 0
    let space = ReadlineGlue.appendSpace?(lineBeforeWord) ?? true
    rl_completion_append_character = space ? 32 : 0
    return rl_completion_matches(text, nextCompletion)
}

/// Completion generator: returns the candidates one by one (as `malloc`ed copies, which
/// readline frees), then NULL.
private func nextCompletion(_ text: UnsafePointer<CChar>?, _ state: Int32)
    -> UnsafeMutablePointer<CChar>?
{
    if state == 0 { ReadlineGlue.nextCandidate = 0 }
    guard ReadlineGlue.nextCandidate < ReadlineGlue.candidates.count else { return nil }
    defer { ReadlineGlue.nextCandidate += 1 }
    return strdup(ReadlineGlue.candidates[ReadlineGlue.nextCandidate])
}

/// Readline's key source. Waits for either a key or Ctrl-C; a key is then read by readline's
/// own `rl_getc`, while Ctrl-C runs the signal event hook, which abandons the line, and then
/// makes readline return at once: with a newline (accept-line on the emptied line) when it is
/// reading a command key, else with `READERR`, which ends searches and sub-prompts too.
private func interruptibleGetc(_ stream: UnsafeMutablePointer<FILE>?) -> Int32 {
    let fd = stream.map { fileno($0) } ?? STDIN_FILENO
    while true {
        var fds = [
            pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
            pollfd(fd: InterruptLatch.shared.readEnd, events: Int16(POLLIN), revents: 0),
        ]
        var wait: Int32 = -1
        if let idle = ReadlineGlue.idleTimeout {
            let left = ReadlineGlue.lastKey + idle - monotonicSeconds()
            wait = Int32(max(0, min(left * 1000, 60_000)).rounded(.up))
        }
        let ready = poll(&fds, nfds_t(fds.count), wait)
        if ready == 0 {
            guard let idle = ReadlineGlue.idleTimeout,
                monotonicSeconds() >= ReadlineGlue.lastKey + idle
            else { continue }
            // Idle: abandon the line (nothing typed reaches the history) and return.
            rl_replace_line("", 1)
            rl_done = 1
            ReadlineGlue.wentIdle = true
            if rl_readline_state & UInt(RL_STATE_READCMD) != 0 {
                return Int32(UInt8(ascii: "\n"))
            }
            ReadlineGlue.abandonedFromSubcommand = true
            return READERR
        }
        if ready < 0 {
            guard errno == EINTR else { return READERR }
            // Another signal (a window resize, say): let readline handle it.
            rl_check_signals()
            continue
        }
        if fds[1].revents != 0 {
            _ = rl_signal_event_hook?()
            guard ReadlineGlue.lineAbandoned else { continue }
            if rl_readline_state & UInt(RL_STATE_READCMD) != 0 {
                return Int32(UInt8(ascii: "\n"))
            }
            ReadlineGlue.abandonedFromSubcommand = true
            return READERR
        }
        if fds[0].revents != 0 {
            ReadlineGlue.lastKey = monotonicSeconds()
            return rl_getc(stream)
        }
    }
}

/// `rl_signal_event_hook`: after Ctrl-C, shows `^C` at the end of the line (where the
/// terminal echoes control characters), empties the line buffer and tells readline it is done;
/// the newline follows as readline finishes the line.
private func abandonLineOnInterrupt() -> Int32 {
    guard InterruptLatch.shared.take() else { return 0 }
    rl_point = rl_end
    rl_redisplay()
    rl_echo_signal_char(SIGINT)
    rl_replace_line("", 1)
    rl_done = 1
    ReadlineGlue.lineAbandoned = true
    return 0
}

/// `rl_pre_input_hook`: readline installs its own SIGINT handler when `readline()` starts;
/// put ours back so that Ctrl-C reaches the hook above rather than readline's handler.
private func reinstallInterruptHandler() -> Int32 {
    var ignored = sigaction()
    InterruptLatch.shared.install(saving: &ignored)
    return 0
}

/// Turns SIGINT into a byte on a pipe (the self-pipe trick), so a reader can wait for "a key
/// or Ctrl-C" with `poll` and no race. The handler is installed with `sigaction` and without
/// `SA_RESTART`, so blocking reads are interrupted too.
final class InterruptLatch: @unchecked Sendable {
    /// The one latch; its pipe is made before any handler is installed.
    static let shared = InterruptLatch()

    /// The pipe end to poll; readable when Ctrl-C was pressed since the last ``take()``.
    let readEnd: Int32

    private init() {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends {
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
                _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            }
        } else {
            ends = [-1, -1]
        }
        readEnd = ends[0]
        interruptLatchWriteEnd = ends[1]
    }

    /// Installs the SIGINT handler, storing the previous disposition in `previous`.
    func install(saving previous: inout sigaction) {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = latchInterrupt
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, &previous)
    }

    /// Puts back the SIGINT disposition saved by ``install(saving:)``.
    func restore(_ previous: sigaction) {
        var previous = previous
        sigaction(SIGINT, &previous, nil)
    }

    /// Whether Ctrl-C was pressed since the last call; forgets it.
    func take() -> Bool {
        var pressed = false
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readEnd, &buffer, buffer.count) > 0 {
            pressed = true
        }
        return pressed
    }

    /// Forgets any Ctrl-C pressed earlier.
    func reset() {
        _ = take()
    }
}

/// The pipe's write end, in a plain global so the signal handler touches nothing else.
nonisolated(unsafe) private var interruptLatchWriteEnd: Int32 = -1

/// The SIGINT handler: async-signal-safe, it only writes one byte to the latch's pipe.
private func latchInterrupt(_ signal: Int32) {
    let savedErrno = errno
    var byte: UInt8 = 1
    _ = write(interruptLatchWriteEnd, &byte, 1)
    errno = savedErrno
}

/// Seconds on the monotonic clock (not the wall clock, which may jump).
private func monotonicSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}
