import AlongsideCore
import AlongsideStore
import ArgumentParser
import Foundation

/// `board`: the live desk view.
struct Board: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "board",
        abstract: "A live full-screen view of everyone not yet seen; q or Ctrl-C leaves.",
        discussion: """
            One row per person not yet seen: marker, id, age band and gender, locality, \
            needs, status, wait, minutes since assignment, mentor, flags (lead asked, mentor \
            gender, language) and the best available mentor. Breaches (marked !) first, then \
            those waiting pre_breach_minutes or more (amber, marked ~), then longest wait. \
            The board redraws within 2 seconds of a change made by any console on the same \
            database, at least every 30 seconds, and when the window is resized; 'q' or \
            Ctrl-C leaves and the terminal is restored. Colour only on a terminal and never \
            with NO_COLOR; the markers say the same without it.

            --once (or a board whose output is not a terminal) prints one frame as plain \
            text and exits, for scripts.

            The board is this console's site's (spec §9); --site NAME shows another site's \
            and --site all every site's (with a site column). The title names the site when \
            the trust has more than one.

            Examples:
              board
              board --once
              board --site all
            """)
    static let requiredRole = Role.liaison

    @Flag(help: "Print one frame as plain text and exit.")
    var once = false
    @OptionGroup var sites: SiteOption

    /// How often the database is asked whether anything changed (milliseconds).
    static let pollMilliseconds: Int32 = 1000
    /// The longest time between full redraws (seconds).
    static let fullRedrawSeconds: Double = 30

    func frame(
        _ session: Session, coverage: SiteCoverage, width: Int, height: Int, style: Style,
        footer: String
    ) throws -> [String] {
        let now = session.now
        let rows = try session.read { tx in
            try QueueRow.load(session, tx, at: now, scope: coverage.scope)
        }
        return BoardFrame.lines(
            rows: rows, session: session, coverage: coverage, at: now, width: width,
            height: height, footer: footer, style: style)
    }

    func execute(_ session: Session) throws -> String {
        let coverage = try session.read { tx in try sites.resolve(session, tx) }
        func frame(width: Int, height: Int, style: Style, footer: String) throws -> [String] {
            try self.frame(
                session, coverage: coverage, width: width, height: height, style: style,
                footer: footer)
        }
        guard !once, LiveTerminal.available else {
            let size = LiveTerminal.available ? LiveTerminal.size() : (width: 80, height: 24)
            return try frame(
                width: size.width, height: size.height, style: Style(enabled: false),
                footer: "one frame; 'board' on a terminal keeps it live"
            ).joined(separator: "\n")
        }
        let terminal = LiveTerminal()
        try terminal.start()
        defer { terminal.restore() }
        let footer = "q or Ctrl-C leaves · redraws on any change"
        var lastCounter = try session.store.changeCounter()
        var lastDraw = DispatchTime.now()
        var size = LiveTerminal.size()
        terminal.draw(
            try frame(
                width: size.width, height: size.height, style: session.style, footer: footer),
            clear: true)
        while true {
            let keys = terminal.readKeys(timeout: Self.pollMilliseconds)
            if terminal.stopRequested
                || keys.contains(where: { $0 == 0x71 || $0 == 0x51 || $0 == 3 || $0 == 4 })
            {
                break
            }
            let resized = terminal.takeResize()
            if resized { size = LiveTerminal.size() }
            let counter = try session.store.changeCounter()
            let elapsed =
                Double(DispatchTime.now().uptimeNanoseconds - lastDraw.uptimeNanoseconds) / 1e9
            if resized || counter != lastCounter || elapsed >= Self.fullRedrawSeconds
                || keys.contains(0x0C)  // Ctrl-L
            {
                lastCounter = counter
                lastDraw = DispatchTime.now()
                terminal.draw(
                    try frame(
                        width: size.width, height: size.height, style: session.style,
                        footer: footer),
                    clear: resized || keys.contains(0x0C))
            }
        }
        return ""
    }
}
