import Foundation

/// The NHS-ready exports of spec §13: a FHIR R4 `Bundle` and the ECDS rows.
public enum NHSExports {
    /// The default SNOMED CT code: referral to social prescribing service.
    public static let defaultSnomed = "871731000000106"
    /// The FHIR identifier system of NHS numbers.
    public static let nhsNumberSystem = "https://fhir.nhs.uk/Id/nhs-number"
    /// The identifier system of the site's local refs.
    public static func localRefSystem(site: String) -> String { "urn:alongside:\(site):ref" }

    /// The `ServiceRequest.status` of a presentation.
    public static func serviceRequestStatus(_ p: Presentation, voided: Bool = false) -> String {
        if voided || p.status == .voided { return "entered-in-error" }
        return p.closedAt == nil ? "active" : "completed"
    }

    /// The `Task.status` of the peer support for a presentation.
    public static func taskStatus(_ p: Presentation, voided: Bool = false) -> String {
        if voided { return "entered-in-error" }
        switch p.status {
        case .voided: return "entered-in-error"
        case .waiting: return "requested"
        case .assigned: return "accepted"
        case .seen: return "in-progress"
        case .closed:
            if p.seenAt != nil { return "completed" }
            return p.outcome == .noMentorAvailable ? "failed" : "cancelled"
        }
    }

    /// The `ServiceRequest.status` of an onward referral.
    public static func referralStatus(_ r: Referral) -> String {
        switch r.status {
        case .requested, .accepted, .attended: "active"
        case .completed: "completed"
        case .declined, .cancelled, .didNotAttend: "revoked"
        }
    }

