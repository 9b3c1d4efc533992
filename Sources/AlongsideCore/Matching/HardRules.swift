import Foundation

/// The hard rules of spec §3, in the order they are checked. The raw value is the name
/// printed in `match --explain` and in JSON.
public enum HardRule: String, Sendable, CaseIterable, Codable {
    /// Rule 1: the mentor is paused or retired.
    case inactive
    /// Rule 2: the DBS recheck date has passed.
    case dbsOverdue = "dbs-overdue"
    /// Rule 3: the time is inside no shift.
    case offShift = "off-shift"
    /// Rule 3: the time is inside a leave.
    case onLeave = "on-leave"
    /// Rule 4: the caseload has reached capacity.
    case atCapacity = "at-capacity"
    /// Rule 5: the person asked for a mentor of another gender.
    case gender
    /// Rule 6: a lead peer mentor was asked for and this mentor is not one.
    case notLead = "not-lead"
    /// Rule 7: the mentor has declined this presentation.
    case declined
    /// Rule 8: sign-in is required and the mentor has not signed in during this shift.
    case notSignedIn = "not-signed-in"

    /// A sentence for people.
    public var explanation: String {
        switch self {
        case .inactive: "paused or retired"
        case .dbsOverdue: "DBS recheck overdue"
        case .offShift: "not on shift"
        case .onLeave: "on leave"
        case .atCapacity: "caseload at capacity"
        case .gender: "not the mentor gender asked for"
        case .notLead: "not a lead peer mentor"
        case .declined: "declined this person"
        case .notSignedIn: "not signed in ('mentor in')"
        }
    }
}

/// What the matcher needs to know about one mentor at one moment.
public struct MentorState: Sendable, Equatable {
    /// The roster record.
    public var mentor: Mentor
    /// Shifts that may contain the moment (more are harmless).
    public var shifts: [TimeSpan]
    /// Leave that may contain the moment (more is harmless).
    public var leave: [TimeSpan]
    /// Open presentations assigned to the mentor.
    public var caseload: Int
    /// Sign-ins that may cover the moment (more are harmless).
    public var signIns: [SignIn]

    /// Makes a mentor state.
    public init(
        mentor: Mentor, shifts: [TimeSpan], leave: [TimeSpan], caseload: Int,
        signIns: [SignIn] = []
    ) {
        self.mentor = mentor
        self.shifts = shifts
        self.leave = leave
        self.caseload = caseload
        self.signIns = signIns
    }

    /// Rule 8: whether the mentor signed in during the shift that covers `time` (or in the
    /// hour before it started) and has not signed out since.
    public func signedIn(at time: Date) -> Bool {
        guard let shift = shifts.first(where: { $0.contains(time) }) else { return false }
        let earliest = shift.start.addingTimeInterval(-SignIn.earlyAllowance)
        return signIns.contains { $0.covers(time) && $0.inAt >= earliest }
    }

    /// Free places (never negative).
    public var freePlaces: Int { max(0, mentor.capacity - caseload) }
}

/// What the matcher needs to know about the person.
public struct MatchRequest: Sendable, Equatable {
    /// The presentation.
    public var presentation: Presentation
    /// Mentors who have declined it.
    public var declinedBy: Set<String>
    /// Mentors who have supported the same person before (same NHS number or ref).
    public var previousMentors: Set<String>

    /// Makes a request.
    public init(
        presentation: Presentation, declinedBy: Set<String> = [],
        previousMentors: Set<String> = []
    ) {
        self.presentation = presentation
        self.declinedBy = declinedBy
        self.previousMentors = previousMentors
    }
}
