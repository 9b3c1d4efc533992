#!/usr/bin/env python3
"""Alongside on the trust database (PostgreSQL) against the physical limits (issues 11, 16).

One command from the repository root:

    python3 Benchmarks/trust/bench_pg.py

builds the release binary (as bench_trust.py does), starts a throwaway PostgreSQL 15 cluster
of its own (durable: fsync and synchronous_commit on), makes the trust database by running
the console itself against it (`demo generate`), makes a SQLite database of the same size with
the same command, and prints each figure beside its floor measured in the same run:

  pg-register  `register` lines on standard input of one `alongside --db postgres://…`
               process, per command, vs one durable single-row INSERT (its own transaction)
               by psql on the same server, per line of one psql process     target <= 2x
  sqlite-register  bench_trust.py's register row on the SQLite database of the same size
               (for the side-by-side table)                                 target <= 1.5x
  pg-oneshot   one whole `alongside --db postgres://… -c "register …"` process (start-up,
               connect, SCRAM login, migration check, register) vs one `psql -c "INSERT …"`
               process, median of 20 each                                   target <= 3x
  pg-summary   `summary week`, per command, vs psql running one aggregate query over the
               week's rows                                                  target <= 2x
  pg-trace     the statements one register and one summary week send (log_statement=all on
               a copy), each timed by psql; replayed by psql (rolled back), with sites() as
               sent and as a loose index scan; the register's writes alone (committed);
               one round trip (`SELECT 1`): where the time goes             (informative)
  pg-growth    register and summary week at 10k and 100k presentations, same roster
               (not with --quick)                                            (informative)

Per-command figures are slopes, as in bench_trust.py: N1 and N2 commands on standard input
of one process, (t(N2) - t(N1)) / (N2 - N1), best of 3, so start-up, connecting and logging in
cancel out; the psql floors are measured the same way. Beside each wall figure: the CPU time
(user + system) of the client process (the console, or psql), and the CPU time of the server
backends that served it (from the postmaster's reaped-children times; clock-tick resolution,
10 ms over the N2 - N1 commands).

Options: --only NAME[,NAME], --quick, --mentors (default 2000), --weeks (286), --per-day (500),
--bin PATH, --no-build, --work DIR (default .build/bench-pg), --pg-bin DIR
(default /usr/lib/postgresql/15/bin), --keep (leave the cluster running at the end, its
password in a root-only file in its folder, and print how to reach and stop it). Needs the
PostgreSQL server binaries and psql, the sqlite3 shell, and, run as root, the `postgres` OS
user (the server refuses root; initdb and pg_ctl run through `runuser -u postgres --`).
"""

import argparse
import atexit
import csv
import json
import os
import pwd
import re
import secrets
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_trust as bt  # noqa: E402  (the SQLite benchmark's helpers and register row)
from bench_trust import LAST_CPU, LOCALITIES, NEEDS, REPO, run  # noqa: E402

ADMIN = "alongside_bench"
TRUST = "trust"
CLK_TCK = os.sysconf("SC_CLK_TCK")


