import Foundation

/// Where an onward referral is (spec §12; modelled on FHIR `Task` and the BSeR business
/// statuses).
public enum ReferralStatus: String, Sendable, CaseIterable {
    /// Made, with the person's consent; the service has not answered.
    case requested
    /// The service has taken it.
    case accepted
    /// The service turned it down.
    case declined
    /// Withdrawn (by the person or the link worker).
    case cancelled
    /// The person went.
    case attended
    /// The person did not go.
    case didNotAttend = "did-not-attend"
    /// The service has finished with the person.
    case completed

    /// The statuses one step on from this one.
    public var next: [ReferralStatus] {
        switch self {
        case .requested: [.accepted, .declined, .cancelled]
        case .accepted: [.attended, .didNotAttend, .cancelled]
        case .attended: [.completed]
        case .declined, .cancelled, .didNotAttend, .completed: []
        }
    }

    /// Whether the referral can still move (it is not at an end).
    public var isOpen: Bool { !next.isEmpty }
}

/// Why a referral cannot move.
public enum ReferralError: Error, Equatable, CustomStringConvertible {
    /// The step is not one the status machine allows.
    case notAllowed(from: ReferralStatus, to: ReferralStatus)
    /// The time is before the referral's last step.
    case beforeLastStep(String)

    /// The message.
    public var description: String {
        switch self {
        case .notAllowed(let from, let to):
            from.next.isEmpty
                ? "the referral is \(from.rawValue), which is final; it cannot become "
                    + to.rawValue
                : "a \(from.rawValue) referral cannot become \(to.rawValue); next it can be "
                    + from.next.map(\.rawValue).joined(separator: ", ")
        case .beforeLastStep(let s): "is before the referral's last step (\(s))"
        }
    }
}

/// One onward referral of a presentation to a service.
public struct Referral: Sendable, Equatable {
    /// Its number (0 before it is stored).
    public var number: Int
    /// The presentation's number.
    public var presentation: Int
    /// The service's id in the directory.
    public var serviceID: String
    /// The service's name when the referral was made (kept if the directory changes).
    public var serviceName: String
    /// Where it is now.
    public var status: ReferralStatus
    /// When it was made (with consent given).
    public var requestedAt: Date
    /// When it was accepted, if it was.
    public var acceptedAt: Date?
    /// When the person attended, if they did.
    public var attendedAt: Date?
    /// When it was completed, if it was.
    public var completedAt: Date?
    /// When it ended otherwise (declined, cancelled, did-not-attend), if it did.
    public var endedAt: Date?

    /// Makes a referral in status `requested`.
    public init(
        number: Int = 0, presentation: Int, serviceID: String, serviceName: String,
        requestedAt: Date
    ) {
        self.number = number
        self.presentation = presentation
        self.serviceID = serviceID
        self.serviceName = serviceName
        self.status = .requested
        self.requestedAt = requestedAt
    }

    /// `R` + number.
    public var id: String { "R\(number)" }

    /// The time of the last step.
    public var lastStepAt: Date {
        [requestedAt, acceptedAt, attendedAt, completedAt, endedAt].compactMap { $0 }.max()
            ?? requestedAt
    }

    /// Whether it has ever reached `status` (a completed referral has been accepted and
    /// attended too).
    public func hasReached(_ s: ReferralStatus) -> Bool {
        switch s {
        case .requested: true
        case .accepted: acceptedAt != nil
        case .attended: attendedAt != nil
        case .completed: completedAt != nil
        case .declined, .cancelled, .didNotAttend: status == s
        }
    }

    /// The referral one step on, at `at`; refuses any step the machine does not allow and a
    /// time before the last step.
    public func moved(to s: ReferralStatus, at: Date) throws(ReferralError) -> Referral {
        guard status.next.contains(s) else { throw .notAllowed(from: status, to: s) }
        guard at >= lastStepAt else { throw .beforeLastStep("\(lastStepAt)") }
        var r = self
        r.status = s
        switch s {
        case .accepted: r.acceptedAt = at
        case .attended: r.attendedAt = at
        case .completed: r.completedAt = at
        case .declined, .cancelled, .didNotAttend: r.endedAt = at
        case .requested: break
        }
        return r
    }
}

/// The weekly figures of spec §12: onward referrals and re-attendance.
public struct ReferralFigures: Sendable, Equatable {
    /// One service's referrals of the week.
    public struct ByService: Sendable, Equatable {
        /// The service id.
        public var service: String
        /// Made in the week.
        public var made: Int
        /// Of those, how many have reached accepted, attended, completed.
        public var accepted: Int, attended: Int, completed: Int
    }

    /// Referrals made in the week.
    public var made: Int
    /// By service, most referrals first.
    public var byService: [ByService]
    /// Presentations of the week by someone who had presented in the 7 days before.
    public var reattended7d: Int
    /// Presentations of the week by someone who had presented in the 30 days before.
    public var reattended30d: Int

