"""The info card of the selected muscle: anatomy, current numbers, and why it is lit."""
from __future__ import annotations

import html

import numpy as np
from PySide6.QtWidgets import QTextBrowser

from hipviz.core.activation import movement_direction

__all__ = ["InfoCard", "why_lit", "muscle_numbers", "effort_and_share"]

_POS = ("flexion", "adduction", "internal rotation", "knee flexion")
_NEG = ("extension", "abduction", "external rotation", "knee extension")
_ROLE = {
    "agonist": "shortening: it drives the movement",
    "antagonist": "lengthening under control: it brakes the movement",
    "stabiliser": "holding about the same length: it steadies the joint",
}
_GROUP = {"anterior": "Anterior", "medial": "Medial", "posterior": "Posterior", "lateral": "Lateral",
          "deep_six": "Deep six", "trunk": "Trunk"}


def _cm(v: float) -> str:
    return "0.0 cm" if abs(v) < 0.05 else f"{v:+.1f} cm"


def muscle_numbers(state, side: str, muscle_id: str) -> dict | None:
    """Per-bundle numbers of one muscle in pose 0 (hip or trunk muscle), or None if unknown.

    Returns
    -------
    dict
        ``trunk`` (bool), ``bundles`` (names), ``length_cm`` (B,), ``moment_arm_cm`` (B, 4|3),
        ``activation`` (B,) or None, ``role`` (B,) or None, ``share`` (B,) or None (each
        bundle's part of the moment in the movement's direction).
    """
    for trunk, table in ((False, state.muscles), (True, state.trunk)):
        ms = table.get(side)
        if ms is None or muscle_id not in ms.muscle_ids:
            continue
        idx = [b for b, m in enumerate(ms.muscle_ids) if m == muscle_id]
        return {
            "trunk": trunk,
            "bundles": [ms.bundle_names[b] for b in idx],
            "length_cm": ms.length[0, idx] * 100,
            "moment_arm_cm": ms.moment_arm[0, idx] * 100,
            "activation": None if ms.activation is None else ms.activation[0, idx],
            "role": None if ms.role is None else ms.role[0, idx],
            "share": None if getattr(ms, "share", None) is None else ms.share[0, idx],
        }
    return None


def effort_and_share(state, nums: dict) -> str:
    """Both numbers of a muscle: ``"Effort 23 %, share 41 % of the flexion moment"``.

    Effort is the activation of its hardest-working part; share is the sum of its parts'
    shares of the moment in the movement's direction.
    """
    from hipviz.render.colouring import movement_words

    act = nums["activation"]
    text = f"Effort {float(np.max(act)) * 100:.0f} %"
    share = nums.get("share")
    if share is not None and state.movement is not None:
        text += f", share {float(np.sum(share)) * 100:.0f} % of the {movement_words(state.movement)} moment"
    return text


def why_lit(state, nums: dict) -> str:
    """One sentence: why this muscle is (or is not) working in the current movement.

    Uses the most active bundle, e.g. ``"Lit: flexion moment arm 3.1 cm, shortening: it drives
    the movement."``
    """
    act, role = nums["activation"], nums["role"]
    if act is None or state.movement is None:
        return "No movement is chosen, so no activation is computed: pick the movement being taught."
    b = int(np.argmax(act))
    ma = nums["moment_arm_cm"][b]
    if nums["trunk"]:
        if role[b] == "inactive":
            return "Quiet: the trunk muscles work when the pelvis and lower back have to move or be held."
        return (f"Lit ({act[b] * 100:.0f} %): the pelvis and lower back are moving or held, and "
                f"{_ROLE.get(str(role[b]), str(role[b]))}.")
    if isinstance(state.movement, str) and state.movement.strip().lower() == "auto":
        # a whole movement (a lesson, a motion): each leg has its own direction of travel
        r = str(role[b])
        if r == "inactive":
            return "Quiet in this part of the movement: other muscles carry it."
        return f"Lit ({act[b] * 100:.0f} %): {_ROLE.get(r, r)} as the body moves."
    d = movement_direction(state.movement)
    parts = []
    along = 0.0
    for j, dj in enumerate(d):
        if abs(dj) < 0.1:
            continue
        name, v = (_POS[j], ma[j]) if dj > 0 else (_NEG[j], -ma[j])
        parts.append(f"{name} moment arm {_cm(v)}")
        along += abs(dj) * v
    arms = ", ".join(parts)
    r = str(role[b])
    if r != "inactive":
        if not parts:
            return f"Lit ({act[b] * 100:.0f} %): holding the leg against gravity; {_ROLE.get(r, r)}."
        return f"Lit ({act[b] * 100:.0f} %): {arms}, {_ROLE.get(r, r)}."
    if not parts:
        return "Quiet: not needed to hold this position."
    if along < -0.3:
        return f"Quiet: {arms}. Its pull would oppose the movement, so it lengthens and stays off."
    if along > 0.3:
        return f"Quiet: {arms}. It could help, but the other muscles do it more cheaply here."
    return f"Quiet: {arms}. Its line of pull passes close to the joint axis, so it has little leverage."