class Cluster:
    """A throwaway PostgreSQL cluster: initdb into a temporary folder owned by the server's OS
    user, SCRAM passwords with a generated password, listening on a free loopback port, stock
    settings apart from where it listens and the statement log (fsync, synchronous_commit and
    full_page_writes on). Stopped and deleted by stop(), which atexit, SIGTERM/SIGHUP and a
    watchdog shell (for a killed benchmark) all reach."""

    def __init__(self, bin_dir, base, keep=False):
        self.bin = Path(bin_dir)
        self.keep = keep
        for tool in ("initdb", "pg_ctl", "postgres"):
            if not (self.bin / tool).exists():
                sys.exit(f"no {tool} in {self.bin}: apt-get install postgresql-15, "
                         "or give --pg-bin")
        # The server's own psql: /usr/bin/psql on Debian is a Perl wrapper (~30 ms a start).
        self.psql_path = str(self.bin / "psql") if (self.bin / "psql").exists() \
            else shutil.which("psql")
        self.prefix = []
        self.owner = None
        if os.geteuid() == 0:
            try:
                entry = pwd.getpwnam("postgres")
            except KeyError:
                sys.exit("running as root, the server needs an OS user named postgres "
                         "(apt-get install postgresql makes one)")
            self.owner = (entry.pw_uid, entry.pw_gid)
            self.prefix = [shutil.which("runuser") or "/usr/sbin/runuser", "-u", "postgres", "--"]
        # On the disk (not /dev/shm): the commits must be as durable as a trust's.
        self.dir = Path(tempfile.mkdtemp(prefix="alongside-pgbench-", dir=base))
        self.data = self.dir / "data"
        self.password = secrets.token_urlsafe(18)
        self.port = 0
        self.started = False
        self.stopped = False
        if self.owner:
            os.chown(self.dir, *self.owner)
        os.chmod(self.dir, 0o700)

    def _as_server(self, words, log):
        with open(log, "ab") as out:
            return subprocess.run(self.prefix + words, stdout=out, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, cwd=self.dir).returncode

    def start(self):
        pwfile = self.dir / "pwfile"
        fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, (self.password + "\n").encode())
        os.close(fd)
        if self.owner:
            os.chown(pwfile, *self.owner)
        status = self._as_server(
            [str(self.bin / "initdb"), "-D", str(self.data), "-U", ADMIN,
             "--auth=scram-sha-256", f"--pwfile={pwfile}", "--encoding=UTF8", "--locale=C",
             "--no-instructions"], self.dir / "initdb.log")
        pwfile.unlink()
        if status != 0:
            raise RuntimeError("initdb failed:\n" + (self.dir / "initdb.log").read_text()[-3000:])
        for _ in range(5):
            self.port = free_port()
            options = " ".join([
                "-c listen_addresses=127.0.0.1", f"-p {self.port}", f"-k {self.dir}",
                "-c fsync=on", "-c synchronous_commit=on", "-c full_page_writes=on",
                "-c logging_collector=on", "-c log_destination=stderr,csvlog",
                f"-c log_directory={self.dir}/log", "-c log_filename=server.log",
            ])
            status = self._as_server(
                [str(self.bin / "pg_ctl"), "-D", str(self.data), "-l",
                 str(self.dir / "pg_ctl.log"), "-w", "-t", "60", "-s", "-o", options, "start"],
                self.dir / "pg_ctl.out")
            if status == 0:
                self.started = True
                break
        if not self.started:
            raise RuntimeError("pg_ctl start failed:\n"
                               + (self.dir / "pg_ctl.log").read_text()[-3000:])
        if self.keep:
            # For the person who asked to keep it: the password in a file only root can read.
            fd = os.open(self.dir / "password", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.write(fd, (self.password + "\n").encode())
            os.close(fd)
        else:
            self.watchdog()

    def watchdog(self):
        """A detached shell that stops the server and deletes the folder once this process is
        gone, whatever ended it."""
        stop = " ".join(map(shlex.quote, self.stop_command()))
        script = (f"trap '' HUP INT TERM PIPE; while kill -0 {os.getpid()} 2>/dev/null; "
                  f"do sleep 1; done; cd /; {stop} >/dev/null 2>&1; "
                  f"rm -rf {shlex.quote(str(self.dir))}")
        words = ["/bin/sh", "-c", script]
        if shutil.which("setsid"):
            words = [shutil.which("setsid")] + words
        subprocess.Popen(words, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, cwd="/", start_new_session=True)

    def stop_command(self):
        return self.prefix + [str(self.bin / "pg_ctl"), "-D", str(self.data), "-s", "-m", "fast",
                              "-t", "60", "stop"]

    def stop(self):
        if self.stopped:
            return
        self.stopped = True
        if self.keep and self.started:
            print(f"\nThe cluster is left running in {self.dir}: psql -h 127.0.0.1 -p "
                  f"{self.port} -U {ADMIN} {TRUST}, the password in {self.dir}/password; stop "
                  f"it with\n  {' '.join(self.stop_command())} && rm -rf {self.dir}")
            return
        if self.started:
            subprocess.run(self.stop_command(), stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, cwd="/")
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- reaching it -----------------------------------------------------------------------

    def url(self, db):
        return f"postgres://{ADMIN}@127.0.0.1:{self.port}/{db}"

    def psql_cmd(self, db, *extra):
        return [self.psql_path, "-X", "-q", "-h", "127.0.0.1", "-p", str(self.port), "-U", ADMIN,
                "-d", db, *extra]

    def psql(self, db, script, check=True):
        return run(self.psql_cmd(db), stdin="\\set ON_ERROR_STOP 1\n" + script, check=check)

    def value(self, db, query):
        _, out, _ = run(self.psql_cmd(db, "-At", "-c", query))
        return out.strip()

    # -- the server's CPU ------------------------------------------------------------------

    def postmaster(self):
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def server_cpu(self):
        """CPU seconds of the postmaster's reaped children (the backends that have ended),
        in clock ticks."""
        fields = Path(f"/proc/{self.postmaster()}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[13]) + int(fields[14])) / CLK_TCK  # cutime, cstime

    def wait_backends_gone(self, timeout=5.0):
        """Waits until no backend of ours is left (its CPU is counted once it is reaped)."""
        parent = str(self.postmaster())
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            busy = False
            for entry in os.scandir("/proc"):
                if not entry.name.isdigit():
                    continue
                try:
                    stat = Path(entry.path, "stat").read_text()
                    if stat.rsplit(")", 1)[1].split()[1] != parent:
                        continue
                    title = Path(entry.path, "cmdline").read_bytes()
                except OSError:
                    continue
                if ADMIN.encode() in title:
                    busy = True
                    break
            if not busy:
                # A reaped child's times reach cutime when the postmaster waits for it.
                time.sleep(0.005)
                return
            time.sleep(0.002)

    def timed(self, cmd, stdin=None):
        """(wall seconds, client CPU seconds, server CPU seconds) of one process."""
        self.wait_backends_gone()
        before = self.server_cpu()
        seconds, _, _ = run(cmd, stdin=stdin)
        client = LAST_CPU[0]
        self.wait_backends_gone()
        return seconds, client, self.server_cpu() - before


def fmt3(values):
    if not values:
        return "—"
    return " / ".join("—" if v is None else f"{v:.3f}" for v in values)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load():
    return " ".join(open("/proc/loadavg", encoding="utf-8").read().split()[:3])


class PGBench:
    def __init__(self, args, cluster, sq):
        self.args = args
        self.pg = cluster
        self.sq = sq  # the SQLite benchmark: its binary, its rows and its register row
        self.bin = sq.bin
        self.rows = []
        self.growth_rows = []

    def slope3(self, measure, n1, n2, repeat=3):
        """Best-of-repeat per-item (wall, client CPU, server CPU) in ms; each of the three is
        its own best."""
        best = [float("inf")] * 3
        for _ in range(repeat):
            a = measure(n1)
            b = measure(n2)
            for i in range(3):
                best[i] = min(best[i], (b[i] - a[i]) / (n2 - n1) * 1000)
        return best

    def record(self, name, ours, base, target, note=""):
        """One row: ours and the floor as (wall, client CPU, server CPU) in ms (None where
        there is none), the ratio of the wall figures, the target (None: informative)."""
        ratio = ours[0] / base[0] if base and base[0] > 0 else None
        self.rows.append((name, ours, base, ratio, target, note))
        verdict = "" if target is None or ratio is None else \
            ("met" if ratio <= target else "NOT met")
        tgt = "" if target is None else f"<= {target:g}x"
        rtext = "" if ratio is None else f"{ratio:6.2f}x"
        print(f"  {name:<44} {fmt3(ours):<26} floor {fmt3(base):<26} {rtext:>8} {tgt:>7} "
              f"{verdict} {note}", flush=True)

    def table(self):
        print("\nms per command (wall / client CPU / server backend CPU); ratio of the wall "
              "figures, and of the CPU (client + server)")
        print("\n| benchmark | ours | floor | ratio (wall) | ratio (CPU) | goal | |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
        for name, ours, base, ratio, target, _ in self.rows:
            tgt = "" if target is None else f"≤ {target:g}×"
            verdict = "" if target is None or ratio is None else \
                ("met" if ratio <= target else "**not met**")
            cpu = ""
            if base and None not in (ours[1], base[1]):
                a = ours[1] + (ours[2] or 0)
                b = base[1] + (base[2] or 0)
                # A floor's CPU below a few clock ticks over the slope is noise, not a ratio.
                cpu = f"{a / b:.1f}×" if b >= 0.05 else ""
            rtext = "" if ratio is None else f"{ratio:.1f}×"
            print(f"| {name.strip()} | {fmt3(ours)} | {fmt3(base)} | {rtext} | {cpu} | {tgt} | "
                  f"{verdict} |")

    def alongside_cmd(self, db, *commands):
        cmd = [str(self.bin), "--db", self.pg.url(db)]
        for c in commands:
            cmd += ["-c", c]
        return cmd

    # -- the database ----------------------------------------------------------------------

    def make_trust(self, db=TRUST, weeks=None):
        """Makes database `db` by the console's own `demo generate` (then VACUUM ANALYZE);
        returns its number of presentations."""
        a = self.args
        weeks = a.weeks if weeks is None else weeks
        self.pg.psql("postgres", f"CREATE DATABASE {db};\n")
        command = (f"demo generate --mentors {a.mentors} --weeks {weeks} --per-day {a.per_day} "
                   f"--seed {bt.SEED}")
        seconds, out, _ = run(self.alongside_cmd(db, command))
        count = int(self.pg.value(db, "SELECT count(*) FROM presentation"))
        print(f"  made {db} by `{command}` in {seconds:.1f} s "
              f"({count / max(seconds, 1e-9):,.0f} presentations/s)\n    {out.strip()}",
              flush=True)
        started = time.perf_counter()
        self.pg.psql(db, "VACUUM (ANALYZE);\n")
        size = self.pg.value(db, f"SELECT pg_size_pretty(pg_database_size('{db}'))")
        print(f"  VACUUM (ANALYZE) in {time.perf_counter() - started:.1f} s "
              f"(what autovacuum would soon do after a bulk load); {count:,} presentations, "
              f"{size}", flush=True)
        return count

    def copy(self, name, template=TRUST):
        """A copy of a database for a benchmark that writes."""
        self.pg.psql("postgres", f"DROP DATABASE IF EXISTS {name};\nCREATE DATABASE {name} "
                                 f"TEMPLATE {template} STRATEGY FILE_COPY;\n")
        return name

    def on_shift(self, db):
        now = int(time.time())
        return int(self.pg.value(
            db, f'SELECT count(DISTINCT lower(mentor_id)) FROM shift WHERE start <= {now} '
                f'AND "end" > {now} AND start >= {now} - 86400'))

    # -- the benchmarks --------------------------------------------------------------------

    def register_lines(self, n, offset):
        return "".join(
            f"register --locality {LOCALITIES[(i + offset) % len(LOCALITIES)]} "
            f"--needs {NEEDS[(i + offset) % len(NEEDS)]}\n" for i in range(n))

    def floor_insert(self, pid):
        """One row like a register's, with an id of its own: negative, so that it never meets
        the console's next id (max(id) + 1)."""
        return ("INSERT INTO presentation(id, locality, needs, arrived_at) "
                f"VALUES ({pid}, 'blackpool', 'alcohol', extract(epoch FROM now())::bigint);\n")

    def bench_register(self, db, label="register + match + commit, PostgreSQL"):
        n1, n2 = (5, 45) if self.args.quick else (10, 210)
        counter = [0]
        next_id = [0]

        def ours(n):
            counter[0] += 1
            return self.pg.timed(self.alongside_cmd(db), stdin=self.register_lines(n, counter[0]))

        def floor(n):
            lines = []
            for _ in range(n):
                next_id[0] -= 1
                lines.append(self.floor_insert(next_id[0]))
            return self.pg.timed(self.pg.psql_cmd(db),
                                 stdin="\\set ON_ERROR_STOP 1\n" + "".join(lines))

        print(f"  register: {self.on_shift(db)} mentors on shift now; load {load()}", flush=True)
        ms = self.slope3(ours, n1, n2)
        base = self.slope3(floor, n1, n2)
        self.record(label, ms, base, 2.0,
                    "(floor: one durable single-row INSERT by psql)")
        self.register_figures = (ms, base)
        return ms, base

    def bench_oneshot(self, db):
        runs = 7 if self.args.quick else 20
        ours, base = [], []
        next_id = [-10**9]
        for i in range(runs):
            ours.append(self.pg.timed(self.alongside_cmd(
                db, f"register --locality {LOCALITIES[i % len(LOCALITIES)]} "
                    f"--needs {NEEDS[i % len(NEEDS)]}")))
            next_id[0] -= 1
            base.append(self.pg.timed(self.pg.psql_cmd(
                db, "-v", "ON_ERROR_STOP=1", "-c", self.floor_insert(next_id[0]).strip())))

        def med(rows, i):
            return statistics.median(r[i] for r in rows) * 1000

        def mean(rows, i):
            return statistics.fmean(r[i] for r in rows) * 1000

        self.record("one-shot -c register, PostgreSQL (process)",
                    (med(ours, 0), med(ours, 1), mean(ours, 2)),
                    (med(base, 0), med(base, 1), mean(base, 2)), 3.0,
                    f"(median of {runs}, server CPU the mean; floor: one `psql -c INSERT`)")

    def week_bounds(self, db):
        _, out, _ = run(self.alongside_cmd(db, "summary week --format json"))
        summary = json.loads(out)
        monday = date.fromisoformat(summary["from"])
        zone = ZoneInfo("Europe/London")
        start = datetime(monday.year, monday.month, monday.day, tzinfo=zone)
        end_day = monday + timedelta(days=7)
        end = datetime(end_day.year, end_day.month, end_day.day, tzinfo=zone)
        return int(start.timestamp()), int(end.timestamp()), summary

    def summary_query(self, start, end):
        return ("SELECT count(*), count(seen_at), "
                "count(*) FILTER (WHERE seen_at - arrived_at <= 3600), "
                "avg(seen_at - arrived_at), max(seen_at - arrived_at) FROM presentation "
                f"WHERE arrived_at >= {start} AND arrived_at < {end} AND voided_at IS NULL;\n")

    def bench_summary(self, db, label="summary week, PostgreSQL"):
        n1, n2 = (2, 12) if self.args.quick else (5, 45)
        start, end, summary = self.week_bounds(db)
        query = self.summary_query(start, end)

        def ours(n):
            return self.pg.timed(self.alongside_cmd(db), stdin="summary week\n" * n)

        def floor(n):
            return self.pg.timed(self.pg.psql_cmd(db),
                                 stdin="\\set ON_ERROR_STOP 1\n\\o /dev/null\n" + query * n)

        base = self.slope3(floor, n1, n2)
        week = self.slope3(ours, n1, n2)
        self.record(label, week, base, 2.0,
                    f"({summary['presentations']:,} rows in {summary['week']}; floor: one "
                    "aggregate by psql)")
        self.week = (start, end)
        return week, base, summary["presentations"]

    def growth(self):
        """register and summary week as the history grows: 10k and 100k presentations (3 and
        29 weeks at 500 a day), same roster; the 1M figures are the rows above."""
        print(f"\nGrowth: the same roster ({self.args.mentors} mentors), 3 and 29 weeks of "
              "history", flush=True)
        for weeks, label in ((3, "10k"), (29, "100k")):
            db = f"trust_{label}"
            count = self.make_trust(db, weeks)
            shifts = self.on_shift(db)
            reg = self.bench_register(self.copy(db + "_reg", db),
                                      f"register at {label}, PostgreSQL")
            week = self.bench_summary(db, f"summary week at {label}, PostgreSQL")
            self.growth_rows.append((label, count, shifts, reg, week))
            self.pg.psql("postgres", f"DROP DATABASE {db}_reg;\nDROP DATABASE {db};\n")

    def growth_table(self):
        if not self.growth_rows:
            return
        print("\nGrowth, PostgreSQL: ms per command (wall / client CPU / server backend CPU)")
        print("\n| history | presentations | on shift | register | its floor | summary week | "
              "its floor |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for label, count, shifts, reg, week in sorted(self.growth_rows, key=lambda r: r[1]):
            reg_text = " | ".join(map(fmt3, reg)) if reg else "— | —"
            week_text = " | ".join(map(fmt3, week[:2])) if week else "— | —"
            print(f"| {label} | {count:,} | {shifts} | {reg_text} | {week_text} |")

    # -- where the time goes ---------------------------------------------------------------

    def trace(self, name, commands):
        """The statements one console process running `commands` sends, from the server's
        statement log (log_statement=all on a fresh copy): [(sql, params)], parameters as the
        log quotes them (SQL literals)."""
        db = self.copy(f"trace_{name}")
        self.pg.psql("postgres", f"ALTER DATABASE {db} SET log_statement = 'all';\n")
        log = self.pg.dir / "log" / "server.csv"
        mark = log.stat().st_size if log.exists() else 0
        run(self.alongside_cmd(db), stdin="".join(c + "\n" for c in commands))
        self.pg.wait_backends_gone()
        time.sleep(0.5)  # the log collector writes asynchronously
        statements = []
        with open(log, newline="", encoding="utf-8") as f:
            f.seek(mark)
            for row in csv.reader(f):
                if len(row) > 14 and row[2] == db:
                    m = re.match(r"(?:statement|execute [^:]*): (.*)", row[13], re.S)
                    if m:
                        statements.append((m.group(1), parse_params(row[14])))
        self.pg.psql("postgres", f"DROP DATABASE {db};\n")
        return statements

    def command_trace(self, name, first, second):
        """(statements of a process's first command, including connecting and the migration
        check; statements of the second command of the same process): the second is the
        difference of a one-command and a two-command process."""
        one = self.trace(name + "_1", [first])
        two = self.trace(name + "_2", [first, second])
        return one, two[len(one):]

    def statement_times(self, db, statements, repeat=6):
        """Each statement's time as psql's `\\timing` reports it (server work and one round
        trip): the replay `repeat` times in one psql process, the best of all but the first
        (which fills the new backend's caches); None when the replay fails."""
        script = "\\o /dev/null\n\\timing on\n" + replay(statements) * repeat
        try:
            _, out, _ = self.pg.psql(db, script)
        except RuntimeError as error:
            print(f"  the statements could not be replayed: {str(error)[:300]}")
            return None
        times = [float(x) for x in re.findall(r"Time: ([0-9.]+) ms", out)]
        n = len(statements)
        if len(times) != n * repeat:
            return None
        runs = [times[i * n:(i + 1) * n] for i in range(1, repeat)] or [times]
        return [min(column) for column in zip(*runs)]

    def show_statements(self, db, statements):
        times = self.statement_times(db, statements)
        for i, (sql, _) in enumerate(statements):
            t = f"{times[i]:8.3f} ms  " if times else ""
            print(f"    {t}{' '.join(sql.split())[:100]}")
        if times:
            print(f"    {sum(times):8.3f} ms  in all (psql \\timing, one warm backend, best of 5, "
                  "rolled back)")

    def bench_trace(self, db):
        print("\nWhere the time goes: the statements a command sends (log_statement=all on a "
              "copy), each timed by psql", flush=True)
        first, reg = self.command_trace(
            "register", "register --locality blackpool --needs alcohol",
            "register --locality preston --needs housing")
        print(f"  register: {len(reg)} statements, one round trip each, for a register after "
              f"the first; the first command of a process (connect, migration check, "
              f"register) sends {len(first)}")
        self.show_statements(db, reg)
        _, week = self.command_trace("summary", "summary week", "summary week")
        print(f"  summary week: {len(week)} statements")
        self.show_statements(db, week)

        n1, n2 = (5, 45) if self.args.quick else (10, 210)
        m1, m2 = (2, 12) if self.args.quick else (5, 45)

        def psql_lines(text):
            def measure(n):
                return self.pg.timed(self.pg.psql_cmd(db),
                                     stdin="\\set ON_ERROR_STOP 1\n\\o /dev/null\n" + text * n)
            return measure

        def loose(statements):
            return [(SITES_LOOSE if sql.strip() == SITES_DISTINCT.strip().rstrip(";") else sql, p)
                    for sql, p in statements]

        one = self.slope3(psql_lines("SELECT 1;\n"), 10 * n1, 10 * n2)
        base = getattr(self, "register_figures", (None, None))[1]
        self.record("· one round trip (psql `SELECT 1`)", one, None, None)
        # sites(), which register and summary call: as the PostgreSQL store sends it, and as
        # a loose index scan (one seek of presentation_site_arrived per site, as the SQLite
        # store does it).
        distinct = self.slope3(psql_lines(SITES_DISTINCT), m1, m2)
        by_seek = self.slope3(psql_lines(SITES_LOOSE), m1, m2)
        self.record("· sites() by psql: SELECT DISTINCT site", distinct, by_seek, None,
                    "(floor: the same by a loose index scan, as SQLite's store does)")
        if reg and self.statement_times(db, reg, 1) is not None:
            same = self.slope3(psql_lines(replay(reg)), n1, n2)
            self.record("· register's statements by psql, rolled back", same, base, None,
                        f"({len(reg)} statements; floor: the register floor)")
            same = self.slope3(psql_lines(replay(loose(reg))), n1, n2)
            self.record("· the same, sites() by a loose index scan", same, base, None,
                        "(floor: the register floor)")
            writes = writes_only(reg)
            script = replay(writes, commit=True)
            try:
                self.pg.psql(db, script)
                same = self.slope3(psql_lines(script), n1, n2)
                self.record("· register's writes alone by psql, committed", same, base, None,
                            f"({len(writes)} statements: lock, insert, audit entry and head)")
            except RuntimeError as error:
                print(f"  register's writes could not be replayed: {str(error)[:300]}")
        if week and hasattr(self, "week") and self.statement_times(db, week, 1) is not None:
            floor = self.slope3(psql_lines(self.summary_query(*self.week)), m1, m2)
            same = self.slope3(psql_lines(replay(week)), m1, m2)
            self.record("· summary week's statements by psql", same, floor, None,
                        f"({len(week)} statements, rows to /dev/null; floor: the aggregate)")
            same = self.slope3(psql_lines(replay(loose(week))), m1, m2)
            self.record("· the same, sites() by a loose index scan", same, floor, None,
                        "(floor: the aggregate)")


SITES_DISTINCT = "SELECT DISTINCT site FROM presentation ORDER BY site;\n"
SITES_LOOSE = ("WITH RECURSIVE known(site) AS (SELECT min(site) FROM presentation UNION ALL "
               "SELECT (SELECT min(site) FROM presentation WHERE site > known.site) FROM known "
               "WHERE known.site IS NOT NULL) SELECT site FROM known WHERE site IS NOT NULL;\n")

PARAM = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')", re.S)


def parse_params(detail):
    if not detail:
        return {}
    return {int(n): v for n, v in PARAM.findall(detail)}


def replay(statements, commit=False):
    """The statements as one psql script, the log's parameter values put in as literals;
    each COMMIT made a ROLLBACK unless `commit`."""
    out = []
    for sql, params in statements:
        text = re.sub(r"\$(\d+)\b", lambda m: params.get(int(m.group(1)), m.group(0)), sql)
        if text.strip().upper().startswith("COMMIT") and not commit:
            text = "ROLLBACK"
        out.append(text.strip().rstrip(";") + ";\n")
    return "".join(out)


def writes_only(statements):
    """Of a register's statements, its write transaction's writes alone: BEGIN, the write
    lock, the presentation's INSERT, the audit entry with the head's update, COMMIT; the
    entry's seq taken from the head in SQL, so the script can be committed again and again."""
    keep = []
    in_write = False
    for sql, params in statements:
        head = " ".join(sql.split()).upper()
        if head.startswith("BEGIN ISOLATION LEVEL READ COMMITTED"):
            in_write = True
        if not in_write:
            continue
        if head.startswith("WITH ENTRY AS ( INSERT INTO AUDIT"):
            params = dict(params)
            params[1] = "(SELECT seq + 1 FROM audit_head WHERE one = 1)"
            keep.append((sql, params))
        elif head.startswith(("BEGIN", "SELECT PG_ADVISORY_XACT_LOCK", "INSERT INTO PRESENTATION",
                              "COMMIT")):
            keep.append((sql, params))
        if head.startswith("COMMIT"):
            break
    return keep


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin")
    parser.add_argument("--work")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--mentors", type=int, default=2000)
    parser.add_argument("--weeks", type=int, default=286)
    parser.add_argument("--per-day", type=int, default=500)
    parser.add_argument("--pg-bin", default="/usr/lib/postgresql/15/bin")
    parser.add_argument("--keep", action="store_true",
                        help="leave the cluster running at the end")
    parser.add_argument("--only", default="",
                        help="comma list of: pg-register,sqlite-register,pg-oneshot,pg-summary,"
                             "pg-trace,pg-growth (not with --quick)")
    args = parser.parse_args()
    only = set(filter(None, args.only.split(",")))

    def wanted(name):
        return not only or name in only

    if not shutil.which("sqlite3") and wanted("sqlite-register"):
        sys.exit("the sqlite3 shell is needed for the SQLite row: apt-get install sqlite3")
    if not args.no_build and not args.bin:
        print("Building the release binary (swift build -c release --static-swift-stdlib "
              "--scratch-path .build-release)…", flush=True)
        subprocess.run(["swift", "build", "-c", "release", "--product", "alongside",
                        "--static-swift-stdlib", "--scratch-path", str(REPO / ".build-release")],
                       cwd=REPO, check=True, stdout=subprocess.DEVNULL)

    # bench_trust.py's Bench for the SQLite database of the same size and for the table.
    bt.MENTORS = args.mentors
    bt.PER_DAY = args.per_day
    sq_args = argparse.Namespace(bin=args.bin, work=args.work or str(REPO / ".build/bench-pg"),
                                 fresh=True, quick=args.quick)
    sq = bt.Bench(sq_args)
    os.environ.update(NO_COLOR="1", ALONGSIDE_HISTORY="/dev/null")
    os.environ.pop("ALONGSIDE_PIN", None)
    os.environ.pop("ALONGSIDE_CONFIG", None)
    os.environ.pop("ALONGSIDE_DB", None)

    cluster = Cluster(args.pg_bin, "/tmp", keep=args.keep)
    atexit.register(cluster.stop)

    def on_signal(number, _frame):
        raise SystemExit(128 + number)

    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, on_signal)
    try:
        cluster.start()
        os.environ["PGPASSWORD"] = cluster.password  # for psql and the console; never printed
        version = cluster.value("postgres", "SHOW server_version")
        settings = ", ".join(
            f"{s}={cluster.value('postgres', f'SHOW {s}')}"
            for s in ("fsync", "synchronous_commit", "full_page_writes", "wal_sync_method",
                      "shared_buffers"))
        print(f"Machine: {bt.machine()}; load average {load()}\n"
              f"PostgreSQL {version} (throwaway cluster in {cluster.dir}, 127.0.0.1:"
              f"{cluster.port}, scram-sha-256): {settings}\nbinary {sq.bin}")
        bench = PGBench(args, cluster, sq)
        print(f"\nDatabases: demo generate --mentors {args.mentors} --weeks {args.weeks} "
              f"--per-day {args.per_day} --seed {bt.SEED}", flush=True)
        count = bench.make_trust()
        registered = summarised = None
        needs_copy = [n for n in ("pg-register", "pg-oneshot", "pg-trace") if wanted(n)]
        copies = {n: bench.copy(n.replace("-", "_")) for n in needs_copy}
        sqlite_db = None
        if wanted("sqlite-register"):
            label = "1m" if (args.weeks, args.per_day) == (286, 500) else \
                f"{args.weeks}w{args.per_day}d"
            sqlite_db = sq.database(args.weeks, label)
        print(f"\nFigures (per command unless marked); load average {load()}", flush=True)
        if wanted("pg-register"):
            shifts = bench.on_shift(copies["pg-register"])
            registered = bench.bench_register(copies["pg-register"])
        if sqlite_db is not None:
            print(f"  SQLite, same size ({sqlite_db.name}); load {load()}", flush=True)
            first = len(sq.rows)
            sq.bench_register(sqlite_db)
            wall, cpu, same = sq.rows[first:first + 3]
            bench.record("register + match + commit, SQLite (same size)",
                         (wall[1], cpu[1], None), (wall[2], cpu[2], None), 1.5,
                         "(floor: one durable single-row commit by sqlite3, WAL, FULL)")
            bench.record("· register's SQL in the sqlite3 shell", (same[1], None, None),
                         (same[2], None, None), None, "(informative)")
        if wanted("pg-oneshot"):
            bench.bench_oneshot(copies["pg-oneshot"])
        if wanted("pg-summary"):
            summarised = bench.bench_summary(TRUST)
        if wanted("pg-trace"):
            bench.bench_trace(copies["pg-trace"])
        for name in copies.values():
            cluster.psql("postgres", f"DROP DATABASE {name};\n")
        if registered or summarised:
            bench.growth_rows.append((
                "1m" if count > 500_000 else f"{args.weeks} weeks", count,
                shifts if registered else bench.on_shift(TRUST), registered, summarised))
        if wanted("pg-growth") and not args.quick:
            bench.growth()
        print(f"\nload average at the end {load()}")
        bench.table()
        bench.growth_table()
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