    /// The figures for a week: `referrals` made in it (others are ignored) and, for
    /// re-attendance, the presentations that arrived in the week and in the 30 days before it
    /// (more is harmless; only their numbers, identifiers and arrivals are read).
    public init(
        week span: TimeSpan, referrals: [Referral], presentations: [Presentation],
        calendar: SiteCalendar
    ) {
        let inWeek = referrals.filter { $0.requestedAt >= span.start && $0.requestedAt < span.end }
        made = inWeek.count
        var rows: [String: ByService] = [:]
        for r in inWeek {
            let key = r.serviceID.lowercased()
            var row =
                rows[key]
                ?? ByService(service: r.serviceID, made: 0, accepted: 0, attended: 0, completed: 0)
            row.made += 1
            if r.hasReached(.accepted) { row.accepted += 1 }
            if r.hasReached(.attended) { row.attended += 1 }
            if r.hasReached(.completed) { row.completed += 1 }
            rows[key] = row
        }
        byService = rows.values.sorted {
            $0.made != $1.made ? $0.made > $1.made : $0.service < $1.service
        }
        let week = presentations.filter { $0.arrivedAt >= span.start && $0.arrivedAt < span.end }
        let index = PersonIndex(presentations)
        reattended7d =
            week.filter {
                index.previous(of: $0, withinDays: 7, calendar: calendar) != nil
            }.count
        reattended30d =
            week.filter {
                index.previous(of: $0, withinDays: 30, calendar: calendar) != nil
            }.count
    }
}

/// Presentations by person (the same NHS number, or the same local ref without regard to
/// case), for returning people and re-attendance.
public struct PersonIndex: Sendable {
    private let presentations: [Presentation]
    /// Positions in `presentations`, by NHS number and by upper-cased ref.
    private var byNHS: [String: [Int]] = [:]
    private var byRef: [String: [Int]] = [:]

    /// Indexes the presentations given.
    public init(_ presentations: [Presentation]) {
        self.presentations = presentations
        byNHS.reserveCapacity(presentations.count)
        byRef.reserveCapacity(presentations.count)
        for (i, p) in presentations.enumerated() {
            if let n = p.nhs { byNHS[n, default: []].append(i) }
            if let r = p.ref { byRef[Self.key(r), default: []].append(i) }
        }
    }

    /// A ref compared without regard to case (refs are stored upper-cased, so the usual
    /// case costs one scan).
    static func key(_ ref: String) -> String {
        ref.utf8.contains(where: { $0 >= 0x61 && $0 <= 0x7A || $0 >= 0x80 }) ? ref.uppercased() : ref
    }

    /// The latest presentation by the same person that arrived before `p` and no more than
    /// `days` days before it on the site's clocks (so 30 days before 10:00 on 31 October is
    /// 10:00 on 1 October, whatever the clock change between), nil when none or when `p` has
    /// no NHS number or ref.
    public func previous(of p: Presentation, withinDays days: Int, calendar: SiteCalendar)
        -> Presentation?
    {
        var latest: Int? = nil
        func consider(_ list: [Int]?) {
            for i in list ?? [] {
                let q = presentations[i]
                guard q.number != p.number, q.arrivedAt < p.arrivedAt else { continue }
                if let l = latest {
                    let best = presentations[l]
                    if (best.arrivedAt, best.number) >= (q.arrivedAt, q.number) { continue }
                }
                latest = i
            }
        }
        if let n = p.nhs { consider(byNHS[n]) }
        if let r = p.ref { consider(byRef[Self.key(r)]) }
        // Only the latest earlier one can be in the window; the clock arithmetic (a few time
        // zone look-ups) is done only for people seen before.
        guard let latest else { return nil }
        let q = presentations[latest]
        return q.arrivedAt >= Self.daysBefore(p.arrivedAt, days, calendar: calendar) ? q : nil
    }

    /// The instant `days` days before `instant` on the site's clocks (the same wall-clock
    /// time; where that time does not exist, `days` × 24 hours before).
    public static func daysBefore(_ instant: Date, _ days: Int, calendar: SiteCalendar) -> Date {
        let local = calendar.localDateTime(instant)
        if let earlier = LocalDateTime(
            date: local.date.adding(days: -days), hour: local.hour, minute: local.minute,
            second: local.second), let t = try? calendar.instant(for: earlier)
        {
            return t
        }
        return instant.addingTimeInterval(-Double(days) * 86_400)
    }
}

/// What `register` says about a person who presented in the last 30 days.
public struct Returning: Sendable, Equatable {
    /// The previous presentation.
    public var previous: Presentation
    /// Days from the previous arrival's date to this one's, in the site's zone (0: the same
    /// day).
    public var days: Int

    /// The days a person counts as returning.
    public static let windowDays = 30

    /// The returning note for `p`, from the same person's `earlier` presentations.
    public static func check(_ p: Presentation, earlier: [Presentation], calendar: SiteCalendar)
        -> Returning?
    {
        guard
            let prev = PersonIndex(earlier).previous(
                of: p, withinDays: windowDays, calendar: calendar)
        else { return nil }
        return Returning(
            previous: prev,
            days: calendar.localDate(p.arrivedAt).daysSinceEpoch
                - calendar.localDate(prev.arrivedAt).daysSinceEpoch)
    }
}
