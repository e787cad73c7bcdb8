"""Process trees of the benchmarks' servers, read from /proc: who runs below a PID, and the CPU they used."""

from __future__ import annotations

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()  # after "pid (comm)": state is field 0 here, ppid field 1


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (children, their children…)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat_fields(int(entry.name))) is not None:
            parents[int(entry.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds of `pid` and every live process below it (each process's own, not its
    reaped children's: the servers' workers live as long as the server)."""
    total = 0
    for each in (pid, *descendants(pid)):
        if (fields := _stat_fields(each)) is not None:
            total += int(fields[11]) + int(fields[12])  # utime, stime (stat fields 14 and 15)
    return total / TICKS


def thread_cpu_seconds(pid: int) -> float:
    """CPU seconds of `pid`'s live threads, to the nanosecond (/proc/<pid>/task/*/schedstat), for spans too
    short for the clock ticks of cpu_seconds(); children not included."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, IndexError, ValueError):  # the thread ended meanwhile
            continue
    return total / 1e9


def postgres_backends_cpu(database: str) -> dict[int, float]:
    """CPU seconds so far of each local PostgreSQL server process serving `database` (its command line,
    "postgres: … <user> <database> <client> …", names it)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            words = (entry / "cmdline").read_bytes().decode(errors="replace").split()
        except OSError:
            continue
        if words[:1] == ["postgres:"] and database in words and (fields := _stat_fields(int(entry.name))):
            found[int(entry.name)] = (int(fields[11]) + int(fields[12])) / TICKS
    return found
