#!/usr/bin/env python3
"""An interleaved A/B of this provider against the build at a git revision
(`make bench-ab AB_REV=<rev>`): both built with the same release profile,
then every run of each figure alternates between them, so that a machine
that slows down meanwhile slows both. The figures are those of bench.py:
launch -> handshake, plans of 1 and 200 data sources (Terraform and
OpenTofu), peak RSS during the 200-plan, binary size, the throttled and
wrong-key plans, and the failure-isolation plans. Writes
bench/results/ab.json and prints a table with after/before ratios. The
200-data-source plans run by id and by name.
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import bench  # noqa: E402

AB_REV = os.environ.get("AB_REV", "")
# AB_ONLY=plans: the launch, plan, memory and size figures only.
AB_DIR = bench.ROOT / "bench" / "results" / "tmp" / "ab-before-release"


def alternate(runs, before, after):
    """Medians of `before()` and `after()`, called in turn after one warm-up each."""
    return bench.interleaved(before, after, runs=runs)


def main():
    if not AB_REV:
        sys.exit("set AB_REV to the revision to compare with (e.g. AB_REV=127109f)")
    subprocess.run(["cargo", "build", "--quiet", "--locked", "--release", "--bins"], cwd=bench.ROOT, check=True)
    subprocess.run([bench.ROOT / "scripts" / "install-test-tools.sh"], check=True, stdout=subprocess.DEVNULL)
    builds = {"before": bench.baseline_binary(AB_REV, AB_DIR, thin=False), "after": bench.OURS}
    tf = bench.terraform_cli()
    runs = bench.RUNS
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="dli-bench-ab-"))
    rows = {}
    try:
        dirs = {k: bench.provider_dir(tmp, f"{k}-bin", v) for k, v in builds.items()}
        pem = bench.client_cert_pem(tmp)
        rows["handshake_ms"] = [x * 1e3 for x in alternate(
            runs * 3, *(lambda b=b: bench.handshake_seconds(b, "5,6", pem) for b in builds.values()))]

        one = bench.DLI + f'data "dli_enhanced_connection" "c" {{\n  connection_id = "{bench.SEED_ID}"\n}}\n'
        configs = (("one", one), ("many", bench.many_config(by_name=False)),
                   ("many_by_name", bench.many_config(by_name=True)))
        ws = {(k, n): bench.workspace(tmp, f"{n}-{k}", cfg, dirs[k]) for k in builds for n, cfg in configs}
        fake = bench.Fake(bench.make_dir(tmp / "fake"))
        for cli_name, cli in (("terraform", tf), ("tofu", bench.TOFU)):
            for n, _ in configs:
                rows[f"{cli_name}_plan_{n}_s"] = list(alternate(
                    runs, *(lambda k=k: bench.plan_seconds(cli, ws[(k, n)], fake.url) for k in builds)))
        fake.stop()
        rss = []
        for k in builds:
            fake = bench.Fake(bench.make_dir(tmp / f"fake-rss-{k}"))
            peak = bench.PeakRss()
            bench.plan_seconds(tf, ws[(k, "many")], fake.url)
            rss.append(peak.stop())
            fake.stop()
        rows["peak_rss_mb"] = rss
        rows["binary_mb"] = [b.stat().st_size / 1e6 for b in builds.values()]
        if os.environ.get("AB_ONLY") == "plans":
            return report(rows)
        gateway = {k: bench.gateway_runs(tf, tmp, dirs[k]) for k in builds}
        rows["throttled_300_s"] = [gateway[k][0] for k in builds]
        rows["throttled_300_refused"] = [gateway[k][2] for k in builds]
        rows["bad_key_20_signed"] = [gateway[k][3] for k in builds]
        isolation = {k: bench.isolation_runs(tf, tmp, dirs[k]) for k in builds}
        rows["black_hole_10_s"] = [isolation[k][0] for k in builds]
        rows["chaos_300_s"] = [isolation[k][1][0] for k in builds]
        rows["bad_key_behind_502_signed"] = [isolation[k][2] for k in builds]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report(rows)


def report(rows):
    """Writes bench/results/ab.json and prints the table."""
    results = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "before": AB_REV,
        "after": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=bench.ROOT,
                                capture_output=True, text=True).stdout.strip(),
        "runs": bench.RUNS,
        "rows": {k: {"before": v[0], "after": v[1]} for k, v in rows.items()},
    }
    bench.RESULTS.mkdir(parents=True, exist_ok=True)
    (bench.RESULTS / "ab.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"| figure | before ({AB_REV}) | after | after / before |\n|---|---|---|---|")
    for name, (before, after) in rows.items():
        ratio = f"{after / before:.2f}" if before else "-"
        print(f"| {name} | {before:.3f} | {after:.3f} | {ratio} |")


if __name__ == "__main__":
    main()
