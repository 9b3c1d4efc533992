import AlongsideCore
import ArgumentParser
import Foundation

/// `edit P [options] --reason TEXT`: correct a registration before the person is seen.
struct Edit: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Correct a presentation's details before the person is seen.",
        discussion: """
            Only the options given change. --mentor-gender and --language must name a value \
            some mentor on the roster has. If the assigned mentor no longer meets a request \
            (gender, lead), the console warns; 'unassign P' takes them off. The reason is \
            required and shown in 'show P'.

            Examples:
              edit P12 --needs alcohol,housing --reason "housing missed at triage"
              edit P12 --mentor-gender female --reason "asked for a woman"
              edit P12 --no-lead-mentor --reason "clinician withdrew the request"
            """)
    static let requiredRole = Role.liaison

    @Argument(help: "The presentation, e.g. P12.")
    var presentation: String
    @Option(help: "Locality id where the person lives.")
    var locality: String?
    @Option(help: "Needs: lived-experience tags separated by commas (replaces the list).")
    var needs: String?
    @Option(help: "Mentor gender asked for (empty to remove).")
    var mentorGender: String?
    @Option(help: "Preferred language (empty to remove).")
    var language: String?
    @Flag(inversion: .prefixedNo, help: "Whether a lead peer mentor is asked for.")
    var leadMentor: Bool?
    @Option(help: "Age band, e.g. 25-34 (empty to remove).")
    var ageBand: String?
    @Option(help: "The person's gender (empty to remove).")
    var gender: String?
    @Option(help: "Why (required; do not write names or NHS numbers).")
    var reason: String?

    func execute(_ session: Session) throws -> String {
        var problems = FieldProblems()
        let reason = problems.check {
            try session.correctionReason(self.reason, example: "housing missed at triage")
        }
        let locality = self.locality.flatMap { l in
            problems.check { try session.locality(l, option: "--locality") }
        }
        let needs = self.needs.flatMap { n in
            problems.check { try session.tagList(n, option: "--needs") }
        }
        let mentorGender = self.mentorGender.map { g in
            problems.check {
                try Validate.text(g, option: "--mentor-gender", max: 32)?.lowercased()
            }
        }
        let language = self.language.map { l in
            problems.check { try Validate.text(l, option: "--language", max: 32)?.lowercased() }
        }
        let ageBand = self.ageBand.map { a in
            problems.check { try Validate.text(a, option: "--age-band", max: 16) }
        }
        let gender = self.gender.map { g in
            problems.check { try Validate.text(g, option: "--gender", max: 32)?.lowercased() }
        }
        let now = session.now
        return try session.write("edit") { tx in
            for text in try session.rosterProblems(
                mentorGender: mentorGender.flatMap { $0 ?? nil },
                language: language.flatMap { $0 ?? nil }, in: tx)
            {
                problems.add(text)
            }
            try problems.throwIfAny()
            let before = try session.presentation(presentation, in: tx)
            try session.step { try before.requireEditable() }
            var p = before
            if let locality { p.locality = locality }
            if let needs { p.needs = needs }
            if let mentorGender { p.mentorGender = mentorGender ?? nil }
            if let language { p.language = language ?? nil }
            if let leadMentor { p.leadMentor = leadMentor }
            if let ageBand { p.ageBand = ageBand ?? nil }
            if let gender { p.gender = gender ?? nil }
            if p == before {
                return
                    "Nothing to change for \(p.id); give the options to change (see 'help edit')."
            }
            try tx.updatePresentation(p)
            try tx.insertCorrection(presentation: p.number, kind: "edit", reason: reason!)
            var out = "Updated \(p.id)."
            if p.status == .assigned, let m = p.mentorID,
                let state = try tx.mentorState(m, at: now),
                let rule = session.matcher.firstFailedRule(
                    state, for: try session.matchRequest(p, in: tx), at: now),
                rule == .gender || rule == .notLead
            {
                session.warnings.append(
                    "\(m), who holds \(p.id), no longer meets the request (\(rule.rawValue)); "
                        + "'unassign \(p.id) --reason …' takes them off")
            }
            out += " See 'match \(p.id)' for the mentors who fit now."
            return out
        }
    }
}
