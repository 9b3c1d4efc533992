#!/usr/bin/env python3
"""Alongside at trust scale against the physical limits (issue 7).

One command from the repository root:

    python3 Benchmarks/trust/bench_trust.py

builds the release binary, makes (or reuses) a database with `demo generate` (5,000 mentors,
about 1,000,000 historic presentations), and prints each figure beside its baseline run in
the same process:

  register   register + match + commit, per command, vs one durable single-row INSERT
             per commit by the sqlite3 shell (WAL, synchronous=FULL)        target <= 1.5x
  summary    `summary week`, per command, vs the sqlite3 shell scanning that week's rows
             with one indexed aggregate query                               target <= 2x
  trend      `summary trend --weeks 52`, per command (same baseline)        (no target)
  import     `presentations import` of 100,000 rows vs sqlite3 `.import` of the same CSV
             into a plain table                                             target <= 2x
  oneshot    one whole `alongside --db FILE -c "register …"` process vs one `sqlite3` process
             doing one durable insert (median of 20 each)                   target <= 3x
  startup    `alongside -c help` vs `sqlite3 :memory: .help`               target <= 2x
  growth     `summary week` at 10k, 100k and 1M presentations (should stay flat)
  plans      EXPLAIN QUERY PLAN of the console's hot queries
  solver     Benchmarks/assign/bench_assign.py

Per-command figures are slopes: the same command N1 and N2 times on standard input of one
process, (t(N2) - t(N1)) / (N2 - N1), so start-up and opening the database cancel out. The
sqlite3 baselines are measured the same way. Options: --quick (smaller N, no growth, no
solver), --only NAME[,NAME], --fresh (remake the databases), --work DIR (default
.build/bench-trust), --bin PATH, --no-build, --dynamic (also time start-up of the default,
dynamically linked release build in .build/release). The binary measured is the release
build with the Swift runtime linked statically, as scripts/demo builds it:
`swift build -c release --static-swift-stdlib --scratch-path .build-release`. Needs Python 3
and the sqlite3 shell
(apt-get install sqlite3); the solver part needs numpy and scipy.
"""

import argparse
import json
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[2]
MENTORS = 5000
PER_DAY = 500
SEED = 7
LOCALITIES = ["blackpool", "preston", "fleetwood", "lancaster", "chorley", "morecambe"]
NEEDS = ["alcohol", "housing", "debt", "bereavement", "drugs,homelessness", "self-harm",
         "loneliness,employment", "gambling,debt"]

# The console's hot queries, as in Sources/AlongsideStore/SQLiteTransaction.swift.
HOT_QUERIES = {
    "mentorStates: shifts covering t":
        'SELECT mentor_id, start, "end" FROM shift WHERE start <= :t AND "end" > :t '
        "AND start >= :t - 7 * 86400",
    "mentorStates: leave covering t":
        'SELECT mentor_id, start, "end" FROM leave WHERE start <= :t AND "end" > :t',
    "mentorStates: all mentors": "SELECT * FROM mentor",
    "caseloads":
        "SELECT mentor_id, count(*) AS n FROM presentation WHERE closed_at IS NULL "
        "AND mentor_id IS NOT NULL GROUP BY mentor_id",
    "waitingPresentations":
        "SELECT * FROM presentation WHERE seen_at IS NULL AND closed_at IS NULL "
        "ORDER BY arrived_at, id",
    "presentations arrived in a week":
        "SELECT * FROM presentation WHERE arrived_at >= :a AND arrived_at < :b "
        "ORDER BY arrived_at, id",
    "shifts overlapping a week":
        'SELECT id, mentor_id, start, "end" FROM shift WHERE 1 AND start < :b AND "end" > :a '
        "ORDER BY start, mentor_id",
    "previousMentors by nhs/ref":
        "SELECT DISTINCT mentor_id FROM presentation WHERE id <> :n AND mentor_id IS NOT NULL "
        "AND seen_at IS NOT NULL AND ((:nhs IS NOT NULL AND nhs = :nhs) "
        "OR (:ref IS NOT NULL AND ref = :ref))",
    "declines of P": "SELECT mentor_id, at, reason FROM decline WHERE presentation_id = :n ORDER BY at",
    "audit head": "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
}


def machine():
    model = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