    /// A UUID (RFC 9562 version 8) fixed by the site, the kind of resource and its number,
    /// so the same export gives the same bundle, references resolve within it, and two
    /// sites' bundles never share an id. Not a secret: derived by FNV-1a from what it names.
    public static func uuid(site: String, _ kind: String, _ number: Int) -> String {
        func fnv(_ seed: UInt64) -> UInt64 {
            var h = seed
            for byte in "alongside|\(site)|\(kind)|\(number)".utf8 {
                h ^= UInt64(byte)
                h = h &* 0x0000_0100_0000_01B3
            }
            return h
        }
        let high = (fnv(0xCBF2_9CE4_8422_2325) & ~0xF000) | 0x8000  // version 8
        let low = (fnv(0x8422_2325_CBF2_9CE4) & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        func hex(_ v: UInt64) -> String {
            let digits = String(v, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        let h = Array(hex(high) + hex(low))
        return [h[0..<8], h[8..<12], h[12..<16], h[16..<20], h[20..<32]]
            .map { String($0) }.joined(separator: "-")
    }

    /// The FHIR R4 `Bundle` (type `collection`) of a week: per presentation of the week
    /// (`presentations`) a `ServiceRequest` and a `Task` for the peer support, a `Patient`
    /// per person (by NHS number, else by local ref, else one without identifier per
    /// presentation), and a `ServiceRequest` per onward referral made in the week
    /// (`referrals`): `basedOn` the presentation's ServiceRequest in the bundle, or, for a
    /// presentation of an earlier week (given in `earlierPresentations`), a reference by its
    /// identifier. `voided` holds the numbers of presentations registered in error. Each
    /// resource's identifiers and id carry the site of its presentation (spec §9), so one
    /// bundle may hold several sites' records.
    public static func fhirBundle(
        presentations: [Presentation], referrals: [Referral],
        earlierPresentations: [Presentation] = [], voided: Set<Int> = [],
        snomed: String, calendar: SiteCalendar, generatedAt: Date
    ) -> JSONValue {
        func t(_ d: Date) -> JSONValue { .string(calendar.isoString(d)) }
        func ref(_ url: String) -> JSONValue { .object([("reference", .string(url))]) }
        let code: JSONValue = .object([
            (
                "coding",
                .array([
                    .object(
                        [("system", .string("http://snomed.info/sct")), ("code", .string(snomed))]
                            + (snomed == defaultSnomed
                                ? [("display", .string("Referral to social prescribing service"))]
                                : []))
                ])
            )
        ])
        var entries: [JSONValue] = []
        func entry(_ url: String, _ resource: [(String, JSONValue)]) {
            entries.append(.object([("fullUrl", .string(url)), ("resource", .object(resource))]))
        }
        var patients: [String: String] = [:]  // identifier key → fullUrl
        /// The person's Patient entry (made at their first presentation in the bundle).
        func patient(_ p: Presentation) -> String {
            var identifier: (String, String)? = nil
            if let n = p.nhs {
                identifier = (nhsNumberSystem, n)
            } else if let r = p.ref {
                identifier = (localRefSystem(site: p.site), r)
            }
            if let identifier, let url = patients["\(identifier.0)|\(identifier.1)"] { return url }
            let url = "urn:uuid:" + uuid(site: p.site, "Patient", p.number)
            var resource: [(String, JSONValue)] = [
                ("resourceType", .string("Patient")), ("id", .string("patient-\(p.id)")),
            ]
            if let identifier {
                resource.append(
                    (
                        "identifier",
                        .array([
                            .object([
                                ("system", .string(identifier.0)), ("value", .string(identifier.1)),
                            ])
                        ])
                    ))
                patients["\(identifier.0)|\(identifier.1)"] = url
            }
            entry(url, resource)
            return url
        }
        let byPresentation = Dictionary(grouping: referrals, by: \.presentation)
        /// The ServiceRequest of an onward referral made for a presentation of `site`.
        func onward(_ r: Referral, site: String, basedOn: JSONValue, subject: String) {
            entry(
                "urn:uuid:" + uuid(site: site, "Referral", r.number),
                [
                    ("resourceType", .string("ServiceRequest")),
                    ("id", .string("onward-\(r.id)")),
                    (
                        "identifier",
                        .array([
                            .object([
                                ("system", .string("urn:alongside:\(site):referral")),
                                ("value", .string(r.id)),
                            ])
                        ])
                    ),
                    ("basedOn", .array([basedOn])),
                    ("status", .string(referralStatus(r))),
                    ("intent", .string("order")),
                    ("code", code),
                    ("subject", ref(subject)),
                    ("authoredOn", t(r.requestedAt)),
                    ("performer", .array([.object([("display", .string(r.serviceName))])])),
                    (
                        "note",
                        .array([.object([("text", .string("status: \(r.status.rawValue)"))])])
                    ),
                ])
        }
        for p in presentations {
            let site = p.site
            let subject = patient(p)
            let voided = voided.contains(p.number)
            let requestURL = "urn:uuid:" + uuid(site: site, "ServiceRequest", p.number)
            entry(
                requestURL,
                [
                    ("resourceType", .string("ServiceRequest")),
                    ("id", .string("sr-\(p.id)")),
                    (
                        "identifier",
                        .array([
                            .object([
                                ("system", .string("urn:alongside:\(site):presentation")),
                                ("value", .string(p.id)),
                            ])
                        ])
                    ),
                    ("status", .string(serviceRequestStatus(p, voided: voided))),
                    ("intent", .string("order")),
                    ("code", code),
                    ("subject", ref(subject)),
                    ("authoredOn", t(p.arrivedAt)),
                ])
            var task: [(String, JSONValue)] = [
                ("resourceType", .string("Task")),
                ("id", .string("task-\(p.id)")),
                ("basedOn", .array([ref(requestURL)])),
                ("status", .string(taskStatus(p, voided: voided))),
                ("intent", .string("order")),
                ("code", .object([("text", .string("Peer support at the point of access"))])),
                ("for", ref(subject)),
                ("authoredOn", t(p.arrivedAt)),
            ]
            if let outcome = p.outcome {
                task.append(("businessStatus", .object([("text", .string(outcome.rawValue))])))
            }
            if let seen = p.seenAt {
                var period: [(String, JSONValue)] = [("start", t(seen))]
                if let closed = p.closedAt { period.append(("end", t(closed))) }
                task.append(("executionPeriod", .object(period)))
            }
            entry("urn:uuid:" + uuid(site: site, "Task", p.number), task)
            for r in byPresentation[p.number] ?? [] {
                onward(r, site: site, basedOn: ref(requestURL), subject: subject)
            }
        }
        // Referrals made in the week for presentations of earlier weeks: the presentation's
        // ServiceRequest is in that week's bundle, so it is named by its identifier.
        let inBundle = Set(presentations.map(\.number))
        let earlier = Dictionary(earlierPresentations.map { ($0.number, $0) }) { a, _ in a }
        for r in referrals where !inBundle.contains(r.presentation) {
            guard let p = earlier[r.presentation] else { continue }
            onward(
                r, site: p.site,
                basedOn: .object([
                    (
                        "identifier",
                        .object([
                            ("system", .string("urn:alongside:\(p.site):presentation")),
                            ("value", .string(p.id)),
                        ])
                    )
                ]), subject: patient(p))
        }
        return .object([
            ("resourceType", .string("Bundle")),
            ("type", .string("collection")),
            ("timestamp", t(generatedAt)),
            ("entry", .array(entries)),
        ])
    }

    /// The ECDS export's columns.
    public static let ecdsColumns = [
        "presentation", "nhs_number", "ed_arrival", "service_request", "referral_assessment",
        "referred_to_service", "outcome",
    ]

    /// One ECDS row per presentation: times ISO 8601 with offset, empty when not known.
    public static func ecdsRows(
        _ presentations: [Presentation], snomed: String, calendar: SiteCalendar
    ) -> [[String]] {
        presentations.map { p in
            [
                p.id, p.nhs ?? "", p.edArrival.map(calendar.isoString) ?? "",
                calendar.isoString(p.arrivedAt), p.seenAt.map(calendar.isoString) ?? "",
                snomed, p.outcome?.rawValue ?? "",
            ]
        }
    }
}
