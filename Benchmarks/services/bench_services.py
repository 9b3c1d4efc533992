#!/usr/bin/env python3
"""`services` and `register` with a directory of 2,000 services (issue 15).

Writes a seeded synthetic Open Referral UK directory (N services over the default
localities and tags, one to three areas, one to three schedules and one to four tags each),
makes a demo database (`demo generate`, so `register` ranks a real roster), imports the
directory, and times whole invocations of the binary (start-up included), best of R:

  baseline            `alongside -c "services --need nope-none"` on an empty directory
  services            `services --need debt --locality fleetwood`
  services --open-now `services --need housing --locality blackpool --open-now`
  services (all)      `services --locality kirkham --format json` (every active service)
  register            `register --locality blackpool --needs debt --ref R…` (a new ref)
  register returning  `register … --ref` of a person seen before (the returning look-up)
  services import     the whole directory, replacing it

Usage: python3 Benchmarks/services/bench_services.py [--bin PATH] [--services N]
       [--repeat R] [--seed S]
"""
import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def ids(path):
    with open(path, encoding="utf-8") as f:
        return [row["id"] for row in csv.DictReader(f)]


def write_directory(folder, n, seed):
    rng = random.Random(seed)
    localities = ids(os.path.join(ROOT, "data/localities.csv"))
    tags = ids(os.path.join(ROOT, "data/tags.csv"))
    files = {name: open(os.path.join(folder, name), "w", newline="", encoding="utf-8")
             for name in ["services.csv", "service_areas.csv", "regular_schedules.csv",
                          "service_taxonomies.csv"]}
    w = {k: csv.writer(f) for k, f in files.items()}
    w["services.csv"].writerow(["id", "name", "description", "status", "email", "url",
                                "minimum_age", "maximum_age"])
    w["service_areas.csv"].writerow(["id", "service_id", "service_area"])
    w["regular_schedules.csv"].writerow(["id", "service_id", "freq", "byday", "opens_at",
                                         "closes_at", "valid_from", "valid_to"])
    w["service_taxonomies.csv"].writerow(["id", "service_id", "taxonomy_id"])
    a = s = t = 0
    for i in range(n):
        sid = f"svc-{i}"
        status = "active" if rng.random() < 0.9 else "inactive"
        w["services.csv"].writerow([sid, f"Service {i}", "Synthetic service for the benchmark",
                                    status, f"s{i}@example.org", f"https://example.org/{i}",
                                    "18", ""])
        for loc in rng.sample(localities, rng.randint(1, 3)):
            a += 1
            w["service_areas.csv"].writerow([f"a{a}", sid, loc])
        for _ in range(rng.randint(1, 3)):
            s += 1
            opens = rng.randint(7, 12)
            days = ",".join(sorted(rng.sample(DAYS, rng.randint(1, 5)), key=DAYS.index))
            w["regular_schedules.csv"].writerow([f"r{s}", sid, "WEEKLY", days, f"{opens:02d}:00",
                                                 f"{opens + rng.randint(3, 8):02d}:30", "", ""])
        for tag in rng.sample(tags, rng.randint(1, 4)):
            t += 1
            w["service_taxonomies.csv"].writerow([f"t{t}", sid, tag])
    for f in files.values():
        f.close()


def run(binary, db, command, check=True):
    start = time.perf_counter()
    p = subprocess.run([binary, "--db", db, "-c", command], capture_output=True, text=True)
    elapsed = (time.perf_counter() - start) * 1000
    if check and p.returncode != 0:
        sys.exit(f"{command}: {p.stderr}")
    return elapsed, p.stdout


def best(binary, db, command, repeat):
    return min(run(binary, db, command)[0] for _ in range(repeat))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=".build/release/alongside")
    ap.add_argument("--services", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--seed", type=int, default=15)
    args = ap.parse_args()
    binary = os.path.join(ROOT, args.bin) if not os.path.isabs(args.bin) else args.bin
    with tempfile.TemporaryDirectory() as tmp:
        folder = os.path.join(tmp, "services")
        os.mkdir(folder)
        write_directory(folder, args.services, args.seed)
        db = os.path.join(tmp, "bench.sqlite")
        run(binary, db, "demo generate --mentors 200 --weeks 8 --per-day 60 --seed 1")
        rows = []
        rows.append(("baseline (empty directory)", best(binary, db, "services --need debt", args.repeat)))
        t_import = min(run(binary, db, f"services import {folder}")[0] for _ in range(3))
        _, out = run(binary, db, "services --locality kirkham --format json")
        active = out.count('"service":')
        rows.append((f"services import ({args.services} services)", t_import))
        for label, command in [
            ("services --need debt --locality fleetwood",
             "services --need debt --locality fleetwood"),
            ("services --need housing --locality blackpool --open-now",
             "services --need housing --locality blackpool --open-now"),
            (f"services --locality kirkham --format json ({active} rows)",
             "services --locality kirkham --format json"),
        ]:
            rows.append((label, best(binary, db, command, args.repeat)))
        times = []
        for i in range(args.repeat):
            times.append(run(binary, db, f"register --locality blackpool --needs debt --ref BENCH{i}")[0])
        rows.append(("register (new ref)", min(times)))
        times = []
        for i in range(args.repeat):
            times.append(run(binary, db, "register --locality blackpool --needs debt --ref BENCH0")[0])
        rows.append(("register (returning ref)", min(times)))
        print(f"| command | best of {args.repeat}, ms (whole process) |")
        print("| --- | ---: |")
        for label, ms in rows:
            print(f"| {label} | {ms:.1f} |")


if __name__ == "__main__":
    main()
