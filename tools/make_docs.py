"""Regenerate the data-driven parts of docs/: the muscle table and the moment-arm plots.

Run from the repository root: ``python tools/make_docs.py``. Everything is computed from
the shipped data, so the docs stay true to what the program does.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import hipviz  # noqa: E402

GROUP_NAMES = {"anterior": "Anterior", "medial": "Medial", "posterior": "Posterior",
               "lateral": "Lateral", "deep_six": "Deep six", "trunk": "Trunk"}


def muscle_table(model) -> str:
    """Markdown table: every muscle with group, actions, force and its moment arms at neutral."""
    st = hipviz.evaluate(model, {}, with_paths=False)
    ms = st.muscles["r"]
    rows = ["| Muscle | Group | Textbook actions | Innervation | Max force (N) | Bundles: flexion / adduction / rotation moment arm at neutral (cm) |",
            "|---|---|---|---|---|---|"]
    for m in model.muscles:
        arms = []
        for b, (mid, bname) in enumerate(zip(ms.muscle_ids, ms.bundle_names)):
            if mid == m.id:
                r = ms.moment_arm[0, b, :3] * 100
                label = "" if bname == "main" else f"{bname}: "
                arms.append(f"{label}{r[0]:+.1f} / {r[1]:+.1f} / {r[2]:+.1f}")
        rows.append(f"| {m.name} | {GROUP_NAMES[m.group]} | {'; '.join(m.actions)} | {m.innervation} | "
                    f"{m.max_force_n:.0f} | {'<br>'.join(arms)} |")
    return "\n".join(rows)


def reversal_plot(model, path: Path) -> None:
    """Moment arm against hip flexion for the reversing muscles (the teaching figure)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    f = np.linspace(-20, 110, 261)
    st = hipviz.evaluate(model, {"flexion": f}, with_paths=False)
    ms = st.muscles["r"]

    def arm(muscle, bundle, q):
        i = [k for k, (a, b) in enumerate(zip(ms.muscle_ids, ms.bundle_names)) if a == muscle and (bundle is None or b == bundle)][0]
        return ms.moment_arm[:, i, q] * 100

    okabe = ["#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#000000"]
    fig, axes = plt.subplots(1, 2, figsize=(13, 5.2), dpi=130)
    ax = axes[0]
    for (m, b, label), c, ls in zip([("piriformis", None, "Piriformis"), ("gluteus_medius", "anterior", "Gluteus medius, anterior"),
                                     ("gluteus_medius", "posterior", "Gluteus medius, posterior"), ("quadratus_femoris", None, "Quadratus femoris"),
                                     ("obturator_internus", None, "Obturator internus")], okabe, ["-", "--", "-.", ":", (0, (5, 1, 1, 1))]):
        ax.plot(f, arm(m, b, 2), color=c, lw=2.6, ls=ls, label=label)
    ax.set_title("Rotation moment arm: who turns the thigh which way", fontsize=13)
    ax.set_ylabel("moment arm (cm)\n+ internal rotation   |   - external rotation", fontsize=11)
    ax = axes[1]
    for (m, b, label), c, ls in zip([("adductor_longus", None, "Adductor longus"), ("adductor_brevis", None, "Adductor brevis"),
                                     ("gracilis", None, "Gracilis"), ("adductor_magnus", "ischiocondylar", "Adductor magnus, ischiocondylar"),
                                     ("iliopsoas", "iliacus", "Iliopsoas (iliacus)")], okabe, ["-", "--", "-.", ":", (0, (5, 1, 1, 1))]):
        ax.plot(f, arm(m, b, 0), color=c, lw=2.6, ls=ls, label=label)
    ax.set_title("Flexion moment arm: the adductors change sides", fontsize=13)
    ax.set_ylabel("moment arm (cm)\n+ flexion   |   - extension", fontsize=11)
    for ax in axes:
        ax.axhline(0, color="0.3", lw=1)
        ax.set_xlabel("hip flexion (degrees)", fontsize=11)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=9.5, loc="best")
        ax.tick_params(labelsize=10)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def validation_table(model) -> str:
    """Markdown table of the model against the published ranges, outliers first."""
    from hipviz.core.validation import compare_with_reference
    rows = sorted(compare_with_reference(model), key=lambda r: -r.distance_cm)
    near = sum(r.distance_cm <= 1.0 for r in rows)
    main = [r for r in rows if r.main_action]
    lines = [f"{len(rows)} comparisons; **{sum(r.sign_agrees for r in main)} of {len(main)} main actions** "
             f"(published range beyond +-1 cm) have the published sign; **{near} of {len(rows)}** values lie within "
             "1 cm of the published range.", "",
             "| Muscle | Bundle | Coordinate | hipviz (cm) | Published (cm) | Outside by (cm) |", "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r.muscle.replace('_', ' ')} | {r.bundle} | {r.coordinate} | {r.model_cm:+.1f} | "
                     f"{r.low_cm:+g} to {r.high_cm:+g} | {r.distance_cm:.1f} |")
    return "\n".join(lines)


