"""Turn an Instrument back into a definition mapping (the inverse of ``parse_definition``).

``parse_definition(to_definition(instrument)) == instrument`` for every instrument, which
the tests check. Options shared by several items are written once as a named scale;
reverse-keyed items keep ``reverse: true``; any other weight that differs from its code
is written out explicitly.
"""

from __future__ import annotations

from attune.domain.instruments.model import Band, Instrument, Item, Option, reverse_code

Definition = dict[str, object]


def _option(option: Option, reverse: bool) -> dict[str, object]:
    out: dict[str, object] = {"code": option.code, "label": option.label}
    if not reverse and option.weight != option.code:
        out["weight"] = option.weight
    if option.system is not None or option.system_code is not None:
        out["coding"] = {"system": option.system, "code": option.system_code}
    return out


def _plain_reverse(item: Item) -> bool:
    return item.reverse and all(
        o.weight == reverse_code(item.low, item.high, o.code) for o in item.options
    )


def _bands(bands: tuple[Band, ...]) -> list[dict[str, object]]:
    return [{"min": b.minimum, "label": b.label, "meaning": b.meaning} for b in bands]


def to_definition(instrument: Instrument, *, include_wording: bool = True) -> Definition:
    """The definition mapping of ``instrument``; ``include_wording=False`` drops item text,
    option labels stay (they are only ever generic anchors when wording does not ship)."""
    scales: dict[str, list[dict[str, object]]] = {}
    items: list[dict[str, object]] = []
    for item in instrument.items:
        reverse = _plain_reverse(item)
        options = [_option(o, reverse) for o in item.options]
        name = next((k for k, v in scales.items() if v == options), f"s{len(scales) + 1}")
        scales.setdefault(name, options)
        entry: dict[str, object] = {"linkId": item.link_id, "scale": name}
        if include_wording and item.text is not None:
            entry["text"] = item.text
        for key, value in (("topic", item.topic), ("loinc", item.loinc)):
            if value is not None:
                entry[key] = value
        if reverse:
            entry["reverse"] = True
        items.append(entry)

    scoring: dict[str, object] = {
        "method": instrument.method.value,
        "has_total": instrument.has_total,
        "missing": {
            "rule": instrument.missing_rule.value,
            "max_missing": instrument.max_missing,
            "source": instrument.missing_source,
        },
        "bands": _bands(instrument.bands),
        "bands_source": instrument.bands_source,
        "subscales": [
            {
                "key": s.key,
                "name": s.name,
                "items": list(s.items),
                "method": s.method.value,
                "bands": _bands(s.bands),
            }
            for s in instrument.subscales
        ],
        "critical": [
            {"linkId": c.link_id, "min": c.minimum, "flag": c.flag, "message": c.message}
            for c in instrument.critical
        ],
        "skip": [
            {
                "when": list(s.when),
                "equals": s.equals,
                "skip": list(s.skip),
                "weight": s.weight,
                "source": s.source,
            }
            for s in instrument.skip_rules
        ],
    }
    if instrument.rule is not None:
        scoring["rule"] = instrument.rule
    pairs = (("loinc_panel", instrument.loinc_panel), ("loinc_total", instrument.loinc_total))
    codes = {k: v for k, v in pairs if v is not None}
    licence = instrument.licence
    definition: Definition = {
        "id": instrument.id,
        "title": instrument.title,
        "abbreviation": instrument.abbreviation,
        "version": instrument.version,
        "description": instrument.description,
        "instructions": instrument.instructions if include_wording else "",
        "scales": scales,
        "items": items,
        "scoring": scoring,
        "codes": codes,
        "source": {k: v for k, v in vars(instrument.source).items() if v is not None},
        "licence": {
            "name": licence.name,
            "terms": licence.terms,
            "wording_ships": licence.wording_ships,
            "reasoning": licence.reasoning,
            **({"url": licence.url} if licence.url else {}),
        },
        "facts": [
            {"fact": f.fact, "status": f.evidence.value, "source": f.source}
            for f in instrument.facts
        ],
        "notes": list(instrument.notes),
    }
    if instrument.wording_source is not None:
        definition["wording_source"] = instrument.wording_source
    return definition
