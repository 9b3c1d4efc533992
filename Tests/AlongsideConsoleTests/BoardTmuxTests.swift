import Foundation
import Testing

/// Where tmux is installed, if it is.
enum TmuxPath {
    static let found: String? = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// The live board on a real terminal: tmux runs the built binary in an 80×24 window; the
/// test reads the screen with `capture-pane` and the terminal's modes with `display`.
/// Skipped only where tmux is not installed.
@Suite("Board under tmux", .serialized, .enabled(if: TmuxPath.found != nil))
struct BoardTmuxTests {
    static var tmux: String? { TmuxPath.found }

    /// One private tmux server (its own socket), killed when the test ends.
    final class Server {
        let socket = "alongside-board-\(UUID().uuidString.prefix(8))"

        /// Runs tmux and returns what it printed. posix_spawn and waitpid, not Process: a
        /// tmux server started by the command outlives it and keeps the descriptors it was
        /// given, and Process waits for every holder of its own descriptors to exit.
        @discardableResult
        func run(_ args: [String]) throws -> String {
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("tmux-\(TestNames.unique())").path
            defer { unlink(path) }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            let argv = ([BoardTmuxTests.tmux!, "-L", socket, "-f", "/dev/null"] + args).map {
                strdup($0)
            }
            defer { argv.forEach { free($0) } }
            var pid: pid_t = 0
            let rc = posix_spawn(&pid, BoardTmuxTests.tmux!, &actions, nil, argv + [nil], environ)
            try #require(rc == 0, "tmux could not be started: \(rc)")
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return String(
                decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
        }

        func screen() throws -> String { try run(["capture-pane", "-p", "-t", "board"]) }
        func styledScreen() throws -> String {
            try run(["capture-pane", "-p", "-e", "-t", "board"])
        }
        func mode(_ format: String) throws -> String {
            try run(["display-message", "-p", "-t", "board", format])
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// Polls the screen (every 50 ms, up to `seconds`) until `test` holds; returns it.
        func waitFor(_ seconds: Double, _ test: (String) -> Bool) throws -> String {
            let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
            var text = try screen()
            while !test(text) && DispatchTime.now().uptimeNanoseconds < deadline {
                usleep(50_000)
                text = try screen()
            }
            return text
        }

        deinit { _ = try? run(["kill-server"]) }
    }

    static func quote(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Starts `board` in an 80×24 tmux window over the sandbox's database.
    static func startBoard(_ s: Sandbox, colour: Bool) throws -> Server {
        let server = Server()
        let binary = try #require(AlongsideBinary.url).path
        var env = [
            "ALONGSIDE_DB=\(s.db)", "HOME=\(s.home.path)", "TERM=xterm-256color",
            "ALONGSIDE_HISTORY=\(s.home.path)/history",
        ]
        if let now = s.now { env.append("ALONGSIDE_TEST_NOW=\(Times.iso(now))") }
        if !colour { env.append("NO_COLOR=1") }
        let command =
            "env -u NO_COLOR \(env.map(quote).joined(separator: " ")) \(quote(binary)) --user \(s.user) -c board; "
            + "echo BOARD-EXIT-$?; exec sleep 30"
        try server.run([
            "new-session", "-d", "-s", "board", "-x", "80", "-y", "24", "sh", "-c", command,
        ])
        return server
    }

    @Test func theLiveBoardRedrawsOnAChangeFromAnotherConsoleAndRestoresTheTerminal() throws {
        let s = try DeskTests.desk()
        try s.setUp([
            "register --locality blackpool --needs alcohol --at -70m",
            "register --locality blackpool --needs alcohol --at -50m",
        ])
        let server = try Self.startBoard(s, colour: true)
        var screen = try server.waitFor(10) { $0.contains("P2") }
        #expect(screen.contains("! P1") && screen.contains("~ P2"), "\(screen)")
        #expect(try server.mode("#{alternate_on} #{cursor_flag}") == "1 0")
        // Colour on a terminal: the breach row is red, the amber row yellow.
        let styled = try server.styledScreen()
        #expect(styled.contains("\u{1B}[31m") && styled.contains("\u{1B}[33m"), "\(styled)")
        let lines = screen.split(separator: "\n")
        #expect(lines.count <= 24 && lines.allSatisfy { $0.unicodeScalars.count <= 80 })

        // Another console registers someone: the board shows them within 2 seconds.
        #expect(
            try s.commands(["register --locality fleetwood --needs housing --at -1m"]).status == 0)
        screen = try server.waitFor(2.5) { $0.contains("P3") }
        #expect(screen.contains("P3"), "the board did not redraw within 2 s: \(screen)")

        // A resize redraws the frame to the new width.
        try server.run(["resize-window", "-t", "board", "-x", "50", "-y", "12"])
        screen = try server.waitFor(3) { text in
            let rows = text.split(separator: "\n")
            return rows.first?.hasSuffix("…") == true
                && rows.allSatisfy { $0.unicodeScalars.count <= 50 }
        }
        #expect(screen.split(separator: "\n").first?.hasSuffix("…") == true, "\(screen)")
        #expect(screen.contains("P3"))

        // q leaves, and the terminal is as it was: normal screen, cursor shown.
        try server.run(["send-keys", "-t", "board", "q"])
        screen = try server.waitFor(5) { $0.contains("BOARD-EXIT-") }
        #expect(screen.contains("BOARD-EXIT-0"), "\(screen)")
        #expect(try server.mode("#{alternate_on} #{cursor_flag}") == "0 1")
    }

    @Test func ctrlCLeavesTheBoardAndRestoresTheTerminalAndNoColourHasMarkersOnly() throws {
        let s = try DeskTests.desk()
        try s.setUp(["register --locality blackpool --needs alcohol --at -70m"])
        let server = try Self.startBoard(s, colour: false)
        let screen = try server.waitFor(10) { $0.contains("P1") }
        #expect(screen.contains("! P1"), "\(screen)")
        let styled = try server.styledScreen()
        #expect(!styled.contains("\u{1B}[31m"), "colour with NO_COLOR: \(styled)")
        try server.run(["send-keys", "-t", "board", "C-c"])
        let after = try server.waitFor(5) { $0.contains("BOARD-EXIT-") }
        #expect(after.contains("BOARD-EXIT-0"), "\(after)")
        #expect(try server.mode("#{alternate_on} #{cursor_flag}") == "0 1")
    }
}
