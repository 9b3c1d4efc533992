import AlongsideCore
import ArgumentParser
import Foundation

/// `register`: record a presentation and show the best available mentors.
struct Register: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Record a person presenting and show the best available mentors.",
        discussion: """
            The wait clock starts at --at (default: now). Needs are lived-experience tags \
            (see 'help tags'); the locality is where the person lives (see 'help localities').

            The person is registered at this console's site (spec §9: 'alongside --site', \
            else the site setting), or at --site NAME for this registration alone; a new \
            site comes into being with its first registration (with a note, in case the name \
            was mistyped). --site all is refused: a person presents at one site. The \
            candidates are the trust's mentors on shift, at every site.

            Examples:
              register --locality blackpool --needs alcohol,housing
              register --locality fleetwood --needs bereavement --at 09:14 --mentor-gender female
              register --locality preston --needs debt --nhs "943 476 5919" --language polish
              register --locality blackpool --needs alcohol --site victoria
            """)
    static let requiredRole = Role.liaison

    @Option(help: "Locality id where the person lives, e.g. blackpool.")
    var locality: String
    @Option(help: "Needs: lived-experience tags separated by commas, e.g. alcohol,housing.")
    var needs: String
    @Option(help: "When they were referred to peer support (default now): 09:14, -15m, 2026-11-16T09:14.")
    var at: String?
    @Option(help: "A local reference (kept private, never logged).")
    var ref: String?
    @Option(help: "NHS number, 10 digits (checked; kept private, never logged).")
    var nhs: String?
    @Option(help: "Age band, e.g. 25-34.")
    var ageBand: String?
    @Option(help: "The person's gender.")
    var gender: String?
    @Option(help: "Mentor gender the person asked for (female, male, non-binary, …).")
    var mentorGender: String?
    @Option(help: "The person's preferred language.")
    var language: String?
    @Flag(help: "The clinician asked for a lead peer mentor.")
    var leadMentor = false
    @Option(help: "When they reached the ED, if earlier than the referral.")
    var edArrival: String?
    @OptionGroup var output: FormatOption
    @OptionGroup var sites: SiteOption

    func execute(_ session: Session) throws -> String {
        let format = try session.format(output.format)
        let now = session.now
        let site = try sites.registrationSite(session)
        // Every bad field is reported at once (spec §4), not only the first.
        var problems = FieldProblems()
        let locality = problems.check { try session.locality(self.locality, option: "--locality") }
        let needs = problems.check { try session.tagList(self.needs, option: "--needs") }
        let arrived = problems.check { () throws -> Date in
            let t = try at.map { try session.time($0, option: "--at") } ?? now
            if t > now { throw CommandError.field("--at", "is in the future") }
            return t
        }
        var ed: Date? = nil
        if let edArrival {
            ed = problems.check { () throws -> Date in
                let t = try session.time(edArrival, option: "--ed-arrival")
                if let arrived, t > arrived {
                    throw CommandError.field(
                        "--ed-arrival",
                        "is after the referral time (--at); the ED arrival comes first")
                }
                return t
            }
        }
        let nhsDigits = problems.check { try Validate.nhs(nhs) } ?? nil
        let ref = problems.check { try Validate.ref(self.ref) } ?? nil
        let ageBand = problems.check {
            try Validate.text(self.ageBand, option: "--age-band", max: 16)
        } ?? nil
        let gender = problems.check {
            try Validate.text(self.gender, option: "--gender", max: 32)?.lowercased()
        } ?? nil
        let mentorGender = problems.check {
            try Validate.text(self.mentorGender, option: "--mentor-gender", max: 32)?.lowercased()
        } ?? nil
        let language = problems.check {
            try Validate.text(self.language, option: "--language", max: 32)?.lowercased()
        } ?? nil
        for text in try session.read({
            try session.rosterProblems(mentorGender: mentorGender, language: language, in: $0)
        }) {
            problems.add(text)
        }
        try problems.throwIfAny()
        let p = Presentation(
            ref: ref, nhs: nhsDigits, locality: locality!, needs: needs!, arrivedAt: arrived!,
            edArrival: ed, ageBand: ageBand, gender: gender, mentorGender: mentorGender,
            language: language, leadMentor: leadMentor, site: site)
        let (stored, result, names, returning, isNewSite) = try session.write("register") { tx in
            var stored = p
            // A site other than the console's own that has registered nobody starts here.
            let known = try tx.sites().contains(site)
            let isNewSite = site != session.config.site && !known
            // The same person (NHS number or ref) within the last 30 days (spec §12).
            let earlier = try tx.presentations(nhs: p.nhs, ref: p.ref)
            stored.number = try tx.insertPresentation(p)
            let returning = Returning.check(stored, earlier: earlier, calendar: session.calendar)
            let request = try session.matchRequest(stored, in: tx)
            // Only mentors on shift can be candidates: no need to read the whole roster.
            let states = try tx.mentorStates(at: now, onShiftOnly: true)
            let result = session.matcher.rank(request, mentors: states, at: now)
            let names = Dictionary(states.map { ($0.mentor.id.lowercased(), $0.mentor.name) }) { a, _ in a }
            return (stored, result, names, returning, isNewSite)
        }
        if isNewSite {
            session.warnings.append(
                "\(stored.id) is the first registration at site \(site): the site starts here")
        }
        if let returning {
            session.warnings.append(Self.returningNote(returning, session: session))
        }
        switch format {
        case .json:
            return JSONValue.object([
                ("presentation", .string(stored.id)),
                ("arrived_at", .string(session.calendar.isoString(stored.arrivedAt))),
                ("candidates", MatchRendering.candidatesJSON(result)),
                ("returning", Self.returningJSON(returning)),
            ]).text
        case .csv:
            return MatchRendering.candidatesCSV(result, presentation: stored.id)
        default:
            var out = session.style.bold(stored.id)
                + " registered, referred \(session.calendar.shortString(stored.arrivedAt)).\n"
            if result.candidates.isEmpty {
                out += session.style.yellow("No mentor is available now.")
                    + " See 'match \(stored.id) --explain' for why; 'queue' keeps the person in view.\n"
            } else {
                out += "Best available mentors (assign with 'assign \(stored.id) MENTOR'):\n"
                out += MatchRendering.candidatesTable(
                    result, names: names, weights: session.config.weights, explain: false, limit: 3
                ).render(style: session.style)
            }
            return out
        }
    }

    /// `{previous, days, mentor}` or null.
    static func returningJSON(_ r: Returning?) -> JSONValue {
        guard let r else { return .null }
        return .object([
            ("previous", .string(r.previous.id)), ("days", .int(r.days)),
            ("mentor", .string(r.previous.mentorID)),
        ])
    }

    /// The desk's warning about a returning person.
    static func returningNote(_ r: Returning, session: Session) -> String {
        let when = r.days == 0 ? "earlier today" : r.days == 1 ? "1 day ago" : "\(r.days) days ago"
        return "returning: this person presented \(when) as \(r.previous.id) "
            + "(\(session.calendar.shortString(r.previous.arrivedAt)), "
            + (r.previous.mentorID.map { "mentor \($0)" } ?? "no mentor") + ", "
            + (r.previous.outcome?.rawValue ?? r.previous.status.rawValue) + ")"
    }
}
