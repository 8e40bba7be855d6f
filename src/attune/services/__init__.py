"""Use cases named by verbs. Each takes a unit of work first and an Actor where access matters."""
