import AlongsideCore
import Testing

@Suite("CSV")
struct CSVTests {
    private func fields(_ text: String) throws -> [[String]] {
        try CSV.parse(text).map(\.fields)
    }

    private func parseError(_ text: String) -> CSVError? {
        do {
            _ = try CSV.parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func simpleRowsWithAndWithoutTrailingNewline() throws {
        #expect(try fields("a,b,c\n1,2,3\n") == [["a", "b", "c"], ["1", "2", "3"]])
        #expect(try fields("a,b,c\n1,2,3") == [["a", "b", "c"], ["1", "2", "3"]])
        #expect(try fields("") == [])
        #expect(try fields("\n\n") == [])
    }

    @Test func lineEndingsAndBOM() throws {
        let expected = [["id", "name"], ["1", "x"], ["2", "y"]]
        #expect(try fields("id,name\r\n1,x\r\n2,y\r\n") == expected)
        #expect(try fields("id,name\r1,x\r2,y") == expected)
        #expect(try fields("\u{FEFF}id,name\n1,x\n2,y\n") == expected)
        #expect(try fields("\u{FEFF}id,name\r\n1,x\r\n2,y") == expected)
        let records = try CSV.parse("a\r\n\r\nb\rc\n")
        #expect(records.map(\.fields) == [["a"], ["b"], ["c"]])
        #expect(records.map(\.line) == [1, 3, 4])
    }

    @Test func emptyFieldsAndTrailingComma() throws {
        #expect(try fields("a,,c\n,,\n") == [["a", "", "c"], ["", "", ""]])
        #expect(try fields("a,b,") == [["a", "b", ""]])
        #expect(try fields("a,b,\n") == [["a", "b", ""]])
        #expect(try fields("\"\"") == [[""]])
    }

    @Test func blankLinesSkippedButCounted() throws {
        let records = try CSV.parse("h1,h2\n\n1,2\n   \n\t\n3,4\n\n")
        #expect(records.map(\.fields) == [["h1", "h2"], ["1", "2"], ["3", "4"]])
        #expect(records.map(\.line) == [1, 3, 6])
    }

    @Test func quotedFields() throws {
        let text = "name,notes\n\"Smith, Jo\",\"said \"\"hi\"\"\"\n\"\",\"x\"\n"
        #expect(
            try fields(text) == [["name", "notes"], ["Smith, Jo", "said \"hi\""], ["", "x"]])
        #expect(try fields("\"\"\"\"") == [["\""]])
        #expect(try fields("\"a\"\"\",\"\"\"b\"") == [["a\"", "\"b"]])
        #expect(try fields("café,\"naïve, ünïcode 🙂\"") == [["café", "naïve, ünïcode 🙂"]])
    }

    @Test func spacesKeptInUnquotedAndIgnoredAroundQuoted() throws {
        #expect(try fields(" a , b ") == [[" a ", " b "]])
        #expect(try fields(" \"a\" , \"b\"\t") == [["a", "b"]])
        #expect(try fields("\" a \"") == [[" a "]])
    }

    @Test func newlinesInsideQuotesAdvanceLines() throws {
        let text = "id,notes\r\n1,\"line one\r\nline two\nline three\"\r\n2,after\r\n\"3\",x"
        let records = try CSV.parse(text)
        #expect(records.map(\.line) == [1, 2, 5, 6])
        #expect(records[1].fields == ["1", "line one\r\nline two\nline three"])
        #expect(records[2].fields == ["2", "after"])
    }

    @Test func unterminatedQuoteReportsOpeningLine() {
        let error = parseError("id,notes\n1,ok\n2,\"never closed\n3,more\n4,more\n")
        #expect(error?.line == 3)
        #expect(error?.message.contains("never closed") == true)
        #expect(parseError("\"")?.line == 1)
    }

    @Test func strayQuoteInUnquotedField() {
        let error = parseError("id,name\n1,ok\n2,Jo \"JJ\" Smith\n")
        #expect(error?.line == 3)
        #expect(error?.message.contains("quote") == true)
        #expect(parseError("a,b\r\n\"x\r\ny\",z\r\nab\"c,d")?.line == 4)
    }

    @Test func textAfterClosingQuote() {
        let error = parseError("a\n\"multi\nline\"oops,b\n")
        #expect(error?.line == 3)
    }

    @Test func errorFormatting() {
        let error = CSVError(line: 7, message: "bad tag")
        #expect(error.description == "line 7: bad tag")
        #expect(error.formatted(file: "mentors.csv") == "mentors.csv:7: bad tag")
    }

    @Test func escape() {
        #expect(CSV.escape("plain") == "plain")
        #expect(CSV.escape("") == "")
        #expect(CSV.escape("a,b") == "\"a,b\"")
        #expect(CSV.escape("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSV.escape("two\nlines") == "\"two\nlines\"")
        #expect(CSV.escape("cr\rhere") == "\"cr\rhere\"")
        #expect(CSV.escape(" lead") == "\" lead\"")
        #expect(CSV.escape("trail ") == "\"trail \"")
        #expect(CSV.escape("in side") == "in side")
        #expect(CSV.escape("naïve;ünï") == "naïve;ünï")
    }

    @Test func lineAndDocument() {
        #expect(CSV.line(["a", "b,c", ""]) == "a,\"b,c\",")
        #expect(CSV.line([""]) == "\"\"")
        #expect(CSV.line([]) == "")
        let doc = CSV.document(header: ["id", "name"], rows: [["1", "A, B"], ["2", "C"]])
        #expect(doc == "id,name\n1,\"A, B\"\n2,C\n")
        let crlf = CSV.document(header: ["id"], rows: [["1"]], crlf: true)
        #expect(crlf == "id\r\n1\r\n")
    }

    @Test func roundTrip() throws {
        let rows: [[String]] = [
            ["1", "Smith, Jo", "said \"hi\"", ""],
            ["2", " padded ", "multi\nline\r\nfield", "🙂"],
            ["3", "", "", ""],
            ["4", "\"", ",", ";a;b;"],
        ]
        let header = ["id", "name", "notes", "tags"]
        for crlf in [false, true] {
            let text = CSV.document(header: header, rows: rows, crlf: crlf)
            #expect(try fields(text) == [header] + rows)
        }
        #expect(try fields(CSV.line([""])) == [[""]])
    }

    @Test func splitList() {
        #expect(CSV.splitList("alcohol; drugs ;;housing;") == ["alcohol", "drugs", "housing"])
        #expect(CSV.splitList("") == [])
        #expect(CSV.splitList(" ; ; ") == [])
        #expect(CSV.splitList("one") == ["one"])
    }

    @Test func tableHeaderAndValues() throws {
        let table = try CSV.parseTable("\u{FEFF} ID , Name ,Tags\r\n1,Jo,alcohol;debt\r\n2\r\n")
        #expect(table.header == ["id", "name", "tags"])
        #expect(table.column("name") == 1)
        #expect(table.column(" NAME ") == 1)
        #expect(table.column("missing") == nil)
        #expect(table.rows.count == 2)
        #expect(table.value(table.rows[0], "tags") == "alcohol;debt")
        #expect(table.value(table.rows[1], "id") == "2")
        #expect(table.value(table.rows[1], "name") == "")
        #expect(table.value(table.rows[1], "nope") == "")
        #expect(table.rows.map(\.line) == [2, 3])
    }

    @Test func tableErrors() {
        #expect(throws: CSVError.self) { try CSV.parseTable("") }
        #expect(throws: CSVError(line: 1, message: "the header has column 'id' twice")) {
            try CSV.parseTable("id,ID\n1,2\n")
        }
    }

