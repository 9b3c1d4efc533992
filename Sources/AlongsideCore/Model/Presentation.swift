import Foundation

/// How a presentation ended.
public enum Outcome: String, Sendable, CaseIterable, Codable {
    /// Supported by the mentor and discharged from the ED.
    case supportedDischarged = "supported-discharged"
    /// Admitted to hospital.
    case admitted
    /// Referred on to community support.
    case referredCommunity = "referred-community"
    /// Referred to the community mental health team.
    case referredCMHT = "referred-cmht"
    /// The person declined peer support (seen or not).
    case declinedSupport = "declined-support"
    /// The person left before a mentor saw them.
    case leftBeforeSeen = "left-before-seen"
    /// No mentor could be found.
    case noMentorAvailable = "no-mentor-available"

    /// Whether the outcome needs the person to have been seen.
    public var needsSeen: Bool {
        switch self {
        case .supportedDischarged, .admitted, .referredCommunity, .referredCMHT: true
        default: false
        }
    }

    /// Whether the outcome needs the person not to have been seen.
    public var needsNotSeen: Bool { self == .leftBeforeSeen || self == .noMentorAvailable }
}

/// Where a presentation is in its life.
public enum PresentationStatus: String, Sendable {
    /// Registered, no mentor yet.
    case waiting
    /// A mentor has it but has not met the person.
    case assigned
    /// The mentor has met the person.
    case seen
    /// Ended with an outcome.
    case closed
    /// Registered in error and voided: out of the queue and every figure.
    case voided
}

/// One person presenting at A&E and referred to peer support.
public struct Presentation: Sendable, Equatable {
    /// The number behind the `P` id (0 before it is stored).
    public var number: Int
    /// A local reference (personal data; never logged).
    public var ref: String?
    /// The NHS number, 10 digits (personal data; never logged).
    public var nhs: String?
    /// The locality id the person lives in.
    public var locality: String
    /// Lived-experience tags the person needs.
    public var needs: [String]
    /// When the person was referred to peer support: the wait clock starts here.
    public var arrivedAt: Date
    /// When the person reached the ED, if different.
    public var edArrival: Date?
    /// Age band, free text (`18-24`, …).
    public var ageBand: String?
    /// The person's gender, free text.
    public var gender: String?
    /// The gender of mentor the person asked for.
    public var mentorGender: String?
    /// The person's preferred language.
    public var language: String?
    /// Whether the clinician asked for a lead peer mentor.
    public var leadMentor: Bool
    /// The assigned mentor.
    public var mentorID: String?
    /// When the mentor was assigned.
    public var assignedAt: Date?
    /// When the mentor met the person.
    public var seenAt: Date?
    /// When the presentation was closed.
    public var closedAt: Date?
    /// How it ended.
    public var outcome: Outcome?
    /// The reason given when an assignment overrode the hard rules.
    public var overrideReason: String?
    /// When the presentation was voided (registered in error), if it was.
    public var voidedAt: Date?
    /// The emergency department that registered the person (spec §9): `main` on a site's
    /// own file unless its `site` setting says otherwise.
    public var site: String

    /// Makes a presentation.
    public init(
        number: Int = 0, ref: String? = nil, nhs: String? = nil, locality: String,
        needs: [String], arrivedAt: Date, edArrival: Date? = nil, ageBand: String? = nil,
        gender: String? = nil, mentorGender: String? = nil, language: String? = nil,
        leadMentor: Bool = false, mentorID: String? = nil, assignedAt: Date? = nil,
        seenAt: Date? = nil, closedAt: Date? = nil, outcome: Outcome? = nil,
        overrideReason: String? = nil, voidedAt: Date? = nil, site: String = SiteName.main
    ) {
        self.number = number
        self.ref = ref
        self.nhs = nhs
        self.locality = locality
        self.needs = needs
        self.arrivedAt = arrivedAt
        self.edArrival = edArrival
        self.ageBand = ageBand
        self.gender = gender
        self.mentorGender = mentorGender
        self.language = language
        self.leadMentor = leadMentor
        self.mentorID = mentorID
        self.assignedAt = assignedAt
        self.seenAt = seenAt
        self.closedAt = closedAt
        self.outcome = outcome
        self.overrideReason = overrideReason
        self.voidedAt = voidedAt
        self.site = site
    }

    /// `P` followed by the number.
    public var id: String { PresentationID.format(number) }

    /// Where the presentation is in its life.
    public var status: PresentationStatus {
        if voidedAt != nil { return .voided }
        if closedAt != nil { return .closed }
        if seenAt != nil { return .seen }
        if mentorID != nil { return .assigned }
        return .waiting
    }

    /// Seconds from arrival to seen, when seen.
    public var waitSeconds: Int? {
        seenAt.map { Int($0.timeIntervalSince(arrivedAt)) }
    }
}

/// Parsing and formatting of presentation ids (`P12`).
public enum PresentationID {
    /// `P` + number.
    public static func format(_ number: Int) -> String { "P\(number)" }

    /// The number in `P12` / `p12`, or nil if the text is not a presentation id.
    public static func parse(_ text: String) -> Int? {
        guard let first = text.first, first == "P" || first == "p" else { return nil }
        let digits = text.dropFirst()
        guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy(\.isASCIIDigitChar),
            let n = Int(digits), n > 0
        else { return nil }
        return n
    }
}

extension Character {
    /// Whether the character is one of `0`…`9`.
    var isASCIIDigitChar: Bool { self >= "0" && self <= "9" }
}