class InfoCard(QTextBrowser):
    """Rich-text card; call :meth:`show_muscle` on selection and on every new state."""

    def __init__(self, model, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        self.setObjectName("info_card")
        self.setOpenExternalLinks(False)
        self.selection: tuple[str, str] | None = None
        self.show_muscle(None, None)

    def show_muscle(self, state, selection: tuple[str, str] | None) -> None:
        """Fill the card for ``(side, muscle_id)`` in ``state`` (None: a hint)."""
        self.selection = selection
        if selection is None or state is None:
            self.setHtml("<p style='color:gray'>Click a muscle in the 3D view or in the list to see where it "
                         "runs, what it does and why it is working now.</p>")
            return
        side, mid = selection
        spec = self.model.muscle(mid)
        nums = muscle_numbers(state, side, mid)
        e = html.escape
        side_name = "right" if side == "r" else "left"
        out = [f"<h3 style='margin:0'>{e(spec.name)} <span style='font-weight:normal'>({side_name})</span></h3>",
               f"<p style='margin:2px 0; color:gray'>{_GROUP.get(spec.group, e(spec.group))} group &middot; "
               f"{spec.max_force_n:.0f} N force capacity</p>"]
        if nums is not None:
            act, role = nums["activation"], nums["role"]
            if act is not None:
                b = int(np.argmax(act))
                out.append(f"<p><b>{e(effort_and_share(state, nums))}</b>, {e(str(role[b]))}</p>")
            out.append(f"<p style='background:#FFF4D6; color:#222; padding:4px'><b>Why:</b> {e(why_lit(state, nums))}</p>")
        out.append("<table cellspacing=0 cellpadding=1>")
        for label, text in (("Origin", spec.origin), ("Insertion", spec.insertion), ("Nerve", spec.innervation),
                            ("Actions", "; ".join(spec.actions))):
            out.append(f"<tr><td valign=top><b>{label}</b>&nbsp;</td><td>{e(text)}</td></tr>")
        out.append("</table>")
        if nums is not None:
            out.append(self._bundle_table(nums))
        if spec.notes:
            out.append(f"<p style='color:gray'>{e(spec.notes)}</p>")
        self.setHtml("".join(out))

    @staticmethod
    def _bundle_table(nums: dict) -> str:
        heads = ("flex", "side-bend", "rot") if nums["trunk"] else ("flex", "add", "rot", "knee")
        what = "lumbar" if nums["trunk"] else "hip"
        rows = [f"<p style='margin-bottom:0'><b>Now</b> (moment arms in cm about the {what} axes; "
                "+ = flexion, adduction, internal rotation" + (", knee flexion" if not nums["trunk"] else "") + ")</p>",
                "<table cellspacing=0 cellpadding=2 border=0><tr><th align=left>part</th><th>length</th>"
                + "".join(f"<th>{h}</th>" for h in heads) + "<th>act.</th></tr>"]
        for k, name in enumerate(nums["bundles"]):
            cells = [f"<td>{html.escape(name.replace('_', ' '))}</td>", f"<td align=right>{nums['length_cm'][k]:.1f}</td>"]
            cells += [f"<td align=right>{_cm(v)[:-3]}</td>" for v in nums["moment_arm_cm"][k][:len(heads)]]
            a = nums["activation"]
            cells.append(f"<td align=right>{a[k] * 100:.0f} %</td>" if a is not None else "<td></td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        rows.append("</table>")
        return "".join(rows)
