import Foundation
import Testing

/// A program running in a real terminal: a tmux session on a private server, typed at with
/// `send-keys` and read with `capture-pane`, as a person at the desk would use the console.
final class TmuxTerminal {
    /// Whether tmux is installed (CI installs it).
    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") }

    private let socket = "alongside-test-\(UUID().uuidString.prefix(8))"
    private let target = "t"

    /// Starts `command` with `environment` in a `width`×`height` terminal.
    init(_ command: [String], environment: [String: String], width: Int = 80, height: Int = 24) throws {
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quote($0.value))" }
        let line = (["env"] + assignments + command.map(Self.quote)).joined(separator: " ")
        // The server this starts outlives the call, so it must not inherit any descriptor of
        // this process (another test's pipe would then never reach its end): Python's
        // subprocess starts it with every descriptor above 2 closed.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [
            "python3", "-c", "import subprocess,sys; sys.exit(subprocess.call(sys.argv[1:], close_fds=True))",
            "/usr/bin/tmux", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", target,
            "-x", "\(width)", "-y", "\(height)", line,
        ]
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
    }

    deinit { _ = try? tmux(["kill-server"], capture: false) }

    /// Types `keys` (tmux key names such as `Enter`, `C-c`, or literal text with `literal`).
    func send(_ keys: String, literal: Bool = false) throws {
        try tmux(["send-keys", "-t", target] + (literal ? ["-l", keys] : [keys]))
    }

    /// Types a line of text and Enter.
    func type(_ text: String) throws {
        try send(text, literal: true)
        try send("Enter")
    }

    /// What the terminal shows now.
    func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", target]) }

    /// Waits (at most `seconds`) until the screen holds `text`; returns the last screen.
    @discardableResult
    func waitFor(_ text: String, seconds: Double = 10) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        repeat {
            last = try screen()
            if last.contains(text) { return last }
            usleep(50_000)
        } while Date() < deadline
        Issue.record("the terminal never showed '\(text)'; it shows:\n\(last)")
        return last
    }

    @discardableResult
    private func tmux(_ arguments: [String], capture: Bool = true) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/tmux")
        p.arguments = ["-L", socket, "-f", "/dev/null"] + arguments
        p.standardInput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard capture else {
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            return ""
        }
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    private static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
