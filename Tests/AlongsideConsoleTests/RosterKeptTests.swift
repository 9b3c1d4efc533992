import Foundation
import Testing

// The roster kept in memory by a long-running console (issue 16): one script on standard
// input, one process, changes to the roster between registers are seen by the next one.

@Suite("Roster kept across commands")
struct RosterKeptTests {
    static let now = Date(timeIntervalSince1970: 1_796_155_200)  // 2026-12-01T20:00:00Z

    @Test("a pause, an edit and a resume in the same script change the next register's list")
    func changesInOneScriptAreSeen() throws {
        let s = try Sandbox(now: Self.now)
        let setup = try s.commands([
            "mentor add M1 --name Amy --gender female --localities blackpool --experience alcohol --capacity 2",
            "mentor add M2 --name Bob --gender male --localities blackpool --experience alcohol --capacity 2",
            "shift add M1 2026-12-01T18:00 2026-12-02T02:00",
            "shift add M2 2026-12-01T18:00 2026-12-02T02:00",
        ])
        try #require(setup.status == 0, "\(setup)")
        let register = "register --locality blackpool --needs alcohol --format json"
        let r = try s.script(
            [
                register, register, "mentor pause M1", register,
                "mentor edit M2 --localities preston", register,
                "mentor resume M1", register,
            ].joined(separator: "\n") + "\n")
        try #require(r.status == 0, "\(r)")
        // The registers' JSON documents, one a line (the mentor commands print sentences).
        let documents = try r.lines.filter { $0.hasPrefix("{") }.map {
            try #require(
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        try #require(documents.count == 5, "\(r)")
        let lists = documents.map { ($0.list("candidates") ?? []).compactMap { $0.string("mentor") } }
        #expect(Set(lists[0]) == ["M1", "M2"])
        #expect(Set(lists[1]) == ["M1", "M2"])
        #expect(lists[2] == ["M2"])  // M1 paused
        let m2 = try #require(documents[3].list("candidates")?.first)
        #expect(m2.string("mentor") == "M2")
        let locality = try #require(m2.object("components")?.number("locality"))
        #expect(locality < 1)  // M2 serves preston now, not blackpool
        #expect(Set(lists[4]) == ["M1", "M2"])  // M1 back
    }
}
