import Foundation

/// Whether a mentor can be offered at all.
public enum MentorStatus: String, Sendable, CaseIterable, Codable {
    /// On the roster and offered when the other rules allow.
    case active
    /// Temporarily off the roster (illness, a break); never offered.
    case paused
    /// Left the scheme; never offered, kept for history.
    case retired
}

/// A peer mentor on the roster.
public struct Mentor: Sendable, Equatable, Hashable {
    /// The coordinator's id for the mentor (letters, digits, `-`, at most 32).
    public var id: String
    /// The mentor's name as the desk knows them.
    public var name: String
    /// Free-text gender (`female`, `male`, `non-binary` are the usual values); compared
    /// without regard to case.
    public var gender: String?
    /// Languages the mentor speaks (lower-case names or codes, as the site uses them).
    public var languages: [String]
    /// Locality ids the mentor serves.
    public var localities: [String]
    /// Lived-experience tags.
    public var experience: [String]
    /// How many open presentations the mentor can hold at once.
    public var capacity: Int
    /// The date a DBS recheck is due; the mentor stays clear up to and including it.
    public var dbsRecheckDue: LocalDate?
    /// Whether the mentor is a lead peer mentor.
    public var lead: Bool
    /// Active, paused or retired.
    public var status: MentorStatus
    /// A phone number the desk can call (digits, spaces, `+`, `-`, parentheses).
    public var phone: String?

    /// Makes a mentor record.
    public init(
        id: String, name: String, gender: String? = nil, languages: [String] = [],
        localities: [String] = [], experience: [String] = [], capacity: Int = 1,
        dbsRecheckDue: LocalDate? = nil, lead: Bool = false, status: MentorStatus = .active,
        phone: String? = nil
    ) {
        self.id = id
        self.name = name
        self.gender = gender
        self.languages = languages
        self.localities = localities
        self.experience = experience
        self.capacity = capacity
        self.dbsRecheckDue = dbsRecheckDue
        self.lead = lead
        self.status = status
        self.phone = phone
    }

    /// Why `text` is not a phone number (digits, spaces, `+`, `-`, parentheses, with 6 to
    /// 15 digits), or nil when it is one.
    public static func phoneProblem(_ text: String) -> String? {
        let allowed = text.unicodeScalars.allSatisfy {
            ($0 >= "0" && $0 <= "9") || " +-()".unicodeScalars.contains($0)
        }
        if !allowed {
            return "'\(text.prefix(40))' is not a phone number: "
                + "use digits, spaces, +, - and parentheses"
        }
        let digits = text.unicodeScalars.filter { $0 >= "0" && $0 <= "9" }.count
        if digits < 6 || digits > 15 {
            return "'\(text)' has \(digits) digits; a phone number has 6 to 15"
        }
        let pluses = text.filter { $0 == "+" }.count
        if pluses > 1 || (pluses == 1 && !text.hasPrefix("+")) {
            return "'\(text)': '+' may only start the number"
        }
        return nil
    }

    /// Whether the DBS recheck is overdue on `date` (site-local date).
    public func dbsOverdue(on date: LocalDate) -> Bool {
        guard let due = dbsRecheckDue else { return false }
        return date > due
    }
}

/// A half-open interval of time `[start, end)`, used for shifts and leave.
public struct TimeSpan: Sendable, Equatable, Hashable {
    /// First instant inside the span.
    public var start: Date
    /// First instant after the span.
    public var end: Date

    /// Makes a span; `end` should not be before `start`.
    public init(start: Date, end: Date) {
        self.start = start
        self.end = end
    }

    /// Whether `instant` lies in `[start, end)`.
    public func contains(_ instant: Date) -> Bool { start <= instant && instant < end }

    /// Whether the two spans share any instant.
    public func overlaps(_ other: TimeSpan) -> Bool { start < other.end && other.start < end }

    /// Length in seconds.
    public var seconds: Int { Int(end.timeIntervalSince(start)) }
}

/// A mentor's time on duty at the site.
public struct Shift: Sendable, Equatable, Hashable {
    /// Storage id (0 before it is stored).
    public var id: Int64
    /// The mentor on duty.
    public var mentorID: String
    /// When the mentor is on duty.
    public var span: TimeSpan

    /// Makes a shift.
    public init(id: Int64 = 0, mentorID: String, span: TimeSpan) {
        self.id = id
        self.mentorID = mentorID
        self.span = span
    }
}

extension Shift {
    /// The one limit on a shift's length: 24 hours on the site's clock, so a shift may run
    /// from one midnight to the next (`00:00-24:00`) on any day, clock changes included.
    public static let longestClockSeconds = 24 * 3600
    /// The most real seconds a shift within that limit can last: 25 hours, when the clocks go
    /// back during it. The store's "on shift at t" query looks back this far, and no further.
    public static let longestRealSeconds = longestClockSeconds + 3600

    /// Why `span` cannot be a shift (no longer than `longestClockSeconds` on the site's
    /// clock), or nil when it can. Every way a shift is made calls this.
    public static func lengthProblem(_ span: TimeSpan, calendar: SiteCalendar) -> String? {
        let clock =
            calendar.localDateTime(span.end).secondsSinceEpoch
            - calendar.localDateTime(span.start).secondsSinceEpoch
        guard clock <= longestClockSeconds, span.seconds <= longestRealSeconds else {
            return "makes a shift longer than 24 hours; split it"
        }
        return nil
    }
}

/// A dated interval in which a mentor is not available whatever the shifts say.
public struct Leave: Sendable, Equatable, Hashable {
    /// Storage id (0 before it is stored).
    public var id: Int64
    /// The mentor on leave.
    public var mentorID: String
    /// When the mentor is away.
    public var span: TimeSpan

    /// Makes a leave record.
    public init(id: Int64 = 0, mentorID: String, span: TimeSpan) {
        self.id = id
        self.mentorID = mentorID
        self.span = span
    }
}
