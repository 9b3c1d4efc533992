import AlongsideCore
import AlongsideStore
import Foundation

/// A failed command: the message says what was wrong and how to fix it.
public struct CommandError: Error, CustomStringConvertible {
    /// The message, without the `error: ` prefix.
    public var message: String

    /// Makes an error.
    public init(_ message: String) { self.message = message }

    /// An error about one option or argument: `--needs: unknown tag 'x'`.
    static func field(_ name: String, _ message: String) -> CommandError {
        CommandError("\(name): \(message)")
    }

    /// The message.
    public var description: String { message }
}

/// Everything a command needs: the store, the site's settings and catalogues, the clock,
/// who is acting, and how to print.
public final class Session {
    /// The database.
    public let store: any AlongsideStore
    /// The site's settings (`config set` changes them for the rest of the session).
    public internal(set) var config: SiteConfig
    /// The site's calendar (time zone).
    public internal(set) var calendar: SiteCalendar
    /// Known tags.
    public let tags: TagCatalog
    /// Known localities.
    public let localities: LocalityCatalog
    /// The clock, injected so tests can fix the time.
    public let clock: @Sendable () -> Date
    /// The acting user.
    public let user: String
    /// The format used when a command is given none.
    public var defaultFormat: OutputFormat
    /// Terminal styling.
    public let style: Style
    /// Where the database lives (for messages).
    public let databasePath: String
    /// Set by `quit`.
    public var wantsToQuit = false
    /// Whether the acting user's PIN has been checked in this session.
    var authenticated = false
    /// Why proving the acting user failed in a script, so later lines fail the same way
    /// without counting the same wrong PIN again.
    var identityFailure: (any Error)?
    /// Whether a person is at a terminal (PINs are asked there, else read from the
    /// environment).
    public var interactive = false
    /// The process environment (for `ALONGSIDE_PIN`).
    public var environment: [String: String] = [:]
    /// Notes to print on standard error after the command (warnings).
    var warnings: [String] = []
    /// The site named by `alongside --site NAME`, if any.
    public var siteOption: String?
    /// The emergency department this console serves: `--site`, else the `site` setting.
    public var site: String { siteOption ?? config.site }
    /// The opener of stores, for a command that reads another database (`site import`).
    public var stores: (any StoreOpening)?
    /// Week figures computed by the command being run, kept when it is over.
    let weekFigures = PendingWeekFigures()

    /// Makes a session.
    public init(
        store: any AlongsideStore, config: SiteConfig, calendar: SiteCalendar, tags: TagCatalog,
        localities: LocalityCatalog, clock: @escaping @Sendable () -> Date, user: String,
        defaultFormat: OutputFormat = .table, style: Style = Style(enabled: false),
        databasePath: String = ""
    ) {
        self.store = store
        self.config = config
        self.calendar = calendar
        self.tags = tags
        self.localities = localities
        self.clock = clock
        self.user = user
        self.defaultFormat = defaultFormat
        self.style = style
        self.databasePath = databasePath
    }

    /// The current time, to the second.
    public var now: Date { Date(timeIntervalSince1970: clock().timeIntervalSince1970.rounded(.down)) }

    /// The matcher with the site's weights.
    var matcher: Matcher {
        Matcher(
            weights: config.weights, localities: localities, calendar: calendar,
            requireSignIn: config.requireSignIn)
    }

    /// Runs `body` in one write transaction as the acting user.
    func write<T>(_ command: String, _ body: (any StoreWriting) throws -> T) throws -> T {
        // A lock wait is a wait, not an error (spec §9): at a terminal, a change that has
        // not finished after two seconds says so once, on standard error.
        let notice = DispatchWorkItem {
            Output.err("(waiting for another desk's change to finish…)\n")
        }
        if interactive {
            DispatchQueue.global().asyncAfter(deadline: .now() + 2, execute: notice)
        }
        defer { notice.cancel() }
        return try store.write(ActingContext(actor: user, command: command, at: now), body)
    }

    /// Runs `body` in one read transaction.
    func read<T>(_ body: (any StoreReading) throws -> T) throws -> T {
        try store.read(body)
    }

