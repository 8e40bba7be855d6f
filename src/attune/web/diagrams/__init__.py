"""Diagrams drawn on the server as accessible inline SVG (pure functions, SVG text out).

* :mod:`.attachment` — ``attachment_plane``: anxiety × avoidance as a point on a square
  plane, earlier results faded.
* :mod:`.cycle` — ``cycle_diagram``: the patient's cycle as a ring of labelled nodes, what
  it soothes in the centre and the alternatives as a way out.

Like :mod:`attune.web.charts`, the output uses SVG presentation attributes only (no
inline styles, no scripts, nothing loaded), carries ``role="img"``, a ``<title>`` and a
``<desc>`` that says in words what it shows, and escapes every piece of user text.
"""