# CPU seconds (user + system) of the last finished child run by run(): on a machine shared
# with other work the wall time varies with the load, the CPU time much less.
LAST_CPU = [0.0]


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(cmd, stdin=None, check=True, env=None):
    """Runs cmd with stdin text; returns (seconds, stdout, stderr)."""
    cpu_before = children_cpu()
    started = time.perf_counter()
    done = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    LAST_CPU[0] = children_cpu() - cpu_before
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({done.returncode}): "
                           f"{done.stderr.strip()[:2000]}")
    return seconds, done.stdout, done.stderr


def peak_mb(cmd, stdin=None, env=None):
    """The peak resident memory (MB) of one run of cmd, as GNU time reports it (%M). Not
    from this process's own rusage of the child: Linux carries the forked Python's
    resident size across exec into the child's ru_maxrss."""
    done = subprocess.run(["/usr/bin/time", "-f", "%M"] + [str(c) for c in cmd],
                          input=stdin, capture_output=True, text=True, env=env)
    return int(done.stderr.strip().splitlines()[-1]) / 1024


class Bench:
    def __init__(self, args):
        self.args = args
        self.bin = Path(args.bin) if args.bin else REPO / ".build-release/release/alongside"
        self.work = Path(args.work) if args.work else REPO / ".build/bench-trust"
        self.work.mkdir(parents=True, exist_ok=True)
        self.sqlite3 = shutil.which("sqlite3")
        self.rows = []  # (name, ours, baseline, unit, ratio, target)
        self.env = dict(os.environ, NO_COLOR="1", ALONGSIDE_HISTORY="/dev/null")
        self.env.pop("ALONGSIDE_PIN", None)
        self.env.pop("ALONGSIDE_CONFIG", None)

    # -- helpers ---------------------------------------------------------------------------

    def alongside(self, db, stdin=None, commands=(), check=True):
        # As the operating-system user, who needs no PIN (a named --user would).
        cmd = [str(self.bin), "--db", str(db)]
        for c in commands:
            cmd += ["-c", c]
        return run(cmd, stdin=stdin, check=check, env=self.env)

    def sql(self, db, script, check=True):
        return run([self.sqlite3, "-batch", str(db)], stdin=script, check=check)

    def record(self, name, ours, base, unit, target, note=""):
        ratio = ours / base if base > 0 else float("inf")
        self.rows.append((name, ours, base, unit, ratio, target, note))
        verdict = "" if target is None else ("met" if ratio <= target else "NOT met")
        tgt = "" if target is None else f"<= {target:g}x"
        print(f"  {name:<34} ours {ours:10.3f} {unit:<3}  baseline {base:10.3f} {unit:<3}  "
              f"ratio {ratio:6.2f}x  {tgt:>7} {verdict} {note}", flush=True)

    def slope(self, measure, n1, n2, repeat=3):
        """Best-of-repeat per-item time (ms) from t(n2) - t(n1); the CPU slope of the same
        runs goes to self.cpu_ms."""
        best = float("inf")
        best_cpu = float("inf")
        for _ in range(repeat):
            t1 = measure(n1)
            c1 = LAST_CPU[0]
            t2 = measure(n2)
            c2 = LAST_CPU[0]
            best = min(best, (t2 - t1) / (n2 - n1) * 1000)
            best_cpu = min(best_cpu, (c2 - c1) / (n2 - n1) * 1000)
        self.cpu_ms = best_cpu
        return best

    def fresh_copy(self, db, name):
        target = self.work / name
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(target) + suffix)
            if p.exists():
                p.unlink()
        # Checkpoint first so the copy is the whole database.
        con = sqlite3.connect(db)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        shutil.copyfile(db, target)
        os.chmod(target, 0o600)  # the console refuses a database every user can read
        return target

    # -- the databases ---------------------------------------------------------------------

    def database(self, weeks, label):
        """A demo database (reused for the day unless --fresh); returns its path."""
        if MENTORS != 5000:
            label = f"{label}-{MENTORS}mentors"
        db = self.work / f"trust-{label}-{date.today().isoformat()}.sqlite"
        if db.exists() and not self.args.fresh:
            return db
        for old in self.work.glob(f"trust-{label}-????-??-??.sqlite*"):
            old.unlink()
        command = (f"demo generate --mentors {MENTORS} --weeks {weeks} --per-day {PER_DAY} "
                   f"--seed {SEED}")
        seconds, out, _ = self.alongside(db, commands=[command])
        count = self.count(db)
        size = db.stat().st_size / 1e6
        print(f"  made {db.name}: {count:,} presentations, {size:.0f} MB, in {seconds:.1f} s "
              f"({count / seconds:,.0f} rows/s)\n    {out.strip()}", flush=True)
        return db

    def count(self, db):
        con = sqlite3.connect(db)
        n = con.execute("SELECT count(*) FROM presentation").fetchone()[0]
        con.close()
        return n

    def last_week_bounds(self, db):
        """The [start, end) epoch seconds of the last complete ISO week (the console's)."""
        _, out, _ = self.alongside(db, commands=["summary week --format json"])
        summary = json.loads(out)
        monday = date.fromisoformat(summary["from"])
        zone = ZoneInfo("Europe/London")  # the default site zone; demo databases use it
        start = datetime(monday.year, monday.month, monday.day, tzinfo=zone)
        end = start.date() + timedelta(days=7)
        end = datetime(end.year, end.month, end.day, tzinfo=zone)
        return int(start.timestamp()), int(end.timestamp()), summary

    # -- the benchmarks --------------------------------------------------------------------

    def bench_register(self, db):
        n1, n2 = (5, 45) if self.args.quick else (10, 210)
        copy = self.fresh_copy(db, "register.sqlite")

        def lines(n, offset):
            return "".join(
                f"register --locality {LOCALITIES[(i + offset) % len(LOCALITIES)]} "
                f"--needs {NEEDS[(i + offset) % len(NEEDS)]}\n" for i in range(n))

        counter = [0]

        def ours(n):
            counter[0] += 1
            seconds, _, _ = self.alongside(copy, stdin=lines(n, counter[0]))
            return seconds

        def floor(n):
            script = "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\n" + "".join(
                "INSERT INTO presentation(locality, needs, arrived_at) "
                f"VALUES ('blackpool', 'alcohol', strftime('%s','now'));\n" for _ in range(n))
            seconds, _, _ = self.sql(copy, script)
            return seconds

        def same_sql(n):
            # register's own reads and writes, as SQLiteTransaction issues them, in the shell.
            t = int(time.time())
            one = f"""BEGIN IMMEDIATE;
INSERT INTO presentation(locality, needs, arrived_at, lead_mentor) VALUES ('blackpool', 'alcohol;housing', {t}, 0);
SELECT mentor_id, at, reason FROM decline WHERE presentation_id = last_insert_rowid() ORDER BY at;
SELECT mentor_id, start, "end" FROM shift WHERE start <= {t} AND "end" > {t} AND start >= {t} - 7 * 86400;
SELECT mentor_id, start, "end" FROM leave WHERE start <= {t} AND "end" > {t};
SELECT mentor_id, count(*) AS n FROM presentation WHERE closed_at IS NULL AND mentor_id IS NOT NULL GROUP BY mentor_id;
SELECT id, name, gender, languages, localities, experience, capacity, dbs_recheck_due, lead, status FROM mentor;
SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1;
INSERT INTO audit(seq, at, actor, command, action, entity, before, after, prev_hash, hash) SELECT max(seq) + 1, {t}, 'bench', 'register', 'insert', 'P0', NULL, '{{}}', 'x', 'y' FROM audit;
INSERT OR REPLACE INTO meta(key, value) VALUES ('audit_head', 'x');
COMMIT;
"""
            script = "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\n.output /dev/null\n" + one * n
            seconds, _, _ = self.sql(copy, script)
            return seconds

        ms = self.slope(ours, n1, n2)
        cpu = self.cpu_ms
        base = self.slope(floor, n1, n2)
        base_cpu = self.cpu_ms
        self.record("register + match + commit", ms, base, "ms", 1.5,
                    "(floor: one durable single-row commit)")
        self.record("  the same, CPU time (user + sys)", cpu, base_cpu, "ms", None,
                    "(CPU of the same runs; less affected by other load)")
        sql_only = self.slope(same_sql, n1, n2)
        self.record("  register's SQL in the sqlite3 shell", sql_only, base, "ms", None,
                    "(same reads and writes, rows printed to /dev/null)")

    def bench_oneshot(self, db):
        """One whole process per register (start-up, open, checks, match, commit) against one
        sqlite3 process doing one durable insert, median of `runs` each."""
        runs = 7 if self.args.quick else 20
        copy = self.fresh_copy(db, "oneshot.sqlite")
        ours, base = [], []
        for i in range(runs):
            t, _, _ = self.alongside(copy, commands=[
                f"register --locality {LOCALITIES[i % len(LOCALITIES)]} "
                f"--needs {NEEDS[i % len(NEEDS)]}"])
            ours.append(t * 1000)
            t, _, _ = self.sql(
                copy, "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\n"
                      "INSERT INTO presentation(locality, needs, arrived_at) "
                      "VALUES ('blackpool', 'alcohol', strftime('%s','now'));\n")
            base.append(t * 1000)
        self.record("one-shot -c register (process)", statistics.median(ours),
                    statistics.median(base), "ms", 3.0,
                    f"(median of {runs}; floor: one sqlite3 process, one insert)")

    def bench_summary(self, db, label="summary week", trend=True):
        n1, n2 = (2, 12) if self.args.quick else (5, 45)
        start, end, summary = self.last_week_bounds(db)

        def ours(command):
            def measure(n):
                seconds, _, _ = self.alongside(db, stdin=(command + "\n") * n)
                return seconds
            return measure

        query = ("SELECT count(*), sum(seen_at IS NOT NULL), "
                 "sum(seen_at IS NOT NULL AND seen_at - arrived_at <= 3600), "
                 "avg(seen_at - arrived_at), max(seen_at - arrived_at) FROM presentation "
                 f"WHERE arrived_at >= {start} AND arrived_at < {end};\n")

        def floor(n):
            seconds, _, _ = self.sql(db, query * n)
            return seconds

        base = self.slope(floor, n1, n2)
        base_cpu = self.cpu_ms
        week = self.slope(ours("summary week"), n1, n2)
        self.record(label, week, base, "ms", 2.0,
                    f"({summary['presentations']:,} rows in {summary['week']})")
        self.record("  the same, CPU time (user + sys)", self.cpu_ms, base_cpu, "ms", None,
                    "(CPU of the same runs)")
        if trend:
            same = (".output /dev/null\n"
                    "SELECT id, ref, nhs, locality, needs, arrived_at, ed_arrival, age_band, gender, "
                    "mentor_gender, language, lead_mentor, mentor_id, assigned_at, seen_at, "
                    "closed_at, outcome, override_reason FROM presentation "
                    f"WHERE arrived_at >= {start} AND arrived_at < {end} ORDER BY arrived_at, id;\n"
                    'SELECT id, mentor_id, start, "end" FROM shift WHERE 1 AND '
                    f'start < {end} AND "end" > {start} ORDER BY start, mentor_id;\n')

            def same_sql(n):
                seconds, _, _ = self.sql(db, same * n)
                return seconds

            self.record("  summary week's SQL in the shell", self.slope(same_sql, n1, n2), base,
                        "ms", None, "(its two queries, rows printed to /dev/null)")
        if trend:
            self.bench_trend(db, start, end, n1, n2, ours)
        return week, base, summary["presentations"]

    def bench_trend(self, db, start, end, n1, n2, ours):
        """`summary trend --weeks 52` with the closed weeks' figures kept (the steady state:
        each week is computed once, the first time a trend or report shows it), and computed
        afresh with them dropped first, beside 52 indexed aggregates (one a week)."""
        zone = ZoneInfo("Europe/London")
        monday = datetime.fromtimestamp(start, zone).date()
        weeks = []
        for k in range(52):
            a = monday - timedelta(days=7 * k)
            b = a + timedelta(days=7)
            weeks.append((int(datetime(a.year, a.month, a.day, tzinfo=zone).timestamp()),
                          int(datetime(b.year, b.month, b.day, tzinfo=zone).timestamp())))
        aggregates = "".join(
            "SELECT count(*), sum(seen_at IS NOT NULL), "
            "sum(seen_at IS NOT NULL AND seen_at - arrived_at <= 3600), "
            "avg(seen_at - arrived_at), max(seen_at - arrived_at) FROM presentation "
            f"WHERE arrived_at >= {a} AND arrived_at < {b};\n" for a, b in weeks)

        def floor52(n):
            seconds, _, _ = self.sql(db, aggregates * n)
            return seconds

        base = self.slope(floor52, n1, n2)
        base_cpu = self.cpu_ms
        command = "summary trend --weeks 52"
        self.alongside(db, commands=[command])  # keeps the closed weeks' figures
        kept = self.slope(ours(command), n1, n2)
        self.record("summary trend --weeks 52", kept, base, "ms", 1.0,
                    "(figures of closed weeks kept; floor: 52 indexed aggregates)")
        self.record("  the same, CPU time (user + sys)", self.cpu_ms, base_cpu, "ms", None,
                    "(CPU of the same runs)")
        # Computed afresh: whole processes, each after the kept figures are dropped.
        cmd = [str(self.bin), "--db", str(db), "-c", command]
        cold, warm, cold_mb, warm_mb = [], [], [], []
        for _ in range(3):
            self.sql(db, "DELETE FROM week_figures;\n")
            cold.append(run(cmd, env=self.env)[0] * 1000)
            warm.append(run(cmd, env=self.env)[0] * 1000)
            self.sql(db, "DELETE FROM week_figures;\n")
            cold_mb.append(peak_mb(cmd, env=self.env))
            warm_mb.append(peak_mb(cmd, env=self.env))
        one = [self.sqlite3, "-batch", str(db)]
        floor_process = statistics.median(
            run(one, stdin=aggregates)[0] * 1000 for _ in range(3))
        floor_mb = statistics.median(peak_mb(one, stdin=aggregates) for _ in range(3))
        self.record("  computed afresh (whole process)", statistics.median(cold), floor_process,
                    "ms", None, "(kept figures dropped first; floor: one sqlite3 process, "
                                "52 aggregates)")
        self.record("  figures kept (whole process)", statistics.median(warm), floor_process,
                    "ms", None, "(the same processes' next run)")
        self.record("  peak memory, computed afresh", statistics.median(cold_mb), floor_mb, "MB",
                    None, "(ru_maxrss; floor: the sqlite3 process)")
        self.record("  peak memory, figures kept", statistics.median(warm_mb), floor_mb, "MB",
                    None, "")

    def bench_import(self, db):
        _, out, _ = self.alongside(db, commands=["help presentations import"], check=False)
        if "import" not in out:
            print("  presentations import: not in this build; skipped")
            return
        rows = 20_000 if self.args.quick else 100_000
        copy = self.fresh_copy(db, "import.sqlite")
        csv_path = self.work / f"import-{rows}.csv"
        # The newest rows' shape with new refs, so the import sees them as new referrals.
        export = f"""
.headers on
.mode csv
.output {csv_path}
SELECT 'IMP' || id AS ref,
  strftime('%Y-%m-%dT%H:%M:%SZ', arrived_at, 'unixepoch') AS arrived_at,
  locality, needs, mentor_id,
  strftime('%Y-%m-%dT%H:%M:%SZ', assigned_at, 'unixepoch') AS assigned_at,
  strftime('%Y-%m-%dT%H:%M:%SZ', seen_at, 'unixepoch') AS seen_at,
  strftime('%Y-%m-%dT%H:%M:%SZ', closed_at, 'unixepoch') AS closed_at,
  outcome
FROM presentation WHERE closed_at IS NOT NULL ORDER BY id DESC LIMIT {rows};
"""
        self.sql(db, export)
        seconds, out, err = self.alongside(copy, commands=[f"presentations import {csv_path}"])
        plain = self.work / "import-plain.sqlite"
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(plain) + suffix)
            if p.exists():
                p.unlink()
        base, _, _ = self.sql(
            plain, f"PRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\n.mode csv\n"
                   f".import {csv_path} plain\n")
        self.record(f"presentations import {rows:,}", seconds, base, "s", 2.0,
                    f"({rows / seconds:,.0f} rows/s)")

    def bench_startup(self):
        runs = 15 if self.args.quick else 50

        cpu = {}

        def median(cmd):
            times, cpus = [], []
            for _ in range(runs):
                t, _, _ = run(cmd)
                times.append(t * 1000)
                cpus.append(LAST_CPU[0] * 1000)
            cpu[cmd[0]] = statistics.median(cpus)
            return statistics.median(times)

        median([str(self.bin), "-c", "help"])  # warm the page cache
        ours = median([str(self.bin), "-c", "help"])
        base = median([self.sqlite3, ":memory:", ".help"])
        self.record("start-up to first result", ours, base, "ms", 2.0,
                    f"(median of {runs}, incl. fork/exec; static Swift runtime)")
        self.record("  start-up, CPU time (user + sys)", cpu[str(self.bin)], cpu[self.sqlite3],
                    "ms", None, f"(median of {runs})")
        if self.args.dynamic:
            dynamic = REPO / ".build/release/alongside"
            print("  building the dynamically linked release build in .build…", flush=True)
            subprocess.run(["swift", "build", "-c", "release", "--product", "alongside"],
                           cwd=REPO, check=True, stdout=subprocess.DEVNULL)
            median([str(dynamic), "-c", "help"])
            ours = median([str(dynamic), "-c", "help"])
            base = median([self.sqlite3, ":memory:", ".help"])
            self.record("  start-up, dynamic Swift runtime", ours, base, "ms", 2.0,
                        f"(median of {runs})")

    def growth(self):
        print("\nGrowth: one week's summary as the history grows (5,000 mentors, "
              f"{PER_DAY}/day)")
        out = []
        for weeks, label in ((3, "10k"), (29, "100k"), (286, "1m")):
            db = self.database(weeks, label)
            week, base, n = self.bench_summary(db, label=f"summary week at {label}", trend=False)
            out.append((label, self.count(db), week, base, n))
        print("\n| history | presentations | rows in the week | summary week | sqlite3 scan | ratio |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for label, count, week, base, n in out:
            print(f"| {label} | {count:,} | {n:,} | {week:.1f} ms | {base:.2f} ms | "
                  f"{week / base:.0f}× |")
        return out

    def plans(self, db):
        print("\nEXPLAIN QUERY PLAN of the hot queries")
        con = sqlite3.connect(db)
        t = int(time.time())
        params = {"t": t, "a": t - 14 * 86400, "b": t - 7 * 86400, "n": 1,
                  "nhs": "9434765919", "ref": "ED100001"}
        result = {}
        for name, q in HOT_QUERIES.items():
            needed = {k: v for k, v in params.items() if ":" + k in q}
            plan = con.execute("EXPLAIN QUERY PLAN " + q, needed).fetchall()
            lines = [row[3] for row in plan]
            result[name] = lines
            print(f"  {name}:")
            for line in lines:
                print(f"      {line}")
        con.close()
        return result

    def solver(self):
        print("\nAssignment solver (Benchmarks/assign/bench_assign.py)", flush=True)
        script = REPO / "Benchmarks/assign/bench_assign.py"
        if not script.exists():
            print("  not present; skipped")
            return
        done = subprocess.run([sys.executable, str(script), "--bin", str(self.bin)])
        if done.returncode != 0:
            print(f"  bench_assign.py exited {done.returncode}")

    def summary_table(self):
        print("\n| benchmark | ours | baseline | ratio | target | |")
        print("| --- | ---: | ---: | ---: | ---: | --- |")
        for name, ours, base, unit, ratio, target, note in self.rows:
            tgt = "" if target is None else f"≤ {target:g}×"
            verdict = "" if target is None else ("met" if ratio <= target else "**not met**")
            print(f"| {name} | {ours:.3f} {unit} | {base:.3f} {unit} | {ratio:.2f}× | {tgt} | "
                  f"{verdict} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin")
    parser.add_argument("--work")
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--mentors", type=int, default=5000,
                        help="mentors in the demo databases (default 5000)")
    parser.add_argument("--dynamic", action="store_true",
                        help="also build and time the dynamically linked release binary")
    parser.add_argument("--only", default="",
                        help="comma list of: register,oneshot,summary,import,startup,growth,plans,"
                             "solver")
    args = parser.parse_args()
    only = set(filter(None, args.only.split(",")))
    global MENTORS
    MENTORS = args.mentors

    def wanted(name, default=True):
        return name in only if only else default

    if not shutil.which("sqlite3"):
        sys.exit("the sqlite3 shell is needed for the baselines: apt-get install sqlite3")
    if not args.no_build and not args.bin:
        print("Building the release binary (swift build -c release --static-swift-stdlib "
              "--scratch-path .build-release)…", flush=True)
        subprocess.run(["swift", "build", "-c", "release", "--product", "alongside",
                        "--static-swift-stdlib", "--scratch-path", str(REPO / ".build-release")],
                       cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    bench = Bench(args)
    version = subprocess.run([bench.sqlite3, "--version"], capture_output=True, text=True)
    print(f"Machine: {machine()}\nsqlite3 {version.stdout.split()[0]}; binary {bench.bin}")
    print(f"\nDatabase: demo generate --mentors {MENTORS} --per-day {PER_DAY} --seed {SEED}")
    db = bench.database(286, "1m")
    print("\nFigures (per command unless marked)")
    if wanted("register"):
        bench.bench_register(db)
    if wanted("oneshot"):
        bench.bench_oneshot(db)
    if wanted("summary"):
        bench.bench_summary(db)
    if wanted("import"):
        bench.bench_import(db)
    if wanted("startup"):
        bench.bench_startup()
    if wanted("plans"):
        bench.plans(db)
    if wanted("growth", default=not args.quick):
        bench.growth()
    bench.summary_table()
    if wanted("solver", default=not args.quick):
        bench.solver()


if __name__ == "__main__":
    main()