    /// Parses a time argument of spec §1, naming the option in the error.
    /// With `planning`, a bare clock time means today's (see `SiteCalendar.parseTime`).
    func time(_ text: String, option: String, planning: Bool = false) throws -> Date {
        var text = text
        if text.first == Console.relativeMinus { text = "-" + text.dropFirst() }
        do { return try calendar.parseTime(text, now: now, clockToday: planning) } catch {
            throw CommandError.field(option, error.description)
        }
    }

    /// When an event happened: `--at` as typed, else now; never in the future (spec §2).
    func eventTime(_ text: String?, option: String = "--at") throws -> Date {
        let when = try text.map { try time($0, option: option) } ?? now
        if when > now { throw CommandError.field(option, "is in the future") }
        return when
    }

    /// Parses a `YYYY-MM-DD` date, naming the option in the error.
    func date(_ text: String, option: String) throws -> LocalDate {
        do { return try calendar.parseDate(text) } catch {
            throw CommandError.field(option, error.description)
        }
    }

    /// Validates a list of tags, naming the option and the nearest known tag.
    func tagList(_ text: String, option: String, allowEmpty: Bool = false) throws -> [String] {
        let items = CSV.splitList(text.replacingOccurrences(of: ",", with: ";"))
            .map { $0.lowercased() }
        if items.isEmpty && !allowEmpty {
            throw CommandError.field(option, "give at least one tag, e.g. alcohol,housing")
        }
        var result: [String] = []
        var unknown: [String] = []
        for item in items {
            guard tags.tag(item) != nil else {
                unknown.append(
                    "\(option): unknown tag '\(item)'" + Suggestion.didYouMean(item, in: tags.ids)
                        + (Suggestion.nearest(item, in: tags.ids) == nil
                            ? " (see 'help tags' for the list)" : ""))
                continue
            }
            if !result.contains(item) { result.append(item) }
        }
        // Every unknown tag is named, not only the first (spec §4).
        if !unknown.isEmpty { throw CommandError(unknown.joined(separator: "; ")) }
        return result
    }

    /// Validates one locality id.
    func locality(_ text: String, option: String) throws -> String {
        let id = text.lowercased()
        guard localities.locality(id) != nil else {
            throw CommandError.field(
                option,
                "unknown locality '\(text)'" + Suggestion.didYouMean(id, in: localities.ids)
                    + (Suggestion.nearest(id, in: localities.ids) == nil
                        ? " (see 'help localities' for the list)" : ""))
        }
        return id
    }

    /// Validates a list of localities.
    func localityList(_ text: String, option: String) throws -> [String] {
        var result: [String] = []
        for item in CSV.splitList(text.replacingOccurrences(of: ",", with: ";")) {
            let id = try locality(item, option: option)
            if !result.contains(id) { result.append(id) }
        }
        return result
    }

    /// The format for this command: its own `--format`, else the session's.
    func format(_ option: String?, allowed: [OutputFormat] = [.table, .csv, .json])
        throws -> OutputFormat
    {
        if let option { return try OutputFormat.parse(option, allowed: allowed) }
        return allowed.contains(defaultFormat) ? defaultFormat : .table
    }

    /// Loads a presentation or fails with a helpful message.
    func presentation(_ text: String, in tx: any StoreReading) throws -> Presentation {
        guard let number = PresentationID.parse(text) else {
            // Not echoed: what was typed may be a ref or an NHS number in the wrong place.
            throw CommandError("that is not a presentation id (they look like P12); see 'queue' or 'find'")
        }
        guard let p = try tx.presentation(number) else {
            throw CommandError("no presentation \(PresentationID.format(number)); see 'queue'")
        }
        return p
    }

    /// Loads a mentor or fails with a helpful message.
    func mentor(_ id: String, in tx: any StoreReading) throws -> Mentor {
        if let m = try tx.mentor(id) { return m }
        let ids = try tx.mentors().map(\.id)
        throw CommandError(
            // Not echoed (it may be a person's ref typed in the wrong place); a near mentor id
            // is suggested.
            "no mentor with that id" + Suggestion.didYouMean(id, in: ids) + "; see 'mentors'")
    }

    /// The request the matcher needs for a presentation.
    func matchRequest(_ p: Presentation, in tx: any StoreReading) throws -> MatchRequest {
        MatchRequest(
            presentation: p, declinedBy: Set(try tx.declines(of: p.number).map(\.mentorID)),
            previousMentors: try tx.previousMentors(nhs: p.nhs, ref: p.ref, excluding: p.number))
    }
}
