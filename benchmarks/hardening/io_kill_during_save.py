#!/usr/bin/env python3
"""kill -9 a training run while it writes a checkpoint: starts `shufflenet train`, watches the work dir for the
temp file AtomicFile writes for latest.pth (.latest.pth.<guid>.tmp) once a latest.pth exists (so there is one to
resume from), and sends SIGKILL the moment it appears. Prints what the run left behind.
usage: io_kill_during_save.py WORK_DIR -- shufflenet train ARGS...
"""
import os, re, signal, subprocess, sys, time

work, cmd = sys.argv[1], sys.argv[sys.argv.index("--") + 1:]
temp = re.compile(r"^\.latest\.pth\.[0-9a-f]{32}\.tmp$")
os.makedirs(work, exist_ok=True)
proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
seen = None
while proc.poll() is None and seen is None:
    names = os.listdir(work)
    seen = next((n for n in names if temp.match(n)), None) if "latest.pth" in names else None
    if seen is None:
        time.sleep(0.0005)
if seen:
    os.kill(proc.pid, signal.SIGKILL)
proc.wait()
print(f"killed during the write of {seen!r}" if seen else f"run ended (exit {proc.returncode}) before any temp file was seen")
for n in sorted(os.listdir(work)):
    print(f"  left: {n} ({os.path.getsize(os.path.join(work, n))} bytes)")
