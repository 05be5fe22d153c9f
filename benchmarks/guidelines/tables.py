"""Markdown tables of the JSON that run.sh records (pasted into results.md)."""
import json, sys, os

here = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(__file__)
out = []
for b in ("torch", "ort"):
    path = os.path.join(here, f"guidelines-{b}.json")
    if not os.path.exists(path): continue
    j = json.load(open(path))
    out.append(f"### Guidelines, {j['backend']} (batch {j['batch']}, {j['iterations']} timed calls after {j['warmup']} warm-up, "
               f"load {j['load_average_before']:.2f} → {j['load_average_after']:.2f})\n\n{j['machine']}\n")
    for g in ("G1", "G2", "G3", "G4"):
        rows = [r for r in j["rows"] if r["guideline"] == g]
        if not rows: continue
        out.append(f"**{g}**\n\n| setting | width | channels | MMACs | median ms | min ms | img/s here | ratio here | paper GPU (ratio) | paper ARM (ratio) |\n|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            out.append(f"| {r['setting']} | {r['width']} | {r['channels']} | {r['macs']/1e6:.0f} | {r['median_ms']:.2f} | {r['min_ms']:.2f} | {r['images_per_second']:.1f} | "
                       f"**{r['ratio']:.2f}** | {r['paper_gpu']:g} ({r['paper_gpu_ratio']:.2f}) | {r['paper_arm']:g} ({r['paper_arm_ratio']:.2f}) |")
        out.append(f"\n{j['verdicts'][g]}\n")
for b in ("torch", "ort"):
    path = os.path.join(here, f"compare-{b}.json")
    if not os.path.exists(path): continue
    j = json.load(open(path))
    out.append(f"### Architectures, {j['backend']} (batch {j['batch']}, 224x224, {j['iterations']} timed calls, "
               f"load {j['load_average_before']:.2f} → {j['load_average_after']:.2f})\n\n"
               "| model | MFLOPs here (paper) | params here (published) | median ms | min ms | p90 ms | img/s |\n|---|---:|---:|---:|---:|---:|---:|")
    for m in j["models"]:
        pub = f"{m['published_parameters']:,}" if m.get("published_parameters") else "—"
        out.append(f"| {m['family']} {m['name']} | {m['mflops']:.1f} ({m['paper_mflops']:g}) | {m['parameters']:,} ({pub}) | "
                   f"{m['median_ms']:.2f} | {m['min_ms']:.2f} | {m['p90_ms']:.2f} | {m['images_per_second']:.1f} |")
    out.append("")
print("\n".join(out))
