"""Pure translators between Attune's domain and FHIR R4 JSON (dicts in, dicts out).

* :mod:`.questionnaire` — Instrument ⇄ Questionnaire, and ``apply_wording`` to add a
  clinic's licensed item wording to a shipped instrument.
* :mod:`.questionnaire_response` — read a QuestionnaireResponse (JSON, Bundle or NDJSON)
  into answers by linkId; build one from stored answers.
* :mod:`.library` — load a clinic's folders of extra definitions and Questionnaires.

See docs/fhir.md.
"""