def range_tables(model) -> str:
    """Markdown: the model along every published pose-dependent curve, then RMSE per muscle."""
    from hipviz.core.validation import check_signs_along_range, compare_along_curves, rmse_per_muscle
    curves = compare_along_curves(model)
    dist = np.concatenate([c.distance_cm for c in curves])
    lines = [f"{len(curves)} curves, {dist.size} points; **{int(np.sum(dist == 0))}** lie inside the published band, "
             f"**{int(np.sum(dist <= 1.5))}** within 1.5 cm of it. Model: hip flexion as listed, other coordinates 0.", ""]
    for c in curves:
        lines += [f"**{c.muscle.replace('_', ' ')}** ({', '.join(b.replace('_', ' ') for b in c.bundles)}), "
                  f"{c.coordinate}: RMSE {c.rmse_cm:.2f} cm against the band's midpoint. Source: {c.source}.", "",
                  "| Flexion (deg) | hipviz (cm) | Published (cm) | Outside by (cm) |", "|---|---|---|---|"]
        for a, m, lo, hi, d in zip(c.angles, c.model_cm, c.low_cm, c.high_cm, c.distance_cm):
            band = f"{lo:+.1f}" if lo == hi else f"{lo:+.1f} to {hi:+.1f}"
            lines.append(f"| {a:g} | {m:+.1f} | {band} | {d:.1f} |")
        lines.append("")
    lines += ["RMSE per muscle, pooled over its curves and angles:", "", "| Muscle | RMSE (cm) |", "|---|---|"]
    for m, v in sorted(rmse_per_muscle(curves).items(), key=lambda kv: -kv[1]):
        lines.append(f"| {m.replace('_', ' ')} | {v:.2f} |")
    lines += ["", "Sign-only expectations (no published magnitudes):", "",
              "| Muscle | Coordinate | Flexion (deg) | hipviz (cm) | Expected sign | Agrees | Source |", "|---|---|---|---|---|---|---|"]
    for s in check_signs_along_range(model):
        vals = ", ".join(f"{v:+.1f}" for v in s.model_cm)
        signs = ", ".join("+" if v > 0 else "-" for v in s.sign)
        lines.append(f"| {s.muscle.replace('_', ' ')} ({', '.join(s.bundles)}) | {s.coordinate} | "
                     f"{', '.join(f'{a:g}' for a in s.angles)} | {vals} | {signs} | {'yes' if s.agrees.all() else '**no**'} | {s.source} |")
    return "\n".join(lines)


def _fill(path: Path, key: str, content: str) -> None:
    text = path.read_text()
    start, end = f"<!-- {key}:start -->", f"<!-- {key}:end -->"
    head, rest = text.split(start)
    _, tail = rest.split(end)
    path.write_text(head + start + "\n" + content + "\n" + end + tail)


def main() -> None:
    model = hipviz.load_model()
    _fill(ROOT / "docs" / "muscles.md", "muscle-table", muscle_table(model))
    _fill(ROOT / "docs" / "validation.md", "validation-table", validation_table(model))
    _fill(ROOT / "docs" / "validation.md", "validation-range", range_tables(model))
    reversal_plot(model, ROOT / "docs" / "images" / "moment_arm_reversals.png")
    print("updated docs/muscles.md, docs/validation.md and docs/images/moment_arm_reversals.png")


if __name__ == "__main__":
    main()
