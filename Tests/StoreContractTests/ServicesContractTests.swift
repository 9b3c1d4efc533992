import AlongsideCore
import AlongsideStore
import Crypto
import Foundation
import Testing

/// A directory of three services, imported in this (not alphabetical) order.
private let directory: [Service] = [
    Service(
        id: "svc-lighthouse", name: "Lighthouse Recovery", description: "Alcohol and drugs",
        email: "hello@lighthouse.example", url: "https://lighthouse.example", minimumAge: 18,
        areas: ["blackpool", "fleetwood"], taxonomies: ["alcohol", "drugs"],
        schedules: [
            RegularSchedule(
                id: "weekdays", freq: .weekly, byday: [.mo, .tu, .we, .th, .fr], opensAt: 540,
                closesAt: 1020),
            RegularSchedule(
                id: "late", freq: .weekly, byday: [.th], opensAt: 1080, closesAt: 120,
                validFrom: LocalDate(year: 2026, month: 1, day: 1),
                validTo: LocalDate(year: 2026, month: 12, day: 31)),
        ]),
    Service(
        id: "SVC-Advice", name: "Citizens Advice", status: "temporarily closed",
        maximumAge: 99, taxonomies: ["debt", "housing"]),
    Service(
        id: "svc-beacon", name: "Beacon Housing", areas: ["preston"], taxonomies: ["housing"],
        schedules: [
            RegularSchedule(id: "daily", freq: .daily, byday: [], opensAt: 0, closesAt: 1440)
        ]),
]

@Suite("Store contract: services and referrals")
struct ServicesContractTests {
    @Test(arguments: StoreKind.available)
    func theDirectoryIsReplacedWholeAndSearchedInImportOrder(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            #expect(try f.read { try $0.services(need: nil, activeOnly: false) } == [])
            try f.write("services import") { try $0.replaceServices(directory) }
            #expect(try f.read { try $0.services(need: nil, activeOnly: false) } == directory)
            #expect(
                try f.read { try $0.services(need: nil, activeOnly: true) }
                    == [directory[0], directory[2]])
            #expect(
                try f.read { try $0.services(need: "housing", activeOnly: false) }
                    == [directory[1], directory[2]])
            #expect(
                try f.read { try $0.services(need: "Housing", activeOnly: true) } == [directory[2]])
            #expect(try f.read { try $0.services(need: "hous", activeOnly: false) } == [])
            #expect(try f.read { try $0.service("svc-advice") } == directory[1])
            #expect(try f.read { try $0.service("SVC-BEACON") } == directory[2])
            #expect(try f.read { try $0.service("svc-none") } == nil)

            let again = [Service(id: "svc-new", name: "New Start", taxonomies: ["alcohol"])]
            try f.write("services import") { try $0.replaceServices(again) }
            #expect(try f.read { try $0.services(need: nil, activeOnly: false) } == again)
            #expect(try f.read { try $0.service("svc-beacon") } == nil)

            let entries = try f.entries()
            #expect(entries.map(\.action) == ["import", "import"])
            #expect(entries.map(\.entity) == ["services", "services"])
            func digest(_ s: [Service]) -> String {
                let text = JSONValue.array(s.map(\.canonical)).text
                return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }
                    .joined()
            }
            #expect(entries[0].before == #"{"services":0}"#)
            #expect(
                entries[0].after
                    == #"{"services":3,"schedules":3,"sha256":"\#(digest(directory))"}"#)
            #expect(entries[1].before == #"{"services":3}"#)
            #expect(
                entries[1].after == #"{"services":1,"schedules":0,"sha256":"\#(digest(again))"}"#)
            try f.expectClean(entries: 2)
        }
    }

    @Test(arguments: StoreKind.available)
    func referralsAreNumberedFromOneAndMoveThroughTheirStatuses(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            try f.write("register") { tx in
                _ = try tx.insertPresentation(person(arrived: hours(-30)))
                _ = try tx.insertPresentation(person(arrived: hours(-2)))
            }
            let made = [
                Referral(
                    presentation: 2, serviceID: "svc-beacon", serviceName: "Beacon Housing",
                    requestedAt: at(-60)),
                Referral(
                    presentation: 1, serviceID: "svc-lighthouse", serviceName: "Lighthouse",
                    requestedAt: hours(-29)),
                Referral(
                    presentation: 2, serviceID: "svc-advice", serviceName: "Citizens Advice",
                    requestedAt: at(-90)),
            ]
            var numbers: [Int] = []
            for r in made {
                numbers.append(try f.write("refer") { try $0.insertReferral(r) })
            }
            #expect(numbers == [1, 2, 3])
            var first = made[0]
            first.number = 1
            var third = made[2]
            third.number = 3
            #expect(try f.read { try $0.referrals(presentation: 2) } == [first, third])
            #expect(try f.read { try $0.referrals(presentation: 9) } == [])
            let accepted = try first.moved(to: .accepted, at: at(-30).addingTimeInterval(0.9))
            try f.write("referral") { try $0.updateReferral(accepted) }
            var expected = accepted
            expected.acceptedAt = at(-30)
            #expect(try f.read { try $0.referrals(presentation: 2) } == [expected, third])
            #expect(
                try f.read { try $0.referrals(requestedIn: TimeSpan(start: at(-90), end: at(-60))) }
                    == [third])
            #expect(
                try f.read { try $0.referrals(requestedIn: TimeSpan(start: hours(-48), end: t0)) }
                    .map(\.number) == [1, 2, 3])

            let entries = try f.entries().filter { $0.action == "refer" || $0.action == "referral" }
            #expect(entries.map(\.action) == ["refer", "refer", "refer", "referral"])
            #expect(entries.map(\.entity) == ["P2", "P1", "P2", "P2"])
            #expect(
                entries[0].after
                    == #"{"referral":"R1","presentation":"P2","service":"svc-beacon","#
                    + #""status":"requested","consent":"given"}"#)
            #expect(entries[3].after?.contains(#""status":"accepted""#) == true)
            try f.expectClean(entries: 6)
        }
    }
}
