import Testing

@testable import AlongsidePostgres

@Suite("Splitting SQL scripts")
struct PGScriptTests {
    @Test func statementsSplitAtSemicolonsOutsideQuotesAndComments() {
        let script = """
            -- a comment; not a statement
            CREATE TABLE t (a text DEFAULT 'x;y', "b;c" int);
            /* block ; /* nested ; */ still comment */
            INSERT INTO t VALUES (E'it\\'s; fine', 1);
            CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;
            DO $$ BEGIN PERFORM 1; END $$;
            SELECT 'a''; b';;
            ;
            """
        #expect(PGScript.statements(script) == [
            "-- a comment; not a statement\nCREATE TABLE t (a text DEFAULT 'x;y', \"b;c\" int)",
            "/* block ; /* nested ; */ still comment */\nINSERT INTO t VALUES (E'it\\'s; fine', 1)",
            "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql",
            "DO $$ BEGIN PERFORM 1; END $$",
            "SELECT 'a''; b'",
        ])
    }

    @Test func aDollarInAnIdentifierOrAParameterIsNotAQuote() {
        #expect(PGScript.statements("SELECT a$b; SELECT $1; SELECT 2") == [
            "SELECT a$b", "SELECT $1", "SELECT 2",
        ])
    }

    @Test func onlyCommentsMeansNoStatements() {
        #expect(PGScript.statements("-- nothing\n/* here */ ; ").isEmpty)
    }
}
