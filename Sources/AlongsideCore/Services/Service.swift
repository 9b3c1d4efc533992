import Foundation

/// A local service people can be referred on to (Open Referral UK, spec §12).
public struct Service: Sendable, Equatable {
    /// The directory's id for the service.
    public var id: String
    /// Its name.
    public var name: String
    /// What it offers.
    public var description: String
    /// `active`, `inactive`, `defunct` or `temporarily closed` (Open Referral UK); only
    /// active services are offered.
    public var status: String
    /// Contact e-mail, if any.
    public var email: String?
    /// Web address, if any.
    public var url: String?
    /// The youngest age served, if limited.
    public var minimumAge: Int?
    /// The oldest age served, if limited.
    public var maximumAge: Int?
    /// Locality ids the service covers.
    public var areas: [String]
    /// Lived-experience tags the service helps with.
    public var taxonomies: [String]
    /// When it is open.
    public var schedules: [RegularSchedule]

    /// Makes a service.
    public init(
        id: String, name: String, description: String = "", status: String = "active",
        email: String? = nil, url: String? = nil, minimumAge: Int? = nil,
        maximumAge: Int? = nil, areas: [String] = [], taxonomies: [String] = [],
        schedules: [RegularSchedule] = []
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.status = status
        self.email = email
        self.url = url
        self.minimumAge = minimumAge
        self.maximumAge = maximumAge
        self.areas = areas
        self.taxonomies = taxonomies
        self.schedules = schedules
    }

    /// The statuses Open Referral UK allows.
    public static let statuses = ["active", "inactive", "defunct", "temporarily closed"]

    /// Whether the service takes referrals.
    public var isActive: Bool { status == "active" }

    /// Whether any schedule has it open at `instant` (in the site's zone). A service with
    /// no schedule is never reported open.
    public func isOpen(at instant: Date, calendar: SiteCalendar) -> Bool {
        let local = calendar.localDateTime(instant)
        return schedules.contains { $0.isOpen(at: local) }
    }
}

/// A day of the week as RFC 5545 writes it.
public enum Weekday: String, Sendable, CaseIterable, Comparable {
    /// Monday … Sunday.
    case mo = "MO"
    case tu = "TU"
    case we = "WE"
    case th = "TH"
    case fr = "FR"
    case sa = "SA"
    case su = "SU"

    /// 1 (Monday) … 7 (Sunday), as `LocalDate.weekday`.
    public var number: Int { Self.allCases.firstIndex(of: self)! + 1 }

    /// The weekday of a local date.
    public init(_ date: LocalDate) { self = Self.allCases[date.weekday - 1] }

    /// Orders Monday first.
    public static func < (a: Weekday, b: Weekday) -> Bool { a.number < b.number }
}

/// One regular opening of a service (Open Referral UK `regular_schedules`): RFC 5545 `freq`
/// (`WEEKLY` or `DAILY`) and `byday`, local opening (inclusive) and closing (exclusive)
/// times, and the dates it is valid between (both included).
public struct RegularSchedule: Sendable, Equatable {
    /// How often it repeats.
    public enum Frequency: String, Sendable {
        /// Every day (restricted to `byday` when given, as RFC 5545 says).
        case daily = "DAILY"
        /// On the `byday` days of every week.
        case weekly = "WEEKLY"
    }

    /// The schedule row's id.
    public var id: String
    /// How often.
    public var freq: Frequency
    /// Which days (empty with DAILY: every day).
    public var byday: Set<Weekday>
    /// Opening, minutes after local midnight (inclusive).
    public var opensAt: Int
    /// Closing, minutes after local midnight (exclusive); at or before `opensAt` means the
    /// next day (an overnight opening); 1440 is midnight at the end of the day.
    public var closesAt: Int
    /// First date it applies, if limited.
    public var validFrom: LocalDate?
    /// Last date it applies, if limited.
    public var validTo: LocalDate?

    /// Makes a schedule.
    public init(
        id: String, freq: Frequency, byday: Set<Weekday>, opensAt: Int, closesAt: Int,
        validFrom: LocalDate? = nil, validTo: LocalDate? = nil
    ) {
        self.id = id
        self.freq = freq
        self.byday = byday
        self.opensAt = opensAt
        self.closesAt = closesAt
        self.validFrom = validFrom
        self.validTo = validTo
    }

    /// Whether an opening starts on that local date.
    public func opens(on date: LocalDate) -> Bool {
        if let validFrom, date < validFrom { return false }
        if let validTo, date > validTo { return false }
        return byday.isEmpty ? freq == .daily : byday.contains(Weekday(date))
    }

    /// Whether the service is open at that local wall-clock time. Wall-clock readings are
    /// what the schedule means, so across a clock change an opening of 09:00–17:00 is
    /// 09:00–17:00 on the clocks of that day (7 or 9 real hours when the change falls
    /// inside it).
    public func isOpen(at local: LocalDateTime) -> Bool {
        let minute = local.hour * 60 + local.minute
        if closesAt > opensAt {
            return opens(on: local.date) && minute >= opensAt && minute < closesAt
        }
        // Overnight: from opening to midnight, and from midnight to closing the next day.
        return (opens(on: local.date) && minute >= opensAt)
            || (opens(on: local.date.adding(days: -1)) && minute < closesAt)
    }

    /// `MO,TU` in week order.
    public var bydayText: String { byday.sorted().map(\.rawValue).joined(separator: ",") }
}

/// Finding services for a person.
public enum ServiceSearch {
    /// A service found, with how far its nearest area is from the person's locality.
    public struct Hit: Sendable, Equatable {
        /// The service.
        public var service: Service
        /// Km from the asked locality to the nearest area it covers (nil without a locality,
        /// or when it lists no known area).
        public var distanceKm: Double?
        /// Whether it is open at the time asked.
        public var openNow: Bool
    }

    /// Active services that help with `need` (if given), open at `openAt` (if given), nearest
    /// the `locality` first (those covering it at 0 km), then by name.
    public static func find(
        _ services: [Service], need: String?, locality: String?, openAt: Date?, now: Date,
        localities: LocalityCatalog, calendar: SiteCalendar
    ) -> [Hit] {
        let need = need?.lowercased()
        var hits: [Hit] = []
        for s in services where s.isActive {
            if let need, !s.taxonomies.contains(need) { continue }
            let open = s.isOpen(at: openAt ?? now, calendar: calendar)
            if openAt != nil && !open { continue }
            var distance: Double? = nil
            if let locality {
                distance = s.areas.compactMap { localities.distanceKm(locality, $0) }.min()
            }
            hits.append(Hit(service: s, distanceKm: distance, openNow: open))
        }
        return hits.sorted { a, b in
            switch (a.distanceKm, b.distanceKm) {
            case (let x?, let y?) where x != y: return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            default:
                let (x, y) = (a.service.name.lowercased(), b.service.name.lowercased())
                return x != y ? x < y : a.service.id < b.service.id
            }
        }
    }
}
