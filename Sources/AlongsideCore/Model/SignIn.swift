import Foundation

/// A mentor's sign-in at the desk (`mentor in`), closed by a sign-out (`mentor out`).
public struct SignIn: Sendable, Equatable, Hashable {
    /// How long before a shift starts a sign-in still counts for it (seconds).
    public static let earlyAllowance: TimeInterval = 3600

    /// Storage id (0 before it is stored).
    public var id: Int64
    /// The mentor.
    public var mentorID: String
    /// When they signed in.
    public var inAt: Date
    /// When they signed out, if they have.
    public var outAt: Date?

    /// Makes a sign-in.
    public init(id: Int64 = 0, mentorID: String, inAt: Date, outAt: Date? = nil) {
        self.id = id
        self.mentorID = mentorID
        self.inAt = inAt
        self.outAt = outAt
    }

    /// Whether the mentor was signed in at `time`.
    public func covers(_ time: Date) -> Bool {
        inAt <= time && (outAt.map { time < $0 } ?? true)
    }

    /// Shifts that ended with no sign-in during them (or in the hour before they started):
    /// the no-shows of spec §11.
    public static func noShows(shifts: [TimeSpan], signIns: [SignIn], before now: Date)
        -> [TimeSpan]
    {
        shifts.filter { shift in
            shift.end <= now
                && !signIns.contains { s in
                    s.inAt >= shift.start.addingTimeInterval(-earlyAllowance) && s.inAt < shift.end
                }
        }
    }

    /// Seconds signed in that fall inside `span` (open sign-ins count up to `now`).
    public static func seconds(_ signIns: [SignIn], in span: TimeSpan, now: Date) -> Int {
        signIns.reduce(0) { total, s in
            let start = max(s.inAt, span.start)
            let end = min(s.outAt ?? now, span.end, now)
            return total + max(0, Int(end.timeIntervalSince(start)))
        }
    }
}