    @Test func requireColumns() throws {
        let table = try CSV.parseTable("id,nmae,lat,longitude\n")
        #expect(throws: Never.self) { try table.requireColumns(["id", "lat"]) }
        do {
            try table.requireColumns(["id", "name", "lat", "lon", "tags"])
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 1)
            #expect(
                error.message
                    == "missing required columns 'name' (the header has 'nmae'; is it misspelt?), "
                    + "'lon' (the header has 'longitude'; is it misspelt?), 'tags'")
        }
        #expect(throws: CSVError(line: 1, message: "missing required column 'tags'")) {
            try table.requireColumns(["tags"])
        }
    }

    @Test func widthErrors() throws {
        // Spec §5: fewer or more fields than the header is an error at the row's line, even
        // when the extra fields are empty. `N3,Sam,polish` under four columns would otherwise
        // put 'polish' under gender.
        let table = try CSV.parseTable("id,name,gender,languages\nN1,Jo,female,english\nN2,Smith, Jo,male,english\nN3,Sam,polish\nN4,Al,male,,\n")
        #expect(
            table.widthErrors() == [
                CSVError(
                    line: 3,
                    message: "this row has 5 fields but the header has 4 "
                        + "(is there a comma that should be in quotes?)"),
                CSVError(
                    line: 4,
                    message: "this row has 3 fields but the header has 4 "
                        + "(is a field or a comma missing?)"),
                CSVError(
                    line: 5,
                    message: "this row has 5 fields but the header has 4 "
                        + "(is there a comma that should be in quotes?)"),
            ])
    }

    @Test func largeInputIsFast() throws {
        let row = "12345,Jo Bloggs,\"Smith, Jo\",blackpool,alcohol;debt,2024-01-01,yes,9434765919,x"
        var text = "a,b,c,d,e,f,g,h,i\r\n"
        text.reserveCapacity(row.utf8.count * 100_002)
        for _ in 0..<100_000 {
            text += row
            text += "\r\n"
        }
        let clock = ContinuousClock()
        var records: [CSVRecord] = []
        let elapsed = try clock.measure { records = try CSV.parse(text) }
        #expect(records.count == 100_001)
        #expect(records[100_000].fields.count == 9)
        #expect(records[100_000].fields[2] == "Smith, Jo")
        #expect(records[100_000].line == 100_001)
        #if DEBUG
            #expect(elapsed < .seconds(10))
        #else
            #expect(elapsed < .milliseconds(500))
        #endif
    }
}
